"""True peaks: the highest the sound reaches between its samples (ITU-R BS.1770-4, Annex 2).

    peak_envelope(audio) -> the true peak near every frame (the reference: every frame worked out)
    true_peak_dbtp(audio) -> dBTP
    block_envelopes(audio, base, frames, blocks) -> the same values, for chosen blocks only
    block_bounds(block_sample_peaks(audio)) -> a bound on each block's true peak, from its samples
    highest_blocks(upper, lower, exact, make_exact) -> the blocks that could hold the highest value

The sound is oversampled 4x with the Recommendation's own 48-tap filter. Most of a song never
comes near a limiter's ceiling, so the export works out true peaks only where a gain could bring
them there (studio.export.mastering.MixAnalysis): no oversampled value is higher than
TRUE_PEAK_BOUND times the highest of the 12 samples it is made from, so a block's highest nearby
sample bounds its true peak, and the blocks over a threshold are worked out exactly, together, as
one matrix product (block_envelopes). peak_envelope() works out every frame through scipy.signal's upfirdn: the
tests hold the export's way to it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from studio.export.errors import ExportCancelled
from studio.export.limiter import BLOCK_FRAMES

OVERSAMPLING = 4  # for true peaks, as ITU-R BS.1770-4 asks at 48 kHz
CHUNK_FRAMES = 1 << 13  # oversampled in small pieces: they stay in the processor's cache

# ITU-R BS.1770-4 Annex 2: the 48-tap interpolating filter for 4x oversampling, as its four
# phases of 12 taps (the Recommendation's table, one row per phase).
TRUE_PEAK_PHASES = np.array([
    [0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000, -0.0594482421875, 0.1373291015625,
     0.9721679687500, -0.1022949218750, 0.0476074218750, -0.0266113281250, 0.0148925781250, -0.0083007812500],
    [-0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250, -0.1665039062500, 0.4650878906250,
     0.7797851562500, -0.2003173828125, 0.1015625000000, -0.0582275390625, 0.0330810546875, -0.0189208984375],
    [-0.0189208984375, 0.0330810546875, -0.0582275390625, 0.1015625000000, -0.2003173828125, 0.7797851562500,
     0.4650878906250, -0.1665039062500, 0.0891113281250, -0.0517578125000, 0.0292968750000, -0.0291748046875],
    [-0.0083007812500, 0.0148925781250, -0.0266113281250, 0.0476074218750, -0.1022949218750, 0.9721679687500,
     0.1373291015625, -0.0594482421875, 0.0332031250000, -0.0196533203125, 0.0109863281250, 0.0017089843750],
])
TRUE_PEAK_TAPS = TRUE_PEAK_PHASES.shape[1]
# Output frame m of the filter interpolates between input frames m - 6 and m - 5 (its delay is 5.875 frames).
TRUE_PEAK_DELAY = TRUE_PEAK_TAPS // 2
TRUE_PEAK_PROTOTYPE = TRUE_PEAK_PHASES.T.reshape(-1).astype(np.float32)  # the 48 taps, phases interleaved
# No oversampled value is higher than this times the highest of the 12 samples it is made from.
TRUE_PEAK_BOUND = float(np.abs(TRUE_PEAK_PHASES).sum(axis=1).max()) * (1 + 1e-6)  # 2.023 (+6.1 dB)
EXACT_BATCH_BLOCKS = 8192  # blocks whose true peaks are worked out together
PEAK_PIECE_BLOCKS = 4096  # blocks whose highest samples are found together

Cancel = Callable[[], bool]


def peak_envelope(audio: np.ndarray, cancel: Cancel | None = None) -> np.ndarray:
    """The true peak near each frame (4x oversampled, both channels): float32 (frames,).

    Frame n gets the highest of its own samples and of the oversampled values on either side of it.
    Every frame's, through upfirdn: the reference that the export's own way (only the blocks that
    matter, MixAnalysis) is tested against."""
    channels = _channels(audio)
    frames = channels.shape[1]
    between = np.zeros(frames + 1, np.float32)  # between[n]: the highest value between frames n - 1 and n
    for start in range(0, frames + TRUE_PEAK_DELAY, CHUNK_FRAMES):
        if cancel is not None and cancel():
            raise ExportCancelled()
        end = min(frames + TRUE_PEAK_DELAY, start + CHUNK_FRAMES)
        first, loudest = _oversampled_loudest(channels, 0, frames, start, end)
        between[first:first + len(loudest)] = loudest
    envelope = np.maximum(between[:-1], between[1:])
    np.maximum(envelope, np.max(np.abs(channels), axis=0), out=envelope)
    return envelope


def _channels(audio: np.ndarray) -> np.ndarray:
    """(channels, frames) float32, each channel's frames together (the filters run along them)."""
    return np.ascontiguousarray(np.asarray(audio, dtype=np.float32).reshape(len(audio), -1).T)


def _oversampled_loudest(channels: np.ndarray, base: int, frames: int, start: int,
                         end: int) -> tuple[int, np.ndarray]:
    """(n, values): values[i] is the highest 4x-oversampled value between frames n + i - 1 and
    n + i, over all channels, for the filter's output frames start..end (0 <= start < end <=
    frames + TRUE_PEAK_DELAY; only values for n + i in 0..frames are given).

    channels holds the song's frames base.. (its frames from start - TRUE_PEAK_TAPS up to end,
    or to the song's end, are needed); frames is the song's length."""
    from scipy.signal import upfirdn  # the reference only: the export itself never imports scipy.signal

    lo = max(0, start - TRUE_PEAK_TAPS)
    window = channels[:, lo - base:min(frames, end) - base]
    up = upfirdn(TRUE_PEAK_PROTOTYPE, window, OVERSAMPLING, axis=1)
    up = np.abs(up[:, (start - lo) * OVERSAMPLING:(end - lo) * OVERSAMPLING])
    both = np.maximum(up[0], up[1]) if len(up) == 2 else np.max(up, axis=0)
    phases = [both[phase::OVERSAMPLING] for phase in range(OVERSAMPLING)]  # numpy is slow along short axes
    loudest = np.maximum(np.maximum(phases[0], phases[1]), np.maximum(phases[2], phases[3]))
    first = start - TRUE_PEAK_DELAY + 1  # output frame m lies between input frames m - 6 and m - 5
    keep = slice(max(0, -first), min(len(loudest), frames + 1 - first))
    return first + keep.start, loudest[keep]


def true_peak_dbtp(audio: np.ndarray, cancel: Cancel | None = None) -> float:
    peak = float(np.max(peak_envelope(audio, cancel))) if len(audio) else 0.0
    return dbtp(peak)


def dbtp(peak: float) -> float:
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def block_sample_peaks(audio: np.ndarray) -> np.ndarray:
    """The highest sample (any channel) of each block of BLOCK_FRAMES: float32 (blocks,)."""
    frames, channels = len(audio), int(np.prod(audio.shape[1:], dtype=int))
    samples = np.asarray(audio).reshape(frames, channels)
    peaks = np.zeros(math.ceil(frames / BLOCK_FRAMES), np.float32)
    # A piece at a time, through one small buffer: no copy as large as the song to fault in.
    piece = PEAK_PIECE_BLOCKS * BLOCK_FRAMES
    buffer = np.empty((min(piece, frames), channels), np.float32)
    for first in range(0, frames, piece):
        last = min(frames, first + piece)
        sizes = np.abs(samples[first:last], out=buffer[:last - first])
        whole = (last - first) // BLOCK_FRAMES * BLOCK_FRAMES
        block = first // BLOCK_FRAMES
        peaks[block:block + whole // BLOCK_FRAMES] = sizes[:whole].reshape(-1, BLOCK_FRAMES * channels).max(axis=1)
        if whole < last - first:  # the song's last, shorter block
            peaks[-1] = sizes[whole:].max()
    return peaks


def block_envelopes(audio: np.ndarray, base: int, frames: int, blocks: np.ndarray,
                    gain: Callable[[np.ndarray], np.ndarray] | None = None) -> np.ndarray:
    """peak_envelope()'s values for the frames of the given blocks: float32 (blocks, BLOCK_FRAMES)
    (0 past the song's end). audio (frames, channels) holds the song's frames from `base` on, all
    those the blocks' filters reach (TRUE_PEAK_DELAY frames either side of each block); the song
    is `frames` long, silent before and after. gain(song frames) -> float32 gains, applied first."""
    # Frame n's envelope takes the oversampled values between frames n - 1 and n and between n and
    # n + 1: the filter's output frames n + 5 and n + 6, made from input frames n - 6 .. n + 6.
    reach = np.arange(-TRUE_PEAK_DELAY, BLOCK_FRAMES + TRUE_PEAK_DELAY)
    song_frames = blocks[:, None] * BLOCK_FRAMES + reach  # (blocks, 28)
    inside = (song_frames >= 0) & (song_frames < frames)
    local = np.clip(song_frames - base, 0, len(audio) - 1)
    windows = np.asarray(audio, np.float32).reshape(len(audio), -1)[local] * inside[:, :, None]  # (blocks, 28, ch)
    if gain is not None:
        windows *= gain(song_frames)[:, :, None]
    channels = windows.shape[2]
    rows = np.ascontiguousarray(windows.transpose(2, 0, 1)).reshape(-1, len(reach))
    values = np.abs(rows @ _BLOCK_FILTER).reshape(channels, len(blocks), -1)  # (channels, blocks, 17 * 4)
    loudest = values[0] if channels == 1 else np.maximum.reduce(values)  # over channels: a long axis, fast
    phases = [loudest[:, phase::OVERSAMPLING] for phase in range(OVERSAMPLING)]  # numpy is slow along short axes
    between = np.maximum(np.maximum(phases[0], phases[1]), np.maximum(phases[2], phases[3]))
    envelope = np.maximum(between[:, :-1], between[:, 1:])
    own = np.abs(rows[:, TRUE_PEAK_DELAY:TRUE_PEAK_DELAY + BLOCK_FRAMES]).reshape(channels, len(blocks), -1)
    np.maximum(envelope, own[0] if channels == 1 else np.maximum.reduce(own), out=envelope)
    envelope[(song_frames[:, TRUE_PEAK_DELAY:TRUE_PEAK_DELAY + BLOCK_FRAMES] >= frames)] = 0.0
    return envelope


def _block_filter() -> np.ndarray:
    """The true-peak filter as one matrix (28, 68) for _block_envelopes: a window of a block's
    frames and TRUE_PEAK_DELAY either side, times it, gives the 4 oversampled values between each
    pair of frames from the block's frames -1 and 0 to its frames 15 and 16 (phase by phase). As
    upfirdn's sums, but only those needed, and as a matrix product (the processor's fastest sums)."""
    window = BLOCK_FRAMES + 2 * TRUE_PEAK_DELAY
    first = TRUE_PEAK_TAPS - 1  # the window's output frame L lies between its input frames L - 6 and L - 5
    matrix = np.zeros((window, (window - first) * OVERSAMPLING), np.float32)
    for out_frame in range(first, window):
        for phase in range(OVERSAMPLING):
            for tap in range(TRUE_PEAK_TAPS):  # output L, phase p = sum over taps t of h[p, t] x[L - t]
                if 0 <= out_frame - tap < window:
                    matrix[out_frame - tap, (out_frame - first) * OVERSAMPLING + phase] = TRUE_PEAK_PHASES[phase, tap]
    return matrix


_BLOCK_FILTER = _block_filter()


def highest_blocks(upper: Callable[[], np.ndarray], lower: Callable[[], np.ndarray], exact: np.ndarray,
                    make_exact: Callable[[np.ndarray], None]) -> np.ndarray:
    """The blocks that could hold the highest value, every one of them worked out exactly.

    upper() and lower() bound each block's highest value (exact blocks: lower is the value);
    blocks whose upper bound is under the highest lower bound cannot hold it. The most likely
    blocks are worked out first, a batch at a time, so the lower bounds rise and few are needed."""
    while True:
        high = upper()
        candidates = np.flatnonzero(high >= np.max(lower(), initial=0.0))
        pending = candidates[~exact[candidates]]
        if not len(pending):
            return candidates
        if len(pending) > EXACT_BATCH_BLOCKS:
            pending = pending[np.argpartition(-high[pending], EXACT_BATCH_BLOCKS)[:EXACT_BATCH_BLOCKS]]
        make_exact(pending)



def block_bounds(sample_peaks: np.ndarray) -> np.ndarray:
    """A bound on each block's true peak: TRUE_PEAK_BOUND times the highest sample of it and the
    blocks either side (a block's filters reach TRUE_PEAK_DELAY frames into its neighbours)."""
    near = np.maximum(sample_peaks, np.maximum(np.append(sample_peaks[1:], 0.0), np.insert(sample_peaks[:-1], 0, 0.0)))
    return near * np.float32(TRUE_PEAK_BOUND)
