"""Where every step and hit of a beat falls, in exact arithmetic.

The sequencer graph plays steps from a pyo Seq clock; this module says where they must land,
so tests and the benchmark can check the rendered audio to the sample, and so the graph
can lay a song out into tables. A step at exact time t sounds from sample floor(t * sr):
the last sample at or before t.

Swing is quantised to 1/UNITS_PER_PAIR of a pair of steps (0.02 %), the clock's own unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from studio.beats.model import PAD_COUNT, STEPS_PER_BEAT, Beat, audible_rows

UNITS_PER_PAIR = 4800  # the clock counts this many units per pair of steps


def swing_units(swing: float) -> tuple[int, int]:
    """Units of the first and second step of a pair."""
    first = round(UNITS_PER_PAIR * swing)
    return first, UNITS_PER_PAIR - first


def pair_duration_s(bpm: float) -> Fraction:
    return Fraction(2, STEPS_PER_BEAT) * 60 / Fraction(str(bpm))


def step_time_s(step_index: int, bpm: float, swing: float) -> Fraction:
    """Exact start of a step, counting from 0 at the first step."""
    pair, second = divmod(step_index, 2)
    first_units, _ = swing_units(swing)
    units = pair * UNITS_PER_PAIR + (first_units if second else 0)
    return units * pair_duration_s(bpm) / UNITS_PER_PAIR


def step_sample(step_index: int, bpm: float, swing: float, sample_rate: int) -> int:
    return int(step_time_s(step_index, bpm, swing) * sample_rate)  # floor: times are >= 0


def song_steps(beat: Beat) -> list[tuple[str, int]]:
    """The song as (pattern name, step in that pattern), in playing order."""
    return [(name, step) for name in beat.chain for step in range(beat.patterns[name].step_count)]


def song_velocities(beat: Beat) -> list[list[float]]:
    """For each pad, the velocity of every step of the song (0 = silent).

    Rows loop after their own length (polymeters), counted from the start of each pattern;
    muted rows are silent, and when any row of a pattern is soloed only soloed rows play.
    """
    steps = song_steps(beat)
    velocities = [[0.0] * len(steps) for _ in range(PAD_COUNT)]
    for song_step, (name, step) in enumerate(steps):
        for row in audible_rows(beat.patterns[name]):
            velocities[row.pad][song_step] = row.velocities[step % row.length]
    return velocities


@dataclass(frozen=True)
class Hit:
    sample: int
    pad: int
    velocity: float


def song_hits(beat: Beat, sample_rate: int, repeats: int = 1) -> list[Hit]:
    """Every hit of the song played ``repeats`` times, in time order."""
    velocities = song_velocities(beat)
    song_length = len(velocities[0])
    hits = []
    for step_index in range(song_length * repeats):
        sample = step_sample(step_index, beat.bpm, beat.swing, sample_rate)
        for pad in range(PAD_COUNT):
            velocity = velocities[pad][step_index % song_length]
            if velocity > 0:
                hits.append(Hit(sample, pad, velocity))
    return hits


def song_duration_s(beat: Beat, repeats: int = 1) -> Fraction:
    return step_time_s(len(song_steps(beat)) * repeats, beat.bpm, beat.swing)
