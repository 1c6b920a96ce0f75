"""Mastering: the mix brought to a loudness target, with a true-peak limiter so no export clips.

    master(mix, stems, sample_rate, target_lufs=-14.0, ceiling_dbtp=-1.0) -> Mastered

One gain for the whole song, found by measuring (integrated loudness, ITU-R BS.1770 through
pyloudnorm), times a limiter's gain curve that only dips where a peak would pass the ceiling.
The limiter looks ahead: it sees each peak (true peak, 4x oversampled) coming and lowers the
gain smoothly before it, then lets go over RELEASE_S. Limiting lowers the loudness a little, so
the gain and the limiting are found again until the loudness is within LOUDNESS_TOLERANCE_LU of
the target and the true peak at or under the ceiling. The same gain curve is applied to every
stem, so the stems still add up to the mix.

A silent song stays silent (a note says so); a song too quiet to reach the target within
MAX_GAIN_DB is raised that far and a note says so.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from studio.export.errors import ExportCancelled

LOOKAHEAD_S = 0.005  # the limiter's attack, and how far ahead it looks
BLOCK_FRAMES = 16  # the limiter's gain is worked out per block this long, then drawn straight between
RELEASE_S = 0.1  # how fast the limiter lets go after a peak (time constant)
OVERSAMPLING = 4  # for true peaks, as ITU-R BS.1770-4 asks at 48 kHz
LIMITER_MARGIN_DB = 0.1  # the limiter aims this far under the ceiling (oversampled peaks are estimates)
LOUDNESS_TOLERANCE_LU = 0.1
MAX_PASSES = 12
MAX_GAIN_DB = 60.0
CHUNK_FRAMES = 1 << 19  # oversampled in pieces of about 11 s: a whole song at 4x would need a lot of memory
CHUNK_PAD = 64  # frames either side of a piece, so its edges oversample as the whole song would
MIN_LOUDNESS_S = 0.4  # BS.1770's block: a shorter song is measured with silence after it

Progress = Callable[[float, str], None]
Cancel = Callable[[], bool]


@dataclass
class Mastered:
    mix: np.ndarray  # float32 (frames, 2)
    stems: list[tuple[str, np.ndarray]]
    lufs: float  # integrated loudness of the mastered mix (-inf: silence)
    true_peak_dbtp: float  # its true peak (-inf: silence)
    gain_db: float  # the gain before limiting
    limited_db: float  # the most the limiter took off at any moment
    notes: list[str] = field(default_factory=list)  # plain remarks for the user


def integrated_lufs(audio: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness (BS.1770); -inf when nothing is above the absolute gate (silence)."""
    import pyloudnorm

    audio = np.asarray(audio, dtype=np.float64)
    if not np.any(audio):
        return -math.inf
    short = round(MIN_LOUDNESS_S * sample_rate) - len(audio)
    if short > 0:
        audio = np.concatenate([audio, np.zeros((short, audio.shape[1]))])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyloudnorm warns about its own clipping check
        return float(pyloudnorm.Meter(sample_rate).integrated_loudness(audio))


def peak_envelope(audio: np.ndarray) -> np.ndarray:
    """The true peak near each frame (4x oversampled, both channels): float64 (frames,)."""
    from scipy.signal import resample_poly

    frames = len(audio)
    envelope = np.zeros(frames)
    for start in range(0, frames, CHUNK_FRAMES):
        end = min(frames, start + CHUNK_FRAMES)
        lo, hi = max(0, start - CHUNK_PAD), min(frames, end + CHUNK_PAD)
        up = resample_poly(np.asarray(audio[lo:hi], dtype=np.float32), OVERSAMPLING, 1, axis=0)
        up = up[(start - lo) * OVERSAMPLING:(end - lo) * OVERSAMPLING]
        # The oversampled values between frame n and n + 1 count for both.
        between = np.max(np.abs(up).reshape(end - start, OVERSAMPLING, -1), axis=(1, 2))
        envelope[start:end] = np.maximum(between, np.max(np.abs(audio[start:end]), axis=1))
    envelope[1:] = np.maximum(envelope[1:], envelope[:-1])
    return envelope


def true_peak_dbtp(audio: np.ndarray) -> float:
    peak = float(np.max(peak_envelope(audio))) if len(audio) else 0.0
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def limiter_gain(peaks: np.ndarray, ceiling: float, sample_rate: int) -> np.ndarray:
    """The gain (0..1, float32 per frame) that keeps peaks * gain at or under ceiling, dipping
    smoothly ahead of each peak.

    Worked out per block of BLOCK_FRAMES (the curve is far slower than that): each block needs at
    most ceiling / its highest peak. That need is held from one block before to the look-ahead
    before it (a moving minimum), let go over RELEASE_S (an exponential in dB, computed for all
    blocks at once), then smoothed with a moving average as long as the look-ahead. An average of
    values that are all at or under a block's need is under it too, at that block's start and at
    the next block's, so the straight line between the two, which the frames follow, is as well.
    """
    from scipy.ndimage import minimum_filter1d

    frames = len(peaks)
    block_peaks = np.maximum.reduceat(peaks, np.arange(0, frames, BLOCK_FRAMES)) if frames else peaks
    with np.errstate(divide="ignore"):
        need = np.minimum(1.0, ceiling / block_peaks)
    if np.all(need >= 1.0):
        return np.ones(frames, np.float32)
    ahead = max(1, math.ceil(LOOKAHEAD_S * sample_rate / BLOCK_FRAMES))
    # Block b takes the least need of blocks b - 1 .. b + ahead - 1.
    held = minimum_filter1d(need, size=ahead + 1, origin=1 - (ahead + 1) // 2, mode="nearest")
    # Release: cut_db[b] = max over k <= b of cut[k] * decay^(b - k); in logs that is a running
    # maximum of log(cut[k]) - k * log(decay), shifted back.
    cut_db = -20.0 * np.log10(held)
    log_decay = -BLOCK_FRAMES / (RELEASE_S * sample_rate)
    index = np.arange(len(held))
    with np.errstate(divide="ignore"):
        log_cut = np.log(cut_db)
    released = np.exp(np.maximum.accumulate(log_cut - index * log_decay) + index * log_decay)
    gain = 10.0 ** (-np.maximum(released, cut_db) / 20.0)
    # A moving average over the look-ahead, ending at each block; before the song it holds the
    # first block's gain, so a peak on the very first frame is cut as fully as any other.
    padded = np.concatenate([np.full(ahead - 1, gain[0]), gain])
    sums = np.cumsum(np.concatenate([[0.0], padded]))
    smoothed = (sums[ahead:] - sums[:-ahead]) / ahead
    return np.interp(np.arange(frames), index * BLOCK_FRAMES, smoothed).astype(np.float32)


def master(mix: np.ndarray, stems: list[tuple[str, np.ndarray]], sample_rate: int, target_lufs: float = -14.0,
           ceiling_dbtp: float = -1.0, progress: Progress | None = None, cancel: Cancel | None = None) -> Mastered:
    """Bring the mix to target_lufs with its true peak at or under ceiling_dbtp (see the module's notes)."""
    def step(fraction: float, words: str) -> None:
        if cancel is not None and cancel():
            raise ExportCancelled()
        if progress is not None:
            progress(fraction, words)

    mix = np.asarray(mix, dtype=np.float32)
    step(0.0, "Measuring the loudness")
    loudness = integrated_lufs(mix, sample_rate)
    if not math.isfinite(loudness) or not np.any(mix):
        return Mastered(mix, stems, -math.inf, -math.inf, 0.0, 0.0,
                        ["The song is silent, so it was exported as silence."])
    notes = []
    gain_db = target_lufs - loudness
    if gain_db > MAX_GAIN_DB:
        gain_db = MAX_GAIN_DB
        notes.append(f"The song is very quiet: it was raised by {MAX_GAIN_DB:.0f} dB, the most allowed, "
                     f"and is still under {target_lufs:g} LUFS.")
    peaks = peak_envelope(mix)
    ceiling_db = ceiling_dbtp - LIMITER_MARGIN_DB
    for attempt in range(MAX_PASSES):
        step(0.1 + 0.8 * attempt / MAX_PASSES, "Setting the loudness")
        scale = 10.0 ** (gain_db / 20.0)
        curve = np.float32(scale) * limiter_gain(peaks * scale, 10.0 ** (ceiling_db / 20.0), sample_rate)
        mastered = mix * curve[:, None]
        loudness = integrated_lufs(mastered, sample_rate)
        if abs(loudness - target_lufs) > LOUDNESS_TOLERANCE_LU and gain_db < MAX_GAIN_DB:
            gain_db = min(MAX_GAIN_DB, gain_db + target_lufs - loudness)
            continue
        # Loud enough: check the true peak of what comes out (oversampling it again: the gain
        # curve moves, so the peaks between frames can move too).
        peak_db = true_peak_dbtp(mastered)
        if peak_db <= ceiling_dbtp:
            break
        ceiling_db -= peak_db - ceiling_dbtp + 0.01  # aim lower, and measure again
    else:
        peak_db = true_peak_dbtp(mastered)
    if peak_db > ceiling_dbtp:  # still over after every pass (never seen): lower it all, loudness gives way
        curve *= np.float32(10.0 ** ((ceiling_dbtp - peak_db - 0.01) / 20.0))
        mastered = mix * curve[:, None]
        loudness, peak_db = integrated_lufs(mastered, sample_rate), true_peak_dbtp(mastered)
    step(0.95, "Setting the loudness")
    limited_db = float(-20.0 * np.log10(np.min(curve) / 10.0 ** (gain_db / 20.0)))
    mastered_stems = [(name, np.asarray(stem, np.float32) * curve[:, None]) for name, stem in stems]
    step(1.0, "Loudness set")
    return Mastered(mastered, mastered_stems, loudness, peak_db, gain_db, max(0.0, limited_db), notes)
