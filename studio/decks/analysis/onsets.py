"""From a track's samples to what the rest of the analysis reads: mono sound at a low rate, and per
short frame how much new sound starts (onset strength) in three bands, and how loud each band is.

Hand-written with numpy (no librosa, no scipy.signal: the studio must start fast, and these few
lines are all of it): one short-time Fourier transform at 22050 Hz, log-compressed magnitudes, and
their frame-to-frame rise (spectral flux) summed per band. Working at 22050 Hz mono with short
frames keeps the analysis of a 5-minute track well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import soxr
from numpy.lib.stride_tricks import sliding_window_view

ANALYSIS_RATE_HZ = 22050  # hats and cymbals (which tell the beat's subdivisions) live above 5 kHz
FRAME_SIZE = 512  # 23 ms: short enough for drum hits, fine enough (43 Hz) to tell a kick from a bass line
HOP = 192  # 8.7 ms between frames: about 115 frames a second
LOW_BAND_HZ = 250.0  # kick and bass below this
HIGH_BAND_HZ = 2500.0  # hats, cymbals and the snare's rattle above this
LOG_COMPRESSION = 1000.0  # log(1 + C * magnitude): quiet and loud hits count alike, silence counts nothing
FFT_BLOCK_FRAMES = 4096  # frames transformed at once, so a 15-minute track never needs a huge array
RESAMPLE_CHUNK_S = 30.0
BROADBAND_RISE = 1.0  # a bin "jumps" when its magnitude grows by e (8.7 dB) from one frame to the next
SINE_POWER_TO_PEAK = 1 / 1.5  # a Hann window spreads a sine over three bins: 1, 1/2 and 1/2 of its amplitude


@dataclass
class Onsets:
    frame_rate_hz: float  # frames a second
    flux: np.ndarray  # (frames, 3) onset strength in the low, mid and high bands, >= 0
    band_level: np.ndarray  # (frames, 3) peak level of each band, linear, 1.0 = full scale
    broadband: np.ndarray  # (frames,) the share of frequencies that jump at once: drums, not notes
    frame_offset_s: float  # the time of frame 0's centre; frame n is at frame_offset_s + n / frame_rate_hz

    @property
    def frame_count(self) -> int:
        return len(self.flux)

    def times_s(self) -> np.ndarray:
        return self.frame_offset_s + np.arange(self.frame_count) / self.frame_rate_hz


def mono_at_analysis_rate(samples: np.ndarray, sample_rate: int, rate_hz: int = ANALYSIS_RATE_HZ) -> np.ndarray:
    """The channels averaged and resampled to rate_hz (soxr)."""
    return resampled(samples, sample_rate, rate_hz, mono=True)


def resampled(samples: np.ndarray, sample_rate: int, rate_hz: int, mono: bool = False) -> np.ndarray:
    """samples at rate_hz, as float32 (frames,) when mono, else (frames, channels).

    Read a chunk at a time: a memory-mapped 15-minute track is never copied whole.
    """
    samples = samples.reshape(len(samples), -1)
    channels = 1 if mono else samples.shape[1]
    stream = None if sample_rate == rate_hz else soxr.ResampleStream(
        sample_rate, rate_hz, channels, dtype="float32", quality="HQ")
    chunk = int(RESAMPLE_CHUNK_S * sample_rate)
    parts = []
    for start in range(0, len(samples), chunk):
        piece = np.asarray(samples[start:start + chunk], dtype=np.float32)
        if mono:  # (a + b) / 2: numpy's mean over a 2-long axis is several times slower
            piece = piece.sum(axis=1) / piece.shape[1] if piece.shape[1] != 2 else (piece[:, 0] + piece[:, 1]) * 0.5
        parts.append(piece if stream is None else stream.resample_chunk(piece, last=start + chunk >= len(samples)))
    if not parts:
        return np.zeros((0,) if mono else (0, channels), np.float32)
    return np.ascontiguousarray(np.concatenate(parts), dtype=np.float32)


def onsets_of(mono: np.ndarray, rate_hz: int = ANALYSIS_RATE_HZ) -> Onsets:
    """Onset strength and band levels of mono sound at rate_hz."""
    padded = np.concatenate([np.zeros(FRAME_SIZE // 2, np.float32), mono.astype(np.float32),
                             np.zeros(FRAME_SIZE, np.float32)])
    frames = sliding_window_view(padded, FRAME_SIZE)[::HOP]
    window = np.hanning(FRAME_SIZE).astype(np.float32)
    # A full-scale sine reads 1.0 in its bin: a Hann window's sum is FRAME_SIZE / 2, and half of that
    # is in the positive frequencies.
    to_amplitude = np.float32(4.0 / FRAME_SIZE)
    bins_hz = np.fft.rfftfreq(FRAME_SIZE, 1.0 / rate_hz)
    band_of_bin = np.digitize(bins_hz, [LOW_BAND_HZ, HIGH_BAND_HZ])
    in_band = (band_of_bin[:, None] == np.arange(3)[None, :]).astype(np.float32)  # (bins, 3): sums per band
    flux = np.zeros((len(frames), 3), np.float32)
    band_level = np.zeros((len(frames), 3), np.float32)
    broadband = np.zeros(len(frames), np.float32)
    previous = None
    for start in range(0, len(frames), FFT_BLOCK_FRAMES):
        block = slice(start, start + FFT_BLOCK_FRAMES)
        magnitude = np.abs(np.fft.rfft(frames[block] * window, axis=1)) * to_amplitude
        compressed = np.log1p(LOG_COMPRESSION * magnitude)
        # Before the first frame there is silence: sound from the very first sample is an onset.
        before = np.concatenate([np.zeros_like(compressed[:1]) if previous is None else previous, compressed[:-1]])
        # Compare with the loudest neighbouring bin of the frame before (SuperFlux): a note that bends
        # a little is not a new onset.
        widest = before.copy()
        np.maximum(widest[:, 1:], before[:, :-1], out=widest[:, 1:])
        np.maximum(widest[:, :-1], before[:, 1:], out=widest[:, :-1])
        rise = np.maximum(compressed - widest, 0.0)
        broadband[block] = (rise > BROADBAND_RISE).mean(axis=1)
        flux[block] = rise @ in_band
        band_level[block] = np.sqrt((magnitude * magnitude) @ in_band * SINE_POWER_TO_PEAK)
        previous = compressed[-1:]
    return Onsets(frame_rate_hz=rate_hz / HOP, flux=flux, band_level=np.minimum(band_level, 1.0),
                  broadband=broadband, frame_offset_s=0.0)
