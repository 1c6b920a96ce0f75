"""Hits between steps (from live recording): the editor, the file and the MIDI export keep them."""

import json

import mido
import pytest

from studio.beats.beat_file import BeatFileError, beat_to_text, load_beat, save_beat
from studio.beats.editor import BeatEditor
from studio.beats.midi_export import export_midi
from studio.beats.model import TICKS_PER_STEP, Beat, step_loudness

T = TICKS_PER_STEP


def test_recorded_hits_go_on_steps_or_between_them():
    editor = BeatEditor(Beat())
    editor.record_hits("A", [(0, 0, 1.0), (0, 4 * T + 12, 0.7), (3, 2 * T + 16, 0.5)], take=1)
    rows = editor.beat.patterns["A"].rows
    assert rows[0].velocities[0] == 1.0 and rows[0].off_grid == {4 * T + 12: 0.7}
    assert rows[3].off_grid == {2 * T + 16: 0.5}
    assert step_loudness(rows[0], 4) == 0.7 and step_loudness(rows[3], 2) == 0.5


def test_a_whole_take_is_one_undo_step():
    editor = BeatEditor(Beat())
    for tick in range(0, 16 * T, 12):
        editor.record_hits("A", [(2, tick, 0.8)], take="take 1")
    editor.record_hits("A", [(0, 0, 1.0)], take="take 2")
    editor.undo()  # take 2
    assert editor.beat.patterns["A"].rows[0].velocities[0] == 0
    assert len(editor.beat.patterns["A"].rows[2].off_grid) == 16
    editor.undo()  # all of take 1
    assert editor.beat.patterns["A"].rows[2].hits() == {}
    assert not editor.can_undo


def test_clearing_a_step_removes_the_hits_between_it_and_the_next():
    editor = BeatEditor(Beat())
    editor.record_hits("A", [(1, 3 * T, 1.0), (1, 3 * T + 12, 1.0), (1, 4 * T + 1, 1.0)])
    editor.clear_step("A", 1, 3)
    assert editor.beat.patterns["A"].rows[1].hits() == {4 * T + 1: 1.0}


def test_growing_and_shrinking_a_pattern_keeps_hits_between_steps_in_place():
    editor = BeatEditor(Beat())
    editor.record_hits("A", [(0, 15 * T + 12, 1.0)])
    editor.set_step_count("A", 32)
    assert editor.beat.patterns["A"].rows[0].off_grid == {15 * T + 12: 1.0, 31 * T + 12: 1.0}
    editor.set_step_count("A", 16)
    assert editor.beat.patterns["A"].rows[0].off_grid == {15 * T + 12: 1.0}


@pytest.mark.parametrize("hit, message", [
    ((0, 16 * T, 1.0), "tick must be in range 0..383, got 384"),
    ((0, 5, 0.0), "velocity of a recorded hit must be above 0 and at most 1, got 0"),
    ((16, 5, 1.0), "pad must be in range 0..15, got 16"),
])
def test_a_bad_recorded_hit_says_what_is_allowed(hit, message):
    editor = BeatEditor(Beat())
    with pytest.raises(ValueError, match=message):
        editor.record_hits("A", [hit])
    assert not editor.can_undo


def test_hits_between_steps_are_saved_and_read_back(tmp_path):
    beat = Beat()
    beat.patterns["C"].rows[4].off_grid = {7: 0.25, 100: 1.0}
    path = tmp_path / "beat.json"
    save_beat(beat, path)
    assert json.loads(path.read_text())["patterns"]["C"]["rows"][4]["off_grid"] == {"7": 0.25, "100": 1.0}
    assert load_beat(path) == beat


def test_a_version_1_file_without_hits_between_steps_still_opens(tmp_path):
    data = json.loads(beat_to_text(Beat(bpm=101.0)))
    data["version"] = 1
    for pattern in data["patterns"].values():
        for row in pattern["rows"]:
            del row["off_grid"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    assert load_beat(path) == Beat(bpm=101.0)


@pytest.mark.parametrize("off_grid, message", [
    ({"24": 1.0}, "tick 24 must be in range 1..383 and between steps"),
    ({"x": 1.0}, "has a tick that is not a whole number: 'x'"),
    ({"5": 0}, r"\[5\] must be above 0 \(a hit\), got 0"),
])
def test_bad_hits_between_steps_in_a_file_are_named(tmp_path, off_grid, message):
    data = json.loads(beat_to_text(Beat()))
    data["patterns"]["A"]["rows"][2]["off_grid"] = off_grid
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(BeatFileError, match=r"patterns\.A\.rows\[2\]\.off_grid.*" + message):
        load_beat(path)


def test_the_midi_file_keeps_hits_between_steps_in_their_swung_step(tmp_path):
    beat = Beat(swing=0.75)
    beat.patterns["A"].rows[0].off_grid = {T // 2: 1.0, T + T // 2: 1.0}  # 1/32 into steps 0 and 1
    path = tmp_path / "beat.mid"
    export_midi(beat, path)
    ticks, tick = [], 0
    for message in mido.MidiFile(path).tracks[1]:
        tick += message.time
        if message.type == "note_on" and message.velocity > 0:
            ticks.append(tick)
    # A pair is 240 MIDI ticks: the first step 180 long (swing 75 %), the second 60.
    assert ticks == [90, 180 + 30]
