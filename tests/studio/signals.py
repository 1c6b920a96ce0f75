"""Measuring rendered audio in tests: levels, spectra and onsets."""

from __future__ import annotations

import numpy as np


def peak_dbfs(samples: np.ndarray) -> float:
    peak = float(np.max(np.abs(samples)))
    return -np.inf if peak == 0 else 20 * np.log10(peak)


def rms_dbfs(samples: np.ndarray) -> float:
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return -np.inf if rms == 0 else 20 * np.log10(rms)


def harmonic_distortion_db(samples: np.ndarray, fundamental_hz: float, sample_rate: int) -> float:
    """Level of the strongest component away from the fundamental, relative to it (dB)."""
    windowed = samples * np.hanning(len(samples))
    spectrum = np.abs(np.fft.rfft(windowed))
    bin_hz = sample_rate / len(samples)
    fundamental_bin = int(round(fundamental_hz / bin_hz))
    fundamental = spectrum[fundamental_bin - 3 : fundamental_bin + 4].max()
    rest = spectrum.copy()
    rest[max(0, fundamental_bin - 10) : fundamental_bin + 11] = 0
    rest[:3] = 0  # ignore DC
    return 20 * np.log10(rest.max() / fundamental)


def onsets(samples: np.ndarray, threshold: float = 0.01, min_gap: int = 1000) -> np.ndarray:
    """Sample indices where the signal first rises above threshold after at least min_gap quiet samples."""
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if loud.size == 0:
        return loud
    starts = [loud[0]]
    for index, previous in zip(loud[1:], loud[:-1]):
        if index - previous > min_gap:
            starts.append(index)
    return np.array(starts)


def dominant_frequency_hz(samples: np.ndarray, sample_rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    spectrum[:3] = 0
    return float(np.argmax(spectrum) * sample_rate / len(samples))
