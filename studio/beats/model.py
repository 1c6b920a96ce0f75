"""A beat: patterns of steps on 16 pads, a tempo, swing and a chain of patterns into a song.

Plain data only (no audio here). The sequencer graph (sequencer_graph.py) plays it, beat_file.py
saves it, editor.py changes it with undo, midi_export.py writes it as a standard MIDI file.

Time: a step is a sixteenth note (a quarter of a beat). With swing s (0.5 = straight,
0.75 = hard shuffle) each pair of steps lasts two steps; the first of the pair takes the share s
of it and the second the rest, so the off-beat sixteenths come late.

Hits live on steps (Row.velocities, what the step grid shows) or between them (Row.off_grid,
from live recording with quantise off, 1/32 or triplets). Between steps, time is counted in
ticks: TICKS_PER_STEP to a step, 96 to a beat, the resolution of the MPC60 and of MIDI files'
most common setting. A step's ticks share its swung length evenly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PAD_COUNT = 16
PATTERN_NAMES = "ABCDEFGH"
STEP_COUNTS = (16, 32)
MIN_BPM, MAX_BPM = 60.0, 200.0
MIN_SWING, MAX_SWING = 0.5, 0.75
STEPS_PER_BEAT = 4
TICKS_PER_STEP = 24  # divisible by 2 (1/32 notes) and 3 (triplets)
FORMAT_VERSION = 2  # 2 added Row.off_grid and Beat.keys
MAX_CHAIN_LENGTH = 64  # patterns in a song


@dataclass
class PadSettings:
    """How one pad sounds: applied to every hit on it, from touch, sequencer or MIDI."""

    volume_db: float = 0.0  # -60..+6
    pan: float = 0.0  # -1 (left) .. +1 (right)
    pitch_semitones: float = 0.0  # -12..+12
    cutoff_hz: float = 20000.0  # low-pass filter, 200..20000 (20000 = open)
    choke_group: int = 0  # 0 = none; a hit silences the other pads of its group (closed hat chokes open hat)


@dataclass
class KeysSettings:
    """The note pads' key, scale and sound (studio.melody): the beat's key."""

    root: int = 9  # 0 = C .. 11 = B: A
    scale: str = "minor pentatonic"  # a name in studio.melody.scales.SCALES
    sound: str = "keys"  # "bass" or "keys"
    octave: int = 3  # of the bottom-left pad


@dataclass
class Row:
    """One pad's steps in a pattern. velocities[i] is 0 (no hit) or 0 < v <= 1."""

    pad: int
    velocities: list[float]
    length: int  # the row loops after this many steps (<= the pattern's step count): polymeters
    mute: bool = False
    solo: bool = False
    # Hits between steps: tick in the pattern (never on a step, i.e. never a multiple of
    # TICKS_PER_STEP) -> velocity. Like velocities, those at or beyond length are kept but silent.
    off_grid: dict[int, float] = field(default_factory=dict)

    def hits(self) -> dict[int, float]:
        """Every hit that sounds, on steps and between, within the row's length: tick -> velocity."""
        end = self.length * TICKS_PER_STEP
        on_grid = {step * TICKS_PER_STEP: v for step, v in enumerate(self.velocities[:self.length]) if v > 0}
        between = {tick: v for tick, v in self.off_grid.items() if tick < end}
        return dict(sorted({**on_grid, **between}.items()))

    def hits_in_step(self, step: int) -> dict[int, float]:
        """The hits that sound from the start of a step until the next one: tick -> velocity."""
        first = step * TICKS_PER_STEP
        found = {first: self.velocities[step]} if self.velocities[step] > 0 else {}
        found.update({tick: v for tick, v in self.off_grid.items() if first < tick < first + TICKS_PER_STEP})
        return found


@dataclass
class Pattern:
    name: str
    step_count: int
    rows: list[Row]  # one per pad, in pad order

    @classmethod
    def empty(cls, name: str, step_count: int = 16) -> "Pattern":
        return cls(name, step_count, [Row(pad, [0.0] * step_count, step_count) for pad in range(PAD_COUNT)])


@dataclass
class Beat:
    title: str = "My beat"
    kit: str = "boom-bap"  # a kit name from samples/kits, or a path to a kit folder
    bpm: float = 90.0
    swing: float = 0.5
    patterns: dict[str, Pattern] = field(default_factory=lambda: {n: Pattern.empty(n) for n in PATTERN_NAMES})
    chain: list[str] = field(default_factory=lambda: ["A"])  # the song: patterns played in this order
    pads: list[PadSettings] = field(default_factory=lambda: [PadSettings() for _ in range(PAD_COUNT)])
    keys: KeysSettings = field(default_factory=KeysSettings)


def step_time_beats(step_index: int, swing: float) -> float:
    """When a step starts, in beats from the start, with swing applied."""
    pair, second = divmod(step_index, 2)
    pair_beats = 2 / STEPS_PER_BEAT
    return pair * pair_beats + (pair_beats * swing if second else 0.0)


def step_loudness(row: Row, step: int) -> float:
    """The loudest hit in a step, on the step or between it and the next (0 when none)."""
    return max(row.hits_in_step(step).values(), default=0.0)


def audible_rows(pattern: Pattern) -> list[Row]:
    """Rows that sound: if any row is soloed only the soloed ones, never the muted ones."""
    soloed = [row for row in pattern.rows if row.solo]
    return [row for row in (soloed or pattern.rows) if not row.mute]
