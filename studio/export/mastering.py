"""Mastering: the mix brought to a loudness target, with a true-peak limiter so no export clips.

    master(mix, stems, sample_rate, target_lufs=-14.0, ceiling_dbtp=-1.0) -> Mastered
    fit(...) -> Mastered (lufs and true peak estimated) and measure(audio, sample_rate) -> (LUFS, dBTP)

One gain for the whole song, found by measuring (integrated loudness, ITU-R BS.1770-4, through
studio.audio.loudness), times a limiter's gain curve that only dips where a peak would pass the
ceiling. The limiter looks ahead: it sees each peak (true peak: 4x oversampled with BS.1770-4's
own interpolation filter) coming and lowers the gain smoothly before it, then lets go over
RELEASE_S. Limiting lowers the loudness a little, so the gain and the limiting are found again
until the loudness is within LOUDNESS_TOLERANCE_LU of the target.

fit() filters and oversamples the mix once: each pass estimates the result's loudness from the
mix's K-weighted energy times the curve squared, and its peaks from the mix's true-peak envelope
times the curve (the curve moves far slower than the filters ring, so both are within a
hundredth of a dB or so). measure() then checks what comes out exactly; master() does both, and
aims lower in the rare case the check finds a peak over the ceiling. The export runs the check
while the encoder works (export_job.py). The same gain curve is applied to every stem, so the
stems still add up to the mix.

A silent song stays silent (a note says so); a song too quiet to reach the target within
MAX_GAIN_DB is raised that far and a note says so.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from studio.audio.loudness import (
    CHUNK_STEPS, STEP_S, k_weighted_energy, k_weighted_squares_from, loudness_of_energy, loudness_of_steps,
)
from studio.export.errors import ExportCancelled

LOOKAHEAD_S = 0.005  # the limiter's attack, and how far ahead it looks
BLOCK_FRAMES = 16  # the limiter's gain is worked out per block this long, then drawn straight between
RELEASE_S = 0.1  # how fast the limiter lets go after a peak (time constant)
OVERSAMPLING = 4  # for true peaks, as ITU-R BS.1770-4 asks at 48 kHz
LIMITER_MARGIN_DB = 0.1  # the limiter aims this far under the ceiling (oversampled peaks are estimates)
LOUDNESS_TOLERANCE_LU = 0.1
MAX_PASSES = 12
CHECK_TRIES = 4  # measure() found a peak over: aim lower and measure again, at most this often
MAX_GAIN_DB = 60.0
CHUNK_FRAMES = 1 << 13  # oversampled in small pieces: they stay in the processor's cache
MIN_LOUDNESS_S = 0.4  # BS.1770's block: a shorter song is measured with silence after it

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
_TRUE_PEAK_PROTOTYPE = TRUE_PEAK_PHASES.T.reshape(-1).astype(np.float32)  # the 48 taps, phases interleaved
# No oversampled value is higher than this times the highest of the 12 samples it is made from.
TRUE_PEAK_BOUND = float(np.abs(TRUE_PEAK_PHASES).sum(axis=1).max()) * (1 + 1e-6)  # 2.023 (+6.1 dB)
EXACT_BATCH_BLOCKS = 8192  # blocks whose true peaks are worked out together
MEASURE_PIECE_FRAMES = 1 << 16  # measure_planned's pieces (1.4 s at 48 kHz)
_BLOCK_STEPS = np.arange(BLOCK_FRAMES) / BLOCK_FRAMES  # where each frame of a block lies between its knots

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
    curve: np.ndarray | None = None  # float32 (frames,): the gain applied to the mix and every stem


def integrated_lufs(audio: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness (BS.1770); -inf when nothing is above the absolute gate (silence)."""
    return loudness_of_energy(_energy(audio, sample_rate), sample_rate)


def _energy(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """k_weighted_energy, with silence after a song shorter than BS.1770's block."""
    energy = k_weighted_energy(np.asarray(audio, dtype=np.float32), sample_rate)
    short = round(MIN_LOUDNESS_S * sample_rate) - len(energy)
    return np.concatenate([energy, np.zeros(short, np.float32)]) if short > 0 else energy


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
    from studio.audio.filter_kernels import upfirdn

    lo = max(0, start - TRUE_PEAK_TAPS)
    window = channels[:, lo - base:min(frames, end) - base]
    up = upfirdn(_TRUE_PEAK_PROTOTYPE, window, OVERSAMPLING)
    up = np.abs(up[:, (start - lo) * OVERSAMPLING:(end - lo) * OVERSAMPLING])
    both = np.maximum(up[0], up[1]) if len(up) == 2 else np.max(up, axis=0)
    phases = [both[phase::OVERSAMPLING] for phase in range(OVERSAMPLING)]  # numpy is slow along short axes
    loudest = np.maximum(np.maximum(phases[0], phases[1]), np.maximum(phases[2], phases[3]))
    first = start - TRUE_PEAK_DELAY + 1  # output frame m lies between input frames m - 6 and m - 5
    keep = slice(max(0, -first), min(len(loudest), frames + 1 - first))
    return first + keep.start, loudest[keep]


def _run_parts(work: Callable[[list], None], parts: list[list]) -> None:
    """work(part) for each part, on threads of their own past the first; the first error is raised."""
    errors: list[BaseException] = []

    def run(part: list) -> None:
        try:
            work(part)
        except BaseException as error:  # raised on the caller's thread below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(part,), name="mastering", daemon=True) for part in parts[1:]]
    for thread in threads:
        thread.start()
    run(parts[0])
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def true_peak_dbtp(audio: np.ndarray, cancel: Cancel | None = None) -> float:
    peak = float(np.max(peak_envelope(audio, cancel))) if len(audio) else 0.0
    return _dbtp(peak)


def _dbtp(peak: float) -> float:
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def measure(audio: np.ndarray, sample_rate: int, cancel: Cancel | None = None) -> tuple[float, float]:
    """(integrated loudness in LUFS, true peak in dBTP) of what comes out, measured exactly."""
    return integrated_lufs(audio, sample_rate), true_peak_dbtp(audio, cancel)


def measure_planned(audio: np.ndarray, plan: GainPlan, sample_rate: int,
                    cancel: Cancel | None = None) -> tuple[float, float]:
    """measure() of the audio with the plan's gain applied, made a minute at a time (never the
    whole mastered song in memory). The same loudness as measure(plan.apply(audio)): the loudness
    filters start afresh each minute there too (studio.audio.loudness). The same true peak: it is
    worked out in the blocks that could hold it, as MixAnalysis does (its notes say how)."""
    frames = len(audio)
    minute = CHUNK_STEPS * round(STEP_S * sample_rate)  # as k_weighted_energy's minutes
    energy = np.zeros(frames, np.float32)
    sample_peaks = np.zeros(math.ceil(frames / BLOCK_FRAMES), np.float32)
    state = None
    # In small pieces, each quick: the export runs this beside the thread feeding the encoder,
    # which must never wait long for the interpreter lock.
    first = 0
    while first < frames:
        if cancel is not None and cancel():
            raise ExportCancelled()
        last = min(frames, first + MEASURE_PIECE_FRAMES, (first // minute + 1) * minute)
        mastered = plan.apply(audio, first, last).reshape(last - first, -1)
        if first % minute == 0:
            state = None  # the filters start afresh each minute, as k_weighted_energy's do
        energy[first:last], state = k_weighted_squares_from(mastered, sample_rate, state)
        starts = np.arange(first // BLOCK_FRAMES * BLOCK_FRAMES, last, BLOCK_FRAMES)  # blocks touching this piece
        loudest = np.maximum.reduceat(np.abs(mastered).ravel(), np.maximum(starts - first, 0) * mastered.shape[1])
        blocks = starts // BLOCK_FRAMES
        sample_peaks[blocks] = np.maximum(sample_peaks[blocks], loudest)  # a block across two pieces: both parts
        first = last
    near = np.maximum(sample_peaks, np.maximum(np.append(sample_peaks[1:], 0.0), np.insert(sample_peaks[:-1], 0, 0.0)))
    bounds = near * np.float32(TRUE_PEAK_BOUND)
    values, exact = sample_peaks.copy(), np.zeros(len(sample_peaks), bool)

    def make_exact(blocks: np.ndarray) -> None:
        if cancel is not None and cancel():
            raise ExportCancelled()
        values[blocks] = _block_envelopes(audio, 0, frames, blocks, plan.knots).max(axis=1)
        exact[blocks] = True

    candidates = _highest_blocks(lambda: np.where(exact, values, bounds), lambda: values, exact, make_exact)
    short = round(MIN_LOUDNESS_S * sample_rate) - frames
    if short > 0:
        energy = np.concatenate([energy, np.zeros(short, np.float32)])
    return loudness_of_energy(energy, sample_rate), _dbtp(float(np.max(values[candidates], initial=0.0)))


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
    with np.errstate(divide="ignore"):
        need = np.minimum(1.0, ceiling / block_peaks.astype(np.float64))
    if np.all(need >= 1.0):
        return np.ones(len(block_peaks))
    ahead = max(1, math.ceil(LOOKAHEAD_S * sample_rate / BLOCK_FRAMES))
    # Block b takes the least need of blocks b - 1 .. b + ahead - 1.
    reach = np.concatenate([need[:1], need, np.full(ahead - 1, need[-1])])  # the ends held, as far as looked
    held = _moving_minimum(reach, ahead + 1)
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
    return (sums[ahead:] - sums[:-ahead]) / ahead


def _moving_minimum(values: np.ndarray, width: int) -> np.ndarray:
    """out[i] = min(values[i:i + width]) for each whole window: by doubling spans (a window of 16
    takes 4 passes over the array; numpy is slow at many short minima)."""
    spans, span = values.copy(), 1
    while span * 2 <= width:  # spans[i] = min(values[i:i + 2 * span])
        spans = np.minimum(spans[:-span], spans[span:])
        span *= 2
    count = len(values) - width + 1
    return np.minimum(spans[:count], spans[width - span:width - span + count])  # two spans cover the window


# ---- the gain: found from the mix's analysis, applied a piece at a time --------------------------

class MixAnalysis:
    """What plan_gain() needs of a mix, found once: its loudness filters' energy, and its true
    peaks where they matter.

    True peaks (4x oversampling through a 12-tap filter) are the costliest part, and most of a
    song never comes near the ceiling. A block's oversampled values can be no higher than
    TRUE_PEAK_BOUND times the highest sample of it and its neighbours (the filter's largest sum of
    tap sizes), so each block starts with that bound, and its true peaks are worked out only when
    a gain would bring the bound over the ceiling (make_exact_over). A block left with its bound
    needs no limiting at that gain whatever its true peak, so the limiter is the same as if every
    block's true peaks were known. In the bench's 3-minute song, 7 % of the blocks are worked out.
    """

    def __init__(self, mix: np.ndarray, sample_rate: int):
        self.mix = mix
        self.frames = len(mix)
        self.energy = np.zeros(0, np.float32)  # each frame's K-weighted square, with silence after a short song
        # For each block of energy: the sums of energy times (1 - t)^2, 2 t (1 - t) and t^2, t running
        # 0..1 across the block. A gain drawn straight from g0 to g1 over the block turns its energy
        # into g0^2 A + g0 g1 B + g1^2 C: the loudness of a gain curve, at the cost of the blocks only.
        self.moments: np.ndarray | None = None  # float64 (blocks, 3); None when a step is not whole blocks
        self.sample_peaks = sample_peaks = _block_sample_peaks(mix)  # each block's highest sample
        near = np.maximum(sample_peaks, np.maximum(np.append(sample_peaks[1:], 0.0), np.insert(sample_peaks[:-1], 0, 0.0)))
        self.block_peaks = near * np.float32(TRUE_PEAK_BOUND)  # each block's true peak, or a bound on it
        self.exact = np.zeros(len(sample_peaks), bool)  # block_peaks[b] is the true peak
        self.peaks = np.zeros(self.frames, np.float32)  # peak_envelope()'s values, in the exact blocks

    def set_energy(self, energy: np.ndarray, sample_rate: int) -> None:
        self.energy, self.moments = energy, _moments(energy, sample_rate)

    def make_exact_over(self, threshold: float) -> None:
        """Work out the true peaks of every block whose bound is over threshold."""
        self.make_exact(np.flatnonzero(~self.exact & (self.block_peaks > threshold)))

    def make_exact(self, blocks: np.ndarray) -> None:
        """Work out the true peaks of these blocks."""
        blocks = blocks[~self.exact[blocks]]
        for first in range(0, len(blocks), EXACT_BATCH_BLOCKS):
            batch = blocks[first:first + EXACT_BATCH_BLOCKS]
            envelope = _block_envelopes(self.mix, 0, self.frames, batch)
            self.block_peaks[batch] = envelope.max(axis=1)
            frames = (batch[:, None] * BLOCK_FRAMES + np.arange(BLOCK_FRAMES)).ravel()
            inside = frames < self.frames
            self.peaks[frames[inside]] = envelope.ravel()[inside]
            self.exact[batch] = True


def analyse(mix: np.ndarray, sample_rate: int, cancel: Cancel | None = None, threads: int = 2) -> MixAnalysis:
    """The mix's energy (its minutes shared out over `threads` threads: the filters let go of the
    interpreter lock as they run) and the bounds on its true peaks (see MixAnalysis)."""
    mix = np.asarray(mix, dtype=np.float32)
    minute = CHUNK_STEPS * round(STEP_S * sample_rate)  # as k_weighted_energy's minutes: the same figures
    energy = np.zeros(len(mix), np.float32)
    firsts = list(range(0, len(mix), minute))

    def filter_minutes(part: list[int]) -> None:
        for first in part:
            if cancel is not None and cancel():
                raise ExportCancelled()
            energy[first:first + minute] = k_weighted_energy(mix[first:first + minute], sample_rate)

    _run_parts(filter_minutes, [firsts[part::threads] for part in range(threads)] if firsts else [[]])
    short = round(MIN_LOUDNESS_S * sample_rate) - len(energy)
    if short > 0:
        energy = np.concatenate([energy, np.zeros(short, np.float32)])
    analysis = MixAnalysis(mix, sample_rate)
    analysis.set_energy(energy, sample_rate)
    return analysis


def _block_sample_peaks(audio: np.ndarray) -> np.ndarray:
    """The highest sample (any channel) of each block of BLOCK_FRAMES: float32 (blocks,)."""
    frames, channels = len(audio), int(np.prod(audio.shape[1:], dtype=int))
    whole = frames // BLOCK_FRAMES * BLOCK_FRAMES
    peaks = np.abs(audio[:whole].reshape(-1, BLOCK_FRAMES * channels)).max(axis=1) if whole else np.zeros(0, np.float32)
    if whole < frames:
        peaks = np.append(peaks, np.abs(audio[whole:]).max()).astype(np.float32)
    return peaks


def _block_envelopes(audio: np.ndarray, base: int, frames: int, blocks: np.ndarray,
                     knots: np.ndarray | None = None) -> np.ndarray:
    """peak_envelope()'s values for the frames of the given blocks: float32 (blocks, BLOCK_FRAMES)
    (0 past the song's end). audio (frames, channels) holds the song's frames from `base` on, all
    those the blocks' filters reach (TRUE_PEAK_DELAY frames either side of each block); the song
    is `frames` long, silent before and after. knots: a GainPlan's, applied first (None: none)."""
    # Frame n's envelope takes the oversampled values between frames n - 1 and n and between n and
    # n + 1: the filter's output frames n + 5 and n + 6, made from input frames n - 6 .. n + 6.
    reach = np.arange(-TRUE_PEAK_DELAY, BLOCK_FRAMES + TRUE_PEAK_DELAY)
    song_frames = blocks[:, None] * BLOCK_FRAMES + reach  # (blocks, 28)
    inside = (song_frames >= 0) & (song_frames < frames)
    local = np.clip(song_frames - base, 0, len(audio) - 1)
    windows = np.asarray(audio, np.float32).reshape(len(audio), -1)[local] * inside[:, :, None]  # (blocks, 28, ch)
    if knots is not None:  # as GainPlan.apply does it
        windows *= gains_at(knots, song_frames)[:, :, None]
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


def _moments(energy: np.ndarray, sample_rate: int) -> np.ndarray | None:
    if round(STEP_S * sample_rate) % BLOCK_FRAMES:
        return None  # 44.1 kHz: a 100 ms step is not whole blocks; the gain is then drawn frame by frame
    whole = np.zeros(math.ceil(len(energy) / BLOCK_FRAMES) * BLOCK_FRAMES, np.float32)
    whole[:len(energy)] = energy
    t = np.arange(BLOCK_FRAMES) / BLOCK_FRAMES
    weights = np.stack([(1 - t) ** 2, 2 * t * (1 - t), t ** 2], axis=1).astype(np.float32)
    return (whole.reshape(-1, BLOCK_FRAMES) @ weights).astype(np.float64)


@dataclass
class GainPlan:
    """The gain for every frame of a song: one gain times the limiter's, drawn straight between
    knots BLOCK_FRAMES apart. Applied a piece at a time (apply), so the mastered song is never
    held whole beside the mix."""
    knots: np.ndarray  # float64: the gain at frames 0, BLOCK_FRAMES, 2 * BLOCK_FRAMES...
    frames: int
    lufs: float  # of the result: an estimate from fit(), measured by measure_planned()
    true_peak_dbtp: float
    gain_db: float  # the gain before limiting
    limited_db: float  # the most the limiter took off at any moment
    notes: list[str] = field(default_factory=list)

    def curve(self, first: int, last: int) -> np.ndarray:
        """The gain of frames first..last (float32): gains_at(knots, frames), a block at a time."""
        lo, hi = first // BLOCK_FRAMES, -(-last // BLOCK_FRAMES)
        knots = self.knots[np.minimum(np.arange(lo, hi + 1), len(self.knots) - 1)]  # after the last, it holds
        g0, g1 = knots[:-1], knots[1:]
        ramps = g0[:, None] + (g1 - g0)[:, None] * _BLOCK_STEPS
        return ramps.ravel()[first - lo * BLOCK_FRAMES:last - lo * BLOCK_FRAMES].astype(np.float32)

    def apply(self, audio: np.ndarray, first: int = 0, last: int | None = None) -> np.ndarray:
        """audio[first:last] with the gain applied: a new float32 array."""
        last = len(audio) if last is None else last
        return np.asarray(audio[first:last], np.float32) * self.curve(first, last)[:, None]

    def lowered(self, factor: float) -> GainPlan:
        return replace(self, knots=self.knots * factor)


def gains_at(knots: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """The gain drawn straight between knots BLOCK_FRAMES apart (held after the last), at the
    given frames (any shape): float32, computed as GainPlan.curve computes it."""
    block = np.maximum(frames // BLOCK_FRAMES, 0)
    g0, g1 = knots[np.minimum(block, len(knots) - 1)], knots[np.minimum(block + 1, len(knots) - 1)]
    return (g0 + (g1 - g0) * _BLOCK_STEPS[frames % BLOCK_FRAMES]).astype(np.float32)


class PlannedAudio:
    """A mix or stem with a GainPlan applied as it is read, a piece at a time (for write_audio)."""

    def __init__(self, audio: np.ndarray, plan: GainPlan):
        self.audio, self.plan = audio, plan
        self.shape = audio.shape

    def __len__(self) -> int:
        return len(self.audio)

    def chunk(self, first: int, last: int) -> np.ndarray:
        return self.plan.apply(self.audio, first, last)


def plan_gain(analysis: MixAnalysis, sample_rate: int, target_lufs: float = -14.0, ceiling_dbtp: float = -1.0,
              progress: Progress | None = None, cancel: Cancel | None = None, aim_lower_db: float = 0.0) -> GainPlan:
    """The gain that brings the mix to target_lufs with its true peak under ceiling_dbtp
    (aim_lower_db further under it); lufs and true_peak_dbtp are estimates (see the notes)."""
    def step(fraction: float, words: str) -> None:
        if cancel is not None and cancel():
            raise ExportCancelled()
        if progress is not None:
            progress(fraction, words)

    frames = analysis.frames
    step(0.0, "Setting the loudness")
    loudness = loudness_of_energy(analysis.energy, sample_rate)
    blocks = math.ceil(frames / BLOCK_FRAMES)
    if not math.isfinite(loudness) or not np.any(analysis.block_peaks):
        return GainPlan(np.ones(blocks), frames, -math.inf, -math.inf, 0.0, 0.0,
                        ["The song is silent, so it was exported as silence."])
    notes = []
    gain_db = target_lufs - loudness
    if gain_db > MAX_GAIN_DB:
        gain_db = MAX_GAIN_DB
        notes.append(f"The song is very quiet: it was raised by {MAX_GAIN_DB:.0f} dB, the most allowed, "
                     f"and is still under {target_lufs:g} LUFS.")
    ceiling = 10.0 ** ((ceiling_dbtp - LIMITER_MARGIN_DB - aim_lower_db) / 20.0)
    for attempt in range(MAX_PASSES):
        step(0.2 + 0.7 * attempt / MAX_PASSES, "Setting the loudness")
        scale = 10.0 ** (gain_db / 20.0)
        analysis.make_exact_over(ceiling / scale)
        knots = scale * limiter_knots(analysis.block_peaks * scale, ceiling, sample_rate)
        loudness = _loudness_with(analysis, knots, sample_rate)
        if abs(loudness - target_lufs) <= LOUDNESS_TOLERANCE_LU or gain_db >= MAX_GAIN_DB:
            break
        gain_db = min(MAX_GAIN_DB, gain_db + target_lufs - loudness)
    limited_db = float(-20.0 * np.log10(np.min(knots) / 10.0 ** (gain_db / 20.0)))
    plan = GainPlan(knots, frames, loudness, _dbtp(_highest_peak(analysis, knots)), gain_db,
                    max(0.0, limited_db), notes)
    step(1.0, "Loudness set")
    return plan


def _loudness_with(analysis: MixAnalysis, knots: np.ndarray, sample_rate: int) -> float:
    """The loudness of the mix with the gain drawn through knots (from the analysis's energy)."""
    if analysis.moments is None:
        curve = np.interp(np.arange(analysis.frames), np.arange(len(knots)) * BLOCK_FRAMES, knots)
        weighted = analysis.energy.astype(np.float64)  # longer than the mix when the song is shorter than a block
        weighted[:len(curve)] *= np.square(curve)
        return loudness_of_energy(weighted, sample_rate)
    moments = analysis.moments
    g0 = np.full(len(moments), knots[-1])  # after the last knot the gain holds
    g0[:len(knots)] = knots[:len(moments)]
    g1 = np.append(g0[1:], g0[-1])
    block_energy = g0 * g0 * moments[:, 0] + g0 * g1 * moments[:, 1] + g1 * g1 * moments[:, 2]
    per_step = round(STEP_S * sample_rate) // BLOCK_FRAMES
    steps = len(analysis.energy) // (per_step * BLOCK_FRAMES)
    return loudness_of_steps(block_energy[:steps * per_step].reshape(steps, per_step).sum(axis=1), sample_rate)


def _highest_peak(analysis: MixAnalysis, knots: np.ndarray) -> float:
    """The highest of peaks times the gain curve, frame by frame, looked for only in the blocks
    where it could be (a block's peak times the larger of its two knots bounds it from above)."""
    g0 = knots[:len(analysis.block_peaks)]
    g1 = np.append(knots[1:], knots[-1])[:len(analysis.block_peaks)]
    candidates = _highest_blocks(lambda: analysis.block_peaks * np.maximum(g0, g1),
                                 lambda: np.where(analysis.exact, analysis.block_peaks,
                                                  analysis.sample_peaks) * np.minimum(g0, g1),
                                 analysis.exact, analysis.make_exact)
    if not len(candidates):
        return 0.0
    frames = candidates[:, None] * BLOCK_FRAMES + np.arange(BLOCK_FRAMES)
    inside = frames < analysis.frames
    curve = gains_at(knots, frames)
    return float(np.max(np.where(inside, analysis.peaks[np.minimum(frames, analysis.frames - 1)] * curve, 0.0)))


def _highest_blocks(upper: Callable[[], np.ndarray], lower: Callable[[], np.ndarray], exact: np.ndarray,
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


def fit(mix: np.ndarray, stems: list[tuple[str, np.ndarray]], sample_rate: int, target_lufs: float = -14.0,
        ceiling_dbtp: float = -1.0, progress: Progress | None = None, cancel: Cancel | None = None,
        aim_lower_db: float = 0.0, analysis: MixAnalysis | None = None) -> Mastered:
    """plan_gain() applied to the mix and stems, whole; lufs and true_peak_dbtp are estimates."""
    mix = np.asarray(mix, dtype=np.float32)
    if analysis is None:
        if progress is not None:
            progress(0.0, "Measuring the loudness")
        analysis = analyse(mix, sample_rate, cancel)
    plan = plan_gain(analysis, sample_rate, target_lufs, ceiling_dbtp, progress, cancel, aim_lower_db)
    return _applied(plan, mix, stems)


def _applied(plan: GainPlan, mix: np.ndarray, stems: list[tuple[str, np.ndarray]]) -> Mastered:
    return Mastered(plan.apply(mix), [(name, plan.apply(stem)) for name, stem in stems], plan.lufs,
                    plan.true_peak_dbtp, plan.gain_db, plan.limited_db, list(plan.notes), plan.curve(0, len(mix)))


def master(mix: np.ndarray, stems: list[tuple[str, np.ndarray]], sample_rate: int, target_lufs: float = -14.0,
           ceiling_dbtp: float = -1.0, progress: Progress | None = None, cancel: Cancel | None = None) -> Mastered:
    """Bring the mix to target_lufs with its true peak at or under ceiling_dbtp, measured (see the notes)."""
    mix = np.asarray(mix, dtype=np.float32)
    analysis = analyse(mix, sample_rate, cancel)
    plan = checked_plan(mix, analysis, sample_rate, target_lufs, ceiling_dbtp, progress, cancel)
    return _applied(plan, mix, stems)


def checked_plan(mix: np.ndarray, analysis: MixAnalysis, sample_rate: int, target_lufs: float, ceiling_dbtp: float,
                 progress: Progress | None = None, cancel: Cancel | None = None,
                 measure_with: Callable | None = None) -> GainPlan:
    """plan_gain(), its result measured (measure_planned); aiming lower in the rare case the
    measure finds a peak over the ceiling, and at last turning it all down."""
    measure_with = measure_with or measure_planned
    aim_lower_db = 0.0
    for _ in range(CHECK_TRIES):
        plan = plan_gain(analysis, sample_rate, target_lufs, ceiling_dbtp, progress, cancel, aim_lower_db)
        if not math.isfinite(plan.lufs):  # silence
            return plan
        plan.lufs, plan.true_peak_dbtp = measure_with(mix, plan, sample_rate, cancel)
        if plan.true_peak_dbtp <= ceiling_dbtp:
            return plan
        aim_lower_db += plan.true_peak_dbtp - ceiling_dbtp + 0.01  # never seen: aim lower, measure again
    return lowered(plan, mix, ceiling_dbtp, sample_rate, measure_with)


def lowered(plan: GainPlan, mix: np.ndarray, ceiling_dbtp: float, sample_rate: int,
            measure_with: Callable | None = None) -> GainPlan:
    """The last resort (never seen): everything turned down until the peak is under; loudness gives way."""
    plan = plan.lowered(10.0 ** ((ceiling_dbtp - plan.true_peak_dbtp - 0.01) / 20.0))
    plan.lufs, plan.true_peak_dbtp = (measure_with or measure_planned)(mix, plan, sample_rate)
    return plan
