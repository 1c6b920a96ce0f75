"""Writing a finished mix (or a stem) to a sound file: WAV, FLAC, MP3, OGG or M4A, with its tags.

    write_audio(audio, sample_rate, path, fmt, tags, cancel, overwrite, progress) -> path
    check_out_dir(folder, needed_bytes=0) -> folder     ExportError in plain words unless a file can be saved there
    free_name(path) -> "Name (2).mp3" when "Name.mp3" is taken
    safe_file_name(text) -> a file name that is valid on every disk (memory cards included)
    estimated_bytes(fmt, frames, channels) -> about how large the file will be
    StartedEncoder(path, fmt, sample_rate) -> ffmpeg started ahead, for write_audio(..., encoder=)

A file is encoded under a hidden temporary name beside the final one (".Name.partial.mp3"), tagged there,
fsynced, then renamed: the final name only ever holds a whole file. A cancel or an error removes the
temporary file (and stops ffmpeg), and an existing file is only replaced when the caller says so.

WAV and FLAC go through soundfile. MP3, OGG and M4A are fed to ffmpeg as raw float32 on its stdin, a chunk
at a time. pydub is not used for them: it holds samples as integers (the float mix would be converted),
writes the whole song to a temporary WAV file first, then waits on ffmpeg to the end with no way to cancel.
The direct pipe costs nothing beyond ffmpeg's own encoding (a 3-minute MP3 takes about as long as ffmpeg
encoding a WAV of the same length) and lets every chunk check for a cancel. A song of 20 s or more
to MP3 is encoded by two ffmpegs at once where there are two cores, each given half, and the halves
are joined into one file (mp3_halves): LAME uses one core, so this halves the longest part of an export.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, runtime_checkable

import mutagen
import numpy as np
import soundfile

from studio.atomic_file import fsync_folder
from studio.export.errors import ExportCancelled, ExportError, ExportFileExists
from studio.export.mp3_halves import Halves, NoJoin, join_halves, plan_halves
from studio.export.tags import Tags, check_cover, read_tags, write_tags

__all__ = ["FORMATS", "FORMAT_LABELS", "LOSSY_FORMATS", "StartedEncoder", "Tags", "check_out_dir", "estimated_bytes",
           "extension_of", "free_name", "partial_path", "partial_paths", "read_tags", "safe_file_name", "write_audio"]

FORMATS = ("wav-16", "wav-24", "flac", "mp3-192", "mp3-320", "ogg", "m4a")
FORMAT_LABELS = {
    "wav-16": "WAV (16-bit)", "wav-24": "WAV (24-bit)", "flac": "FLAC (lossless)",
    "mp3-192": "MP3 (192 kbps)", "mp3-320": "MP3 (320 kbps)", "ogg": "OGG Vorbis", "m4a": "M4A (AAC)",
}
LOSSY_FORMATS = ("mp3-192", "mp3-320", "ogg", "m4a")
_EXTENSIONS = {"wav-16": ".wav", "wav-24": ".wav", "flac": ".flac", "mp3-192": ".mp3", "mp3-320": ".mp3",
               "ogg": ".ogg", "m4a": ".m4a"}
_SOUNDFILE = {"wav-16": ("WAV", "PCM_16"), "wav-24": ("WAV", "PCM_24"), "flac": ("FLAC", "PCM_24")}
_FFMPEG_OUTPUT = {
    "mp3-192": ["-c:a", "libmp3lame", "-b:a", "192k", "-f", "mp3"],
    "mp3-320": ["-c:a", "libmp3lame", "-b:a", "320k", "-f", "mp3"],
    "ogg": ["-c:a", "libvorbis", "-q:a", "6", "-f", "ogg"],  # quality 6: about 190 kbps for stereo
    "m4a": ["-c:a", "aac", "-b:a", "256k", "-f", "ipod", "-movflags", "+faststart"],
}
_MP3_KBPS = {"mp3-192": 192, "mp3-320": 320}
_BARE_MP3 = ["-write_xing", "0", "-id3v2_version", "0"]
_BYTES_PER_SECOND = {"mp3-192": 24_000, "mp3-320": 40_000, "ogg": 32_000, "m4a": 33_000}  # a little over
CHUNK_FRAMES = 16384  # about a third of a second: how often a cancel is seen
PIPE_BYTES = 1 << 20
MIN_FREE_BYTES = 1024 * 1024  # never fill a disk to its last byte: the tablet needs room too
FINISH_TIMEOUT_S = 120.0  # ffmpeg's flush and M4A's "faststart" rewrite after the last chunk; for a wedged ffmpeg
_DISK_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
_NUMBERED = re.compile(r"^(.*) \((\d+)\)$")
MAX_NAME_BYTES = 180  # most disks allow 255 bytes; room is left for " (2)", ".partial" and the extension

Cancel = Callable[[], bool]
Progress = Callable[[float], None]


def extension_of(fmt: str) -> str:
    """".mp3" for "mp3-320" and so on."""
    _check_format(fmt)
    return _EXTENSIONS[fmt]


def estimated_bytes(fmt: str, frames: int, channels: int = 2, sample_rate: int = 48000) -> int:
    """About how large a file of fmt will be (a little more, never less, for the space check)."""
    _check_format(fmt)
    seconds = frames / sample_rate
    if fmt in _BYTES_PER_SECOND:
        return int(seconds * _BYTES_PER_SECOND[fmt]) + 64 * 1024
    bytes_per_sample = 2 if fmt == "wav-16" else 3  # FLAC: at worst as large as 24-bit WAV
    return frames * channels * bytes_per_sample + 64 * 1024


def safe_file_name(text: str, fallback: str = "Untitled") -> str:
    """text made into a file name any disk takes: no slashes, control characters or Windows-reserved ones."""
    name = re.sub(r"[\x00-\x1f\x7f]", " ", text)
    name = name.replace(":", " -").replace("/", "-").replace("\\", "-").replace('"', "'")
    name = re.sub(r'[*?<>|]', "", name)
    name = re.sub(r"\s+", " ", name).strip(" .")  # Windows drops trailing dots; a leading one hides the file
    while len(name.encode("utf-8")) > MAX_NAME_BYTES:
        name = name[:-1].rstrip(" .")
    if _WINDOWS_RESERVED.match(name):
        name = f"{name}_"
    return name or fallback


def free_name(path: str | os.PathLike, is_folder: bool = False) -> Path:
    """path when nothing has that name, else "Name (2).mp3", "Name (3).mp3"... (folders: "Set (2)")."""
    path = Path(path)
    if not os.path.lexists(path):
        return path
    stem, suffix = (path.name, "") if is_folder else (path.stem, path.suffix)
    numbered = _NUMBERED.match(stem)
    base, number = (numbered.group(1), int(numbered.group(2))) if numbered else (stem, 1)
    while True:
        number += 1
        candidate = path.with_name(f"{base} ({number}){suffix}")
        if not os.path.lexists(candidate):
            return candidate


def check_out_dir(path: str | os.PathLike, needed_bytes: int = 0) -> Path:
    """path, when it is a folder that can be written to with needed_bytes free; ExportError otherwise."""
    folder = Path(path)
    if not folder.exists():
        raise ExportError(_folder_message(errno.ENOENT, folder))
    if not folder.is_dir():
        raise ExportError(_folder_message(errno.ENOTDIR, folder))
    try:
        descriptor, probe = tempfile.mkstemp(prefix=".ward-studio-check-", dir=folder)
        os.close(descriptor)
        os.unlink(probe)
    except OSError as error:
        raise ExportError(_folder_message(error.errno, folder)) from None
    free_bytes = shutil.disk_usage(folder).free
    if free_bytes < needed_bytes + MIN_FREE_BYTES:
        raise ExportError(f"The disk is full: the export needs about {_megabytes(needed_bytes + MIN_FREE_BYTES)} "
                          f"and {_megabytes(free_bytes)} are free in {folder}. Delete something to make room, "
                          "or choose another folder.")
    return folder


@runtime_checkable
class ChunkedAudio(Protocol):
    """Audio made as it is read, a piece at a time (the export's mastered mix: the mix with its
    gain applied as it goes, never held whole)."""
    shape: tuple[int, int]  # (frames, channels)

    def chunk(self, first: int, last: int) -> np.ndarray:
        """Frames first..last: float32 (last - first, channels)."""


class _WholeAudio:
    """An array in memory, read as ChunkedAudio; mono (frames,) is one channel."""

    def __init__(self, audio: np.ndarray):
        self.audio = np.asarray(audio, dtype=np.float32)
        if self.audio.ndim == 1:
            self.audio = self.audio[:, np.newaxis]
        self.shape = self.audio.shape

    def chunk(self, first: int, last: int) -> np.ndarray:
        return self.audio[first:last]


def write_audio(audio: np.ndarray | ChunkedAudio, sample_rate: int, path: str | os.PathLike, fmt: str,
                tags: Tags | None = None, cancel: Cancel | None = None, overwrite: bool = False,
                progress: Progress | None = None, ready: Callable[[], None] | None = None,
                encoder: StartedEncoder | None = None) -> Path:
    """Write audio (float32, (frames, channels) or (frames,) for mono, or ChunkedAudio) to path as fmt, with tags.

    ready(), when given, is called once the file is whole, before it takes its final name: an
    exception from it leaves nothing behind and is raised from here (the export checks the
    mastered mix's true peak while the encoder works, and stops the file if it is over).
    encoder: an ffmpeg started ahead for this path (StartedEncoder), used when it fits.

    Samples are clipped to -1..1. ExportFileExists when path is taken and overwrite is False; ExportCancelled
    when cancel() says so; ExportError in plain words for a missing, read-only or full folder, a bad cover
    or a missing ffmpeg. Nothing is left under path, nor under the temporary name, after any of them.
    """
    path = Path(path)
    tags = tags or Tags()
    _check_format(fmt)
    if path.suffix.lower() != _EXTENSIONS[fmt]:
        raise ValueError(f"path must end in {_EXTENSIONS[fmt]} for {fmt}, got {path.name!r}")
    samples = audio if isinstance(audio, ChunkedAudio) else _WholeAudio(audio)
    if len(samples.shape) != 2 or not 1 <= samples.shape[1] <= 8 or samples.shape[0] == 0:
        raise ValueError(f"audio must be (frames, channels) with 1..8 channels and some frames, got {samples.shape}")
    cover_bytes = len(check_cover(tags.cover_path)[0]) if tags.cover_path else 0  # before any encoding
    needed_bytes = estimated_bytes(fmt, samples.shape[0], samples.shape[1], sample_rate) + cover_bytes
    if _halves_for(fmt, samples.shape[0], sample_rate) is not None:
        needed_bytes += needed_bytes // 2  # two halves and then the whole lie side by side for a moment
    check_out_dir(path.parent, needed_bytes)
    if not overwrite and os.path.lexists(path):
        raise _exists_error(path)
    tmp = partial_path(path)
    try:
        if fmt in _SOUNDFILE:
            _write_with_soundfile(samples, sample_rate, tmp, fmt, cancel, progress)
        else:
            started = encoder.take(path, fmt, sample_rate, samples.shape[1]) if encoder is not None else None
            _write_with_ffmpeg(samples, sample_rate, tmp, fmt, cancel, progress, path.name, started)
        write_tags(tmp, fmt, tags)
        _fsync(tmp)
        if ready is not None:
            ready()
        if not overwrite and os.path.lexists(path):  # appeared while encoding
            raise _exists_error(path)
        os.replace(tmp, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(error, (OSError, soundfile.SoundFileError, mutagen.MutagenError)):
            cause = _os_error_in(error)
            words = disk_error_message(cause, path) if cause else f"{path.name} could not be saved ({error})."
            raise ExportError(words) from error
        raise
    fsync_folder(path.parent)
    if progress is not None:
        progress(1.0)
    return path


def _write_with_soundfile(samples: ChunkedAudio, sample_rate: int, tmp: Path, fmt: str,
                          cancel: Cancel | None, progress: Progress | None) -> None:
    container, subtype = _SOUNDFILE[fmt]
    # libsndfile reports a failed write as "System error." with no errno: writing through a Python file
    # keeps the real OSError (a full disk, a file too large for the disk) to say what happened.
    with open(tmp, "wb", buffering=0) as raw:
        file = _ErrorKeepingFile(raw)
        try:
            with soundfile.SoundFile(file, "w", sample_rate, samples.shape[1], subtype, format=container) as sound:
                frames = samples.shape[0]
                for first in range(0, frames, CHUNK_FRAMES):
                    _check_cancel(cancel)
                    # libsndfile wraps floats beyond full scale round to the other sign: clip first
                    sound.write(np.clip(samples.chunk(first, min(frames, first + CHUNK_FRAMES)), -1.0, 1.0))
                    if file.error is not None:
                        raise file.error
                    if progress is not None:
                        progress(min(first + CHUNK_FRAMES, frames) / frames * 0.99)
        except (soundfile.SoundFileError, AssertionError) as error:  # soundfile asserts on a short write
            if file.error is not None:
                raise file.error from error
            raise
        if file.error is not None:  # from the header written on close
            raise file.error


class _ErrorKeepingFile:
    """A file for soundfile's virtual IO that keeps the first OSError (soundfile's callbacks drop it)."""

    def __init__(self, raw):
        self.raw = raw  # unbuffered, so that a seek never flushes (and fails) behind libsndfile's back
        self.error: OSError | None = None

    def write(self, data) -> int:
        view, done = memoryview(data), 0
        try:
            while done < len(view):  # an unbuffered write may write part: the rest, or the disk's error
                done += self.raw.write(view[done:])
        except OSError as error:
            self.error = self.error or error
        return done

    def read(self, size: int = -1) -> bytes:
        return self.raw.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        try:
            return self.raw.seek(offset, whence)
        except OSError as error:
            self.error = self.error or error
            return -1

    def tell(self) -> int:
        return self.raw.tell()


def partial_path(path: str | os.PathLike) -> Path:
    """The hidden name a file is written under until it is whole."""
    path = Path(path)
    return path.with_name(f".{path.stem}.partial{path.suffix}")


def second_half_path(partial: str | os.PathLike) -> Path:
    """The hidden name of a long MP3's second half while both are encoded (mp3_halves)."""
    partial = Path(partial)
    return partial.with_name(f"{partial.stem}-2{partial.suffix}")


def partial_paths(path: str | os.PathLike) -> list[Path]:
    """Every hidden name the file at path may be written under until it is whole."""
    return [partial_path(path), second_half_path(partial_path(path))]


def _ffmpeg_path(fmt: str, shown: str) -> str:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise ExportError(f"{shown} cannot be saved as {FORMAT_LABELS[fmt]}: the studio needs ffmpeg, "
                          "which is not installed. WAV and FLAC still work.")
    return ffmpeg


def _start_ffmpeg(ffmpeg: str, sample_rate: int, channels: int, tmp: Path, fmt: str, bare: bool = False):
    """(ffmpeg waiting for raw float32 samples on its stdin, to encode into tmp; the file its
    messages go to: not a pipe, which nobody reading it could fill up and stall ffmpeg).
    bare: MP3 frames alone, with no tag and no Info frame (a second half, mp3_halves)."""
    # Where the system can (Linux's setpriv), ffmpeg is ended with the export if the export ever
    # dies (a crash, a kill): left alone, it would read the end of its input and write a file.
    die_with_parent = ["setpriv", "--pdeathsig", "KILL", "--"] if shutil.which("setpriv") else []
    command = [*die_with_parent, ffmpeg, "-nostdin", "-hide_banner", "-v", "error",
               "-f", "f32le", "-ar", str(sample_rate), "-ac", str(channels), "-i", "pipe:0",
               *_FFMPEG_OUTPUT[fmt], *(_BARE_MP3 if bare else []), "-y", "file:" + os.path.abspath(tmp)]
    said = tempfile.TemporaryFile()
    try:
        return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=said), said
    except BaseException:
        said.close()
        raise


class StartedEncoder:
    """An ffmpeg started ahead of its samples, for one file: its start-up (about 0.1 s: loading
    its libraries) then overlaps the mixdown instead of delaying the encode. Until samples come
    it only waits, and has written nothing. write_audio() takes it for that file, once; close()
    ends it if it was never taken (an error or a cancel before the file was written).

        with StartedEncoder(path, fmt, sample_rate, channels) as encoder:
            ...mix...
            write_audio(audio, sample_rate, path, fmt, encoder=encoder)
    """

    def __init__(self, path: str | os.PathLike, fmt: str, sample_rate: int, channels: int = 2):
        self._key = (Path(path), fmt, sample_rate, channels)
        self._started = None
        ffmpeg = shutil.which("ffmpeg")
        if fmt not in _SOUNDFILE and ffmpeg is not None:  # without ffmpeg, write_audio says so in words
            with contextlib.suppress(OSError):  # it is started again when the file is written, and fails there
                self._started = _start_ffmpeg(ffmpeg, sample_rate, channels, partial_path(Path(path)), fmt)

    def take(self, path: Path, fmt: str, sample_rate: int, channels: int):
        """(process, messages file) when started for exactly this file, once; None otherwise."""
        if self._key != (Path(path), fmt, sample_rate, channels):
            return None
        started, self._started = self._started, None
        return started

    def close(self) -> None:
        if self._started is not None:
            started, self._started = self._started, None
            _Encoding(started).end()  # it has had no samples: it has written nothing

    def __enter__(self) -> StartedEncoder:
        return self

    def __exit__(self, *_) -> None:
        self.close()


def _write_with_ffmpeg(samples: ChunkedAudio, sample_rate: int, tmp: Path, fmt: str, cancel: Cancel | None,
                       progress: Progress | None, shown: str, started=None) -> None:
    """Feed the samples to ffmpeg (started here, or started ahead: (process, messages file)).
    A long MP3 is encoded in two halves at once, on two cores (mp3_halves), where there are two."""
    halves = _halves_for(fmt, samples.shape[0], sample_rate)
    if halves is not None:
        try:
            _write_mp3_in_halves(samples, sample_rate, tmp, fmt, cancel, progress, shown, started, halves)
            return
        except NoJoin:  # not seen since the halves start on LAME's padding cycle: encoded whole instead
            started = None
    encoding = _Encoding(started or _start_ffmpeg(_ffmpeg_path(fmt, shown), sample_rate, samples.shape[1], tmp, fmt))
    try:
        encoding.feed(samples, 0, samples.shape[0], cancel, progress and (
            lambda fed: progress(fed / samples.shape[0] * 0.95)))
        encoding.finish(cancel, shown, fmt)
    finally:
        encoding.end()


def _halves_for(fmt: str, frames: int, sample_rate: int) -> Halves | None:
    """Where a file of frames is cut to be encoded in two halves at once, or None to encode it whole."""
    if fmt not in _MP3_KBPS or _cores() < 2:
        return None
    return plan_halves(frames, sample_rate, _MP3_KBPS[fmt])


def _write_mp3_in_halves(samples: ChunkedAudio, sample_rate: int, tmp: Path, fmt: str, cancel: Cancel | None,
                         progress: Progress | None, shown: str, started, halves: Halves) -> None:
    """Two encoders at once, each fed its half on a thread of its own; the halves are then
    joined into tmp (NoJoin if they cannot be: tmp is left to be written again). When either
    half fails, the other stops being fed at once, and the failure is what is said."""
    frames, second_tmp = samples.shape[0], second_half_path(tmp)
    ffmpeg = _ffmpeg_path(fmt, shown)
    first = _Encoding(started or _start_ffmpeg(ffmpeg, sample_rate, samples.shape[1], tmp, fmt))
    second: _Encoding | None = None
    stopped = threading.Event()  # one half has failed (or the export is over): the other stops too
    fed = [0, 0]
    work = halves.first_end + frames - halves.second_start

    def show_progress(first_count: int | None = None) -> None:
        fed[0] = fed[0] if first_count is None else first_count
        if progress is not None:  # from this thread only: the progress callback need not be thread-safe
            progress((fed[0] + fed[1]) / work * 0.95)

    errors: list[BaseException] = []

    def feed_second() -> None:
        try:
            if not second.feed(samples, halves.second_start, frames, cancel, lambda count: fed.__setitem__(1, count),
                               stopped.is_set):
                stopped.set()  # its ffmpeg failed (it may not have quite exited yet: failed can still be False)
        except BaseException as error:  # raised on the export's thread below
            errors.append(error)
            stopped.set()

    thread = None
    try:
        second = _Encoding(_start_ffmpeg(ffmpeg, sample_rate, samples.shape[1], second_tmp, fmt, bare=True))
        thread = threading.Thread(target=feed_second, name="export second half", daemon=True)
        thread.start()
        if not first.feed(samples, 0, halves.first_end, cancel, show_progress, stopped.is_set):
            stopped.set()
        while thread.is_alive():
            if first.failed:
                stopped.set()
            thread.join(0.05)
            _check_cancel(cancel)
            show_progress()
        if errors:
            raise errors[0]
        first.finish(cancel, shown, fmt)  # a half that failed says why here
        second.finish(cancel, shown, fmt)
        joined = join_halves(tmp.read_bytes(), second_tmp.read_bytes(), halves)
        with open(tmp, "wb") as file:
            file.write(joined)
    finally:
        stopped.set()
        first.end()
        if second is not None:
            second.end()
        if thread is not None:
            thread.join()
        with contextlib.suppress(OSError):
            second_tmp.unlink()


class _Encoding:
    """One ffmpeg at work on one file: fed samples, waited on, its messages read."""

    def __init__(self, started):
        self.process, self.said = started  # (ffmpeg, the file its messages go to)

    @property
    def failed(self) -> bool:
        """ffmpeg has ended with an error (its messages say which, through finish())."""
        return self.process.poll() not in (None, 0)

    def feed(self, samples: ChunkedAudio, first: int, last: int, cancel: Cancel | None,
             fed: Callable[[int], None] | None, stop: Callable[[], bool] | None = None) -> bool:
        """Samples first..last, a chunk at a time; then the end of its input. fed(frames so
        far). ExportCancelled when cancel() says so; stop() just ends the feeding early. False
        when ffmpeg stopped reading (it failed: finish() says why)."""
        reading = True
        _widen_pipe(self.process.stdin)
        for start in range(first, last, CHUNK_FRAMES):
            if stop is not None and stop():
                break
            _check_cancel(cancel)
            chunk = np.clip(samples.chunk(start, min(last, start + CHUNK_FRAMES)), -1.0, 1.0)
            try:
                self.process.stdin.write(np.ascontiguousarray(chunk, "<f4"))  # as it lies: no copy into bytes
            except BrokenPipeError:  # ffmpeg stopped (a full disk...): its messages say why
                reading = False
                break
            if fed is not None:
                fed(min(last, start + CHUNK_FRAMES) - first)
        with contextlib.suppress(BrokenPipeError):
            self.process.stdin.close()
        return reading

    def finish(self, cancel: Cancel | None, shown: str, fmt: str) -> None:
        """Wait for ffmpeg to end; its words in plain ones if it failed."""
        process = self.process
        deadline = time.monotonic() + FINISH_TIMEOUT_S
        while process.poll() is None:
            _check_cancel(cancel)
            if time.monotonic() > deadline:
                raise ExportError(f"{shown} could not be saved: the encoder (ffmpeg) stopped responding.")
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(0.05)
        self.said.seek(0)
        words = self.said.read().decode("utf-8", "replace")
        # ffmpeg 5 can exit with 0 after "Error writing trailer of ...: No space left on device": its words decide.
        if "No space left on device" in words:
            raise OSError(errno.ENOSPC, "No space left on device")
        if "File too large" in words or process.returncode == -getattr(signal, "SIGXFSZ", -1):
            raise OSError(errno.EFBIG, "File too large")
        if process.returncode != 0 or re.search(r"Error (writing|closing)", words):
            last_line = (words.strip().splitlines() or [f"exit code {process.returncode}"])[-1]
            raise ExportError(f"{shown} could not be saved as {FORMAT_LABELS[fmt]} (the encoder said: {last_line}).")

    def end(self) -> None:
        """Leave no ffmpeg behind (cancelled or failed: it is killed) and close its files."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        with contextlib.suppress(BrokenPipeError, OSError):
            self.process.stdin.close()
        self.said.close()


def _cores() -> int:
    """The cores this process may run on."""
    with contextlib.suppress(AttributeError, OSError):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _widen_pipe(pipe) -> None:
    """Let the pipe to the encoder hold a megabyte (Linux; 64 KiB by default), so that the
    encoder always has samples waiting while the next ones are being made."""
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _check_cancel(cancel: Cancel | None) -> None:
    if cancel is not None and cancel():
        raise ExportCancelled()


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDWR)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _os_error_in(error: BaseException) -> OSError | None:
    """The OSError behind error (mutagen and soundfile wrap it), if any."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, OSError) and error.errno is not None:
            return error
        error = error.__cause__ or error.__context__
        seen += 1
    return None


def _exists_error(path: Path) -> ExportFileExists:
    return ExportFileExists(f"A file called {path.name} is already there. Replace it, or save under "
                            f'another name (such as "{free_name(path).name}").', path)


def _folder_message(code: int | None, folder: Path) -> str:
    if code in _DISK_FULL:
        return f"The disk is full: nothing more can be saved in {folder}. Delete something to make room, " \
               "or choose another folder."
    return {
        errno.ENOENT: f"The export folder is missing: {folder}. If it is on a memory card, check that the card is in.",
        errno.ENOTDIR: f"There is a file where the export folder should be: {folder}",
        errno.EROFS: f"The export folder is read-only: {folder}. Choose another folder.",
        errno.EACCES: f"The app is not allowed to save in the export folder: {folder}. Choose another folder.",
        errno.EPERM: f"The app is not allowed to save in the export folder: {folder}. Choose another folder.",
    }.get(code, f"The export folder cannot be written to: {folder}.")


def disk_error_message(error: OSError, path: Path) -> str:
    if error.errno in _DISK_FULL:
        return f"{path.name} was not saved, because the disk is full. Delete something to make room, " \
               "or choose another folder."
    if error.errno == errno.EFBIG:
        return f"{path.name} was not saved, because it would be larger than this disk can hold a file " \
               "(choose another folder, or a smaller format such as MP3)."
    if error.errno in (errno.ENOENT, errno.ENOTDIR, errno.EROFS, errno.EACCES, errno.EPERM):
        return f"{path.name} was not saved. {_folder_message(error.errno, path.parent)}"
    return f"{path.name} was not saved, because the disk could not be written ({error.strerror or error})."


def _megabytes(count: int) -> str:
    if count < 1e6:
        return f"{count / 1e3:.0f} KB"
    return f"{count / 1e6:.1f} MB" if count < 10e6 else f"{count / 1e6:.0f} MB"


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, got {fmt!r}")
