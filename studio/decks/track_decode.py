"""Reading a track for a deck: what it is (probe_track) and its sound as raw stereo floats (decode_track).

ffmpeg does the decoding, in a subprocess, because it reads every format people bring (MP3 and M4A
included, which libsndfile cannot always) and streams straight to disk, so a long track never has to
sit in this process's memory twice. Never call this in the audio process: it waits on a subprocess.

The decoded file is little-endian float32, interleaved stereo, at the engine's sample rate, with no
header: the engine and the analysis read it with numpy (np.memmap / np.fromfile) at no cost.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from studio.decks.track_errors import TrackError, shown_name

SUPPORTED_SUFFIXES = (".wav", ".flac", ".ogg", ".oga", ".mp3", ".m4a", ".aac", ".aif", ".aiff", ".opus")
MAX_DECK_SECONDS = 15 * 60  # a deck holds at most this much (memory: the engine keeps 64-bit samples)
MIN_TRACK_SECONDS = 1.0  # less than this cannot be mixed (nor its tempo found)
BYTES_PER_FRAME = 8  # two float32 samples
PROBE_TIMEOUT_S = 20.0
DECODE_TIMEOUT_S = 300.0  # 15 minutes of MP3 decode in a few seconds; this is for a wedged ffmpeg
POLL_INTERVAL_S = 0.05

Progress = Callable[[float], None]  # called with 0..1 while decoding; may raise to stop the decode


@dataclass(frozen=True)
class TrackInfo:
    path: str
    title: str  # from the file's tags, else the file name without its suffix
    artist: str  # "" when the file does not say
    duration_s: float  # the whole track, also when only MAX_DECK_SECONDS of it are loaded (0: not known)
    truncated: bool  # longer than MAX_DECK_SECONDS: only the first MAX_DECK_SECONDS are loaded

    @property
    def notice(self) -> str:
        """One sentence to show with a track that was cut short, else ""."""
        if not self.truncated:
            return ""
        length = f" (it is {self.duration_s / 60:.0f} minutes long)" if self.duration_s > 0 else ""
        return f"Only the first {MAX_DECK_SECONDS // 60} minutes of {shown_name(self.path)} are loaded{length}."


@dataclass(frozen=True)
class DecodedTrack:
    path: Path  # the raw float32 stereo file
    frames: int
    sample_rate: int
    info: TrackInfo


def is_track_file(path: Path) -> bool:
    """For file pickers: a file with a track's suffix (not a macOS "._" resource fork)."""
    path = Path(path)
    return path.suffix.lower() in SUPPORTED_SUFFIXES and not path.name.startswith(".") and path.is_file()


def probe_track(path: str | os.PathLike) -> TrackInfo:
    """The track's title, artist and length, read from its headers (fast: ffprobe reads no sound).

    Raises TrackError with a plain sentence when the file is missing, empty or not audio.
    """
    return _probe(Path(path))[0]


def _probe(path: Path) -> tuple[TrackInfo, int]:
    """(info, the first audio stream's channel count)."""
    check_readable(path)
    ffprobe = _tool("ffprobe", path)
    command = [ffprobe, "-v", "error", "-print_format", "json",
               "-show_entries", "format=duration:format_tags:stream=codec_type,channels,duration:stream_tags",
               _ffmpeg_path(path)]
    try:
        result = subprocess.run(command, capture_output=True, timeout=PROBE_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise TrackError(f"{shown_name(path)} took too long to read.") from None
    try:
        probed = json.loads(result.stdout or b"{}")
    except ValueError:
        probed = {}
    audio = [s for s in probed.get("streams", []) if s.get("codec_type") == "audio"]
    if result.returncode != 0 or not audio:
        raise TrackError(f"{shown_name(path)} is not an audio file we can read.")
    duration_s = _seconds(probed.get("format", {}).get("duration")) or _seconds(audio[0].get("duration"))
    tags = _tags(probed.get("format", {}), audio[0])
    info = TrackInfo(path=str(path), title=tags.get("title") or path.stem, artist=tags.get("artist", ""),
                     duration_s=duration_s, truncated=duration_s > MAX_DECK_SECONDS)
    try:
        channels = int(audio[0].get("channels", 2))
    except (TypeError, ValueError):
        channels = 2  # unknown: "-ac 2" is right for anything but mono
    return info, channels


def decode_track(path: str | os.PathLike, out_path: str | os.PathLike, sample_rate: int,
                 progress: Progress | None = None) -> DecodedTrack:
    """Decode at most MAX_DECK_SECONDS of the track to out_path as raw float32 stereo at sample_rate.

    Written to a temporary file beside out_path and renamed, so out_path is whole or absent. Mono is
    put on both sides at full level; more than two channels are mixed down to two. Raises TrackError.
    """
    path, out_path = Path(path), Path(out_path)
    info, channels = _probe(path)
    tmp = out_path.with_name(f".{out_path.name}.{os.getpid()}.tmp")
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        _run_ffmpeg(path, tmp, sample_rate, channels, info, progress)
        frames = tmp.stat().st_size // BYTES_PER_FRAME
        if frames == 0:
            raise TrackError(f"{shown_name(path)} is empty (no sound in it).")
        if frames < MIN_TRACK_SECONDS * sample_rate:
            raise TrackError(f"{shown_name(path)} is too short for a deck (less than a second of sound).")
        os.truncate(tmp, frames * BYTES_PER_FRAME)  # a cut-off last frame would shift every later one
        os.replace(tmp, out_path)
    except OSError as error:
        raise _disk_problem(path, error) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    # Headers guess (an MP3 without an index) or lie (a file cut short): what was decoded decides,
    # and only a decode that stopped at the limit was cut short.
    cut_short = frames >= (MAX_DECK_SECONDS - 0.05) * sample_rate and (
        info.duration_s > MAX_DECK_SECONDS + 0.5 or info.duration_s == 0.0)
    info = replace(info, truncated=cut_short, duration_s=info.duration_s if cut_short else frames / sample_rate)
    return DecodedTrack(path=out_path, frames=frames, sample_rate=sample_rate, info=info)


def _run_ffmpeg(path: Path, tmp: Path, sample_rate: int, channels: int, info: TrackInfo,
                progress: Progress | None) -> None:
    ffmpeg = _tool("ffmpeg", path)
    # ffmpeg's own mono-to-stereo lowers the level by 3 dB; a mono track should play as loud as it is.
    layout = ["-af", "pan=stereo|c0=c0|c1=c0"] if channels == 1 else ["-ac", "2"]
    command = [ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-i", _ffmpeg_path(path),
               "-map", "0:a:0", "-vn", "-sn", "-dn", "-t", str(MAX_DECK_SECONDS), *layout,
               "-ar", str(sample_rate), "-f", "f32le", "-acodec", "pcm_f32le", "-y", _ffmpeg_path(tmp)]
    expected_bytes = max(1.0, min(info.duration_s or MAX_DECK_SECONDS, MAX_DECK_SECONDS)
                         * sample_rate * BYTES_PER_FRAME)
    # Damaged files make ffmpeg write many lines; a file (not a pipe) can never fill up and stall it.
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors)
        deadline = time.monotonic() + DECODE_TIMEOUT_S
        try:
            while process.poll() is None:
                if time.monotonic() > deadline:
                    raise TrackError(f"{shown_name(path)} took too long to read.")
                if progress is not None:
                    with contextlib.suppress(OSError):
                        progress(min(0.99, tmp.stat().st_size / expected_bytes))
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(POLL_INTERVAL_S)
        finally:
            if process.poll() is None:  # stopped (timeout, or progress raised to cancel): leave no ffmpeg behind
                process.kill()
                process.wait()
        errors.seek(0)
        said = errors.read().decode("utf-8", "replace")
    if process.returncode != 0 and (not tmp.exists() or tmp.stat().st_size == 0):
        if "No space left" in said:
            raise OSError(28, "No space left on device")
        raise TrackError(f"{shown_name(path)} is not an audio file we can read.")
    # A non-zero exit after some sound (a damaged end) keeps what could be read, as players do.


def check_readable(path: Path) -> None:
    """Raise TrackError with a plain sentence unless path is a file with something in it we may read."""
    try:
        if path.is_dir():
            raise TrackError(f"{shown_name(path)} is a folder, not a track.")
        size_bytes = path.stat().st_size
        with open(path, "rb"):
            pass
    except FileNotFoundError:
        raise TrackError(f"{shown_name(path)} could not be found.") from None
    except PermissionError:
        raise TrackError(f"{shown_name(path)} could not be opened: the studio is not allowed to read it.") from None
    except OSError as error:
        raise TrackError(f"{shown_name(path)} could not be opened ({error.strerror or error}).") from None
    if size_bytes == 0:
        raise TrackError(f"{shown_name(path)} is empty (no sound in it).")


def _disk_problem(path: Path, error: OSError) -> TrackError:
    if error.errno == 28:  # ENOSPC
        return TrackError(f"There is no room left on this tablet to load {shown_name(path)}.")
    return TrackError(f"{shown_name(path)} could not be loaded: its working copy could not be written "
                      f"({error.strerror or error}).")


def _ffmpeg_path(path: Path) -> str:
    # "file:" and an absolute path: names with a leading dash, a colon or odd characters stay a file name.
    return "file:" + str(Path(os.path.abspath(path)))


def _tool(name: str, path: Path) -> str:
    found = shutil.which(name)
    if found is None:
        raise TrackError(f"{shown_name(path)} cannot be loaded: the studio needs {name}, which is not installed.")
    return found


def _seconds(value) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return 0.0
    return seconds if seconds > 0 and seconds == seconds and seconds != float("inf") else 0.0


def _tags(format_section: dict, stream: dict) -> dict[str, str]:
    """Title and artist, whichever case and section the format keeps them in (ID3, Vorbis, MP4)."""
    tags: dict[str, str] = {}
    for section in (stream.get("tags", {}), format_section.get("tags", {})):  # the format's win
        for key, value in section.items():
            if key.lower() in ("title", "artist") and str(value).strip():
                tags[key.lower()] = str(value).strip()
    return tags
