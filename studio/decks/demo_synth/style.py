"""What a style is made of: drum voices and grooves, melodic parts, a chord progression and a mix.

A style says how a kind of music goes (a house groove, a trap 808); a Piece (arrangement.py)
plays it at one tempo, in one key, through a list of sections.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.decks.demo_synth.notation import chord_hits, drum_hits, line_notes, melody_notes, pattern_steps
from studio.decks.demo_synth.voices import INSTRUMENTS

PART_KINDS = ("line", "chords", "melody")


@dataclass(frozen=True)
class Drum:
    sound: str  # a shipped kit's sound, "kit/file-stem"
    gain_db: float = 0.0
    pan: float | None = None  # None: the kit's own pan
    choke: str = ""  # voices with the same choke name cut each other off (closed hat cuts open hat)
    send: float = 0.0  # into the reverb, 0..1


@dataclass(frozen=True)
class Part:
    kind: str  # "line" (bass, arpeggio: notation relative to the chord), "chords", "melody" (scale degrees)
    instrument: str  # one of voices.INSTRUMENTS
    pattern: str
    octave: int  # line: the chord root's octave; chords: the octave the voicing centres on; melody: degree 1's
    gain_db: float = 0.0
    pan: float = 0.0
    send: float = 0.0  # into the reverb
    echo: float = 0.0  # into the ping-pong echo
    chord_size: int = 4  # chords: 3 a triad, 4 a seventh chord
    strum_ms: float = 0.0  # chords: each note this much after the one below (a hand, not a machine)
    duck: bool = False  # dips under the kick (side-chain)


@dataclass(frozen=True)
class Style:
    name: str
    drums: dict[str, Drum]
    grooves: dict[str, dict[str, str]]  # groove name ("intro", "main", "fill" ...) -> drum voice -> pattern
    parts: dict[str, Part]
    chords: tuple[int, ...]  # the progression, as scale degrees (1 is the key's own chord)
    chord_bars: float = 1.0  # how long each chord lasts
    steps_per_beat: int = 4
    swing: float = 0.5
    crash: str = ""  # the drum voice struck at the start of a section that asks for it
    reverb_s: float = 1.5
    echo_steps: int = 3  # the echo's delay (3 sixteenths: a dotted eighth)
    echo_feedback: float = 0.4
    duck_depth: float = 0.5
    music_lowpass_hz: float = 0.0  # lo-fi: the melodic parts sound as if from an old record (0: off)
    crackle_dbfs: float | None = None  # vinyl dust under everything
    loudness_db: float = -15.0  # see render.weighted_level_db
    kick: str = "kick"  # the drum voice the side-chain and the tests listen to

    def __post_init__(self):
        bar = self.steps_per_beat * 4
        for groove_name, groove in self.grooves.items():
            for voice, pattern in groove.items():
                if voice not in self.drums:
                    raise ValueError(f"{self.name}: groove {groove_name!r} plays {voice!r}, which is not a drum")
                _check_bars(pattern, bar, f"{self.name}: {groove_name}/{voice}")
                drum_hits(pattern)
        for part_name, part in self.parts.items():
            if part.kind not in PART_KINDS or part.instrument not in INSTRUMENTS:
                raise ValueError(f"{self.name}: part {part_name!r} has an unknown kind or instrument")
            _check_bars(part.pattern, bar, f"{self.name}: part {part_name!r}")
            {"line": line_notes, "chords": chord_hits, "melody": melody_notes}[part.kind](part.pattern)
        if self.crash and self.crash not in self.drums:
            raise ValueError(f"{self.name}: the crash {self.crash!r} is not a drum")


def _check_bars(pattern: str, bar_steps: int, what: str) -> None:
    """Each "|"-separated bar, and the whole, must be whole bars: a miscounted bar fails here."""
    bars = pattern.replace(" ", "").split("|")
    if pattern_steps(pattern) % bar_steps or ("|" in pattern and any(len(b) != bar_steps for b in bars)):
        raise ValueError(f"{what} is not whole bars of {bar_steps} steps: {pattern!r}")


@dataclass(frozen=True)
class Section:
    name: str  # "intro", "verse", "breakdown", "drop", "outro" ...
    bars: int
    groove: str | None  # the drums' groove; None: no drums
    parts: tuple[str, ...] = ()  # which of the style's parts play
    fill: bool = False  # the last bar plays the style's "fill" groove, leading into the next section
    crash: bool = False  # a crash on the first downbeat
