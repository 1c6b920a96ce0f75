"""The Decks app's parts that need no screen: the play position between engine states, fixing a
beat grid by hand (x2, /2, tap tempo), where tracks come from (demo tracks, the music folder, the
Mic's takes). The waveforms' pictures: test_decks_waveform_pictures.py."""

import json

import numpy as np
import pytest

from apps.decks.beat_grid_tools import TapTempo, doubled, halved
from apps.decks.playhead import Playhead
from apps.decks.track_sources import demo_tracks, music_tracks, take_tracks
from studio.mic.takes import TakeStore


def test_the_playhead_runs_on_between_states_and_eases_small_differences_in():
    playhead = Playhead()
    playhead.update(10.0, True, 1.0, 60.0, now=100.0)
    assert playhead.position_at(100.5) == pytest.approx(10.5)
    playhead.update(10.55, True, 1.0, 60.0, now=100.5)  # the engine is a little ahead: eased in
    assert 10.5 < playhead.position_at(100.5) < 10.55
    playhead.update(30.0, True, 1.0, 60.0, now=101.0)  # a jump (hot cue, seek): taken at once
    assert playhead.position_at(101.0) == 30.0
    playhead.update(30.0, True, 1.0, 60.0, now=101.2)  # the same state read again: nothing new
    assert playhead.position_at(101.2) == pytest.approx(30.2)
    playhead.update(31.0, False, 1.0, 60.0, now=102.0)  # paused: it stays
    assert playhead.position_at(105.0) == 31.0
    playhead.update(59.9, True, 2.0, 60.0, now=110.0)
    assert playhead.position_at(120.0) == 60.0  # never past the end


def test_the_playhead_goes_round_a_loop_between_states():
    playhead = Playhead()
    playhead.update(20.9, True, 1.0, 60.0, now=100.0, loop_s=(20.0, 21.0))
    assert playhead.position_at(100.3) == pytest.approx(20.2)
    playhead.update(20.95, True, 1.0, 60.0, now=101.0, loop_s=None)  # the loop is let go: on it runs
    assert playhead.position_at(101.3) == pytest.approx(21.25)


def test_twice_and_half_as_fast_and_their_limits():
    assert doubled(62.0) == 124.0
    assert halved(172.0) == 86.0
    with pytest.raises(ValueError, match="the tempo must stay in range 30..300 BPM, it would be 344.0"):
        doubled(172.0)
    with pytest.raises(ValueError, match="this track has no beat yet: tap along to give it one"):
        halved(0.0)


def test_tap_tempo_averages_recent_taps_and_starts_again_after_a_pause():
    taps = TapTempo()
    assert [taps.tap(t) for t in (0.0, 0.5, 1.0)] == [None, None, None]
    assert taps.taps_to_go(1.1) == 1
    assert taps.tap(1.5) == pytest.approx(120.0)
    assert taps.tap(2.02) == pytest.approx(60.0 * 4 / 2.02)
    assert taps.taps_to_go(2.1) == 0
    assert taps.tap(10.0) is None  # after a pause: a new count
    assert taps.taps_to_go(10.1) == 3


def test_the_demo_tracks_come_in_their_listed_order_with_what_they_are(tmp_path):
    for name in ("b.ogg", "a.ogg", "extra.wav", "notes.txt", ".hidden.wav"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "tracks.json").write_text(json.dumps([
        {"file": "b.ogg", "title": "Bee", "bpm": 88.0, "key": "D minor", "style": "boom-bap", "duration_s": 79.0},
        {"file": "a.ogg", "title": "Ay", "bpm": 123.5},
        {"file": "missing.ogg", "title": "Gone"},
    ]))
    tracks = demo_tracks(tmp_path)
    assert [(t.title, t.detail) for t in tracks] == [
        ("Bee", "88 BPM \u00b7 D minor \u00b7 boom-bap \u00b7 1:19"), ("Ay", "123.5 BPM"), ("extra", "")]


def test_the_shipped_demo_tracks_are_listed():
    titles = [track.title for track in demo_tracks()]
    assert titles[0] == "Morning Round" and len(titles) >= 6


def test_the_music_folder_lists_tracks_only_in_name_order_and_says_when_cut_short(tmp_path):
    (tmp_path / "Albums" / "One").mkdir(parents=True)
    (tmp_path / ".cache").mkdir()
    for path in ("zebra.mp3", "Albums/One/apple.FLAC", "Albums/cover.jpg", ".cache/hidden.mp3", "._zebra.mp3"):
        (tmp_path / path).write_bytes(b"x")
    tracks, cut_short = music_tracks(tmp_path)
    assert [(t.title, t.detail) for t in tracks] == [("apple", "Albums/One"), ("zebra", "")]
    assert not cut_short
    for number in range(5):
        (tmp_path / f"song {number}.wav").write_bytes(b"x")
    tracks, cut_short = music_tracks(tmp_path, limit=3)
    assert len(tracks) == 3 and cut_short


def test_the_mics_finished_takes_are_offered(tmp_path):
    store = TakeStore(tmp_path / "takes")
    from studio.mic.wav_stream import WavStreamWriter

    info, wav = store.new_take(8000, 1)
    with WavStreamWriter(wav, 8000) as writer:
        writer.append(np.zeros(8000 * 65, dtype=np.float32))
    store.set_best(store.finish(info, 8000 * 65).take_id)
    store.new_take(8000, 1)  # still recording: not offered
    tracks = take_tracks(store)
    assert [(t.title, t.detail, t.path) for t in tracks] == [("Take 1", "1:05 \u00b7 best take", str(wav))]
