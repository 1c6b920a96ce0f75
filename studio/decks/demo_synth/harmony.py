"""Keys, diatonic chords and where their notes go.

Chords are built by stacking thirds inside the key's scale (degree 1 of A minor is A C E G), so
every chord and every line note is in the key. MIDI note 60 is C4.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.melody.scales import ROOT_NAMES, SCALES

MODES: dict[str, tuple[int, ...]] = {
    "major": SCALES["major"],
    "minor": SCALES["minor"],
    "dorian": (0, 2, 3, 5, 7, 9, 10),  # minor with a major sixth: funk's minor
}
# Chord tones of a line symbol (see notation.py): which third of the stack, and octaves up.
LINE_TONES = {"R": (0, 0), "3": (1, 0), "5": (2, 0), "7": (3, 0), "8": (0, 1), "L": (2, -1), "-": (0, 0)}


@dataclass(frozen=True)
class Key:
    root: int  # pitch class: 0 is C, 9 is A
    mode: str = "minor"

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}; the modes are: {', '.join(MODES)}")
        if not 0 <= self.root < 12:
            raise ValueError(f"the key's root must be in range 0..11 (0 is C), got {self.root!r}")

    @property
    def name(self) -> str:
        """As a DJ reads it: "A minor" (dorian counts as minor: the same tonic chord)."""
        return f"{ROOT_NAMES[self.root]} {'major' if self.mode == 'major' else 'minor'}"

    def degree_note(self, degree: int, octave: int) -> int:
        """The MIDI note of a scale degree (1 is the root; 8 the root an octave up; 0 the seventh
        below), counting from the root in `octave` (C4 = 60)."""
        steps = MODES[self.mode]
        octaves, index = divmod(degree - 1, len(steps))
        return 12 * (octave + 1 + octaves) + self.root + steps[index]

    def chord_notes(self, degree: int, octave: int, size: int = 4) -> list[int]:
        """The chord on a degree, root position: `size` notes stacked in thirds (3 a triad, 4 a
        seventh chord, 5 with the ninth)."""
        return [self.degree_note(degree + 2 * k, octave) for k in range(size)]


def line_note(key: Key, chord_degree: int, symbol: str, octave: int) -> int:
    """The MIDI note a line symbol ("R", "5", "8" ...) stands for over the chord on chord_degree.

    The chord's root is put in whichever octave is nearest the key's root in `octave` (a fourth
    below to a fifth above it), so a bass line moves by small steps and never leaves its register.
    """
    third, octaves_up = LINE_TONES[symbol]
    home = key.degree_note(1, octave)
    root = key.degree_note(chord_degree, octave)
    root += 12 * round((home - root) / 12)
    if root - home > 6:
        root -= 12
    elif home - root > 5:
        root += 12
    interval = key.degree_note(chord_degree + 2 * third, octave) - key.degree_note(chord_degree, octave)
    return root + interval + 12 * octaves_up


def voice_chord(notes: list[int], centre_note: int) -> list[int]:
    """A chord as a keyboard player might hold it: the upper tones (third, fifth, seventh) each
    moved by octaves to lie nearest centre_note, and the root under them. Chords then change by
    small steps (inversions) instead of jumping, and no two notes rub a semitone apart."""
    root, upper = notes[0], notes[1:]
    voiced = sorted({note + 12 * round((centre_note - note) / 12) for note in upper})
    bass = root + 12 * ((voiced[0] - 3 - root) // 12)  # the highest root at least 3 semitones below
    return [bass] + voiced
