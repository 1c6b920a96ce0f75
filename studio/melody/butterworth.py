"""Butterworth low- and high-pass filters with numpy alone.

They give the response of scipy.signal.butter(order, cutoff_hz, kind, fs=sample_rate)
followed by sosfilt (the bilinear transform, with the cutoff prewarped). Rendering notes this
way keeps scipy.signal, which takes about a second to import, out of the engine process: the
engine starts, and restarts, that much sooner.

    FilterBank(x, sample_rate, lowest_cutoff_hz)
                                 .filtered(cutoff_hz, order, kind, end) gives x through one filter
                                 up to `end`; x's spectra and the responses are shared
    one_pole_highpass(x, ...)    the first-order high-pass by its recursion, for long notes
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

TAIL_S = 0.25  # room after the signal for a filter's ringing, so none of it wraps round
RECURSION_BLOCK = 2048  # samples solved at once by one_pole_highpass


class FilterBank:
    def __init__(self, x: np.ndarray, sample_rate: int, lowest_cutoff_hz: float):
        """lowest_cutoff_hz: the lowest cutoff that will be asked for (it sets the tail)."""
        self.x, self.sample_rate = x, sample_rate
        self.tail = int((TAIL_S + 8.0 / lowest_cutoff_hz) * sample_rate)
        self._spectra: dict[int, np.ndarray] = {}  # FFT size -> spectrum of the x it covers

    def filtered(self, cutoff_hz: float, order: int, kind: str, end: int | None = None) -> np.ndarray:
        """x through one filter, up to sample `end` (a causal filter's output there needs only
        x[:end], so a short FFT does: filters that are only heard early are cheap)."""
        _check(cutoff_hz, kind, self.sample_rate)
        end = len(self.x) if end is None else end
        n_fft = 1 << int(np.ceil(np.log2(end + self.tail)))
        if n_fft not in self._spectra:
            self._spectra[n_fft] = np.fft.rfft(self.x[: n_fft - self.tail], n_fft)
        shaped = self._spectra[n_fft] * response(cutoff_hz, order, kind, self.sample_rate, n_fft)
        return np.fft.irfft(shaped, n_fft)[:end].astype(np.float32)


def butterworth(x: np.ndarray, cutoff_hz: float, order: int, kind: str, sample_rate: int) -> np.ndarray:
    """x through one Butterworth filter ("lowpass" or "highpass"), as float32."""
    _check(cutoff_hz, kind, sample_rate)
    return FilterBank(x, sample_rate, cutoff_hz).filtered(cutoff_hz, order, kind)


def one_pole_highpass(x: np.ndarray, cutoff_hz: float, sample_rate: int) -> np.ndarray:
    """butterworth(x, cutoff_hz, 1, "highpass", ...), by its recursion
    y[n] = a y[n-1] + b (x[n] - x[n-1]), solved a block at a time with cumulative sums."""
    _check(cutoff_hz, "highpass", sample_rate)
    k = np.tan(np.pi * cutoff_hz / sample_rate)
    a, b = (1 - k) / (1 + k), 1 / (1 + k)
    drive = b * np.diff(x.astype(np.float64), prepend=0.0)
    out = np.empty(len(x), dtype=np.float64)
    powers = a ** np.arange(1, RECURSION_BLOCK + 1, dtype=np.float64)  # a, a^2 ...
    previous = 0.0
    for start in range(0, len(x), RECURSION_BLOCK):
        block = drive[start:start + RECURSION_BLOCK]
        p = powers[: len(block)]
        # y[n] = a^(n+1) y_prev + sum over m <= n of a^(n-m) u[m]  =  a^n (a y_prev + cumsum(u / a^m))
        y = p / a * (a * previous + np.cumsum(block * a / p))
        out[start:start + len(block)] = y
        previous = y[-1]
    return out.astype(np.float32)


@lru_cache(maxsize=48)
def response(cutoff_hz: float, order: int, kind: str, sample_rate: int, n_fft: int) -> np.ndarray:
    """The digital filter's complex response at the bins of an n_fft-point rfft."""
    radians_per_sample = np.pi * np.arange(n_fft // 2 + 1) / (n_fft // 2)
    # Bilinear transform: the digital response at w is the analog one at s = j 2 fs tan(w / 2).
    s = 1j * 2.0 * sample_rate * np.tan(np.minimum(radians_per_sample, np.pi * (1 - 1e-9)) / 2)
    warped_hz = 2.0 * sample_rate * np.tan(np.pi * cutoff_hz / sample_rate)
    # The analog prototype's poles on the left half of the unit circle.
    poles = np.exp(1j * np.pi * (2 * np.arange(order) + order + 1) / (2 * order))
    result = np.ones_like(s)
    for pole in poles:
        if kind == "lowpass":
            result *= -pole * warped_hz / (s - pole * warped_hz)
        else:
            result *= s / (s - warped_hz / pole)
    result = result.astype(np.complex64)  # with float32 notes, the FFTs run in single precision
    result.flags.writeable = False  # shared through the cache
    return result


def _check(cutoff_hz: float, kind: str, sample_rate: int) -> None:
    if kind not in ("lowpass", "highpass"):
        raise ValueError(f"kind must be lowpass or highpass, got {kind!r}")
    if not 0 < cutoff_hz < sample_rate / 2:
        raise ValueError(f"cutoff_hz must be in range 0..{sample_rate / 2:g} (exclusive), got {cutoff_hz:g}")
