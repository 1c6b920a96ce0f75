"""Sync: a deck follows the other's tempo and lands on its beats, and stays there for minutes."""

import numpy as np
import pytest

from tests.studio.decks.deck_rig import SR, DeckRig, click_track, recorded


def click_times_s(samples: np.ndarray, threshold: float = 0.1) -> np.ndarray:
    """When each click sounds: the centre of its energy. (Key lock's phase vocoder spreads a
    5 ms click over its 21 ms window, so where it first crosses a threshold says little;
    its energy stays centred where the click was.)"""
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if loud.size == 0:
        return loud / SR
    starts = loud[np.concatenate([[True], np.diff(loud) > SR // 20])]
    half = int(0.025 * SR)
    centres = []
    for start in starts:
        window = samples[max(0, start - half):start + half].astype(np.float64) ** 2
        centres.append(max(0, start - half) + np.sum(np.arange(len(window)) * window) / np.sum(window))
    return np.array(centres) / SR


def envelope_lag_ms(a: np.ndarray, b: np.ndarray, most_ms: float = 30.0) -> float:
    """How much later b's loudness follows a's (ms), from the peak of their envelopes' correlation."""
    kernel = np.ones(int(0.002 * SR)) / int(0.002 * SR)
    env_a, env_b = (np.convolve(np.abs(x), kernel, mode="same") for x in (a, b))
    size = 1 << int(np.ceil(np.log2(2 * len(env_a))))
    correlation = np.fft.irfft(np.conj(np.fft.rfft(env_a, size)) * np.fft.rfft(env_b, size), size)
    most = int(most_ms / 1000 * SR)
    lags = np.concatenate([np.arange(0, most + 1), np.arange(-most, 0)])
    scores = np.concatenate([correlation[:most + 1], correlation[-most:]])
    return 1000 * lags[int(np.argmax(scores))] / SR


def nearest_gaps_ms(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For each time in a, the distance to the nearest time in b, in ms."""
    index = np.clip(np.searchsorted(b, a), 1, len(b) - 1)
    return 1000 * np.minimum(np.abs(a - b[index - 1]), np.abs(a - b[index]))


@pytest.mark.parametrize("key_lock", [0, 1], ids=["straight", "key-lock"])
def test_synced_decks_keep_their_beats_within_5_ms_for_2_minutes(tmp_path, key_lock):
    rig = DeckRig(tmp_path, capacity_s=150.0, block=1024)
    try:
        rig.load(1, click_track(120.0, 140.0, first_beat_s=0.25), bpm=120.0, first_beat_s=0.25)
        rig.load(2, click_track(126.5, 140.0, first_beat_s=0.37), bpm=126.5, first_beat_s=0.37)
        for deck in (1, 2):
            rig.act(deck, "key_lock", key_lock)
        out1 = rig.record(rig.decks.decks[0].channel.output, 125.0)
        out2 = rig.record(rig.decks.decks[1].channel.output, 125.0)
        rig.act(1, "playing", 1)
        rig.run(1.3)
        rig.act(2, "playing", 1)  # off the beat, at its own tempo
        rig.run(0.7)
        rig.act(2, "sync", 1)
        status = rig.decks.status()[1]
        assert status.bpm == pytest.approx(120.0)
        assert status.rate == pytest.approx(120.0 / 126.5)
        rig.run(123.0)
        one, two = recorded(out1), recorded(out2)
        if not key_lock:  # every click on its own
            first, second = click_times_s(one), click_times_s(two)
            after_sync = second[second > 2.5]
            assert len(after_sync) > 230  # two minutes of beats
            gaps = nearest_gaps_ms(after_sync, first)
            print(f"straight: {len(gaps)} beats, largest gap {gaps.max():.3f} ms, last {gaps[-10:].max():.3f} ms")
            assert gaps.max() < 5.0
            assert gaps[-20:].max() <= gaps[:20].max() + 0.1  # no drift
        # Ten seconds at a time, how far apart the two decks' beats are (the phase vocoder
        # spreads each click over its window, so single clicks are not a fair measure there).
        lags = [envelope_lag_ms(one[start:start + 10 * SR], two[start:start + 10 * SR])
                for start in range(3 * SR, 123 * SR, 10 * SR)]
        print(f"key lock {key_lock}: lag per 10 s: {np.round(lags, 2)} ms")
        assert max(abs(lag) for lag in lags) < 5.0
    finally:
        rig.close()


def test_sync_plays_half_time_when_that_is_nearer_the_tracks_own_tempo(tmp_path):
    rig = DeckRig(tmp_path, capacity_s=30.0)
    try:
        rig.load(1, click_track(140.0, 20.0), bpm=140.0)
        rig.load(2, click_track(72.0, 20.0), bpm=72.0)
        rig.act(2, "sync", 1)
        assert rig.decks.status()[1].bpm == pytest.approx(70.0)  # not 140: that would be double speed
        rig.act(1, "tempo", 0.5)  # the leader speeds up 4 %: the follower goes with it
        assert rig.decks.status()[1].bpm == pytest.approx(70.0 * 1.04)
        rig.act(2, "tempo", 0.0)  # touching the follower's own tempo takes it out of sync
        assert not rig.decks.status()[1].synced
        assert rig.decks.status()[1].bpm == pytest.approx(72.0)
    finally:
        rig.close()


def test_syncing_one_way_then_the_other_makes_the_first_lead(tmp_path):
    rig = DeckRig(tmp_path, capacity_s=30.0)
    try:
        rig.load(1, click_track(120.0, 10.0), bpm=120.0)
        rig.load(2, click_track(125.0, 10.0), bpm=125.0)
        rig.act(2, "sync", 1)
        rig.act(1, "sync", 1)
        one, two = rig.decks.status()
        assert one.synced and not two.synced
        assert one.bpm == pytest.approx(120.0)  # deck 2 kept the tempo it had reached
        assert two.bpm == pytest.approx(120.0)
    finally:
        rig.close()
