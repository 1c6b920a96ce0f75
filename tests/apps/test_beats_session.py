"""The Beats screen's logic without a screen: what the engine is sent, step loudness, pad
velocity, song mode, previews that are not edits, and saving."""

import copy

import pytest

from apps.beats.beat_session import LOUD, MEDIUM, SOFT, BeatSession, next_loudness, pad_hit_velocity
from studio.beats.beat_file import load_beat
from studio.beats.model import Beat
from tests.apps.apps_test_support import FakeEngineClient


class RecordingClient(FakeEngineClient):
    def __init__(self):
        super().__init__()
        self.beats = []

    def set_beat(self, beat):
        self.beats.append(copy.deepcopy(beat))


@pytest.fixture
def session(tmp_path):
    return BeatSession(RecordingClient(), Beat(chain=["A", "B"]), tmp_path / "beat.json")


def test_step_loudness_goes_loud_medium_soft_and_round():
    assert [next_loudness(v) for v in (0.0, LOUD, MEDIUM, SOFT)] == [LOUD, MEDIUM, SOFT, LOUD]
    assert next_loudness(0.9) == MEDIUM and next_loudness(0.1) == LOUD  # from a file: the nearest level on


def test_a_pad_plays_louder_higher_up_unless_fixed():
    assert pad_hit_velocity(1.0, fixed=False) == 1.0
    assert pad_hit_velocity(0.0, fixed=False) == 0.3
    assert pad_hit_velocity(0.5, fixed=False) == 0.65
    assert pad_hit_velocity(1.7, fixed=False) == 1.0  # a finger sliding past the edge
    assert pad_hit_velocity(0.0, fixed=True) == 1.0


def test_the_engine_hears_the_edited_pattern_alone_until_song_mode(session):
    client = session.client
    assert client.beats[-1].chain == ["A"]
    session.select_pattern("B")
    assert client.beats[-1].chain == ["B"]
    assert session.beat.chain == ["A", "B"]  # the song itself is untouched
    session.set_song_mode(True)
    assert client.beats[-1].chain == ["A", "B"]
    beats_sent = len(client.beats)
    session.select_pattern("C")  # in song mode, editing C does not change what plays
    assert len(client.beats) == beats_sent


def test_every_edit_is_sent_and_saved(session, tmp_path):
    session.pad = 2
    assert session.tap_step(4) == LOUD
    assert session.client.beats[-1].patterns["A"].rows[2].velocities[4] == LOUD
    assert load_beat(tmp_path / "beat.json") == session.beat  # the first change is saved at once
    assert session.tap_step(4, loudness_mode=True) == MEDIUM
    assert session.autosaver.pending  # the next within a second waits for poll() ...
    assert session.save_now()  # ... or for leaving the screen
    assert load_beat(tmp_path / "beat.json").patterns["A"].rows[2].velocities[4] == MEDIUM
    assert session.tap_step(4) == 0.0


def test_a_slider_preview_is_heard_but_is_not_an_edit(session):
    session.pad = 1
    session.preview_pad_setting("volume_db", -12.0)
    session.preview_pad_setting("volume_db", -13.0)
    assert session.client.beats[-1].pads[1].volume_db == -13.0
    assert session.beat.pads[1].volume_db == 0.0 and not session.editor.can_undo
    session.set_pad_setting("volume_db", -13.0)
    session.undo()
    assert session.beat.pads[1].volume_db == 0.0
    assert session.client.beats[-1].pads[1].volume_db == 0.0


def test_settings_out_of_range_are_brought_into_range(session):
    session.set_pad_setting("cutoff_hz", 50.0)
    session.set_pad_setting("choke_group", 2.4)
    assert session.beat.pads[0].cutoff_hz == 200.0
    assert session.beat.pads[0].choke_group == 2 and isinstance(session.beat.pads[0].choke_group, int)
    assert session.change_bpm(500) == 200.0
    assert session.change_swing(-1) == 0.5


def test_the_engines_song_step_maps_to_pattern_and_step(session):
    session.set_song_mode(True)
    session.editor.set_step_count("B", 32)
    session.editor.set_velocity("B", 5, 20, 0.5)
    assert session.position(-1) is None
    assert session.position(3) == ("A", 3)
    assert session.position(16 + 20) == ("B", 20)
    assert session.position(48 + 1) == ("A", 1)  # the song loops
    assert session.pads_sounding_at(16 + 20) == [5]


def test_the_song_keeps_at_least_one_pattern_and_at_most_64(session):
    assert session.remove_last_from_song() and session.beat.chain == ["A"]
    assert not session.remove_last_from_song()
    for _ in range(63):
        assert session.add_to_song()
    assert not session.add_to_song() and len(session.beat.chain) == 64


def test_copying_onto_another_pattern_edits_that_one(session):
    session.tap_step(0)
    session.copy_pattern_to("D")
    assert session.pattern == "D"
    assert session.beat.patterns["D"].rows[0].velocities[0] == LOUD
    assert session.client.beats[-1].chain == ["D"]


def test_a_failed_save_is_said_in_plain_words(tmp_path):
    problems = []
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    session = BeatSession(RecordingClient(), Beat(), blocker / "beat.json", on_problem=problems.append)
    session.tap_step(0)
    assert len(problems) == 1
    assert problems[0].startswith("The beat could not be saved")
    assert "nothing is lost while the app stays open" in problems[0]
    assert not session.save_now() and session.autosaver.pending
