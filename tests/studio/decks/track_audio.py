"""Tracks made on the spot for the deck tests: drum loops at a known tempo, tones, chords and noise,
written as WAV, FLAC, OGG (soundfile) or MP3, M4A, Opus (ffmpeg)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import soundfile

SAMPLE_RATE = 44100


def tone(frequency_hz: float, seconds: float, sample_rate: int = SAMPLE_RATE, peak: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    return (peak * np.sin(2 * np.pi * frequency_hz * t)).astype(np.float32)


def stereo(mono: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.stack([mono, mono], axis=1), dtype=np.float32)


def drum_loop(bpm: float, seconds: float, sample_rate: int = SAMPLE_RATE, first_downbeat_s: float = 0.0,
              seed: int = 1) -> np.ndarray:
    """(frames, 2): kick on 1 and 3, snare on 2 and 4, hats on the eighths, a bass note on each
    downbeat (A, F, C, G), nothing before first_downbeat_s. Hits land on their exact sample."""
    rng = np.random.default_rng(seed)
    frames = int(seconds * sample_rate)
    out = np.zeros(frames, np.float64)
    t = np.arange(int(0.3 * sample_rate)) / sample_rate
    kick = np.sin(2 * np.pi * (50 * t + 60 * (1 - np.exp(-t / 0.03)) * 0.03)) * np.exp(-t / 0.12)
    noise = rng.standard_normal(len(t))
    snare = 0.5 * noise * np.exp(-t / 0.06) + 0.4 * np.sin(2 * np.pi * 190 * t) * np.exp(-t / 0.05)
    hat = 0.25 * np.diff(noise, prepend=0.0) * np.exp(-t / 0.015)
    beat_s = 60.0 / bpm
    roots_hz = (110.0, 87.31, 130.81, 98.0)
    beat = 0
    while (start_s := first_downbeat_s + beat * beat_s) < seconds:
        hits = [(kick, 1.0)] if beat % 2 == 0 else [(snare, 0.8)]
        hits.append((hat, 0.6))
        for sound, gain in hits:
            _add(out, sound * gain, start_s, sample_rate)
        _add(out, hat * 0.4, start_s + beat_s / 2, sample_rate)
        if beat % 4 == 0:
            bar_t = np.arange(int(4 * beat_s * sample_rate)) / sample_rate
            root = roots_hz[(beat // 4) % 4]
            note = sum(np.sin(2 * np.pi * root * k * bar_t) / k for k in (1, 2, 3)) * np.exp(-bar_t / 1.5)
            _add(out, 0.25 * note, start_s, sample_rate)
        beat += 1
    out *= 0.8 / max(np.max(np.abs(out)), 1e-9)
    return stereo(out.astype(np.float32))


def chords(progression: list[tuple[float, ...]], chord_s: float, sample_rate: int = SAMPLE_RATE,
           repeats: int = 4) -> np.ndarray:
    """(frames, 2): each chord (its notes in Hz, with a bass note an octave under the first) held
    for chord_s with soft edges, the progression played `repeats` times."""
    t = np.arange(int(chord_s * sample_rate)) / sample_rate
    envelope = np.minimum(1.0, t / 0.05) * np.minimum(1.0, (chord_s - t) / 0.05)
    pieces = []
    for notes in progression * repeats:
        sound = sum(np.sin(2 * np.pi * f * t) + 0.3 * np.sin(4 * np.pi * f * t) for f in notes)
        sound += 0.8 * np.sin(2 * np.pi * notes[0] / 2 * t)
        pieces.append(sound * envelope)
    mono = np.concatenate(pieces)
    return stereo((0.5 * mono / np.max(np.abs(mono))).astype(np.float32))


def write_track(path: Path, samples: np.ndarray, sample_rate: int = SAMPLE_RATE, tags: dict | None = None) -> Path:
    """Write samples in the format the suffix names: soundfile for WAV, FLAC and OGG, ffmpeg for the rest."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".wav", ".flac") and not tags:
        soundfile.write(path, samples, sample_rate)
    elif suffix == ".ogg" and not tags:
        soundfile.write(path, samples, sample_rate, format="OGG", subtype="VORBIS")
    else:
        source = path.with_name(path.name + ".source.wav")
        soundfile.write(source, samples, sample_rate)
        metadata = [arg for key, value in (tags or {}).items() for arg in ("-metadata", f"{key}={value}")]
        codec = {".mp3": ["-b:a", "160k"], ".m4a": ["-c:a", "aac", "-b:a", "160k"], ".aac": ["-c:a", "aac"],
                 ".opus": ["-c:a", "libopus"], ".ogg": ["-c:a", "libvorbis"]}.get(suffix, [])
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(source), *codec, *metadata,
                        "file:" + str(path)], check=True, timeout=120)
        source.unlink()
    return path


def dominant_frequency_hz(samples: np.ndarray, sample_rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum) * sample_rate / len(samples))


def _add(out: np.ndarray, sound: np.ndarray, start_s: float, sample_rate: int) -> None:
    start = round(start_s * sample_rate)
    if 0 <= start < len(out):
        piece = sound[: len(out) - start]
        out[start:start + len(piece)] += piece
