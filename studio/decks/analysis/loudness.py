"""How loud a track is (integrated loudness, ITU-R BS.1770-4 as EBU R 128 uses it) and the deck gain
that brings it to the same loudness as every other track, so a change of deck never jumps in level.

pyloudnorm's K-weighting filters weight the sound, at its own rate (the treble counts: hats and
cymbals above 11 kHz move music by up to a dB). pyloudnorm's own integrated_loudness() wants the
whole track in memory and loops over its 400 ms blocks in Python (a second for five minutes), so
the track goes through the filters a minute at a time and the blocks and the gating are done here
with numpy, as the standard says. pyloudnorm imports scipy.signal (a second): it is imported here,
in the analysing process, only.
"""

from __future__ import annotations

import math

import numpy as np

TARGET_LUFS = -14.0  # what streaming services play at; the master limiter keeps the peaks safe
MAX_GAIN_DB = 12.0  # neither boost nor cut a deck by more than this
CHUNK_STEPS = 600  # filtered a minute at a time
STEP_S = 0.1  # gating blocks are 400 ms long and start every 100 ms (75 % overlap)
STEPS_PER_BLOCK = 4
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0


def integrated_loudness_lufs(samples: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness of (frames, channels) float samples; -inf for silence or under 0.4 s."""
    step_energy = _k_weighted_step_energy(samples.reshape(len(samples), -1), sample_rate)
    if len(step_energy) < STEPS_PER_BLOCK:
        return -math.inf
    step = round(STEP_S * sample_rate)
    blocks = sum(step_energy[k:len(step_energy) - STEPS_PER_BLOCK + 1 + k] for k in range(STEPS_PER_BLOCK))
    power = blocks / (STEPS_PER_BLOCK * step)  # the mean square of each block, summed over channels (G = 1)
    return gated_loudness_lufs(power)


def gated_loudness_lufs(block_power: np.ndarray) -> float:
    """BS.1770-4's gating: blocks under -70 LUFS, then those 10 LU under the mean of the rest, left out."""
    with np.errstate(divide="ignore"):
        block_lufs = -0.691 + 10.0 * np.log10(block_power)
    kept = block_power[block_lufs > ABSOLUTE_GATE_LUFS]
    if len(kept) == 0:
        return -math.inf
    relative_gate = -0.691 + 10.0 * math.log10(kept.mean()) + RELATIVE_GATE_LU
    kept = block_power[(block_lufs > ABSOLUTE_GATE_LUFS) & (block_lufs > relative_gate)]
    return -0.691 + 10.0 * math.log10(kept.mean()) if len(kept) else -math.inf


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


def _k_weighted_step_energy(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """Per 100 ms step: the sum over channels of the K-weighted squares (whole steps only)."""
    from pyloudnorm import IIRfilter

    # BS.1770's K-weighting as pyloudnorm's Meter builds it: a +4 dB shelf above 1.5 kHz, then a
    # high-pass at 38 Hz. Each minute starts the filters afresh; they settle in a few milliseconds.
    stages = (IIRfilter(4.0, 1 / math.sqrt(2), 1500.0, sample_rate, "high_shelf"),
              IIRfilter(0.0, 0.5, 38.0, sample_rate, "high_pass"))
    step = round(STEP_S * sample_rate)
    steps = len(samples) // step
    energy = np.zeros(steps)
    for first in range(0, steps, CHUNK_STEPS):
        count = min(CHUNK_STEPS, steps - first)
        chunk = np.asarray(samples[first * step:(first + count) * step], dtype=np.float64)
        for channel in range(chunk.shape[1]):
            weighted = chunk[:, channel]
            for stage in stages:
                weighted = stage.apply_filter(weighted)
            energy[first:first + count] += np.square(weighted).reshape(count, step).sum(axis=1)
    return energy
