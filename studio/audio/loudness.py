"""Integrated loudness (ITU-R BS.1770-4, as EBU R 128 uses it), for the decks' gain and the export.

    integrated_loudness_lufs(samples, sample_rate) -> LUFS (-inf: silence, or under 0.4 s)
    k_weighted_energy(samples, sample_rate) -> each frame's K-weighted square, summed over channels
    loudness_of_energy(frame_energy, sample_rate) -> LUFS

pyloudnorm's K-weighting filters weight the sound, at its own rate (the treble counts: hats and
cymbals above 11 kHz move music by up to a dB). pyloudnorm's own integrated_loudness() loops over
its 400 ms blocks in Python (a second for five minutes), so the blocks and the gating are done
here with numpy, as the standard says, and the filters run a minute at a time (they settle in a
few milliseconds, so starting them afresh each minute changes nothing measurable) to keep memory
small. The filters are pyloudnorm's, made here, and run through scipy's sosfilt loop loaded
alone (studio.audio.filter_kernels): importing pyloudnorm or scipy.signal takes over a second.
The export keeps each frame's energy (k_weighted_energy): a gain curve applied to the sound then
scales that energy by the curve squared, far faster than filtering again.
"""

from __future__ import annotations

import math

import numpy as np

CHUNK_STEPS = 600  # filtered a minute at a time
PIECE_FRAMES = 1 << 18  # and within the minute, this much at once (memory)
STEP_S = 0.1  # gating blocks are 400 ms long and start every 100 ms (75 % overlap)
STEPS_PER_BLOCK = 4
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0


def integrated_loudness_lufs(samples: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness of (frames, channels) float samples; -inf for silence or under 0.4 s."""
    return loudness_of_steps(_k_weighted_step_energy(samples.reshape(len(samples), -1), sample_rate), sample_rate)


def k_weighted_energy(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """Each frame's K-weighted square, summed over channels (G = 1 for left, right and centre):
    float32 (frames,). loudness_of_energy() turns it (or it times a gain squared) into LUFS."""
    samples = samples.reshape(len(samples), -1)
    chunk = CHUNK_STEPS * round(STEP_S * sample_rate)
    energy = np.zeros(len(samples), np.float32)
    for first in range(0, len(samples), chunk):
        energy[first:first + chunk] = _k_weighted_squares(samples[first:first + chunk], sample_rate)
    return energy


def loudness_of_energy(frame_energy: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness from k_weighted_energy() (whole 100 ms steps only)."""
    step = round(STEP_S * sample_rate)
    steps = len(frame_energy) // step
    step_energy = frame_energy[:steps * step].reshape(steps, step).sum(axis=1, dtype=np.float64)
    return loudness_of_steps(step_energy, sample_rate)


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


def loudness_of_steps(step_energy: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness from each 100 ms step's K-weighted energy (summed over its frames and channels)."""
    if len(step_energy) < STEPS_PER_BLOCK:
        return -math.inf
    step = round(STEP_S * sample_rate)
    blocks = sum(step_energy[k:len(step_energy) - STEPS_PER_BLOCK + 1 + k] for k in range(STEPS_PER_BLOCK))
    power = blocks / (STEPS_PER_BLOCK * step)  # the mean square of each block, summed over channels (G = 1)
    return gated_loudness_lufs(power)


def _k_weighted_step_energy(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """Per 100 ms step: the sum over channels of the K-weighted squares (whole steps only)."""
    step = round(STEP_S * sample_rate)
    steps = len(samples) // step
    energy = np.zeros(steps)
    for first in range(0, steps, CHUNK_STEPS):
        count = min(CHUNK_STEPS, steps - first)
        squares = _k_weighted_squares(samples[first * step:(first + count) * step], sample_rate)
        energy[first:first + count] = squares.reshape(count, step).sum(axis=1)
    return energy


def _k_weighted_squares(chunk: np.ndarray, sample_rate: int) -> np.ndarray:
    """One chunk of (frames, channels) through the K-weighting filters, squared and summed over
    channels (float64). Filtered a piece at a time, the filters' state carried from each piece to
    the next (the same figures as the chunk whole), so the float64 copies stay small."""
    squares = np.empty(len(chunk))
    state = None
    for first in range(0, len(chunk), PIECE_FRAMES):
        squares[first:first + PIECE_FRAMES], state = k_weighted_squares_from(
            chunk[first:first + PIECE_FRAMES], sample_rate, state)
    return squares


def k_weighted_squares_from(chunk: np.ndarray, sample_rate: int,
                            state: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(_k_weighted_squares of chunk, the filters' state after it), starting from `state` (None:
    from rest): a minute filtered piece by piece this way gives the same as filtered whole."""
    from studio.audio.filter_kernels import sosfilt

    chunk = np.asarray(chunk)
    sections = k_weighting_sections(sample_rate)
    if chunk.ndim == 2 and chunk.shape[1] == 2:
        # Stereo as one complex signal, left + i right, as its samples lie: the filters are real,
        # so each side comes out as if filtered alone, and the loop runs both at once (a quarter
        # faster than one side after the other).
        pair = np.array(chunk, np.float64, order="C").view(np.complex128).reshape(1, -1)  # a copy, filtered in place
        if state is None:
            state = np.zeros((1, len(sections), 2), np.complex128)
        filtered, state = sosfilt(sections, pair, overwrite_x=True, zi=state)
        sides = filtered.view(np.float64).reshape(-1)
        np.square(sides, out=sides)
        return sides[0::2] + sides[1::2], state
    channels = np.array(chunk.reshape(len(chunk), -1).T, dtype=np.float64, order="C")  # each channel's frames together
    if state is None:
        state = np.zeros((len(channels), len(sections), 2))
    filtered, state = sosfilt(sections, channels, overwrite_x=True, zi=state)
    return np.einsum("cn,cn->n", filtered, filtered), state  # squared and summed, with no array of squares


def k_weighting_sections(sample_rate: int) -> np.ndarray:
    """BS.1770's K-weighting as pyloudnorm's Meter builds it (a +4 dB shelf above 1.5 kHz, then a
    high-pass at 38 Hz, from the RBJ cookbook's formulas, as pyloudnorm.IIRfilter makes them), as
    second-order sections (b0, b1, b2, 1, a1, a2). Made here: pyloudnorm imports scipy.signal."""
    w0 = 2.0 * math.pi * 1500.0 / sample_rate
    gain = 10.0 ** (4.0 / 40.0)
    alpha = math.sin(w0) / (2.0 * (1 / math.sqrt(2)))
    root, cos = 2.0 * math.sqrt(gain) * alpha, math.cos(w0)
    shelf = [gain * ((gain + 1) + (gain - 1) * cos + root), -2 * gain * ((gain - 1) + (gain + 1) * cos),
             gain * ((gain + 1) + (gain - 1) * cos - root),
             (gain + 1) - (gain - 1) * cos + root, 2 * ((gain - 1) - (gain + 1) * cos),
             (gain + 1) - (gain - 1) * cos - root]
    w0 = 2.0 * math.pi * 38.0 / sample_rate
    alpha, cos = math.sin(w0) / (2.0 * 0.5), math.cos(w0)
    high_pass = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha]
    return np.array([np.array(stage) / stage[3] for stage in (shelf, high_pass)])
