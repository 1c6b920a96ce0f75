"""Where every step and hit of a beat falls, in exact arithmetic.

The sequencer graph plays steps from a pyo Seq clock; this module says where they must land,
so tests and the benchmark can check the rendered audio to the sample, and so the graph
can lay a song out into tables. A step at exact time t sounds from sample floor(t * sr):
the last sample at or before t.

The clock ticks TICKS_PER_STEP times a step (model.py); a step's ticks share its swung length
evenly, so a tick is always a whole number of the clock's units. Swing is therefore quantised
to TICKS_PER_STEP units of a pair (0.5 %): 0.5, 0.505 ... 0.75.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from studio.beats.model import PAD_COUNT, STEPS_PER_BEAT, TICKS_PER_STEP, Beat, audible_rows, step_loudness

UNITS_PER_PAIR = 4800  # the clock counts this many units per pair of steps
TICKS_PER_PAIR = 2 * TICKS_PER_STEP


def swing_units(swing: float) -> tuple[int, int]:
    """Units of the first and second step of a pair (each a whole number of ticks)."""
    first = TICKS_PER_STEP * round(UNITS_PER_PAIR * swing / TICKS_PER_STEP)
    return first, UNITS_PER_PAIR - first


def tick_units(swing: float) -> list[int]:
    """The clock's units of each tick of a pair of steps: the sequence the clock repeats."""
    first, second = swing_units(swing)
    return [first // TICKS_PER_STEP] * TICKS_PER_STEP + [second // TICKS_PER_STEP] * TICKS_PER_STEP


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


def tick_time_s(tick: int, bpm: float, swing: float) -> Fraction:
    """Exact start of a tick, counting from 0 at the first step's first tick."""
    pair, in_pair = divmod(tick, TICKS_PER_PAIR)
    units = pair * UNITS_PER_PAIR + sum(tick_units(swing)[:in_pair])
    return units * pair_duration_s(bpm) / UNITS_PER_PAIR


def tick_sample(tick: int, bpm: float, swing: float, sample_rate: int) -> int:
    return int(tick_time_s(tick, bpm, swing) * sample_rate)


def song_steps(beat: Beat) -> list[tuple[str, int]]:
    """The song as (pattern name, step in that pattern), in playing order."""
    return [(name, step) for name in beat.chain for step in range(beat.patterns[name].step_count)]


def song_velocities(beat: Beat) -> list[list[float]]:
    """For each pad, the loudest hit in every step of the song (0 = silent), for display.

    Rows loop after their own length (polymeters), counted from the start of each pattern;
    muted rows are silent, and when any row of a pattern is soloed only soloed rows play.
    """
    steps = song_steps(beat)
    velocities = [[0.0] * len(steps) for _ in range(PAD_COUNT)]
    for song_step, (name, step) in enumerate(steps):
        for row in audible_rows(beat.patterns[name]):
            velocities[row.pad][song_step] = step_loudness(row, step % row.length)
    return velocities


def song_tick_velocities(beat: Beat) -> np.ndarray:
    """The velocity of every pad at every tick of the song: shape (PAD_COUNT, song ticks).

    What the sequencer graph plays: on-step hits and the hits between steps, with the same
    row lengths, mute and solo as song_velocities.
    """
    steps = song_steps(beat)
    velocities = np.zeros((PAD_COUNT, len(steps) * TICKS_PER_STEP))
    for song_step, (name, step) in enumerate(steps):
        start = song_step * TICKS_PER_STEP
        for row in audible_rows(beat.patterns[name]):
            row_step = step % row.length
            for tick, velocity in row.hits_in_step(row_step).items():
                velocities[row.pad, start + tick - row_step * TICKS_PER_STEP] = velocity
    return velocities


@dataclass(frozen=True)
class Hit:
    sample: int
    pad: int
    velocity: float


def song_hits(beat: Beat, sample_rate: int, repeats: int = 1) -> list[Hit]:
    """Every hit of the song played ``repeats`` times, in time order."""
    velocities = song_tick_velocities(beat)
    song_ticks = velocities.shape[1]
    hits = []
    for tick in np.flatnonzero(velocities.any(axis=0)).tolist():
        for repeat in range(repeats):
            sample = tick_sample(tick + repeat * song_ticks, beat.bpm, beat.swing, sample_rate)
            hits.extend(Hit(sample, pad, float(velocities[pad, tick]))
                        for pad in range(PAD_COUNT) if velocities[pad, tick] > 0)
    return sorted(hits, key=lambda hit: (hit.sample, hit.pad))


def song_duration_s(beat: Beat, repeats: int = 1) -> Fraction:
    return step_time_s(len(song_steps(beat)) * repeats, beat.bpm, beat.swing)
