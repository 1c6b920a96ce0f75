"""General MIDI notes guessed from sound names, so a MIDI pad controller plays the right pads."""

import pytest

from studio.kits.gm_notes import assign_gm_notes, guess_gm_notes, name_words
from studio.kits.kit import hi_hat_choke_groups


@pytest.mark.parametrize("name,note", [
    ("Kick", 36), ("BD_Hard", 36), ("808", 35), ("808 Snare", 38), ("Snare", 38), ("Rimshot", 40),
    ("Side Stick", 37), ("Hand Clap", 39), ("Closed Hat", 42), ("HiHatClosed", 42), ("HH", 42),
    ("Hat Open", 46), ("hihat-open", 46), ("OH", 46), ("Pedal Hat", 44), ("Floor Tom", 41), ("Tom Low", 45),
    ("Mid Tom", 47), ("Tom Hi", 50), ("Crash", 49), ("Ride", 51), ("Ride Bell", 53), ("Cowbell", 56),
    ("Tambourine", 54), ("Shaker", 70), ("Conga Low", 64), ("Mute Conga", 62), ("Bongo Hi", 60),
    ("Claves", 75), ("Triangle", 81), ("Wood Block", 76),
])
def test_names_guess_their_gm_note(name, note):
    assert guess_gm_notes(name)[0] == note


def test_words_split_at_case_digits_and_symbols():
    assert name_words("HiHatOpen-02.wav") == ["hi", "hat", "open", "02", "wav"]


def test_each_sound_gets_a_different_note_and_unknown_sounds_take_free_ones():
    notes = assign_gm_notes(["Kick A", "Kick B", "Snare", "Laser", "Zap"])
    assert notes == [36, 35, 38, 37, 39]


def test_given_notes_are_kept_and_guesses_avoid_them():
    assert assign_gm_notes(["Kick", "Boom"], [None, 36]) == [35, 36]
    assert assign_gm_notes(["Snare", "Clap"], [38, 38]) == [38, 39]  # the same note twice: only once


def test_hats_share_a_new_choke_group_unless_one_is_set():
    assert hi_hat_choke_groups([36, 42, 46, 38], [0, 0, 0, 1]) == [0, 2, 2, 1]
    assert hi_hat_choke_groups([42, 46], [3, 3]) == [3, 3]
    assert hi_hat_choke_groups([36, 42], [0, 0]) == [0, 0]  # one hat alone: nothing to choke
