"""The beat editor: every edit checked, reported and undoable."""

import copy
import time

import pytest

from studio.beats.editor import HISTORY_LIMIT, BeatEditor
from studio.beats.model import Beat, PadSettings


def started_beat() -> Beat:
    beat = Beat()
    beat.patterns["A"].rows[0].velocities[::4] = [1.0, 1.0, 1.0, 1.0]
    beat.patterns["A"].rows[1].velocities[4::8] = [0.8, 0.8]
    beat.patterns["A"].rows[2].length = 12
    return beat


def recording_editor(beat=None, **options):
    changes = []
    editor = BeatEditor(beat or started_beat(), on_change=lambda beat, what: changes.append(what), **options)
    return editor, changes


EDITS = {
    "toggle a step on": (lambda e: e.toggle_step("A", 3, 5, 0.7), "patterns.A.rows[3]"),
    "toggle a step off": (lambda e: e.toggle_step("A", 0, 4), "patterns.A.rows[0]"),
    "velocity": (lambda e: e.set_velocity("A", 0, 0, 0.25), "patterns.A.rows[0]"),
    "row length": (lambda e: e.set_row_length("A", 0, 5), "patterns.A.rows[0]"),
    "step count 32": (lambda e: e.set_step_count("A", 32), "patterns.A"),
    "bpm": (lambda e: e.set_bpm(128), "bpm"),
    "swing": (lambda e: e.set_swing(0.66), "swing"),
    "mute": (lambda e: e.set_mute("A", 1, True), "patterns.A.rows[1]"),
    "solo": (lambda e: e.set_solo("A", 1, True), "patterns.A.rows[1]"),
    "clear": (lambda e: e.clear_pattern("A"), "patterns.A"),
    "copy": (lambda e: e.copy_pattern("A", "C"), "patterns.C"),
    "chain": (lambda e: e.set_chain("AABA"), "chain"),
    "pad": (lambda e: e.set_pad(2, volume_db=-6, pan=0.5, choke_group=1), "pads[2]"),
    "title": (lambda e: e.set_title("Ward 7 anthem"), "title"),
    "kit": (lambda e: e.set_kit("lo-fi"), "kit"),
}


@pytest.mark.parametrize("name", EDITS)
def test_every_edit_is_reported_and_undone_and_redone_exactly(name):
    edit, what = EDITS[name]
    editor, changes = recording_editor()
    before = copy.deepcopy(editor.beat)
    edit(editor)
    after = copy.deepcopy(editor.beat)
    assert after != before and changes == [what]
    assert editor.can_undo and not editor.can_redo
    assert editor.undo()
    assert editor.beat == before and changes == [what, what]
    assert editor.can_redo and not editor.can_undo
    assert editor.redo()
    assert editor.beat == after and changes == [what] * 3
    assert not editor.redo() and changes == [what] * 3


def test_the_beat_is_changed_in_place_so_everyone_sees_it():
    beat = started_beat()
    editor = BeatEditor(beat)
    editor.set_bpm(100)
    editor.toggle_step("A", 5, 0)
    assert editor.beat is beat and beat.bpm == 100.0 and beat.patterns["A"].rows[5].velocities[0] == 1.0


def test_a_long_session_undoes_back_to_the_start_and_redoes_to_the_end():
    editor, _ = recording_editor()
    start = copy.deepcopy(editor.beat)
    for edit, _ in EDITS.values():
        edit(editor)
    end = copy.deepcopy(editor.beat)
    while editor.undo():
        pass
    assert editor.beat == start
    while editor.redo():
        pass
    assert editor.beat == end


def test_an_edit_after_undo_drops_what_could_have_been_redone():
    editor, _ = recording_editor()
    editor.set_bpm(100)
    editor.set_bpm(110)
    editor.undo()
    editor.set_swing(0.6)
    assert not editor.can_redo and not editor.redo()
    assert editor.beat.bpm == 100.0
    editor.undo()
    editor.undo()
    assert editor.beat.bpm == 90.0 and editor.beat.swing == 0.5


def test_an_edit_that_changes_nothing_is_not_recorded():
    editor, changes = recording_editor()
    editor.set_bpm(90)
    editor.set_mute("A", 0, False)
    editor.copy_pattern("A", "A")
    assert changes == [] and not editor.can_undo


def test_the_history_keeps_the_last_500_edits():
    editor, _ = recording_editor()
    for i in range(HISTORY_LIMIT + 100):
        editor.set_bpm(60 + (i % 1400) / 10 + 0.1)
    count = 0
    while editor.undo():
        count += 1
    assert count == HISTORY_LIMIT == 500
    assert editor.beat.bpm == 60 + 99 / 10 + 0.1  # the state after edit 100 (the oldest kept)


def test_500_edits_and_undos_of_whole_patterns_are_quick():
    editor = BeatEditor(started_beat())
    start = time.perf_counter()
    for i in range(HISTORY_LIMIT):
        editor.set_step_count("A", 32 if i % 2 == 0 else 16)  # replaces a whole pattern each time
    while editor.undo():
        pass
    elapsed_s = time.perf_counter() - start
    assert editor.beat == started_beat()
    assert elapsed_s < 3.0  # about 0.6 s on a shared 2-core machine: a millisecond an edit


def test_growing_a_pattern_repeats_its_steps_and_shrinking_keeps_the_first_steps():
    editor = BeatEditor(started_beat())
    editor.set_step_count("A", 32)
    pattern = editor.beat.patterns["A"]
    assert pattern.step_count == 32
    assert pattern.rows[0].velocities == [1.0, 0.0, 0.0, 0.0] * 8
    assert pattern.rows[0].length == 32  # ran the whole pattern, so still does
    assert pattern.rows[2].length == 12  # a shorter loop stays as it was
    editor.set_velocity("A", 0, 20, 0.0)
    editor.set_row_length("A", 3, 30)
    editor.set_step_count("A", 16)
    pattern = editor.beat.patterns["A"]
    assert pattern.rows[0].velocities == [1.0, 0.0, 0.0, 0.0] * 4
    assert pattern.rows[3].length == 16
    editor.undo()
    assert editor.beat.patterns["A"].rows[0].velocities[20] == 0.0  # the second half came back
    assert editor.beat.patterns["A"].rows[3].length == 30


def test_clear_keeps_the_shape_of_the_pattern():
    editor = BeatEditor(started_beat())
    editor.set_mute("A", 1, True)
    editor.clear_pattern("A")
    pattern = editor.beat.patterns["A"]
    assert all(v == 0.0 for row in pattern.rows for v in row.velocities)
    assert pattern.rows[2].length == 12 and pattern.rows[1].mute


def test_a_copied_pattern_is_its_own():
    editor = BeatEditor(started_beat())
    editor.copy_pattern("A", "B")
    copied = editor.beat.patterns["B"]
    assert copied.name == "B" and copied.rows == editor.beat.patterns["A"].rows
    editor.toggle_step("A", 0, 0)
    assert copied.rows[0].velocities[0] == 1.0


def test_toggle_step_returns_the_new_velocity():
    editor = BeatEditor(Beat())
    assert editor.toggle_step("B", 4, 15, velocity=0.6) == 0.6
    assert editor.toggle_step("B", 4, 15) == 0.0


def test_bpm_is_rounded_to_a_tenth():
    editor = BeatEditor(Beat())
    assert editor.set_bpm(93.333) == 93.3
    assert editor.beat.bpm == 93.3


@pytest.mark.parametrize("edit, message", [
    (lambda e: e.set_bpm(250), "bpm must be in range 60..200, got 250"),
    (lambda e: e.set_bpm("fast"), "bpm needs a number, got 'fast'"),
    (lambda e: e.set_swing(0.8), "swing must be in range 0.5..0.75, got 0.8"),
    (lambda e: e.set_velocity("A", 0, 0, 1.2), "velocity must be in range 0..1, got 1.2"),
    (lambda e: e.toggle_step("A", 0, 0, 0), "velocity of a new hit must be above 0 and at most 1, got 0"),
    (lambda e: e.toggle_step("A", 0, 16), "step must be in range 0..15, got 16"),
    (lambda e: e.toggle_step("A", 16, 0), "pad must be in range 0..15, got 16"),
    (lambda e: e.toggle_step("Z", 0, 0), "pattern must be one of A..H, got 'Z'"),
    (lambda e: e.set_row_length("A", 0, 17), "row length must be in range 1..16, got 17"),
    (lambda e: e.set_row_length("A", 0, 0), "row length must be in range 1..16, got 0"),
    (lambda e: e.set_step_count("A", 24), "step count must be one of 16, 32, got 24"),
    (lambda e: e.set_mute("A", 0, "yes"), "mute must be true or false, got 'yes'"),
    (lambda e: e.copy_pattern("A", "a"), "destination pattern must be one of A..H, got 'a'"),
    (lambda e: e.set_chain([]), "chain must be a list of at least one pattern name, got []"),
    (lambda e: e.set_chain("AXB"), "chain[1] must be one of A..H, got 'X'"),
    (lambda e: e.set_pad(3, pan=1.5), "pads[3].pan must be in range -1..1, got 1.5"),
    (lambda e: e.set_pad(3, choke_group=9), "pads[3].choke_group must be in range 0..8, got 9"),
    (lambda e: e.set_pad(3, reverb=1), "pads[3] has no setting 'reverb'; known: volume_db, pan, "
                                       "pitch_semitones, cutoff_hz, choke_group"),
    (lambda e: e.set_pad(16, pan=0), "pad must be in range 0..15, got 16"),
])
def test_a_bad_edit_says_what_is_allowed_and_changes_nothing(edit, message):
    editor, changes = recording_editor()
    before = copy.deepcopy(editor.beat)
    with pytest.raises(ValueError) as error:
        edit(editor)
    assert str(error.value) == message
    assert editor.beat == before and changes == [] and not editor.can_undo


def test_an_editor_refuses_a_beat_that_is_already_wrong():
    with pytest.raises(ValueError, match=r"^swing must be in range 0.5..0.75, got 0.9$"):
        BeatEditor(Beat(swing=0.9))


def test_four_taps_half_a_second_apart_set_120_bpm():
    editor, changes = recording_editor()
    results = [editor.tap_tempo(t) for t in (10.0, 10.5, 11.0, 11.5)]
    assert results == [None, 120.0, 120.0, 120.0]
    assert editor.beat.bpm == 120.0 and changes == ["bpm"]  # no change after the second tap


def test_tap_tempo_averages_the_recent_taps():
    editor = BeatEditor(Beat())
    for t in (0.0, 0.48, 1.02, 1.5):  # uneven by a few hundredths, as fingers are
        bpm = editor.tap_tempo(t)
    assert bpm == 120.0


def test_tap_tempo_follows_the_last_eight_taps():
    editor = BeatEditor(Beat())
    times = [0.6 * i for i in range(5)] + [2.4 + 0.5 * i for i in range(1, 8)]  # 100 BPM, then 120
    assert [editor.tap_tempo(t) for t in times][-1] == 120.0


def test_a_pause_of_over_two_seconds_starts_a_new_count():
    editor = BeatEditor(Beat())
    for t in (0.0, 0.5, 1.0):
        editor.tap_tempo(t)
    assert editor.tap_tempo(3.5) is None  # 2.5 s later: the first tap of a new count
    assert editor.tap_tempo(4.25) == 80.0


@pytest.mark.parametrize("interval_s, bpm", [
    (0.25, 120.0),  # 240 taps a minute: tapped on eighth notes, halved
    (0.15, 200.0),  # 400: halved to 200, which fits
    (1.5, 80.0),  # 40: tapped on half notes, doubled
    (1.9, 63.2),  # 31.6: doubled
    (1.0, 60.0),
    (0.3, 200.0),
])
def test_a_tapped_tempo_out_of_range_is_halved_or_doubled(interval_s, bpm):
    editor = BeatEditor(Beat())
    editor.tap_tempo(5.0)
    assert editor.tap_tempo(5.0 + interval_s) == bpm


def test_a_double_touch_is_one_tap():
    editor = BeatEditor(Beat())
    assert [editor.tap_tempo(t) for t in (0.0, 0.5, 0.53, 1.0)] == [None, 120.0, None, 120.0]


def test_one_undo_takes_back_a_whole_run_of_taps():
    editor = BeatEditor(Beat())
    for t in (0.0, 0.6, 1.1, 1.6):
        editor.tap_tempo(t)
    assert editor.beat.bpm != 90.0
    editor.undo()
    assert editor.beat.bpm == 90.0 and not editor.can_undo


def test_history_does_not_share_lists_with_the_beat():
    editor = BeatEditor(started_beat())
    editor.set_velocity("A", 4, 0, 1.0)
    editor.beat.patterns["A"].rows[4].velocities[1] = 0.5  # someone writes to the beat directly
    editor.undo()
    editor.redo()
    assert editor.beat.patterns["A"].rows[4].velocities[:2] == [1.0, 0.0]


def test_pad_settings_keep_their_types():
    editor = BeatEditor(Beat())
    editor.set_pad(0, volume_db=-6, choke_group=2)
    assert editor.beat.pads[0] == PadSettings(volume_db=-6.0, choke_group=2)
    assert isinstance(editor.beat.pads[0].volume_db, float)
