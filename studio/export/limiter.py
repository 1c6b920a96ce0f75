"""The true-peak limiter's gain: it dips smoothly ahead of each peak that would pass the ceiling.

    limiter_knots(block_peaks, ceiling, sample_rate) -> the gain at the first frame of each block
    limiter_gain(peaks, ceiling, sample_rate) -> the gain of every frame (knots drawn straight between)

The gain is worked out per block of BLOCK_FRAMES (the curve moves far slower than that) from
each block's highest peak: it looks ahead LOOKAHEAD_S and lowers the gain before a peak, then lets
go over RELEASE_S. studio.export.mastering chooses the gain the limiter works under.
"""

from __future__ import annotations

import math

import numpy as np

LOOKAHEAD_S = 0.005  # the limiter's attack, and how far ahead it looks
BLOCK_FRAMES = 16  # the limiter's gain is worked out per block this long, then drawn straight between
RELEASE_S = 0.1  # how fast the limiter lets go after a peak (time constant)


def limiter_gain(peaks: np.ndarray, ceiling: float, sample_rate: int) -> np.ndarray:
    """The gain (0..1, float32 per frame) that keeps peaks * gain at or under ceiling, dipping
    smoothly ahead of each peak (peaks: one per frame; see limiter_knots)."""
    frames = len(peaks)
    block_peaks = np.maximum.reduceat(peaks, np.arange(0, frames, BLOCK_FRAMES)) if frames else peaks
    knots = limiter_knots(block_peaks, ceiling, sample_rate)
    return np.interp(np.arange(frames), np.arange(len(knots)) * BLOCK_FRAMES, knots).astype(np.float32)


def limiter_knots(block_peaks: np.ndarray, ceiling: float, sample_rate: int) -> np.ndarray:
    """The limiter's gain at the first frame of each block of BLOCK_FRAMES (float64), given each
    block's highest peak; the frames between follow the straight line to the next block's.

    Each block needs at most ceiling / its highest peak. That need is held from one block before
    to the look-ahead before it (a moving minimum), let go over RELEASE_S (an exponential in dB,
    computed for all blocks at once), then smoothed with a moving average as long as the
    look-ahead. An average of values that are all at or under a block's need is under it too,
    at that block's start and at the next block's, so the straight line between the two, which
    the frames follow, is as well.
    """
    # Worked out in place where it can be: each array here is as long as the song's blocks, and
    # fresh memory is slow to come by (a 3-minute song has half a million blocks).
    need = block_peaks.astype(np.float64)
    with np.errstate(divide="ignore"):
        np.divide(ceiling, need, out=need)
    np.minimum(need, 1.0, out=need)
    if np.all(need >= 1.0):
        return np.ones(len(block_peaks))
    ahead = max(1, math.ceil(LOOKAHEAD_S * sample_rate / BLOCK_FRAMES))
    # Block b takes the least need of blocks b - 1 .. b + ahead - 1.
    reach = np.concatenate([need[:1], need, np.full(ahead - 1, need[-1])])  # the ends held, as far as looked
    cut_db = moving_minimum(reach, ahead + 1)
    # Release: cut_db[b] = max over k <= b of cut[k] * decay^(b - k); in logs that is a running
    # maximum of log(cut[k]) - k * log(decay), shifted back.
    np.log10(cut_db, out=cut_db)
    np.multiply(cut_db, -20.0, out=cut_db)
    log_decay = -BLOCK_FRAMES / (RELEASE_S * sample_rate)
    decays = np.arange(len(cut_db)) * log_decay
    with np.errstate(divide="ignore"):
        released = np.log(cut_db)
    np.subtract(released, decays, out=released)
    np.maximum.accumulate(released, out=released)
    np.add(released, decays, out=released)
    np.exp(released, out=released)
    gain = np.maximum(released, cut_db, out=released)
    np.negative(gain, out=gain)
    np.divide(gain, 20.0, out=gain)
    np.power(10.0, gain, out=gain)
    # A moving average over the look-ahead, ending at each block; before the song it holds the
    # first block's gain, so a peak on the very first frame is cut as fully as any other.
    sums = np.empty(len(gain) + ahead)
    sums[0], sums[1:ahead] = 0.0, gain[0]
    sums[ahead:] = gain
    np.cumsum(sums, out=sums)
    knots = np.subtract(sums[ahead:], sums[:-ahead])
    knots /= ahead
    return knots


def moving_minimum(values: np.ndarray, width: int) -> np.ndarray:
    """out[i] = min(values[i:i + width]) for each whole window: by doubling spans (a window of 16
    takes 4 passes over the array; numpy is slow at many short minima)."""
    spans, span = values.copy(), 1
    while span * 2 <= width:  # spans[i] = min(values[i:i + 2 * span])
        spans = np.minimum(spans[:-span], spans[span:])
        span *= 2
    count = len(values) - width + 1
    return np.minimum(spans[:count], spans[width - span:width - span + count])  # two spans cover the window

