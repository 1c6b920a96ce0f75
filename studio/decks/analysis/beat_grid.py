"""A beat grid fitted over the whole track: first the period and phase that line up the most onsets
(epoch folding, as pulsar timing does), then a least-squares line through the onsets on the grid.

Fitting the whole track, instead of reading the tempo off an autocorrelation peak, is what makes the
tempo exact to a hundredth of a BPM: over five minutes an error of 0.01 BPM moves the last beat by
25 ms, which the fit sees. Hand-written with numpy; see onsets.py for why.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PHASE_BINS = 64  # a beat folded into this many bins
SEARCH_SPAN = 0.02  # the period is searched within +-2 % of the guess
SEARCH_STEPS = 241
ON_GRID_BEATS = 0.1  # an onset within this much of a grid line counts for the line fit
ONSET_LATENCY_S = -0.002  # how long after a hit starts its onset strength peaks: measured, 2 ms before it


@dataclass(frozen=True)
class Peaks:
    """Onsets as times and strengths: the local maxima of an onset-strength curve."""
    times_s: np.ndarray
    weights: np.ndarray

    def __len__(self) -> int:
        return len(self.times_s)


@dataclass(frozen=True)
class Grid:
    period_s: float  # one beat
    phase_s: float  # a beat falls at phase_s + n * period_s
    sharpness: float  # 0..1: the share of onset strength that falls near a grid line

    @property
    def bpm(self) -> float:
        return 60.0 / self.period_s

    def beat_times_s(self, start_s: float, end_s: float) -> np.ndarray:
        first = np.ceil((start_s - self.phase_s) / self.period_s)
        last = np.floor((end_s - self.phase_s) / self.period_s)
        return self.phase_s + np.arange(first, last + 1) * self.period_s


def peaks_of(strength: np.ndarray, frame_rate_hz: float, frame_offset_s: float = 0.0) -> Peaks:
    """Local maxima above the curve's mean, placed between frames by fitting a parabola."""
    s = np.asarray(strength, dtype=np.float64)
    if len(s) < 3:
        return Peaks(np.zeros(0), np.zeros(0))
    middle = s[1:-1]
    is_peak = (middle > s[:-2]) & (middle >= s[2:]) & (middle > s.mean())
    index = np.flatnonzero(is_peak) + 1
    before, at, after = s[index - 1], s[index], s[index + 1]
    curvature = before - 2 * at + after
    offset = np.where(curvature < 0, 0.5 * (before - after) / np.where(curvature < 0, curvature, -1.0), 0.0)
    times = frame_offset_s + (index + np.clip(offset, -0.5, 0.5)) / frame_rate_hz - ONSET_LATENCY_S
    return Peaks(times, at - s.mean())


def fit_grid(peaks: Peaks, bpm_guess: float, span: float = SEARCH_SPAN) -> Grid:
    """The beat period near 60 / bpm_guess, and its phase, that best line up with the peaks."""
    periods = 60.0 / (bpm_guess * (1.0 + np.linspace(-span, span, SEARCH_STEPS)))
    scores, phases = _fold_scores(peaks, periods)
    best = int(np.argmax(scores))
    # Zoom in twice around the best period: the score's peak narrows as the track gets longer.
    for _ in range(2):
        low, high = periods[max(best - 2, 0)], periods[min(best + 2, len(periods) - 1)]
        periods = np.linspace(low, high, 41)
        scores, phases = _fold_scores(peaks, periods)
        best = int(np.argmax(scores))
    grid = Grid(periods[best], phases[best], 0.0)
    grid = _line_fit(peaks, grid)
    return Grid(grid.period_s, grid.phase_s, sharpness(peaks, grid))


def fit_grid_at(peaks: Peaks, phase_s: float, period_s: float) -> Grid:
    """The line fit again from a given phase (the beat moved to where the drums are)."""
    grid = _line_fit(peaks, Grid(period_s, phase_s, 0.0))
    return Grid(grid.period_s, grid.phase_s, sharpness(peaks, grid))


def sharpness(peaks: Peaks, grid: Grid) -> float:
    if len(peaks) == 0:
        return 0.0
    offset = _beat_offset(peaks.times_s, grid)
    near = np.abs(offset) < ON_GRID_BEATS
    return float(peaks.weights[near].sum() / max(peaks.weights.sum(), 1e-12))


def strength_at(strength: np.ndarray, frame_rate_hz: float, times_s: np.ndarray, frame_offset_s: float = 0.0,
                reach_frames: int = 2) -> np.ndarray:
    """The strongest value of a per-frame curve within reach_frames of each time (onsets smear a little)."""
    centre = np.rint((times_s + ONSET_LATENCY_S - frame_offset_s) * frame_rate_hz).astype(int)
    values = np.zeros(len(times_s))
    for shift in range(-reach_frames, reach_frames + 1):
        index = centre + shift
        inside = (index >= 0) & (index < len(strength))
        values[inside] = np.maximum(values[inside], strength[index[inside]])
    return values


def _fold_scores(peaks: Peaks, periods: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each period: the strength in the fullest phase bin (smoothed over neighbours), and that phase."""
    if len(peaks) == 0:
        return np.zeros(len(periods)), np.zeros(len(periods))
    phase = (peaks.times_s[None, :] / periods[:, None]) % 1.0
    bins = np.minimum((phase * PHASE_BINS).astype(np.int64), PHASE_BINS - 1)
    flat = (np.arange(len(periods))[:, None] * PHASE_BINS + bins).ravel()
    weights = np.broadcast_to(peaks.weights, bins.shape).ravel()
    histogram = np.bincount(flat, weights=weights, minlength=len(periods) * PHASE_BINS).reshape(-1, PHASE_BINS)
    smooth = histogram + 0.5 * (np.roll(histogram, 1, axis=1) + np.roll(histogram, -1, axis=1))
    best_bin = np.argmax(smooth, axis=1)
    return smooth[np.arange(len(periods)), best_bin], (best_bin + 0.5) / PHASE_BINS * periods


def _beat_offset(times_s: np.ndarray, grid: Grid) -> np.ndarray:
    """Where each time falls relative to its nearest grid line, in beats (-0.5..0.5)."""
    position = (times_s - grid.phase_s) / grid.period_s
    return position - np.rint(position)


def _line_fit(peaks: Peaks, grid: Grid) -> Grid:
    """Weighted least squares of onset time against beat number, over the onsets near grid lines."""
    for _ in range(3):
        position = (peaks.times_s - grid.phase_s) / grid.period_s
        beat = np.rint(position)
        near = np.abs(position - beat) < ON_GRID_BEATS
        if np.count_nonzero(near) < 4 or np.ptp(beat[near]) < 2:
            return grid
        n, t, w = beat[near], peaks.times_s[near], peaks.weights[near]
        n_mean, t_mean = np.average(n, weights=w), np.average(t, weights=w)
        slope = np.sum(w * (n - n_mean) * (t - t_mean)) / np.sum(w * (n - n_mean) ** 2)
        if not abs(slope / grid.period_s - 1.0) < 0.01:  # the line found something else: keep the fold's
            return grid
        grid = Grid(slope, t_mean - slope * n_mean, grid.sharpness)
    return grid
