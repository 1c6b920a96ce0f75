"""The tempo: which periodicities the onsets have, and which of them people would tap along to.

Other apps fail by reading a track at half, double or two thirds of its tempo: the onsets repeat at
every one of those periods. So the candidates are the strongest periodicity and its relatives (x2,
/2, x3/2, x2/3, x3, /3, x4/3, x3/4); each gets its own grid fitted over the whole track (beat_grid.py)
and a score (_level_score): a prior on tempo centred near 115 BPM (most dance, pop and hip-hop sits
70-180 BPM), how strong the onsets are on its beats and half way between them, whether the snare
falls on every other beat (a backbeat, as on 2 and 4), and how much of the onsets its grid explains.
A bare pulse (a metronome, a kick alone) is taken as it is. Then the beat's phase is set where the
drums are (_beat_phase), and a tempo whose beats stand out too little is "no clear beat".
Hand-written with numpy; see onsets.py for why.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.decks.analysis.beat_grid import Grid, Peaks, fit_grid, fit_grid_at, peaks_of, strength_at
from studio.decks.analysis.onsets import Onsets

MIN_BPM, MAX_BPM = 60.0, 200.0  # the tempo given is always in this range
SEARCH_MIN_BPM, SEARCH_MAX_BPM = 40.0, 240.0  # periodicities looked for (a relative may land in range)
RELATIVES = (1.0, 2.0, 0.5, 1.5, 2.0 / 3.0, 3.0, 1.0 / 3.0, 4.0 / 3.0, 3.0 / 4.0)
BAND_WEIGHTS = (1.0, 1.0, 0.6)  # low, mid, high: kicks and snares say where the beat is more than hats do
LOCAL_MEAN_S = 0.5  # the onset curve minus its running mean over this long: a steady wash is no onset
# A clear beat: on the typical beat (the median, once the music has started) the onset strength is
# at least this many times the 90th percentile of all of it. The demo pieces and click tracks score
# 1.7 to 10; white noise (which any grid fits a little) 0.4 to 0.8, held chords and pads less.
MIN_CLARITY = 1.2
NO_CONFIDENCE_CLARITY, FULL_CONFIDENCE_CLARITY = 0.8, 2.0
MUSIC_STARTS_AT = 0.1  # the music starts (and ends) where onsets first (last) reach this share of the highest

# Choosing between relatives: a score per candidate tempo, the sum of these terms times their weights.
# The weights were set on generated pieces (the tempo test set, two sets of other grooves and tempos,
# click tracks and drum loops: 136 in all) and kept where every one came out right with room to spare.
PRIOR_CENTRE_BPM = 115.0
PRIOR_WIDTH_OCTAVES = 0.65
ON_BEAT_WEIGHT = 3.0  # onsets strong on the beat: the beat is where the hits are
HALF_BEAT_WEIGHT = 0.5  # hits half way between the beats as strong as on them: maybe twice as fast
BACKBEAT_WEIGHT = 2.0  # the snare (mid band) on every other beat, as on 2 and 4
BACKBEAT_ONLY_WEIGHT = 1.0  # ... more than everything else alternates (at double tempo, all bands do)
SHARPNESS_WEIGHT = 2.0  # the share of all onsets that fall on this grid
BARE_PULSE_SHARPNESS = 0.95  # see _is_bare_pulse
BARE_PULSE_COVERAGE = 0.9
BARE_PULSE_MAX_ALTERNATION = 0.25
PHASE_SHIFTS = (0.0, 0.25, 1 / 3, 0.5, 2 / 3, 0.75)  # of a beat: where else the beat may be (see _beat_phase)


@dataclass(frozen=True)
class TempoEstimate:
    grid: Grid | None  # None: no clear beat
    confidence: float  # 0..1
    novelty: np.ndarray  # the onset curve the grid was fitted to (per onsets frame)
    peaks: Peaks


def novelty_of(onsets: Onsets) -> np.ndarray:
    """One onset curve from the three bands, each scaled to its own typical level, minus a running mean."""
    flux = onsets.flux.astype(np.float64)
    scale = np.maximum(flux.mean(axis=0), 1e-9)
    combined = (flux / scale) @ np.asarray(BAND_WEIGHTS)
    return _minus_running_mean(combined, onsets.frame_rate_hz)


def estimate_tempo(onsets: Onsets) -> TempoEstimate:
    novelty = novelty_of(onsets)
    peaks = peaks_of(novelty, onsets.frame_rate_hz, onsets.frame_offset_s)
    if len(peaks) < 8 or not np.any(novelty > 0):
        return TempoEstimate(None, 0.0, novelty, peaks)
    candidates = _candidate_bpms(novelty, onsets.frame_rate_hz)
    mean_strength = max(float(np.mean(np.maximum(novelty, 0))), 1e-12)
    scored = []  # (is a bare pulse, score, grid)
    for bpm in candidates:
        grid = fit_grid(peaks, bpm)
        if MIN_BPM <= grid.bpm <= MAX_BPM:
            scored.append((_is_bare_pulse(grid, novelty, onsets), _level_score(grid, novelty, onsets, mean_strength),
                           grid))
    if not scored:
        return TempoEstimate(None, 0.0, novelty, peaks)
    # A bare pulse (a metronome, a kick alone) is counted as it is: the weighing of the relatives
    # below is for grooves, where some hits are subdivisions of the beat.
    _, _, grid = max(scored, key=lambda item: (item[0], item[1]))
    grid = fit_grid_at(peaks, _beat_phase(grid, onsets), grid.period_s)
    clarity = _clarity(grid, novelty, onsets)
    confidence = float(np.clip((clarity - NO_CONFIDENCE_CLARITY) / (FULL_CONFIDENCE_CLARITY - NO_CONFIDENCE_CLARITY),
                               0.0, 1.0))
    return TempoEstimate(grid if clarity >= MIN_CLARITY else None, confidence, novelty, peaks)


def prior(bpm: float) -> float:
    """Log of how likely a tempo is before hearing anything: a bell over log-tempo centred at 115 BPM."""
    return -0.5 * (np.log2(bpm / PRIOR_CENTRE_BPM) / PRIOR_WIDTH_OCTAVES) ** 2


def _level_score(grid: Grid, novelty: np.ndarray, onsets: Onsets, mean_strength: float) -> float:
    beats = grid.beat_times_s(0.0, onsets.frame_count / onsets.frame_rate_hz)
    rate = onsets.frame_rate_hz

    def at(curve: np.ndarray, times_s: np.ndarray) -> np.ndarray:
        return strength_at(curve, rate, times_s, onsets.frame_offset_s, reach_frames=1)

    positive = np.maximum(novelty, 0.0)
    on_beat = at(positive, beats) / mean_strength
    half_beat = at(positive, beats + grid.period_s / 2).mean() / mean_strength
    mid_band = onsets.flux[:, 1] / max(float(onsets.flux[:, 1].mean()), 1e-12)
    backbeat = _alternation(at(mid_band, beats))
    return float(
        prior(grid.bpm)
        + ON_BEAT_WEIGHT * np.log1p(on_beat.mean())
        + HALF_BEAT_WEIGHT * np.log((1 + half_beat) / (1 + on_beat.mean()))
        + BACKBEAT_WEIGHT * backbeat
        + BACKBEAT_ONLY_WEIGHT * max(0.0, backbeat - _alternation(on_beat))
        + SHARPNESS_WEIGHT * grid.sharpness
    )


def _beat_phase(grid: Grid, onsets: Onsets) -> float:
    """Of the grid and the same grid moved a quarter, a third or half a beat, the one drums mark.

    The fitted grid follows the strongest onsets, which can be off the beat: house's open hat and
    bass on the offbeat, a shuffle's chords on the last triplet. Drums are told from notes by how
    many frequencies jump at once (onsets.broadband) and kicks by the low band's level rising (not its
    log: the kick is the loudest thing down there). The beat is where they are, on every beat: the
    mean and the median over beats, so a strong hit on every other offbeat does not win.
    """
    broadband = _minus_running_mean(onsets.broadband.astype(np.float64), onsets.frame_rate_hz)
    low = onsets.band_level[:, 0].astype(np.float64)
    kick = np.maximum(low - np.concatenate([low[:2], low[:-2]]), 0.0)
    curve = broadband / max(broadband.mean(), 1e-12) + kick / max(kick.mean(), 1e-12)
    beats = grid.beat_times_s(0.0, onsets.frame_count / onsets.frame_rate_hz)
    best_shift, best_score = 0.0, -1.0
    for fraction in PHASE_SHIFTS:
        shift = fraction * grid.period_s
        strength = strength_at(curve, onsets.frame_rate_hz, beats + shift, onsets.frame_offset_s, reach_frames=1)
        score = float(strength.mean() + np.median(strength)) if len(strength) else 0.0
        if score > best_score:
            best_shift, best_score = shift, score
    return grid.phase_s + best_shift


def _is_bare_pulse(grid: Grid, novelty: np.ndarray, onsets: Onsets) -> bool:
    """Every onset on a beat, nearly every beat (once the music has started) with an onset, and odd
    and even beats alike (a strong-weak-strong-weak pulse is a beat and its offbeats)."""
    if grid.sharpness < BARE_PULSE_SHARPNESS:
        return False
    positive = np.maximum(novelty, 0.0)
    start_s, end_s = music_span_s(novelty, onsets)
    beats = grid.beat_times_s(start_s - 0.05, end_s + 0.05)
    on_beat = strength_at(positive, onsets.frame_rate_hz, beats, onsets.frame_offset_s, reach_frames=1)
    return (len(beats) >= 4 and float(np.mean(on_beat > positive.mean())) >= BARE_PULSE_COVERAGE
            and _alternation(on_beat) < BARE_PULSE_MAX_ALTERNATION)


def _alternation(per_beat: np.ndarray) -> float:
    """0 when every beat is alike, towards 1 when odd and even beats differ (a snare on 2 and 4)."""
    even, odd = per_beat[0::2].mean(), per_beat[1::2].mean()
    return float(abs(even - odd) / max(even + odd, 1e-12))


def music_span_s(novelty: np.ndarray, onsets: Onsets) -> tuple[float, float]:
    """From the first to the last onset of some strength (silence before and after left out)."""
    positive = np.maximum(novelty, 0.0)
    loud = np.flatnonzero(positive >= MUSIC_STARTS_AT * positive.max()) if positive.max() > 0 else [0]
    return (onsets.frame_offset_s + loud[0] / onsets.frame_rate_hz,
            onsets.frame_offset_s + loud[-1] / onsets.frame_rate_hz)


def _clarity(grid: Grid, novelty: np.ndarray, onsets: Onsets) -> float:
    """The onset strength on the typical beat against the strong end of all of it (see MIN_CLARITY).

    Measured at whichever of the phase shifts suits the beat best, so it says whether the tempo is
    clear, whatever the phase chosen.
    """
    positive = np.maximum(novelty, 0.0)
    start_s, end_s = music_span_s(novelty, onsets)
    beats = grid.beat_times_s(start_s - 0.05, end_s + 0.05)
    if len(beats) < 4:
        return 0.0
    typical = max(float(np.median(strength_at(positive, onsets.frame_rate_hz, beats + fraction * grid.period_s,
                                              onsets.frame_offset_s, reach_frames=1)))
                  for fraction in PHASE_SHIFTS)
    local_peaks = np.maximum(positive, np.maximum(np.roll(positive, 1), np.roll(positive, -1)))
    return typical / max(float(np.percentile(local_peaks, 90)), 1e-12)


def _candidate_bpms(novelty: np.ndarray, frame_rate_hz: float) -> list[float]:
    """The strongest periodicity (autocorrelation summed over its first four multiples) and its relatives."""
    centred = novelty - novelty.mean()
    size = 1 << int(np.ceil(np.log2(2 * len(centred))))
    spectrum = np.fft.rfft(centred, size)
    autocorrelation = np.fft.irfft(np.abs(spectrum) ** 2, size)[: len(centred)]
    autocorrelation /= max(autocorrelation[0], 1e-12)
    bpms = np.arange(SEARCH_MIN_BPM, SEARCH_MAX_BPM, 0.1)
    lags = 60.0 * frame_rate_hz / bpms
    salience = sum(np.interp(lags * multiple, np.arange(len(autocorrelation)), autocorrelation, right=0.0)
                   for multiple in (1, 2, 3, 4))
    top = [float(bpms[i]) for i in _local_maxima(salience)[:3]]
    candidates: list[float] = []
    for bpm in top:
        for relative in RELATIVES:
            guess = bpm * relative
            if MIN_BPM * 0.98 <= guess <= MAX_BPM * 1.02 and all(abs(guess / c - 1) > 0.01 for c in candidates):
                candidates.append(guess)
    return candidates


def _local_maxima(values: np.ndarray) -> list[int]:
    index = np.flatnonzero((values[1:-1] > values[:-2]) & (values[1:-1] >= values[2:])) + 1
    return [int(i) for i in index[np.argsort(values[index])[::-1]]]


def _minus_running_mean(curve: np.ndarray, frame_rate_hz: float) -> np.ndarray:
    width = max(1, int(LOCAL_MEAN_S * frame_rate_hz))
    kernel = np.ones(width) / width
    return np.maximum(curve - np.convolve(curve, kernel, mode="same"), 0.0)
