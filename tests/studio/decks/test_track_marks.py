"""Hot cues and fixed beat grids kept per track: saved, read back, following a moved track, and a
damaged file handled in plain words without losing anything that can be kept."""

import json
import os
import shutil

import pytest

from studio.decks.track_marks import (
    FORMAT_NAME, BeatGrid, TrackMarks, TrackMarksError, TrackMarksStore, marks_path, track_key,
)


@pytest.fixture
def track(tmp_path):
    path = tmp_path / "music" / "my song.wav"
    path.parent.mkdir()
    path.write_bytes(os.urandom(200_000))
    return path


def test_a_track_never_marked_has_empty_marks(track):
    marks = TrackMarksStore().marks_for(track)
    assert marks == TrackMarks()
    assert marks.hot_cues_s == (None,) * 8
    assert marks.beat_grid is None


def test_hot_cues_and_a_grid_are_kept_for_the_next_time(track):
    store = TrackMarksStore()
    store.set_hot_cue(track, 1, 12.5)
    store.set_hot_cue(track, 8, 61.0)
    store.set_beat_grid(track, 124.0, 0.25)
    again = TrackMarksStore()  # as after the app restarts
    marks = again.marks_for(track)
    assert marks.hot_cues_s == (12.5, None, None, None, None, None, None, 61.0)
    assert marks.beat_grid == BeatGrid(124.0, 0.25)
    again.set_hot_cue(track, 1, None)  # deleted
    again.clear_beat_grid(track)
    assert TrackMarksStore().marks_for(track) == TrackMarks(hot_cues_s=(None,) * 7 + (61.0,))
    saved = json.loads(marks_path().read_text(encoding="utf-8"))
    assert saved["format"] == FORMAT_NAME
    assert [entry["name"] for entry in saved["tracks"].values()] == ["my song.wav"]


def test_a_moved_or_renamed_track_keeps_its_marks_and_another_track_has_its_own(track, tmp_path):
    store = TrackMarksStore()
    store.set_hot_cue(track, 2, 3.0)
    moved = tmp_path / "usb stick" / "renamed.wav"
    moved.parent.mkdir()
    shutil.move(track, moved)
    assert store.marks_for(moved).hot_cues_s[1] == 3.0
    other = tmp_path / "other.wav"
    other.write_bytes(os.urandom(1000))
    assert store.marks_for(other) == TrackMarks()
    assert track_key(moved) != track_key(other)


def test_values_out_of_range_are_refused_in_plain_words(track):
    store = TrackMarksStore()
    with pytest.raises(ValueError, match="hot cue must be in range 1..8, got 9"):
        store.set_hot_cue(track, 9, 1.0)
    with pytest.raises(ValueError, match="bpm must be in range 20..400, got 1000"):
        store.set_beat_grid(track, 1000.0, 0.0)
    with pytest.raises(ValueError, match="a hot cue must be a number"):
        store.set_hot_cue(track, 1, float("nan"))


def test_a_damaged_file_is_kept_aside_and_said_plainly(track):
    path = marks_path()
    path.parent.mkdir(parents=True)
    path.write_text('{"format": "ward-studio-track-marks", "tracks": {', encoding="utf-8")  # cut short
    store = TrackMarksStore()
    assert store.marks_for(track) == TrackMarks()
    assert len(store.problems) == 1
    problem = store.problems[0]
    assert problem.startswith("The hot cues and beat grids kept for your tracks could not be read")
    assert "Tracks start without them, and new ones are kept from now on." in problem
    kept = [name for name in os.listdir(path.parent) if ".damaged-" in name]
    assert len(kept) == 1 and kept[0] in problem
    store.set_hot_cue(track, 1, 2.0)  # a fresh file
    assert TrackMarksStore().marks_for(track).hot_cues_s[0] == 2.0


def test_one_damaged_entry_costs_only_that_track_and_is_written_back_as_it_was(track, tmp_path):
    other = tmp_path / "other.wav"
    other.write_bytes(os.urandom(1000))
    path = marks_path()
    path.parent.mkdir(parents=True)
    bad_entry = {"name": "my song.wav", "hot_cues_s": ["soon"]}
    path.write_text(json.dumps({"format": FORMAT_NAME, "version": 1,
                                "tracks": {track_key(track): bad_entry}}), encoding="utf-8")
    store = TrackMarksStore()
    assert store.marks_for(track) == TrackMarks()
    assert store.problems == ["The hot cues kept for my song.wav could not be read (a hot cue must be a number, "
                              "got 'soon'), so it starts without them."]
    store.set_hot_cue(other, 1, 5.0)
    saved = json.loads(path.read_text(encoding="utf-8"))["tracks"]
    assert saved[track_key(track)] == bad_entry


def test_a_file_from_a_newer_app_is_not_overwritten(track):
    path = marks_path()
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"format": FORMAT_NAME, "version": 99, "tracks": {}}), encoding="utf-8")
    store = TrackMarksStore()
    store.marks_for(track)
    assert "made by a newer version of Ward Studio" in store.problems[0]
    assert not path.exists()  # kept aside under another name, so a save cannot replace it


def test_a_save_that_fails_says_so_and_keeps_the_mark_while_the_app_is_open(track, tmp_path):
    blocked = tmp_path / "not a folder"
    blocked.write_text("a file where the folder should be")
    store = TrackMarksStore(blocked / "track-marks.json")
    saying = r"^The hot cue could not be saved \(.+\)\. It is kept while the app is open\.$"
    with pytest.raises(TrackMarksError, match=saying):
        store.set_hot_cue(track, 3, 9.0)
    assert store.marks_for(track).hot_cues_s[2] == 9.0
