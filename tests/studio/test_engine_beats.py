"""The beat sequencer inside the engine process (silent mode): the app's calls reach it."""

import os
import signal

from studio.beats.model import Beat
from tests.studio.test_engine_client import engine, wait_for  # noqa: F401  (engine is a fixture)


def busy_beat() -> Beat:
    beat = Beat(bpm=150.0)
    beat.patterns["A"].rows[0].velocities = [1.0] * 16
    return beat


def test_the_beat_plays_and_its_step_moves(engine):  # noqa: F811
    engine.set_beat(busy_beat())
    engine.act("beats", "playing", 1)
    wait_for(lambda: engine.state.beats_playing and engine.state.beat_step >= 4, what="four steps")
    wait_for(lambda: engine.state.meter_db[0] > -40, what="the kick on the meter")
    assert engine.state.kit_name == "boom-bap"
    engine.act("beats", "playing", 0)
    wait_for(lambda: not engine.state.beats_playing and engine.state.beat_step == -1, what="the beat to stop")


def test_a_pad_hit_is_heard_but_not_kept(engine):  # noqa: F811
    engine.act("pads", "hit_1", 1.0)
    wait_for(lambda: engine.state.meter_db[0] > -40, what="the hit on the meter")
    assert ("pads", "hit_1") not in engine.state.controls


def test_a_kit_that_cannot_be_loaded_leaves_silent_pads_and_says_why(engine):  # noqa: F811
    engine.drain_events()
    engine.set_beat(Beat(kit="no-such-kit"))
    wait_for(lambda: any(e.kind == "error" for e in engine.drain_events()), what="the error")


def test_a_restarted_engine_plays_the_same_beat(engine):  # noqa: F811
    beat = busy_beat()
    beat.bpm = 177.0
    engine.set_beat(beat)
    engine.act("beats", "playing", 1)
    wait_for(lambda: engine.state.beats_playing, what="the beat to play")
    old_pid = engine.state.engine_pid
    os.kill(old_pid, signal.SIGKILL)
    wait_for(lambda: engine.state.engine_pid not in (old_pid, 0), timeout_s=5, what="a new engine")
    wait_for(lambda: engine.state.beats_playing and engine.state.beat_step >= 0, what="the beat again")
    assert engine.state.beat_bpm == 177.0


def test_recording_counts_in_then_reports_pad_hits_with_their_position(engine):  # noqa: F811
    engine.set_beat(Beat(bpm=200.0))
    engine.act("beats", "count_in_bars", 1)
    engine.act("beats", "recording", 1)
    wait_for(lambda: engine.state.counting_in, what="the count-in")
    wait_for(lambda: engine.state.recording and not engine.state.counting_in, timeout_s=5, what="the song")
    engine.drain_events()
    engine.act("pads", "hit_3", 0.8)
    hits = []
    wait_for(lambda: hits.extend(e for e in engine.drain_events() if e.kind == "pad_hit") or hits, what="the hit")
    assert hits[0].data["pad"] == 2 and hits[0].data["velocity"] == 0.8
    assert 0 <= hits[0].data["song_position"] < 16
    engine.act("beats", "playing", 0)
    wait_for(lambda: not engine.state.recording, what="recording to stop with play")


def test_a_count_in_must_be_whole_bars(engine):  # noqa: F811
    import pytest

    with pytest.raises(ValueError, match="beats/count_in_bars needs a whole number, got 1.5"):
        engine.act("beats", "count_in_bars", 1.5)


def test_a_held_pad_with_note_repeat_records_every_thirty_second(engine):  # noqa: F811
    engine.set_beat(Beat(bpm=200.0))  # the fastest: a 1/32 every 37.5 ms
    engine.act("pads", "repeat", 3)
    engine.act("beats", "count_in_bars", 0)
    engine.act("beats", "recording", 1)
    wait_for(lambda: engine.state.recording, what="recording")
    engine.drain_events()
    engine.act("pads", "hit_5", 0.9)
    engine.act("pads", "hold_5", 1)
    hits = []
    wait_for(lambda: hits.extend(e.data for e in engine.drain_events() if e.kind == "pad_hit") or len(hits) >= 30,
             timeout_s=5, what="a second of repeats")
    engine.act("pads", "hold_5", 0)
    engine.act("beats", "playing", 0)
    repeats = [round(hit["song_position"] * 2, 6) for hit in hits[1:]]  # in 1/32 notes
    assert all(hit["pad"] == 4 and hit["velocity"] == 0.9 for hit in hits)
    assert all(value == int(value) for value in repeats)  # every repeat on the grid...
    steps = [b - a for a, b in zip(repeats, repeats[1:])]
    assert set(steps) <= {1.0, 1.0 - 32.0}  # ...and none missed (the pattern loops every 32 of them)
    assert ("pads", "hold_5") not in engine.state.controls
