"""A deck reads its track sample for sample: at normal speed, in a loop, after a jump, after a roll."""

import numpy as np
import pytest

from tests.studio.decks.deck_rig import SR, DeckRig, recorded

SECONDS = 20.0


def numbered_track(seconds: float = SECONDS) -> np.ndarray:
    """Every frame's sample is its own index (scaled), so the output says which frame was read."""
    n = np.arange(int(seconds * SR), dtype=np.float64)
    return np.stack([n / 2**24, -n / 2**24], axis=1)


@pytest.fixture
def rig(tmp_path):
    rig = DeckRig(tmp_path, capacity_s=30.0)
    yield rig
    rig.close()


def read_frames(table) -> np.ndarray:
    return recorded(table, 0) * 2**24


def test_at_normal_speed_every_frame_is_read_once_in_order(rig):
    rig.load(1, numbered_track())
    out = rig.record(rig.decks.decks[0].player.output, 3.0)
    rig.act(1, "playing", 1)
    rig.run(3.0)
    frames = read_frames(out)
    steady = frames[2000:140000]  # after the 4 ms start
    assert np.all(np.diff(steady) == pytest.approx(1.0, abs=1e-6))
    # The fade-in starts on the first block after Play, from frame 0.
    assert frames[1000] == pytest.approx(frames[1001] - 1, abs=1e-6)


def test_a_frame_read_at_ten_minutes_is_still_exact(tmp_path):
    rig = DeckRig(tmp_path, capacity_s=600.0)
    try:
        n = np.arange(int(600 * SR), dtype=np.float64)
        rig.load(1, np.stack([np.sin(n * 0.37), np.sin(n * 0.37)], axis=1).astype(np.float32))
        rig.act(1, "seek_s", 590.0)
        out = rig.record(rig.decks.decks[0].player.output, 0.5)
        rig.act(1, "playing", 1)
        rig.run(0.5)
        got = recorded(out)[5000:20000]
        first = int(np.flatnonzero(recorded(out))[0])  # the first frame heard is frame 590 * SR
        expected = np.sin((590 * SR + 5000 - first + np.arange(len(got))) * 0.37).astype(np.float32)
        # 64-bit positions: every frame exact, even 10 minutes in (32-bit ones were 1 dB off).
        assert np.max(np.abs(got - expected)) < 1e-6
    finally:
        rig.close()


def test_a_loop_wraps_on_its_exact_frames_and_leaving_it_carries_on_seamlessly(rig):
    rig.load(1, numbered_track(), bpm=120.0)  # a beat is 24000 frames
    deck = rig.decks.decks[0]
    rig.act(1, "loop_size", 2)  # 1 beat
    rig.act(1, "playing", 1)
    rig.run(1.1)  # into beat 2 (frames 48000..72000)
    out = rig.record(deck.player.output, 2.0)
    rig.act(1, "loop", 1)
    assert deck.player.loop_frames == (48000, 72000)
    rig.run(1.5)
    rig.act(1, "loop", 0)
    rig.run(0.5)
    frames = read_frames(out)[:int(2.0 * SR) - 2000]
    steps = np.diff(frames)
    wraps = np.flatnonzero(np.abs(steps - 1) > 1e-6)
    assert len(wraps) >= 2
    for index in wraps:
        assert frames[index] == pytest.approx(71999, abs=1e-6)
        assert frames[index + 1] == pytest.approx(48000, abs=1e-6)
    after = frames[wraps[-1] + 1:]
    assert np.all(np.abs(np.diff(after) - 1) < 1e-6)  # leaving the loop: no jump at all


def test_a_roll_carries_on_where_the_track_would_have_been(rig):
    rig.load(1, numbered_track(), bpm=120.0)
    deck = rig.decks.decks[0]
    rig.act(1, "loop_size", 0)  # 1/4 beat rolls
    rig.act(1, "playing", 1)
    rig.run(1.0)
    before = deck.position_frames()
    rig.act(1, "roll", 1)
    rig.run(1.0)
    rig.act(1, "roll", 0)
    rig.run(0.1)
    # Two seconds later in all: as though it had never rolled (within a block of ticking).
    assert deck.position_frames() == pytest.approx(before + 1.1 * SR, abs=rig.block * 2)


def test_a_jump_crossfades_instead_of_clicking(rig):
    n = np.arange(int(SECONDS * SR))
    sine = np.sin(2 * np.pi * 100 * n / SR) * 0.5
    rig.load(1, np.stack([sine, sine], axis=1), bpm=120.0)
    out = rig.record(rig.decks.decks[0].player.output, 1.0)
    rig.act(1, "playing", 1)
    rig.run(0.3)
    rig.decks.decks[0].jump_to_s(7.3331)  # a place at another phase of the sine
    rig.run(0.5)
    got = recorded(out)[2000:int(0.75 * SR)]
    # A 100 Hz sine at 0.5 moves at most 0.0066 a sample; a cut would move up to 1.0.
    assert np.max(np.abs(np.diff(got))) < 0.02


def test_playing_stops_at_the_end_of_the_track(rig):
    rig.load(1, numbered_track(2.0))
    rig.act(1, "playing", 1)
    rig.run(2.5)
    status = rig.decks.status()[0]
    assert not status.playing
    assert status.position_s == pytest.approx(2.0, abs=0.01)
    rig.act(1, "playing", 1)  # Play at the end starts again from the cue point
    rig.run(0.2)
    assert rig.decks.status()[0].position_s < 0.3


def test_an_idle_deck_sleeps_and_wakes_when_played(rig):
    n = np.arange(int(SECONDS * SR))
    sine = np.sin(2 * np.pi * 440 * n / SR) * 0.5
    rig.load(1, np.stack([sine, sine], axis=1))
    deck = rig.decks.decks[0]
    rig.run(0.5)
    assert not deck.awake
    rig.act(1, "playing", 1)
    assert deck.awake
    out = rig.record(deck.channel.output, 0.5)
    rig.run(0.5)
    assert np.max(np.abs(recorded(out))) > 0.1  # heard through the whole strip


def test_a_deck_plays_its_old_track_while_a_new_one_loads(rig):
    rig.load(1, numbered_track())
    rig.act(1, "playing", 1)
    rig.run(0.5)
    samples = numbered_track(10.0)[::-1].copy()  # another track (counts down), three 4 s chunks
    path = rig.tmp_path / "next.f32"
    np.ascontiguousarray(samples, dtype="<f4").tofile(path)
    from studio.engine.messages import LoadTrack

    rig.decks.start_load(LoadTrack(1, str(path), len(samples), SR, title="next"))
    rig.decks.pump()  # the first 4 s chunk, not played yet...
    assert rig.decks.status()[0].playing and rig.decks.status()[0].duration_s == SECONDS
    rig.run(0.2)
    while rig.decks.loading:
        rig.decks.pump()
    status = rig.decks.status()[0]  # ...until it is all in: then it stands at its start
    assert status.duration_s == 10.0 and not status.playing and status.position_s == 0.0


def test_no_shared_memory_is_left_behind(rig, tmp_path):
    from pathlib import Path

    rig.load(1, numbered_track(2.0))
    rig.load(1, numbered_track(3.0))
    assert rig.decks.decks[0].player.shared_memory
    assert not [name for name in Path("/dev/shm").iterdir() if name.name.startswith("ward-studio-")]


def test_with_no_room_in_shared_memory_a_plain_table_is_used(rig, monkeypatch):
    import studio.audio.shared_table as shared_table

    monkeypatch.setattr(shared_table, "shared_memory_fits", lambda frames: False)
    rig.load(1, numbered_track(2.0))
    assert not rig.decks.decks[0].player.shared_memory
    out = rig.record(rig.decks.decks[0].player.output, 0.5)
    rig.act(1, "playing", 1)
    rig.run(0.5)
    assert np.all(np.diff(read_frames(out)[2000:20000]) == pytest.approx(1.0, abs=1e-6))
