"""Test sounds made on the spot: decaying sines written as WAV, FLAC, OGG or (with ffmpeg) MP3."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import soundfile


def decaying_sine(frequency_hz: float, duration_s: float = 0.4, sample_rate: int = 48000,
                  peak: float = 0.5) -> np.ndarray:
    t = np.arange(int(duration_s * sample_rate)) / sample_rate
    return (peak * np.sin(2 * np.pi * frequency_hz * t) * np.exp(-t / (duration_s / 6))).astype(np.float32)


def write_sound(path: Path, samples: np.ndarray, sample_rate: int = 48000) -> Path:
    """Write samples in the format the suffix names; MP3 goes through ffmpeg (libmp3lame)."""
    path = Path(path)
    if path.suffix.lower() == ".mp3":
        wav = path.with_suffix(".source.wav")
        soundfile.write(wav, samples, sample_rate)
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(wav), "-b:a", "128k", str(path)],
                       check=True, timeout=60)
        wav.unlink()
    elif path.suffix.lower() == ".ogg":
        soundfile.write(path, samples, sample_rate, format="OGG", subtype="VORBIS")
    else:
        soundfile.write(path, samples, sample_rate)
    return path


def band_energy_fraction(samples: np.ndarray, sample_rate: int, low_hz: float, high_hz: float) -> float:
    """The share of the sound's energy between low_hz and high_hz (0..1)."""
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64))) ** 2
    frequencies = np.fft.rfftfreq(len(samples), 1 / sample_rate)
    return float(spectrum[(frequencies >= low_hz) & (frequencies < high_hz)].sum() / spectrum.sum())

