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
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from studio.audio.loudness import k_weighted_energy, loudness_of_energy
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


def import_filters_in_background() -> None:
    """Start importing what mastering filters with (scipy.signal takes a second or more to import)
    on a thread of its own, so it comes while the mixdown renders instead of after it. The bench's
    3-minute export took a median 6.6 s without this and 5.7 s with it (four of each, taken in
    turn). The mastering's own imports wait for this one, if it is not done, through Python's
    import lock."""
    import threading

    def load() -> None:
        import scipy.ndimage  # noqa: F401
        import scipy.signal  # noqa: F401

    threading.Thread(target=load, name="import-filters", daemon=True).start()


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

    Frame n gets the highest of its own samples and of the oversampled values on either side of it."""
    from scipy.signal import upfirdn

    prototype = TRUE_PEAK_PHASES.T.reshape(-1).astype(np.float32)  # the 48 taps, phases interleaved
    channels = np.ascontiguousarray(np.asarray(audio, dtype=np.float32).reshape(len(audio), -1).T)
    frames = channels.shape[1]
    between = np.zeros(frames + 1, np.float32)  # between[n]: the highest value between frames n - 1 and n
    for start in range(0, frames + TRUE_PEAK_DELAY, CHUNK_FRAMES):
        if cancel is not None and cancel():
            raise ExportCancelled()
        end = min(frames + TRUE_PEAK_DELAY, start + CHUNK_FRAMES)
        lo = max(0, start - TRUE_PEAK_TAPS)
        up = upfirdn(prototype, channels[:, lo:min(frames, end)], OVERSAMPLING, axis=1)
        up = np.abs(up[:, (start - lo) * OVERSAMPLING:(end - lo) * OVERSAMPLING])
        both = np.maximum(up[0], up[1]) if len(up) == 2 else np.max(up, axis=0)
        phases = [both[phase::OVERSAMPLING] for phase in range(OVERSAMPLING)]  # numpy is slow along short axes
        loudest = np.maximum(np.maximum(phases[0], phases[1]), np.maximum(phases[2], phases[3]))
        first = start - TRUE_PEAK_DELAY + 1  # output frame m lies between input frames m - 6 and m - 5
        keep = slice(max(0, -first), min(len(loudest), frames + 1 - first))
        between[first + keep.start:first + keep.stop] = loudest[keep]
    envelope = np.maximum(between[:-1], between[1:])
    np.maximum(envelope, np.max(np.abs(channels), axis=0), out=envelope)
    return envelope


def true_peak_dbtp(audio: np.ndarray, cancel: Cancel | None = None) -> float:
    peak = float(np.max(peak_envelope(audio, cancel))) if len(audio) else 0.0
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def measure(audio: np.ndarray, sample_rate: int, cancel: Cancel | None = None) -> tuple[float, float]:
    """(integrated loudness in LUFS, true peak in dBTP) of what comes out, measured exactly."""
    return integrated_lufs(audio, sample_rate), true_peak_dbtp(audio, cancel)


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


def fit(mix: np.ndarray, stems: list[tuple[str, np.ndarray]], sample_rate: int, target_lufs: float = -14.0,
        ceiling_dbtp: float = -1.0, progress: Progress | None = None, cancel: Cancel | None = None,
        aim_lower_db: float = 0.0) -> Mastered:
    """The gain curve that brings the mix to target_lufs with its true peak under ceiling_dbtp
    (aim_lower_db further under it), applied; lufs and true_peak_dbtp are estimates (see the notes)."""
    def step(fraction: float, words: str) -> None:
        if cancel is not None and cancel():
            raise ExportCancelled()
        if progress is not None:
            progress(fraction, words)

    mix = np.asarray(mix, dtype=np.float32)
    step(0.0, "Measuring the loudness")
    energy = _energy(mix, sample_rate)
    loudness = loudness_of_energy(energy, sample_rate)
    if not math.isfinite(loudness) or not np.any(mix):
        return Mastered(mix, stems, -math.inf, -math.inf, 0.0, 0.0,
                        ["The song is silent, so it was exported as silence."], np.ones(len(mix), np.float32))
    notes = []
    gain_db = target_lufs - loudness
    if gain_db > MAX_GAIN_DB:
        gain_db = MAX_GAIN_DB
        notes.append(f"The song is very quiet: it was raised by {MAX_GAIN_DB:.0f} dB, the most allowed, "
                     f"and is still under {target_lufs:g} LUFS.")
    step(0.1, "Finding the peaks")
    peaks = peak_envelope(mix, cancel)
    ceiling = 10.0 ** ((ceiling_dbtp - LIMITER_MARGIN_DB - aim_lower_db) / 20.0)
    for attempt in range(MAX_PASSES):
        step(0.4 + 0.5 * attempt / MAX_PASSES, "Setting the loudness")
        scale = 10.0 ** (gain_db / 20.0)
        curve = np.float32(scale) * limiter_gain(peaks * np.float32(scale), ceiling, sample_rate)
        weighted = energy.copy()  # longer than the mix when the song is shorter than a block
        weighted[:len(curve)] *= np.square(curve)
        loudness = loudness_of_energy(weighted, sample_rate)
        if abs(loudness - target_lufs) <= LOUDNESS_TOLERANCE_LU or gain_db >= MAX_GAIN_DB:
            break
        gain_db = min(MAX_GAIN_DB, gain_db + target_lufs - loudness)
    peak = float(np.max(peaks * curve))
    limited_db = float(-20.0 * np.log10(np.min(curve) / 10.0 ** (gain_db / 20.0)))
    step(1.0, "Loudness set")
    return Mastered(mix * curve[:, None], [(name, np.asarray(stem, np.float32) * curve[:, None]) for name, stem in stems],
                    loudness, 20 * math.log10(peak) if peak > 0 else -math.inf, gain_db, max(0.0, limited_db), notes,
                    curve)


def master(mix: np.ndarray, stems: list[tuple[str, np.ndarray]], sample_rate: int, target_lufs: float = -14.0,
           ceiling_dbtp: float = -1.0, progress: Progress | None = None, cancel: Cancel | None = None) -> Mastered:
    """Bring the mix to target_lufs with its true peak at or under ceiling_dbtp, measured (see the notes)."""
    aim_lower_db = 0.0
    for _ in range(CHECK_TRIES):
        mastered = fit(mix, stems, sample_rate, target_lufs, ceiling_dbtp, progress, cancel, aim_lower_db)
        if not math.isfinite(mastered.lufs):  # silence
            return mastered
        mastered.lufs, mastered.true_peak_dbtp = measure(mastered.mix, sample_rate, cancel)
        if mastered.true_peak_dbtp <= ceiling_dbtp:
            return mastered
        aim_lower_db += mastered.true_peak_dbtp - ceiling_dbtp + 0.01  # never seen: aim lower, measure again
    return lowered(mastered, ceiling_dbtp, sample_rate)


def lowered(mastered: Mastered, ceiling_dbtp: float, sample_rate: int) -> Mastered:
    """The last resort (never seen): everything turned down until the peak is under; loudness gives way."""
    factor = np.float32(10.0 ** ((ceiling_dbtp - mastered.true_peak_dbtp - 0.01) / 20.0))
    mastered.mix = mastered.mix * factor
    mastered.stems = [(name, stem * factor) for name, stem in mastered.stems]
    mastered.curve = mastered.curve * factor
    mastered.lufs, mastered.true_peak_dbtp = measure(mastered.mix, sample_rate)
    return mastered
