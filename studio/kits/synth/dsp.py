"""Small numpy/scipy building blocks for synthesising drum one-shots.

Everything is deterministic: noise comes from numpy's PCG64 generator with a fixed seed and uses only
``random()`` (whose stream numpy keeps stable), so the same code writes the same samples.
"""

from __future__ import annotations

import numpy as np
from scipy import signal

SAMPLE_RATE = 48000


def times(duration_s: float) -> np.ndarray:
    return np.arange(int(round(duration_s * SAMPLE_RATE))) / SAMPLE_RATE


def decay(duration_s: float, time_to_minus_60_db_s: float, attack_ms: float = 0.0) -> np.ndarray:
    """An exponential decay reaching -60 dB after time_to_minus_60_db_s, with an optional linear attack."""
    t = times(duration_s)
    envelope = 10 ** (-3 * t / time_to_minus_60_db_s)
    if attack_ms > 0:
        envelope *= np.clip(t / (attack_ms / 1000), 0, 1)
    return envelope


def noise(duration_s: float, seed: int) -> np.ndarray:
    """White noise, -1..1 (uniform)."""
    return np.random.default_rng(seed).random(len(times(duration_s))) * 2 - 1


def gliding_sine(
    duration_s: float, end_hz: float, start_hz: float | None = None, glide_s: float = 0.05, phase: float = 0.0
) -> np.ndarray:
    """A sine whose pitch falls exponentially from start_hz to end_hz (time constant glide_s): the
    pitch drop of a struck drum head, strongest at the hit."""
    t = times(duration_s)
    start_hz = end_hz if start_hz is None else start_hz
    frequency_hz = end_hz + (start_hz - end_hz) * np.exp(-t / glide_s)
    return np.sin(phase + 2 * np.pi * np.cumsum(frequency_hz) / SAMPLE_RATE)


def square(duration_s: float, frequency_hz: float, phase: float = 0.0) -> np.ndarray:
    t = times(duration_s)
    return np.where(np.sin(phase + 2 * np.pi * frequency_hz * t) >= 0, 1.0, -1.0)


def modes(duration_s: float, partials: list[tuple[float, float, float]]) -> np.ndarray:
    """A sum of decaying sines, one per (frequency_hz, amplitude, time_to_minus_60_db_s): how bells,
    bars, shells and drum heads ring. Each starts from zero, so the sum starts without a step."""
    t = times(duration_s)
    out = np.zeros_like(t)
    for frequency_hz, amplitude, ring_s in partials:
        out += amplitude * np.sin(2 * np.pi * frequency_hz * t) * 10 ** (-3 * t / ring_s)
    return out


def _sos_filter(x: np.ndarray, kind: str, cutoff_hz, order: int) -> np.ndarray:
    sos = signal.butter(order, cutoff_hz, btype=kind, fs=SAMPLE_RATE, output="sos")
    return signal.sosfilt(sos, x)


def lowpass(x: np.ndarray, cutoff_hz: float, order: int = 2) -> np.ndarray:
    return _sos_filter(x, "lowpass", cutoff_hz, order)


def highpass(x: np.ndarray, cutoff_hz: float, order: int = 2) -> np.ndarray:
    return _sos_filter(x, "highpass", cutoff_hz, order)


def bandpass(x: np.ndarray, low_hz: float, high_hz: float, order: int = 2) -> np.ndarray:
    return _sos_filter(x, "bandpass", [low_hz, high_hz], order)


def resonator(x: np.ndarray, centre_hz: float, q: float) -> np.ndarray:
    """A narrow peak (a ringing band), for the body of claps and the tone of wood."""
    b, a = signal.iirpeak(centre_hz, q, fs=SAMPLE_RATE)
    return signal.lfilter(b, a, x)


def saturate(x: np.ndarray, drive: float) -> np.ndarray:
    """Soft clipping (tanh), the same peak in as out: warmth, and harmonics that let a sub-bass
    be heard on a tablet's small speakers."""
    if drive <= 0:
        return x
    peak = float(np.max(np.abs(x))) or 1.0
    return np.tanh(drive * x / peak) / np.tanh(drive) * peak


def room(x: np.ndarray, size_s: float, mix: float, seed: int, brightness_hz: float = 6000.0) -> np.ndarray:
    """A small room: the dry sound plus a short dark noise-tail reverb (exponential decay)."""
    t = times(size_s)
    impulse = lowpass(noise(size_s, seed), brightness_hz) * 10 ** (-3 * t / size_s)
    impulse[: int(0.004 * SAMPLE_RATE)] = 0  # the first reflections come a few ms after the hit
    wet = np.concatenate([signal.fftconvolve(x, impulse), [0.0]])
    dry = np.concatenate([x, np.zeros(len(t))])
    wet *= (float(np.max(np.abs(dry))) or 1.0) / (float(np.max(np.abs(wet))) or 1.0)
    return dry + mix * wet


def mix(*parts: tuple[np.ndarray, float]) -> np.ndarray:
    """The sum of (signal, gain) pairs, padded to the longest."""
    length = max(len(part) for part, _ in parts)
    out = np.zeros(length)
    for part, gain in parts:
        out[: len(part)] += gain * part
    return out


def finish(x: np.ndarray, peak_dbfs: float, max_duration_s: float, fade_ms: float = 30.0) -> np.ndarray:
    """Ready to ship: no DC, cut where it falls below -66 dBFS (or at max_duration_s) with a short
    fade so the end never clicks, a 0.5 ms fade-in, and its peak at peak_dbfs."""
    x = highpass(x, 15.0, order=1)
    x = x * (10 ** (peak_dbfs / 20) / (float(np.max(np.abs(x))) or 1.0))
    window = int(0.005 * SAMPLE_RATE)
    level = np.convolve(np.abs(x), np.ones(window) / window, mode="same")
    audible = np.flatnonzero(level > 10 ** (-66 / 20))
    end = min(len(x), int(max_duration_s * SAMPLE_RATE), (audible[-1] if audible.size else len(x)) + window)
    x = x[:end].copy()
    fade = min(int(fade_ms / 1000 * SAMPLE_RATE), end // 2)
    x[end - fade :] *= np.cos(np.linspace(0, np.pi / 2, fade)) ** 2
    rise = int(0.0005 * SAMPLE_RATE)
    x[:rise] *= np.linspace(0, 1, rise)
    return x * (10 ** (peak_dbfs / 20) / float(np.max(np.abs(x))))


def to_pcm16(x: np.ndarray) -> np.ndarray:
    """16-bit samples, rounded (no dither: the same input always gives the same bytes)."""
    return np.round(np.clip(x, -1, 1) * 32767).astype(np.int16)
