"""Reading one-shot sounds from files: any of WAV, FLAC, OGG, MP3 (and AIFF), as float32 at the
engine's sample rate, refusing what a drum pad cannot use (silent, too long, too big, unreadable).

soundfile (libsndfile) reads most files; ffmpeg decodes whatever it cannot (older libsndfile has no
MP3, and some WAVs use codecs libsndfile lacks). soxr resamples. Never call this on the audio thread.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import soundfile
import soxr

from studio.kits.errors import KitError
from studio.kits.kit import ENGINE_SAMPLE_RATE

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".oga", ".mp3", ".aif", ".aiff")
MAX_DURATION_S = 10.0
MAX_FILE_BYTES = 50_000_000
SILENT_BELOW_DBFS = -60.0
TRIM_BELOW_DBFS = -80.0  # leading and trailing samples quieter than this are cut, so pads respond at once
FFMPEG_TIMEOUT_S = 30


def is_audio_file(path: Path) -> bool:
    # "._kick.wav" files are macOS resource forks copied from USB sticks, not sounds.
    return path.is_file() and path.suffix.lower() in AUDIO_SUFFIXES and not path.name.startswith(".")


def read_one_shot(path: Path, sample_rate: int = ENGINE_SAMPLE_RATE, shown_name: str | None = None) -> np.ndarray:
    """The file's sound as float32, (frames,) for mono or (frames, 2) for stereo, at sample_rate.

    shown_name is how the file is named in messages (default: its file name).
    Raises KitError with a plain sentence when the file cannot be a drum pad's sound.
    """
    path = Path(path)
    shown = f'"{shown_name or path.name}"'
    try:
        size_bytes = path.stat().st_size
    except OSError:
        raise KitError(f"{shown} could not be found.") from None
    if size_bytes > MAX_FILE_BYTES:
        raise KitError(
            f"{shown} is too big for a drum pad ({size_bytes / 1e6:.0f} MB; {MAX_FILE_BYTES / 1e6:.0f} MB at most)."
        )
    try:
        samples, file_rate = _read_with_soundfile(path, shown)
    except (soundfile.SoundFileError, RuntimeError):  # not a format libsndfile knows: try ffmpeg
        samples, file_rate = _read_with_ffmpeg(path, shown, sample_rate)
    if samples.size == 0:
        raise KitError(f"{shown} holds no sound.")
    if not np.all(np.isfinite(samples)):
        raise KitError(f"{shown} could not be read: it holds damaged samples.")
    _check_duration(samples, file_rate, shown)
    if file_rate != sample_rate:
        samples = soxr.resample(samples, file_rate, sample_rate, quality="HQ")
    return _tidy(np.asarray(samples, dtype=np.float32), shown)


def _read_with_soundfile(path: Path, shown: str) -> tuple[np.ndarray, int]:
    info = soundfile.info(str(path))
    if info.samplerate > 0 and info.frames / info.samplerate > MAX_DURATION_S:
        _refuse_too_long(shown)
    samples, file_rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    return samples, file_rate


def _read_with_ffmpeg(path: Path, shown: str, sample_rate: int) -> tuple[np.ndarray, int]:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise KitError(f"{shown} could not be read: it is not a sound file this studio can open.")
    # Decode a little past the limit, so "too long" can be told apart from "exactly the limit".
    command = [
        ffmpeg, "-nostdin", "-v", "error", "-i", str(path), "-vn", "-t", f"{MAX_DURATION_S + 0.5}",
        "-f", "f32le", "-acodec", "pcm_f32le", "-ac", "2", "-ar", str(sample_rate), "pipe:1",
    ]
    try:
        result = subprocess.run(command, capture_output=True, timeout=FFMPEG_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise KitError(f"{shown} could not be read: decoding it took too long.") from None
    if result.returncode != 0 or not result.stdout:
        raise KitError(f"{shown} could not be read: it is not a sound file this studio can open.")
    usable = len(result.stdout) // 8 * 8
    return np.frombuffer(result.stdout[:usable], dtype="<f4").reshape(-1, 2).copy(), sample_rate


def _check_duration(samples: np.ndarray, file_rate: int, shown: str) -> None:
    if len(samples) / file_rate > MAX_DURATION_S:
        _refuse_too_long(shown)


def _refuse_too_long(shown: str) -> None:
    raise KitError(f"{shown} is too long for a drum pad (more than {MAX_DURATION_S:g} seconds).")


def _tidy(samples: np.ndarray, shown: str) -> np.ndarray:
    """Mono when the channels are the same, at most two channels, no silent ends, never over full scale."""
    if samples.shape[1] > 2:
        samples = samples[:, :2]
    if samples.shape[1] == 2 and np.array_equal(samples[:, 0], samples[:, 1]):
        samples = samples[:, :1]
    peak = float(np.max(np.abs(samples)))
    if peak == 0 or 20 * np.log10(peak) < SILENT_BELOW_DBFS:
        raise KitError(f"{shown} is silent.")
    loud = np.flatnonzero(np.max(np.abs(samples), axis=1) >= 10 ** (TRIM_BELOW_DBFS / 20))
    samples = samples[loud[0] : loud[-1] + 1]
    if peak > 1.0:  # float files can go over full scale; bring them back rather than clip
        samples = samples / peak
    samples = np.ascontiguousarray(samples, dtype=np.float32)
    return samples[:, 0].copy() if samples.shape[1] == 1 else samples
