"""Mastering: the mix brought to a loudness target, with a true-peak limiter so no export clips.

    analyse(mix, sample_rate) -> MixAnalysis        once per mix: its loudness energy, its peaks' bounds
    plan_gain(analysis, ...) -> GainPlan            the gain for every frame (lufs, true peak estimated)
    measure_planned(mix, plan, sample_rate)         (LUFS, dBTP) of the mix with the plan applied, exactly
    master(mix, stems, sample_rate, target_lufs=-14.0, ceiling_dbtp=-1.0) -> Mastered (all of it, applied)

One gain for the whole song, found by measuring (integrated loudness, ITU-R BS.1770-4, through
studio.audio.loudness), times a limiter's gain curve (studio.export.limiter) that only dips where
a true peak (studio.export.true_peaks) would pass the ceiling. Limiting lowers the loudness a
little, so the gain and the limiting are found again until the loudness is within
LOUDNESS_TOLERANCE_LU of the target.

The mix is analysed once: each pass estimates the result's loudness from the mix's K-weighted
energy times the curve squared (a block of 16 frames at a time, MixAnalysis.moments), and its
peaks from the mix's true peaks times the curve (the curve moves far slower than the filters
ring, so both are within a hundredth of a dB or so). True peaks are worked out only in the blocks
where a gain could bring them over the ceiling (MixAnalysis). The plan is a knot every 16 frames;
GainPlan.apply() applies it a piece at a time, so the export never holds a mastered copy of the
song: it applies the gain as it feeds the encoder, and measures the result exactly on a second
thread meanwhile (export_job.py), taking the file's final name only once that check has passed.
master() does the same in memory, and aims lower in the rare case the check finds a peak over the
ceiling. The same gain is applied to every stem, so the stems still add up to the mix.

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
    CHUNK_STEPS, PIECE_FRAMES, STEP_S, k_weighted_energy, k_weighted_squares_from, loudness_of_energy,
    loudness_of_steps,
)
from studio.export.errors import ExportCancelled
from studio.export.limiter import BLOCK_FRAMES, limiter_knots
from studio.export.true_peaks import (
    EXACT_BATCH_BLOCKS, block_bounds, block_envelopes, block_sample_peaks, dbtp, highest_blocks, true_peak_dbtp,
)

LIMITER_MARGIN_DB = 0.1  # the limiter aims this far under the ceiling (oversampled peaks are estimates)
LOUDNESS_TOLERANCE_LU = 0.1
MAX_PASSES = 12
CHECK_TRIES = 4  # measure_planned() found a peak over: aim lower and measure again, at most this often
MAX_GAIN_DB = 60.0
MIN_LOUDNESS_S = 0.4  # BS.1770's block: a shorter song is measured with silence after it
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


def measure(audio: np.ndarray, sample_rate: int, cancel: Cancel | None = None) -> tuple[float, float]:
    """(integrated loudness in LUFS, true peak in dBTP) of what comes out, measured exactly."""
    return integrated_lufs(audio, sample_rate), true_peak_dbtp(audio, cancel)


def measure_planned(audio: np.ndarray, plan: GainPlan, sample_rate: int,
                    cancel: Cancel | None = None) -> tuple[float, float]:
    """measure() of the audio with the plan's gain applied, made a piece at a time (never the
    whole mastered song in memory). The same loudness as measure(plan.apply(audio)): the loudness
    filters start afresh each minute there too (studio.audio.loudness). The same true peak: it is
    worked out in the blocks that could hold it, as MixAnalysis does (its notes say how)."""
    frames = len(audio)
    minute = CHUNK_STEPS * round(STEP_S * sample_rate)  # as k_weighted_energy's minutes
    step = round(STEP_S * sample_rate)
    # Each 100 ms step's energy, summed as loudness_of_energy sums k_weighted_energy's float32
    # values; no array of every frame's (as long as the song: fresh memory is slow to come by).
    step_energy = np.zeros(math.ceil(max(frames, round(MIN_LOUDNESS_S * sample_rate)) / step))
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
        squares, state = k_weighted_squares_from(mastered, sample_rate, state)
        steps = np.arange(first, last) // step
        step_energy[steps[0]:steps[-1] + 1] += np.bincount(steps - steps[0], squares.astype(np.float32))
        starts = np.arange(first // BLOCK_FRAMES * BLOCK_FRAMES, last, BLOCK_FRAMES)  # blocks touching this piece
        loudest = np.maximum.reduceat(np.abs(mastered).ravel(), np.maximum(starts - first, 0) * mastered.shape[1])
        blocks = starts // BLOCK_FRAMES
        sample_peaks[blocks] = np.maximum(sample_peaks[blocks], loudest)  # a block across two pieces: both parts
        first = last
    bounds = block_bounds(sample_peaks)
    values, exact = sample_peaks.copy(), np.zeros(len(sample_peaks), bool)

    def make_exact(blocks: np.ndarray) -> None:
        if cancel is not None and cancel():
            raise ExportCancelled()
        gained = block_envelopes(audio, 0, frames, blocks, lambda song_frames: gains_at(plan.knots, song_frames))
        values[blocks] = gained.max(axis=1)
        exact[blocks] = True

    candidates = highest_blocks(lambda: np.where(exact, values, bounds), lambda: values, exact, make_exact)
    whole_steps = max(frames, round(MIN_LOUDNESS_S * sample_rate)) // step  # as loudness_of_energy: whole steps
    return (loudness_of_steps(step_energy[:whole_steps], sample_rate),
            dbtp(float(np.max(values[candidates], initial=0.0))))


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

    def __init__(self, mix: np.ndarray, sample_rate: int, sample_peaks: np.ndarray, moments: np.ndarray | None,
                 energy: np.ndarray | None = None):
        self.mix = mix
        self.frames = len(mix)
        # Loudness is measured over at least BS.1770's block: a shorter song has silence after it.
        self.loudness_frames = max(self.frames, round(MIN_LOUDNESS_S * sample_rate))
        # For each block of the loudness filters' energy: the sums of energy times (1 - t)^2,
        # 2 t (1 - t) and t^2, t running 0..1 across the block. A gain drawn straight from g0 to g1
        # over the block turns its energy into g0^2 A + g0 g1 B + g1^2 C: the loudness of a gain
        # curve, at the cost of the blocks only. float64 (blocks of loudness_frames, 3).
        self.moments = moments
        # When a 100 ms step is not whole blocks (44.1 kHz), moments is None and energy holds each
        # frame's K-weighted square instead (loudness_frames long).
        self.energy = energy
        self.sample_peaks = sample_peaks  # each block's highest sample (block_sample_peaks)
        self.block_peaks = block_bounds(sample_peaks)  # each block's true peak, or a bound on it
        self.exact = np.zeros(len(sample_peaks), bool)  # block_peaks[b] is the true peak
        # peak_envelope()'s values in the exact blocks, a row each, in the order they were worked
        # out (a few percent of the blocks: an array of every frame would be mostly empty).
        self._envelopes = np.zeros((0, BLOCK_FRAMES), np.float32)
        self._envelope_rows = np.full(len(sample_peaks), -1, np.int64)
        self._scratch: np.ndarray | None = None  # scratch()'s arrays, made on first use

    def make_exact_over(self, threshold: float) -> None:
        """Work out the true peaks of every block whose bound is over threshold."""
        self.make_exact(np.flatnonzero(~self.exact & (self.block_peaks > threshold)))

    def make_exact(self, blocks: np.ndarray) -> None:
        """Work out the true peaks of these blocks (each given once)."""
        blocks = blocks[~self.exact[blocks]]
        if not len(blocks):
            return
        found = []
        for first in range(0, len(blocks), EXACT_BATCH_BLOCKS):
            batch = blocks[first:first + EXACT_BATCH_BLOCKS]
            found.append(block_envelopes(self.mix, 0, self.frames, batch))
            self.block_peaks[batch] = found[-1].max(axis=1)
        self._envelope_rows[blocks] = len(self._envelopes) + np.arange(len(blocks))
        self._envelopes = np.concatenate([self._envelopes, *found])
        self.exact[blocks] = True

    def scratch(self, count: int) -> np.ndarray:
        """count float64 arrays one longer than moments, made once and used again by each pass."""
        if self._scratch is None or len(self._scratch) < count:
            self._scratch = np.empty((count, len(self.moments) + 1))
        return self._scratch[:count]

    def envelopes(self, blocks: np.ndarray) -> np.ndarray:
        """peak_envelope()'s values in these exact blocks: float32 (blocks, BLOCK_FRAMES), 0 past the end."""
        return self._envelopes[self._envelope_rows[blocks]]


def analyse(mix: np.ndarray, sample_rate: int, cancel: Cancel | None = None, threads: int = 2) -> MixAnalysis:
    """The mix's loudness energy and the bounds on its true peaks (see MixAnalysis), shared out
    over `threads` threads: each of the mix's minutes is filtered on its own (the filters let go
    of the interpreter lock as they run), and the blocks' highest samples are found meanwhile."""
    mix = np.asarray(mix, dtype=np.float32)
    frames = len(mix)
    minute = CHUNK_STEPS * round(STEP_S * sample_rate)  # as k_weighted_energy's minutes: the same figures
    loudness_frames = max(frames, round(MIN_LOUDNESS_S * sample_rate))
    by_blocks = round(STEP_S * sample_rate) % BLOCK_FRAMES == 0  # 44.1 kHz: a step is not whole blocks
    moments = np.zeros((math.ceil(loudness_frames / BLOCK_FRAMES), 3)) if by_blocks else None
    energy = None if by_blocks else np.zeros(loudness_frames, np.float32)
    found: dict[str, np.ndarray] = {}

    def filter_minute(first: int) -> None:
        """The minute's filters, as k_weighted_energy runs them (the same pieces, the state carried
        between them), each piece's energy made into its blocks' moments at once."""
        state = None
        for piece in range(first, min(frames, first + minute), PIECE_FRAMES):
            if cancel is not None and cancel():
                raise ExportCancelled()
            last = min(frames, first + minute, piece + PIECE_FRAMES)
            squares, state = k_weighted_squares_from(mix[piece:last], sample_rate, state)
            if moments is None:
                energy[piece:last] = squares
            else:
                moments[piece // BLOCK_FRAMES:-(-last // BLOCK_FRAMES)] = _moments(squares)

    def find_sample_peaks() -> None:
        found["sample_peaks"] = block_sample_peaks(mix)

    tasks = [find_sample_peaks] + [lambda first=first: filter_minute(first) for first in range(0, frames, minute)]
    _run_parts(lambda part: [task() for task in part], [tasks[part::threads] for part in range(threads)])
    return MixAnalysis(mix, sample_rate, found["sample_peaks"], moments, energy)


_MOMENT_WEIGHTS = np.stack([(1 - _BLOCK_STEPS) ** 2, 2 * _BLOCK_STEPS * (1 - _BLOCK_STEPS), _BLOCK_STEPS ** 2], axis=1)


def _moments(squares: np.ndarray) -> np.ndarray:
    """Each block's moments (MixAnalysis) of these frames' energy, starting on a block: float64 (blocks, 3)."""
    blocks = -(-len(squares) // BLOCK_FRAMES)
    if blocks * BLOCK_FRAMES != len(squares):  # the song's last, shorter block: silence after it
        squares = np.concatenate([squares, np.zeros(blocks * BLOCK_FRAMES - len(squares))])
    return squares.reshape(blocks, BLOCK_FRAMES) @ _MOMENT_WEIGHTS


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

    def curve(self, first: int, last: int, channels: int = 1) -> np.ndarray:
        """The gain of frames first..last (float32): gains_at(knots, frames), a block at a time.
        With channels > 1 each frame's gain is there once per channel, laid out as the samples of
        a (frames, channels) array are."""
        lo, hi = first // BLOCK_FRAMES, -(-last // BLOCK_FRAMES)
        knots = self.knots[np.minimum(np.arange(lo, hi + 1), len(self.knots) - 1)]  # after the last, it holds
        g0, g1 = knots[:-1], knots[1:]
        steps = _BLOCK_STEPS if channels == 1 else np.repeat(_BLOCK_STEPS, channels)
        ramps = g0[:, None] + (g1 - g0)[:, None] * steps
        offset = first - lo * BLOCK_FRAMES
        return ramps.ravel()[offset * channels:(offset + last - first) * channels].astype(np.float32)

    def apply(self, audio: np.ndarray, first: int = 0, last: int | None = None) -> np.ndarray:
        """audio[first:last] with the gain applied: a new float32 array."""
        last = len(audio) if last is None else last
        piece = np.asarray(audio[first:last], np.float32)
        channels = piece.shape[1] if piece.ndim == 2 else 1
        # Multiplied flat, by the gains laid out as the samples are: numpy is several times
        # slower at (frames, 2) * (frames, 1), its inner loop running over two values at a time.
        return (piece.reshape(-1) * self.curve(first, last, channels)).reshape(piece.shape)

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
    loudness = _loudness_as_it_is(analysis, sample_rate)
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
    plan = GainPlan(knots, frames, loudness, dbtp(_highest_peak(analysis, knots)), gain_db,
                    max(0.0, limited_db), notes)
    step(1.0, "Loudness set")
    return plan


def _loudness_as_it_is(analysis: MixAnalysis, sample_rate: int) -> float:
    """The mix's loudness with no gain: each step's moments summed (a block's energy is A + B + C)."""
    if analysis.moments is None:
        return loudness_of_energy(analysis.energy, sample_rate)
    per_step = round(STEP_S * sample_rate) // BLOCK_FRAMES
    steps = analysis.loudness_frames // (per_step * BLOCK_FRAMES)
    return loudness_of_steps(analysis.moments[:steps * per_step].reshape(steps, -1).sum(axis=1), sample_rate)


def _loudness_with(analysis: MixAnalysis, knots: np.ndarray, sample_rate: int) -> float:
    """The loudness of the mix with the gain drawn through knots (from the analysis's energy)."""
    if analysis.moments is None:
        curve = gains_at(knots, np.arange(analysis.frames)).astype(np.float64)
        weighted = analysis.energy.astype(np.float64)  # longer than the mix when the song is shorter than a block
        weighted[:len(curve)] *= np.square(curve)
        return loudness_of_energy(weighted, sample_rate)
    moments = analysis.moments
    blocks = len(moments)
    # g0 and g1, the gain at each block's start and end: the knots, held after the last one (the
    # last block's end holds its start).
    gains, energy, term = analysis.scratch(3)
    used = min(len(knots), blocks)
    gains[:used] = knots[:used]
    gains[used:blocks] = knots[-1]
    gains[blocks] = gains[blocks - 1]
    g0, g1 = gains[:blocks], gains[1:]
    # Each block's energy, g0^2 A + g0 g1 B + g1^2 C, in place (fresh memory is slow to come by).
    energy, term = energy[:blocks], term[:blocks]
    np.multiply(g0, g0, out=energy)
    energy *= moments[:, 0]
    np.multiply(g0, g1, out=term)
    term *= moments[:, 1]
    energy += term
    np.multiply(g1, g1, out=term)
    term *= moments[:, 2]
    energy += term
    per_step = round(STEP_S * sample_rate) // BLOCK_FRAMES
    steps = analysis.loudness_frames // (per_step * BLOCK_FRAMES)
    return loudness_of_steps(energy[:steps * per_step].reshape(steps, per_step).sum(axis=1), sample_rate)


def _highest_peak(analysis: MixAnalysis, knots: np.ndarray) -> float:
    """The highest of peaks times the gain curve, frame by frame, looked for only in the blocks
    where it could be (a block's peak times the larger of its two knots bounds it from above)."""
    g0 = knots[:len(analysis.block_peaks)]
    g1 = np.append(knots[1:], knots[-1])[:len(analysis.block_peaks)]
    candidates = highest_blocks(lambda: analysis.block_peaks * np.maximum(g0, g1),
                                 lambda: np.where(analysis.exact, analysis.block_peaks,
                                                  analysis.sample_peaks) * np.minimum(g0, g1),
                                 analysis.exact, analysis.make_exact)
    if not len(candidates):
        return 0.0
    frames = candidates[:, None] * BLOCK_FRAMES + np.arange(BLOCK_FRAMES)
    return float(np.max(analysis.envelopes(candidates) * gains_at(knots, frames)))  # 0 past the end


def fit(mix: np.ndarray, stems: list[tuple[str, np.ndarray]], sample_rate: int, target_lufs: float = -14.0,
        ceiling_dbtp: float = -1.0, progress: Progress | None = None, cancel: Cancel | None = None,
        aim_lower_db: float = 0.0) -> Mastered:
    """plan_gain() applied to the mix and stems, whole; lufs and true_peak_dbtp are estimates."""
    mix = np.asarray(mix, dtype=np.float32)
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
                 progress: Progress | None = None, cancel: Cancel | None = None) -> GainPlan:
    """plan_gain(), its result measured (measure_planned); aiming lower in the rare case the
    measure finds a peak over the ceiling, and at last turning it all down."""
    aim_lower_db = 0.0
    for _ in range(CHECK_TRIES):
        plan = plan_gain(analysis, sample_rate, target_lufs, ceiling_dbtp, progress, cancel, aim_lower_db)
        if not math.isfinite(plan.lufs):  # silence
            return plan
        plan.lufs, plan.true_peak_dbtp = measure_planned(mix, plan, sample_rate, cancel)
        if plan.true_peak_dbtp <= ceiling_dbtp:
            return plan
        aim_lower_db += plan.true_peak_dbtp - ceiling_dbtp + 0.01  # never seen: aim lower, measure again
    return lowered(plan, mix, ceiling_dbtp, sample_rate)


def lowered(plan: GainPlan, mix: np.ndarray, ceiling_dbtp: float, sample_rate: int) -> GainPlan:
    """The last resort (never seen): everything turned down until the peak is under; loudness gives way."""
    plan = plan.lowered(10.0 ** ((ceiling_dbtp - plan.true_peak_dbtp - 0.01) / 20.0))
    plan.lufs, plan.true_peak_dbtp = measure_planned(mix, plan, sample_rate)
    return plan
