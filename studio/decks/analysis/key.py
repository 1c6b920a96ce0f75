"""The key: how much of each of the twelve pitch classes the track holds (a chroma, from an FFT), held
against the Krumhansl-Schmuckler key profiles. Also the chroma per beat, which tells the downbeat
(chords change on it).

Hand-written with numpy (see onsets.py for why); the profiles are Krumhansl and Kessler's (1982)
probe-tone ratings, the usual ones for this.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from studio.melody.scales import ROOT_NAMES

CHROMA_FRAME_SIZE = 4096  # 186 ms at 22050 Hz: 5.4 Hz between bins, enough to tell semitones above 90 Hz
CHROMA_HOP = 2048
LOWEST_HZ, HIGHEST_HZ = 60.0, 1000.0  # bass notes to the top of chords and tunes; above, harmonics blur it
MIN_KEY_CONFIDENCE = 0.4  # below this the key is "" (drums alone, noise, music that keeps changing key)
FFT_BLOCK_FRAMES = 256

MAJOR_PROFILE = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR_PROFILE = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


def chroma_frames(mono: np.ndarray, rate_hz: int) -> tuple[np.ndarray, float]:
    """(frames, 12) pitch-class energy, C first, and the frames' rate in frames a second."""
    if len(mono) < CHROMA_FRAME_SIZE:
        mono = np.concatenate([mono, np.zeros(CHROMA_FRAME_SIZE - len(mono), np.float32)])
    frames = sliding_window_view(mono.astype(np.float32), CHROMA_FRAME_SIZE)[::CHROMA_HOP]
    window = np.hanning(CHROMA_FRAME_SIZE).astype(np.float32)
    bins_hz = np.fft.rfftfreq(CHROMA_FRAME_SIZE, 1.0 / rate_hz)
    used = np.flatnonzero((bins_hz >= LOWEST_HZ) & (bins_hz <= HIGHEST_HZ))
    pitch_class = np.rint(12 * np.log2(bins_hz[used] / 440.0) + 69).astype(int) % 12
    to_chroma = np.zeros((len(used), 12), np.float32)
    to_chroma[np.arange(len(used)), pitch_class] = 1.0
    chroma = np.zeros((len(frames), 12), np.float32)
    scale = np.float32(4.0 / CHROMA_FRAME_SIZE)  # a full-scale sine reads 1.0
    for start in range(0, len(frames), FFT_BLOCK_FRAMES):
        spectrum = np.abs(np.fft.rfft(frames[start:start + FFT_BLOCK_FRAMES] * window, axis=1)) * scale
        # Only spectral peaks count: notes are peaks, while drums and noise spread over every bin.
        peaks = np.zeros_like(spectrum)
        is_peak = (spectrum[:, 1:-1] > spectrum[:, :-2]) & (spectrum[:, 1:-1] >= spectrum[:, 2:])
        peaks[:, 1:-1] = np.where(is_peak, spectrum[:, 1:-1], 0.0)
        chroma[start:start + len(spectrum)] = np.sqrt(peaks[:, used]) @ to_chroma
    return chroma, rate_hz / CHROMA_HOP


def chroma_at(chroma: np.ndarray, frame_rate_hz: float, start_s: np.ndarray, end_s: np.ndarray) -> np.ndarray:
    """The mean chroma between each start and end (for each beat), frames centred in between."""
    centres_s = (np.arange(len(chroma)) * CHROMA_HOP + CHROMA_FRAME_SIZE / 2) / (CHROMA_HOP * frame_rate_hz)
    cumulative = np.concatenate([np.zeros((1, 12)), np.cumsum(chroma, axis=0)])
    first = np.searchsorted(centres_s, start_s)
    last = np.maximum(np.searchsorted(centres_s, end_s), first + 1)
    last = np.minimum(last, len(chroma))
    first = np.minimum(first, last - 1)
    return (cumulative[last] - cumulative[first]) / (last - first)[:, None]


def estimate_key(chroma: np.ndarray) -> tuple[str, float]:
    """("A minor", confidence 0..1), or ("", confidence) when no key stands out."""
    if len(chroma) == 0:
        return "", 0.0
    total = chroma.sum(axis=0)
    if total.max() <= 0 or np.ptp(total) < 1e-6 * total.max():
        return "", 0.0
    scores = []  # (correlation, name)
    for root in range(12):
        for mode, profile in (("major", MAJOR_PROFILE), ("minor", MINOR_PROFILE)):
            correlation = np.corrcoef(total, np.roll(profile, root))[0, 1]
            scores.append((float(correlation), f"{ROOT_NAMES[root]} {mode}"))
    scores.sort(reverse=True)
    (best, name), (second, _) = scores[0], scores[1]
    # Confidence: how well the best key fits, and how far ahead of the next it is (a relative major
    # and minor share every note; their profiles differ in weight only).
    confidence = float(np.clip(best, 0.0, 1.0) * np.clip((best - second) / 0.1, 0.0, 1.0))
    return (name if confidence >= MIN_KEY_CONFIDENCE else ""), confidence
