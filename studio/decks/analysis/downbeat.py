"""Where bar 1 starts, once the beats are known: which of every four beats is the downbeat.

Four clues, added with weights: chords change on the downbeat (the beat-to-beat change of the chroma,
key.py), the kick is strongest on beat 1, kicks fall on 1 and 3 rather than 2 and 4 and the snare
the other way round, and music usually starts on a downbeat. The weights were set on the same
generated pieces as the tempo's (see tempo.py); the chords are the strongest clue.
"""

from __future__ import annotations

import numpy as np

from studio.decks.analysis.beat_grid import Grid, strength_at
from studio.decks.analysis.key import chroma_at
from studio.decks.analysis.onsets import Onsets

BEATS_PER_BAR = 4
CHORD_CHANGE_WEIGHT = 1.0
KICK_ON_ONE_WEIGHT = 0.5
KICK_ON_ONE_AND_THREE_WEIGHT = 0.5
SNARE_ON_TWO_AND_FOUR_WEIGHT = 0.25
MUSIC_STARTS_ON_ONE_WEIGHT = 0.5
MIN_CHORD_CHANGE = 0.05  # a chroma change below this is no change: drums alone do not vote
MUSIC_STARTS_TOLERANCE_S = 0.05  # the first downbeat may be this much before the first onset found


def first_downbeat_s(grid: Grid, onsets: Onsets, chroma: np.ndarray, chroma_rate_hz: float,
                     music_start_s: float, duration_s: float) -> float:
    """The first downbeat at or after the music starts (a pickup before it is not bar 1)."""
    beats = grid.beat_times_s(0.0, duration_s)
    if len(beats) < BEATS_PER_BAR:
        return _first_at_or_after(grid.phase_s, grid.period_s * BEATS_PER_BAR, music_start_s)
    scores = _bar_position_scores(grid, beats, onsets, chroma, chroma_rate_hz, music_start_s)
    downbeat = beats[int(np.argmax(scores))]
    return _first_at_or_after(downbeat, grid.period_s * BEATS_PER_BAR, music_start_s)


def _bar_position_scores(grid: Grid, beats: np.ndarray, onsets: Onsets, chroma: np.ndarray,
                         chroma_rate_hz: float, music_start_s: float) -> np.ndarray:
    """A score for each of the first four beats being a downbeat."""
    position = np.arange(len(beats)) % BEATS_PER_BAR

    def per_position(values: np.ndarray) -> np.ndarray:
        return np.array([values[position == p].mean() for p in range(BEATS_PER_BAR)])

    per_beat_chroma = chroma_at(chroma, chroma_rate_hz, beats, beats + grid.period_s)
    unit = per_beat_chroma / np.maximum(np.linalg.norm(per_beat_chroma, axis=1, keepdims=True), 1e-12)
    change = np.concatenate([[0.0], 1.0 - np.sum(unit[1:] * unit[:-1], axis=1)])  # entering each beat
    change = per_position(change)
    chord = (change - change.mean()) / max(change.mean(), MIN_CHORD_CHANGE)

    low = onsets.band_level[:, 0].astype(np.float64)
    kick_curve = np.maximum(low - np.concatenate([low[:2], low[:-2]]), 0.0)
    kick = _relative(per_position(_at(kick_curve, beats, onsets)))
    snare = _relative(per_position(_at(onsets.flux[:, 1].astype(np.float64), beats, onsets)))
    starts = np.zeros(BEATS_PER_BAR)
    starts[int(np.argmin(np.abs(beats - music_start_s))) % BEATS_PER_BAR] = 1.0

    scores = np.zeros(BEATS_PER_BAR)
    for p in range(BEATS_PER_BAR):
        one, two, three, four = ((p + k) % BEATS_PER_BAR for k in range(BEATS_PER_BAR))
        scores[p] = (CHORD_CHANGE_WEIGHT * chord[one]
                     + KICK_ON_ONE_WEIGHT * kick[one]
                     + KICK_ON_ONE_AND_THREE_WEIGHT * (kick[one] + kick[three] - kick[two] - kick[four])
                     + SNARE_ON_TWO_AND_FOUR_WEIGHT * (snare[two] + snare[four] - snare[one] - snare[three])
                     + MUSIC_STARTS_ON_ONE_WEIGHT * starts[one])
    return scores


def _at(curve: np.ndarray, beats: np.ndarray, onsets: Onsets) -> np.ndarray:
    return strength_at(curve, onsets.frame_rate_hz, beats, onsets.frame_offset_s, reach_frames=1)


def _relative(values: np.ndarray) -> np.ndarray:
    return values / max(float(values.mean()), 1e-12) - 1.0


def _first_at_or_after(downbeat_s: float, bar_s: float, start_s: float) -> float:
    return float(downbeat_s + np.ceil((start_s - MUSIC_STARTS_TOLERANCE_S - downbeat_s) / bar_s) * bar_s)
