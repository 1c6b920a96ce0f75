"""Small songs made from synthesised sound, for the export tests: a beat, a take and a sound file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile

from studio.beats.model import Beat
from studio.export.song import Clip, Lane, Song
from studio.mic.takes import TakeStore

SR = 48000
BPM = 120.0  # a bar is 2 s
TAKE_RATE = 44100  # takes at another rate than the song: resampled
TAKE_ALIGN_FRAMES = 4410  # 0.1 s of latency and count-in before the backing's time 0
TONE_HZ = 220.0


def make_kit(folder: Path) -> Path:
    """A folder kit: pad 1 a kick (full level on its first sample), pad 2 a noise snare, pad 3 a hat."""
    folder.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(0.25 * SR)) / SR
    kick = np.sin(2 * np.pi * 60 * t + np.pi / 2) * np.exp(-t / 0.06)
    noise = np.random.default_rng(1).uniform(-1, 1, len(t))
    soundfile.write(folder / "01-kick.wav", (0.9 * kick).astype(np.float32), SR, subtype="FLOAT")
    soundfile.write(folder / "02-snare.wav", (0.5 * noise * np.exp(-t / 0.04)).astype(np.float32), SR, subtype="FLOAT")
    soundfile.write(folder / "03-hat.wav", (0.2 * noise * np.exp(-t / 0.01)).astype(np.float32), SR, subtype="FLOAT")
    return folder


def make_beat(kit: Path) -> Beat:
    beat = Beat(kit=str(kit), bpm=BPM)
    rows = beat.patterns["A"].rows
    rows[0].velocities = [1.0 if step % 4 == 0 else 0.0 for step in range(16)]
    rows[1].velocities = [0.8 if step % 8 == 4 else 0.0 for step in range(16)]
    rows[2].velocities = [0.6 if step % 2 == 0 else 0.0 for step in range(16)]
    beat.patterns["B"].rows[1].velocities = [1.0] * 16  # a snare roll
    return beat


def make_take(takes: TakeStore, seconds: float = 3.0, align_frames: int = TAKE_ALIGN_FRAMES,
              rate: int = TAKE_RATE) -> str:
    """A mono take: silence until align_frames, then a tone that starts at full level on its first frame."""
    frames = align_frames + int(seconds * rate)
    audio = np.zeros(frames, np.float32)
    t = np.arange(frames - align_frames) / rate
    audio[align_frames:] = 0.5 * np.cos(2 * np.pi * TONE_HZ * t)
    info, wav = takes.new_take(rate, 1, backing="beat", bpm=BPM, align_frames=align_frames)
    soundfile.write(wav, audio, rate, subtype="FLOAT")
    takes.finish(info, frames)
    return info.take_id


def make_sound_file(path: Path, seconds: float = 2.0, rate: int = SR) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    chord = 0.2 * (np.sin(2 * np.pi * 330 * t) + np.sin(2 * np.pi * 440 * t))
    soundfile.write(path, np.stack([chord, 0.5 * chord], axis=1).astype(np.float32), rate)
    return path


def small_song(tmp_path: Path, takes: TakeStore | None = None) -> Song:
    """Three bars at 120 bpm (6 s): pattern A over all three, a take from bar 2, a sound file on bar 3."""
    takes = takes or TakeStore()
    kit = make_kit(tmp_path / "kit")
    take_id = make_take(takes, seconds=1.5)
    sound = make_sound_file(tmp_path / "chord.wav", seconds=1.9)  # ends before the last bar does
    return Song("song-1", "Small song", artist="Test Artist", bpm=BPM, beat=make_beat(kit), lanes=[
        Lane("Beat", "beat", [Clip("pattern", "A", 0, 3)]),
        Lane("Vocals", "vocal", [Clip("take", take_id, 1)], volume_db=-2.0, pan=-0.3),
        Lane("Chords", "audio", [Clip("audio", str(sound), 2)], volume_db=-6.0, pan=0.5),
    ])


def decode(path: Path, sample_rate: int = SR) -> np.ndarray:
    """Any exported file back to float32 stereo: soundfile for WAV and FLAC, ffmpeg for the rest."""
    import subprocess

    if path.suffix in (".wav", ".flac"):
        audio, rate = soundfile.read(path, dtype="float32", always_2d=True)
        assert rate == sample_rate
        return audio
    decoded = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-f", "f32le", "-ac", "2",
                              "-ar", str(sample_rate), "-"], capture_output=True, check=True)
    return np.frombuffer(decoded.stdout, dtype="<f4").reshape(-1, 2)
