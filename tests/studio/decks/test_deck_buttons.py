"""The deck's buttons behave as a DJ expects: CDJ cue, hot cues, loops sizes, beat jump, scratch."""

import numpy as np
import pytest

from tests.studio.decks.deck_rig import SR, DeckRig, click_track


@pytest.fixture
def rig(tmp_path):
    rig = DeckRig(tmp_path, capacity_s=60.0)
    rig.load(1, click_track(120.0, 40.0, first_beat_s=0.1), bpm=120.0, first_beat_s=0.1)
    yield rig
    rig.close()


def status(rig, deck=1):
    return rig.decks.status()[deck - 1]


def test_cue_while_playing_returns_to_the_cue_point_and_stops(rig):
    rig.act(1, "playing", 1)
    rig.run(2.0)
    rig.act(1, "cue", 1)
    rig.act(1, "cue", 0)
    rig.run(0.1)
    assert not status(rig).playing
    assert status(rig).position_s == pytest.approx(0.0, abs=0.001)


def test_cue_held_while_stopped_elsewhere_sets_the_cue_there_and_previews_until_let_go(rig):
    rig.act(1, "seek_s", 5.0)
    rig.run(0.1)
    rig.act(1, "cue", 1)
    assert status(rig).cue_s == pytest.approx(5.0, abs=0.001)
    rig.run(1.0)
    assert status(rig).position_s == pytest.approx(6.0, abs=0.05)  # heard while held
    rig.act(1, "cue", 0)
    rig.run(0.1)
    assert not status(rig).playing
    assert status(rig).position_s == pytest.approx(5.0, abs=0.001)  # back where it was cued


def test_play_pressed_while_cue_is_held_keeps_playing_after_it_is_let_go(rig):
    rig.act(1, "cue", 1)
    rig.run(0.5)
    rig.act(1, "playing", 1)
    rig.act(1, "cue", 0)
    rig.run(0.5)
    assert status(rig).playing
    assert status(rig).position_s == pytest.approx(1.0, abs=0.05)


def test_an_empty_hot_cue_is_set_on_the_nearest_beat_and_a_set_one_jumps_there(rig):
    rig.act(1, "seek_s", 3.27)  # the beats are at 0.1 + n * 0.5 s: the nearest is 3.1
    rig.run(0.1)
    event = rig.act(1, "hot_cue_2", 1)
    assert event == {"deck": 1, "hot_cue": 2, "position_s": pytest.approx(3.1)}
    assert status(rig).hot_cues_s[1] == pytest.approx(3.1)
    rig.act(1, "seek_s", 10.0)
    rig.run(0.1)
    assert rig.act(1, "hot_cue_2", 1) is None  # a jump, not a new cue
    rig.run(0.1)
    assert status(rig).playing  # a hot cue plays from its place
    assert status(rig).position_s == pytest.approx(3.2, abs=0.03)


def test_a_deleted_hot_cue_says_where_it_was_so_it_can_be_put_back(rig):
    rig.act(1, "hot_cue_1", 1)
    event = rig.act(1, "clear_hot_cue_1", 1)
    assert event["position_s"] is None and event["was_s"] == pytest.approx(0.1)
    assert status(rig).hot_cues_s[0] is None
    rig.decks.set_hot_cue(1, 1, event["was_s"])  # Undo
    assert status(rig).hot_cues_s[0] == pytest.approx(0.1)


def test_a_loop_starts_on_the_beat_just_played_and_halves_and_doubles(rig):
    rig.act(1, "playing", 1)
    rig.run(2.33)  # beats at 2.1 and 2.6
    rig.act(1, "loop", 1)
    assert status(rig).loop_s == pytest.approx((2.1, 4.1), abs=1e-4)  # 4 beats
    rig.act(1, "loop_size", 3)  # halve: 2 beats
    assert status(rig).loop_s == pytest.approx((2.1, 3.1), abs=1e-4)
    rig.act(1, "loop_size", 6)  # 16 beats
    assert status(rig).loop_s == pytest.approx((2.1, 10.1), abs=1e-4)
    rig.act(1, "loop", 0)
    assert status(rig).loop_s is None


def test_beat_jump_moves_by_whole_beats(rig):
    rig.act(1, "seek_s", 4.0)
    rig.run(0.1)
    before = status(rig).position_s
    rig.act(1, "beat_jump", 8)
    rig.run(0.05)
    assert status(rig).position_s == pytest.approx(before + 4.0, abs=0.002)
    rig.act(1, "beat_jump", -16)
    rig.run(0.05)
    assert status(rig).position_s == pytest.approx(before - 4.0, abs=0.002)


def test_scratching_follows_the_finger_and_then_carries_on(rig):
    rig.act(1, "seek_s", 10.0)
    rig.act(1, "playing", 1)
    rig.run(0.5)
    rig.act(1, "scratch", 1)
    for target in np.linspace(10.5, 9.5, 30):  # drag the track back a second over half a second
        rig.act(1, "scratch_s", float(target))
        rig.run(1 / 60, tick_every_s=0.01)
    rig.run(0.15, tick_every_s=0.01)
    assert status(rig).position_s == pytest.approx(9.5, abs=0.03)
    rig.act(1, "scratch", 0)
    rig.run(1.0)
    assert status(rig).playing
    assert status(rig).position_s == pytest.approx(10.5, abs=0.1)


def test_a_deck_with_no_track_ignores_its_buttons(tmp_path):
    rig = DeckRig(tmp_path, capacity_s=10.0)
    try:
        for control in ("playing", "cue", "loop", "roll", "scratch", "hot_cue_1", "sync"):
            rig.act(2, control, 1)
        rig.run(0.2)
        assert not status(rig, 2).playing and not status(rig, 2).loaded
    finally:
        rig.close()


def test_an_ejected_deck_stops_lets_go_of_its_track_and_plays_nothing_again(rig):
    rig.load(2, click_track(120.0, 10.0, first_beat_s=0.1), bpm=120.0, first_beat_s=0.1)
    rig.act(1, "playing", 1)
    rig.act(2, "sync", 1)  # deck 2 follows deck 1
    rig.run(1.0)
    rig.decks.eject(1)
    assert not status(rig).loaded and not status(rig).playing and status(rig).title == ""
    assert not rig.decks.decks[1].leader  # nothing follows an empty deck
    player = rig.decks.decks[0].player
    assert player._table_frames == 1 + player.pad_frames  # the track's sound let go of
    rig.act(1, "playing", 1)  # Play on an empty deck does nothing
    out = rig.record(rig.decks.decks[0].player.output, 1.0)
    rig.run(1.0)
    assert not status(rig).playing
    assert np.max(np.abs(np.asarray(out.getBuffer(0)))) == 0.0
