"""The step notation the styles are written in: one character per step (a sixteenth note, or a
triplet eighth in a shuffle), bars optionally separated by "|" for the eye.

    drums    "X" loud, "x" medium, "o" soft, "-" a ghost note, "." nothing;
             "2" and "3" are rolls: two or three quick hits inside one step (trap hats)
    lines    a melody relative to the chord under it (bass lines, arpeggios):
             "R" the chord's root, "3" its third, "5" its fifth, "7" its seventh, "8" the root an
             octave up, "L" the fifth below the root, "-" a short, quiet dead note on the root;
             "=" holds the note before for one more step, "." is a rest
    chords   "C" a chord struck firmly, "c" softly; "=" holds it, "." is a rest
    melodies scale degrees of the key: "1".."9" then "a" (10), "b" (11), "c" (12), "d" (13);
             "=" holds, "." is a rest
"""

from __future__ import annotations

from dataclasses import dataclass

DRUM_VELOCITIES = {"X": 1.0, "x": 0.8, "o": 0.6, "-": 0.4}
ROLL_HITS = {"2": 2, "3": 3}
ROLL_VELOCITY = 0.55
CHORD_VELOCITIES = {"C": 1.0, "c": 0.7}
LINE_SYMBOLS = "R3578L-"
MELODY_DEGREES = "123456789abcd"
GHOST_VELOCITY = 0.4
HOLD, REST = "=", "."


@dataclass(frozen=True)
class DrumHit:
    step: float  # steps from the start of the pattern; rolls land between steps
    velocity: float


@dataclass(frozen=True)
class PatternNote:
    step: int
    length_steps: int
    symbol: str  # a chord tone ("R", "3", ...) for lines, "C"/"c" for chords, a degree for melodies
    velocity: float


def clean(pattern: str) -> str:
    """The pattern without its bar separators and spaces."""
    return pattern.replace("|", "").replace(" ", "")


def drum_hits(pattern: str) -> list[DrumHit]:
    hits = []
    for step, char in enumerate(clean(pattern)):
        if char in DRUM_VELOCITIES:
            hits.append(DrumHit(float(step), DRUM_VELOCITIES[char]))
        elif char in ROLL_HITS:
            count = ROLL_HITS[char]
            hits.extend(DrumHit(step + k / count, ROLL_VELOCITY * (0.85 + 0.15 * k / count)) for k in range(count))
        elif char != REST:
            raise ValueError(f"unknown drum step {char!r} in {pattern!r}; use X x o - 2 3 or .")
    return hits


def _held_notes(pattern: str, velocities: dict[str, float]) -> list[PatternNote]:
    notes: list[PatternNote] = []
    for step, char in enumerate(clean(pattern)):
        if char == HOLD:
            if not notes or notes[-1].step + notes[-1].length_steps != step:
                raise ValueError(f"'=' must follow a note or another '=' in {pattern!r}")
            last = notes[-1]
            notes[-1] = PatternNote(last.step, last.length_steps + 1, last.symbol, last.velocity)
        elif char in velocities:
            notes.append(PatternNote(step, 1, char, velocities[char]))
        elif char != REST:
            raise ValueError(f"unknown step {char!r} in {pattern!r}; use {' '.join(velocities)} = or .")
    return notes


def line_notes(pattern: str) -> list[PatternNote]:
    velocities = {symbol: 1.0 for symbol in LINE_SYMBOLS}
    velocities["-"] = GHOST_VELOCITY
    return _held_notes(pattern, velocities)


def chord_hits(pattern: str) -> list[PatternNote]:
    return _held_notes(pattern, CHORD_VELOCITIES)


def melody_notes(pattern: str) -> list[PatternNote]:
    return _held_notes(pattern, {degree: 1.0 for degree in MELODY_DEGREES})


def melody_degree(symbol: str) -> int:
    return MELODY_DEGREES.index(symbol) + 1


def pattern_steps(pattern: str) -> int:
    return len(clean(pattern))
