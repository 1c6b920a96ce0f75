"""Keys and scales: every pad is a note of the key, going up from the root at the bottom left."""

import pytest

from studio.melody.instrument_synth import SOUNDS
from studio.melody.scales import (DEFAULT_OCTAVES, MAX_OCTAVE, MIN_OCTAVE, OCTAVE_RANGES, ROOT_NAMES, SCALE_NAMES,
                                  SCALES, fit_octave, is_root, note_name, octave_range, pad_notes)

# The scales as a musician spells them, in C.
IN_C = {
    "major": ["C", "D", "E", "F", "G", "A", "B"],
    "minor": ["C", "D", "D#", "F", "G", "G#", "A#"],
    "major pentatonic": ["C", "D", "E", "G", "A"],
    "minor pentatonic": ["C", "D#", "F", "G", "A#"],
    "blues": ["C", "D#", "F", "F#", "G", "A#"],
}


def test_the_twelve_roots_and_five_scales_in_order():
    assert ROOT_NAMES == ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
    assert SCALE_NAMES == ("major", "minor", "major pentatonic", "minor pentatonic", "blues")
    assert list(SCALES) == list(SCALE_NAMES)


@pytest.mark.parametrize("scale", SCALE_NAMES)
def test_c_scales_are_spelled_as_a_musician_knows_them(scale):
    notes = pad_notes(0, scale, 3)
    size = len(IN_C[scale])
    assert [note_name(note)[:-1] for note in notes[:size]] == IN_C[scale]


@pytest.mark.parametrize("scale", SCALE_NAMES)
@pytest.mark.parametrize("root", range(12))
def test_sixteen_rising_notes_all_in_the_key_starting_on_the_root(root, scale):
    notes = pad_notes(root, scale, 2)
    assert len(notes) == 16
    assert notes[0] == 12 * 3 + root  # pad 0, bottom left, is the root in octave 2
    assert all(b > a for a, b in zip(notes, notes[1:]))
    in_key = {(root + step) % 12 for step in SCALES[scale]}
    assert {note % 12 for note in notes} == in_key  # every note of the key, and nothing else
    steps = len(SCALES[scale])
    assert all(notes[pad + steps] == notes[pad] + 12 for pad in range(16 - steps))  # each note again an octave up


def test_roots_come_back_every_octave_so_home_is_easy_to_find():
    notes = pad_notes(9, "minor pentatonic", 2)  # A minor pentatonic
    assert [pad for pad, note in enumerate(notes) if is_root(note, 9)] == [0, 5, 10, 15]


def test_note_names():
    assert note_name(60) == "C4"
    assert note_name(48) == "C3"
    assert note_name(42) == "F#2"
    assert note_name(21) == "A0"
    assert note_name(0) == "C-1"


def test_octave_ranges_suit_each_sound():
    assert set(OCTAVE_RANGES) == set(SOUNDS) == set(DEFAULT_OCTAVES)
    assert octave_range("bass") == (1, 3)
    assert octave_range("keys") == (2, 4)
    for sound, (low, high) in OCTAVE_RANGES.items():
        assert low <= DEFAULT_OCTAVES[sound] <= high
        assert MIN_OCTAVE <= low and high <= MAX_OCTAVE
    bass_top = max(max(pad_notes(root, scale, 3)) for root in range(12) for scale in SCALE_NAMES)
    keys_top = max(max(pad_notes(root, scale, 4)) for root in range(12) for scale in SCALE_NAMES)
    assert note_name(bass_top) == "B6" and note_name(keys_top) == "B7"  # pentatonic: three octaves up
    assert min(pad_notes(0, "major", 1)) == 24  # the bass's lowest note, C1 (33 Hz)


def test_fit_octave_moves_an_octave_into_the_sounds_range():
    assert fit_octave("bass", 4) == 3
    assert fit_octave("keys", 1) == 2
    assert fit_octave("keys", 3) == 3


@pytest.mark.parametrize("call, message", [
    (lambda: pad_notes(0, "dorian", 3), "unknown scale 'dorian'; the scales are: major, minor, major pentatonic, "
                                        "minor pentatonic, blues"),
    (lambda: pad_notes(12, "major", 3), "the key's root must be a whole number in range 0..11 (0 is C, 11 is B), "
                                        "got 12"),
    (lambda: pad_notes(-1, "major", 3), "range 0..11"),
    (lambda: pad_notes(1.5, "major", 3), "got 1.5"),
    (lambda: pad_notes(0, "major", 5), "the octave must be a whole number in range 1..4, got 5"),
    (lambda: pad_notes(0, "major", 0), "range 1..4, got 0"),
    (lambda: note_name(128), "a MIDI note must be a whole number in range 0..127, got 128"),
    (lambda: octave_range("piano"), "unknown sound 'piano'; the sounds are: bass, keys"),
])
def test_errors_say_what_is_allowed(call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert message in str(error.value)
