"""Keys and scales for the melodic pads: which 16 notes the pads play.

Pad 0 is the bottom-left pad and plays the root; the pads go up the scale left to right,
bottom row first, so every pad is a note of the key and nothing a patient taps sounds wrong.
MIDI note 60 is C4 (middle C).
"""

from __future__ import annotations

from numbers import Integral

PAD_COUNT = 16
ROOT_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
# Semitones above the root of each note in one octave of the scale.
SCALES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),  # natural minor
    "major pentatonic": (0, 2, 4, 7, 9),
    "minor pentatonic": (0, 3, 5, 7, 10),
    "blues": (0, 3, 5, 6, 7, 10),  # minor blues: minor pentatonic with the flat fifth
}
SCALE_NAMES = tuple(SCALES)

# The octaves each sound can start in: a bass low, keys in the middle. Sixteen pentatonic
# pads span three octaves, so the top pad of the highest start is still comfortable to hear.
OCTAVE_RANGES: dict[str, tuple[int, int]] = {"bass": (1, 3), "keys": (2, 4)}
DEFAULT_OCTAVES: dict[str, int] = {"bass": 2, "keys": 3}
MIN_OCTAVE = min(low for low, _ in OCTAVE_RANGES.values())
MAX_OCTAVE = max(high for _, high in OCTAVE_RANGES.values())


def _whole(value) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def check_root(root: int) -> int:
    if not _whole(root) or not 0 <= root < len(ROOT_NAMES):
        raise ValueError(f"the key's root must be a whole number in range 0..11 (0 is C, 11 is B), got {root!r}")
    return root


def check_scale(scale: str) -> str:
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; the scales are: {', '.join(SCALE_NAMES)}")
    return scale


def check_octave(octave: int) -> int:
    if not _whole(octave) or not MIN_OCTAVE <= octave <= MAX_OCTAVE:
        raise ValueError(f"the octave must be a whole number in range {MIN_OCTAVE}..{MAX_OCTAVE}, got {octave!r}")
    return octave


def octave_range(sound: str) -> tuple[int, int]:
    """The lowest and highest octave the pads of this sound can start in."""
    try:
        return OCTAVE_RANGES[sound]
    except KeyError:
        raise ValueError(f"unknown sound {sound!r}; the sounds are: {', '.join(OCTAVE_RANGES)}") from None


def fit_octave(sound: str, octave: int) -> int:
    """The octave moved into the sound's range (keys in octave 4 become a bass in octave 3)."""
    low, high = octave_range(sound)
    return min(high, max(low, int(octave)))


def root_note(root: int, octave: int) -> int:
    """The MIDI note of the root in that octave: C4 is 60."""
    return 12 * (int(check_octave(octave)) + 1) + int(check_root(root))


def pad_notes(root: int, scale: str, octave: int) -> list[int]:
    """The 16 MIDI notes of the pads, going up the scale from the root in that octave."""
    steps = SCALES[check_scale(scale)]
    first = root_note(root, octave)
    return [first + 12 * (pad // len(steps)) + steps[pad % len(steps)] for pad in range(PAD_COUNT)]


def note_name(midi_note: int) -> str:
    """A note's name and octave, such as "C3" or "F#2" (C4 is middle C, MIDI 60)."""
    if not _whole(midi_note) or not 0 <= midi_note <= 127:
        raise ValueError(f"a MIDI note must be a whole number in range 0..127, got {midi_note!r}")
    midi_note = int(midi_note)
    return f"{ROOT_NAMES[midi_note % 12]}{midi_note // 12 - 1}"


def is_root(midi_note: int, root: int) -> bool:
    """Whether this note is the key's home note (the root) in any octave."""
    return midi_note % 12 == check_root(root)
