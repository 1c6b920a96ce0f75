"""How loud a track is and the deck gain that brings it to the same loudness as every other
track, so a change of deck never jumps in level. The loudness itself (ITU-R BS.1770-4) is
studio.audio.loudness, shared with the export.
"""

from __future__ import annotations

import math

import numpy as np


TARGET_LUFS = -14.0  # what streaming services play at; the master limiter keeps the peaks safe
MAX_GAIN_DB = 12.0  # neither boost nor cut a deck by more than this


def suggested_gain_db(loudness_lufs: float) -> float:
    """The deck gain to reach TARGET_LUFS, within +-MAX_GAIN_DB; 0 for silence (nothing to bring up)."""
    if not math.isfinite(loudness_lufs):
        return 0.0
    return float(np.clip(TARGET_LUFS - loudness_lufs, -MAX_GAIN_DB, MAX_GAIN_DB))


def peak_db(samples: np.ndarray, chunk_frames: int = 1 << 20) -> float:
    """The highest sample level in dBFS, -inf for silence; read a chunk at a time (memory-mapped tracks)."""
    peak = 0.0
    for start in range(0, len(samples), chunk_frames):
        chunk = np.asarray(samples[start:start + chunk_frames])
        if chunk.size:
            peak = max(peak, float(np.max(np.abs(chunk))))
    return 20.0 * math.log10(peak) if peak > 0 else -math.inf
