"""Mixing at exact sample positions, and the few effects a demo track needs, in numpy.

    Grid          where step n of a piece lands, in samples (swing moves only the off-beat sixteenths)
    StereoBus     a left and a right channel that sounds are added into at a sample position
    reverb, echo, duck_gain, vinyl_crackle, lowpass    the effects
    master        level the mix to a loudness, then limit it so no sample passes the ceiling
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import fft, signal
from scipy.ndimage import minimum_filter1d, uniform_filter1d

MIN_SWING, MAX_SWING = 0.5, 0.75  # as in studio.beats.model: 0.5 straight, 0.75 a hard shuffle
REVERB_SEED, REVERB_BRIGHTNESS_HZ, REVERB_PREDELAY_S = 1234, 4500.0, 0.015
HISS_LOOP_S = 3.0  # vinyl hiss is a short loop of noise, repeated: nobody hears it repeat


@dataclass(frozen=True)
class Grid:
    """The piece's clock. Step n (counted from the first downbeat) lands on sample
    round(first_downbeat_s * sample_rate + n * 60 / bpm * sample_rate / steps_per_beat); with swing
    s, each pair of steps lasts two steps and the second (off-beat) one starts 2 s - 1 steps late."""
    bpm: float
    first_downbeat_s: float
    sample_rate: int
    steps_per_beat: int = 4  # 4: sixteenths; 3: triplet eighths (a shuffle)
    swing: float = 0.5
    beats_per_bar: int = 4

    def __post_init__(self):
        if not 30.0 <= self.bpm <= 300.0:
            raise ValueError(f"bpm must be in range 30..300, got {self.bpm!r}")
        if not MIN_SWING <= self.swing <= MAX_SWING:
            raise ValueError(f"swing must be in range {MIN_SWING}..{MAX_SWING}, got {self.swing!r}")
        if self.swing != 0.5 and self.steps_per_beat % 2:
            raise ValueError("swing needs an even number of steps per beat (a triplet grid is swung already)")

    @property
    def steps_per_bar(self) -> int:
        return self.steps_per_beat * self.beats_per_bar

    @property
    def beat_s(self) -> float:
        return 60.0 / self.bpm

    @property
    def bar_s(self) -> float:
        return self.beats_per_bar * self.beat_s

    def frame_at(self, step: float) -> int:
        """The sample a hit on `step` lands on; steps may be fractional (rolls) or negative (pickups)."""
        position = step
        if self.swing != 0.5:
            whole = math.floor(step)
            off_beat = whole % 2 == 1
            share = 2 * (1 - self.swing) if off_beat else 2 * self.swing  # of one step's length
            position = whole + ((2 * self.swing - 1) if off_beat else 0.0) + (step - whole) * share
        return round(self.first_downbeat_s * self.sample_rate
                     + position * 60.0 / self.bpm * self.sample_rate / self.steps_per_beat)

    def beat_frame(self, beat: int) -> int:
        return self.frame_at(beat * self.steps_per_beat)


class StereoBus:
    def __init__(self, frames: int):
        self.frames = frames
        self.left = np.zeros(frames, dtype=np.float32)
        self.right = np.zeros(frames, dtype=np.float32)

    def add(self, samples: np.ndarray, start_frame: int, gain: float = 1.0, pan: float = 0.0) -> None:
        """samples (mono, or (frames, 2)) added from start_frame on; what falls outside is dropped.
        pan -1..1 turns the other side down (the centre keeps both at full gain)."""
        skip = max(0, -start_frame)
        start = max(0, start_frame)
        end = min(self.frames, start_frame + len(samples))
        if end <= start:
            return
        part = samples[skip: skip + end - start]
        left_gain = np.float32(gain * min(1.0, 1.0 - pan))
        right_gain = np.float32(gain * min(1.0, 1.0 + pan))
        if part.ndim == 1:
            self.left[start:end] += part * left_gain
            self.right[start:end] += part * right_gain
        else:
            self.left[start:end] += part[:, 0] * left_gain
            self.right[start:end] += part[:, 1] * right_gain

    def mix_in(self, other: StereoBus, gain: float = 1.0) -> None:
        self.left += other.left * np.float32(gain)
        self.right += other.right * np.float32(gain)

    def scale(self, gain: np.ndarray | float) -> None:
        self.left *= gain
        self.right *= gain


def _noise(frames: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random(frames) * 2 - 1  # random() only: a stable stream


def lowpass(x: np.ndarray, cutoff_hz: float, sample_rate: int, order: int = 2) -> np.ndarray:
    sos = signal.butter(order, min(cutoff_hz, 0.45 * sample_rate), fs=sample_rate, output="sos")
    return signal.sosfilt(sos, x).astype(np.float32)


def highpass(x: np.ndarray, cutoff_hz: float, sample_rate: int, order: int = 2) -> np.ndarray:
    sos = signal.butter(order, cutoff_hz, btype="highpass", fs=sample_rate, output="sos")
    return signal.sosfilt(sos, x).astype(np.float32)


def reverb(bus: StereoBus, decay_s: float, sample_rate: int) -> StereoBus:
    """The wet part of a plate-like reverb: the bus's mid convolved with decaying noise, a
    different noise on each side for width. Its level is about that of the dry bus."""
    n_fft = fft.next_fast_len(bus.frames + int(decay_s * sample_rate), real=True)
    spectrum = fft.rfft(0.5 * (bus.left + bus.right), n_fft)
    left_response, right_response = _reverb_responses(decay_s, sample_rate, n_fft)
    wet = StereoBus(bus.frames)
    wet.left += fft.irfft(spectrum * left_response, n_fft)[: bus.frames]
    wet.right += fft.irfft(spectrum * right_response, n_fft)[: bus.frames]
    return wet


@lru_cache(maxsize=4)  # pieces of one length (the tempo set) share them
def _reverb_responses(decay_s: float, sample_rate: int, n_fft: int) -> tuple[np.ndarray, np.ndarray]:
    frames = int(0.8 * decay_s * sample_rate)  # the tail past -48 dB is not missed
    t = np.arange(frames) / sample_rate
    predelay = np.zeros(int(REVERB_PREDELAY_S * sample_rate))
    responses = []
    for seed in (REVERB_SEED, REVERB_SEED + 1):
        impulse = lowpass(_noise(frames, seed), REVERB_BRIGHTNESS_HZ, sample_rate, 1) * 10 ** (-3 * t / decay_s)
        impulse = np.concatenate([predelay, impulse / np.sqrt(np.sum(impulse**2))]).astype(np.float32)
        responses.append(fft.rfft(impulse, n_fft))  # float32 in, complex64 out: twice as fast
    return responses[0], responses[1]


def echo(bus: StereoBus, delay_frames: int, feedback: float, sample_rate: int, repeats: int = 5) -> StereoBus:
    """The wet part of a ping-pong delay: darkened repeats bouncing left, right, left ..."""
    mono = lowpass(0.5 * (bus.left + bus.right), 3500, sample_rate)
    wet = StereoBus(bus.frames)
    for repeat in range(1, repeats + 1):
        shift = repeat * delay_frames
        if shift >= bus.frames:
            break
        side = wet.left if repeat % 2 else wet.right
        side[shift:] += mono[: bus.frames - shift] * np.float32(feedback**repeat)
    return wet


def duck_gain(frames: int, trigger_frames: list[int], depth: float, recover_s: float, sample_rate: int) -> np.ndarray:
    """A gain that dips by `depth` (0..1) at each trigger and recovers: the "pumping" of a bass or
    pad side-chained to the kick, which also keeps the kick clear."""
    length = int(4 * recover_s * sample_rate)
    t = np.arange(length) / sample_rate
    shape = (1.0 - depth * np.clip(t / 0.004, 0.0, 1.0) * np.exp(-t / recover_s)).astype(np.float32)
    gain = np.ones(frames, dtype=np.float32)
    for start in trigger_frames:
        if 0 <= start < frames:
            segment = gain[start:start + length]
            np.minimum(segment, shape[: len(segment)], out=segment)
    return gain


def vinyl_crackle(frames: int, sample_rate: int, seed: int, level_dbfs: float = -42.0) -> StereoBus:
    """Dust on a record: sparse little clicks and a soft hiss (a lo-fi track's texture)."""
    bus = StereoBus(frames)
    rng = np.random.default_rng(seed)
    gain = 4 * 10 ** (level_dbfs / 20)
    click_frames = int(0.004 * sample_rate)
    click = highpass(_noise(click_frames, seed) * np.exp(-np.arange(click_frames) / (0.0006 * sample_rate)),
                     900, sample_rate)
    loop = int(HISS_LOOP_S * sample_rate)
    for side_index, side in enumerate((bus.left, bus.right)):
        hiss = lowpass(_noise(loop, seed + 1 + side_index), 5000, sample_rate) * np.float32(0.05 * gain)
        side += np.tile(hiss, frames // loop + 1)[:frames]
        count = int(7 * frames / sample_rate)  # about seven clicks a second on each side
        places = (rng.random(count) * (frames - click_frames)).astype(int)
        sizes = (rng.random(count) * 2 - 1) * rng.random(count) ** 3 * gain
        for place, size in zip(places, sizes):
            side[place:place + click_frames] += click * np.float32(size)
    return bus


def weighted_level_db(left: np.ndarray, right: np.ndarray, sample_rate: int) -> float:
    """A rough loudness: RMS with the lows counted less, over 0.4 s blocks, ignoring the quiet
    ones (as LUFS meters gate). Enough to make the tracks about as loud as each other."""
    block = int(0.4 * sample_rate)
    weighted = highpass(left + right, 120.0, sample_rate).astype(np.float64)  # the mid: half the work
    usable = len(weighted) // block * block
    power = np.mean(weighted[:usable].reshape(-1, block) ** 2, axis=1) / 2
    loud = power[power > 1e-7]
    if loud.size == 0:
        return -120.0
    loud = loud[loud > np.mean(loud) * 0.1]  # the relative gate: 10 dB under the average
    return float(10 * np.log10(np.mean(loud)))


def _window_min(x: np.ndarray, before: int, after: int) -> np.ndarray:
    """out[n] = min(x[n - before .. n + after])."""
    if (before + after) % 2:
        after += 1
    padded = np.concatenate([np.full(before, x[0]), x, np.full(after, x[-1])])
    half = (before + after) // 2
    return minimum_filter1d(padded, before + after + 1)[half: half + len(x)]


def limit(left: np.ndarray, right: np.ndarray, ceiling_dbfs: float, sample_rate: int,
          lookahead_ms: float = 8.0, hold_ms: float = 60.0) -> tuple[np.ndarray, np.ndarray]:
    """A look-ahead peak limiter (both sides by one gain): the gain is already down when a peak
    comes, holds, then glides back over 2 x lookahead_ms. Never passes the ceiling."""
    ceiling = 10 ** (ceiling_dbfs / 20)
    peak = np.maximum(np.abs(left), np.abs(right))
    needed = np.minimum(1.0, ceiling / np.maximum(peak, 1e-12))
    ahead = int(lookahead_ms / 1000 * sample_rate)
    held = _window_min(needed, int(hold_ms / 1000 * sample_rate), ahead)
    # A moving average no wider than the look-ahead (and the hold) stays under `needed` everywhere.
    gain = np.minimum(uniform_filter1d(held, 2 * ahead + 1, mode="nearest"), needed)
    return (np.clip(left * gain, -ceiling, ceiling).astype(np.float32),
            np.clip(right * gain, -ceiling, ceiling).astype(np.float32))


def master(bus: StereoBus, sample_rate: int, loudness_db: float, ceiling_dbfs: float,
           fade_out_s: float = 0.0) -> np.ndarray:
    """The finished mix as (frames, 2) float32, at the given loudness, peaks limited. (Every sound
    put in it is free of DC already, so there is no high-pass here.)"""
    left, right = bus.left, bus.right
    gain = np.float32(10 ** ((loudness_db - weighted_level_db(left, right, sample_rate)) / 20))
    left, right = limit(left * gain, right * gain, ceiling_dbfs, sample_rate)
    fade = int(fade_out_s * sample_rate)
    if fade > 1:
        ramp = np.cos(np.linspace(0.0, np.pi / 2, fade, dtype=np.float32)) ** 2
        left[-fade:] *= ramp
        right[-fade:] *= ramp
    return np.stack([left, right], axis=1)
