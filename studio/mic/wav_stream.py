"""A WAV file that can be opened at every moment while it is being recorded.

    WavStreamWriter(path, sample_rate, channels=1, sample_format="float32")
        append(frames)      hands the samples to the operating system at once: a killed process keeps them
        flush()             makes them durable and patches the header's sizes to count them
        close()             flush, then let go of the file
    repair_wav(path) -> frames      recounts the sizes of a file whose writer died between two flushes
    read_wav_header(path)           what a WAV file says about itself, and whether that is out of date
    is_being_written(path)          True while a WavStreamWriter (in any process) has the file open

Why not soundfile for writing: libsndfile writes the header's sizes only when the file is closed.
Its flush() (sf_write_sync) fsyncs without them, and the command that would patch them
(SFC_UPDATE_HEADER_NOW) is not reachable through soundfile. Until the close the header counts no
sound at all, and what a crash leaves is then up to the reader: libsndfile guesses from the
file's length, a strict reader finds an empty take.

Why 32-bit float by default: the engine hands us float32, so the take is written exactly as it
was heard, with no conversion in the writer thread, and a take louder than 0 dBFS (a shout into
a mic with the gain up) is kept whole and can be turned down later instead of being clipped for
ever. 24-bit PCM ("pcm24") saves a quarter of the space (8.2 instead of 11 MB a minute at 48 kHz
mono) for when space matters more.

In what order, and why: data is fdatasync'ed before the header that counts it is written, and the
header is then fdatasync'ed too, so after a power cut the header never counts sound that is not
there; at worst it counts less, and repair_wav finds the rest. The writer holds a lock (flock) on
the file, which the kernel drops when the process dies, so a repair never touches a take that is
still being recorded, even by another process.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.atomic_file import fsync_folder

SAMPLE_FORMATS = ("float32", "pcm24")
DEFAULT_SAMPLE_FORMAT = "float32"
CHANNEL_COUNTS = (1, 2)
MIN_SAMPLE_RATE, MAX_SAMPLE_RATE = 8000, 384000
MAX_DATA_BYTES = 0xFFFF_FFFF - 1024  # RIFF counts in 32 bits: a WAV holds at most about 4 GiB of sound

_WAVE_FORMAT_PCM, _WAVE_FORMAT_IEEE_FLOAT, _WAVE_FORMAT_EXTENSIBLE = 1, 3, 0xFFFE
_PCM24_SCALE = float(1 << 23)
_datasync = getattr(os, "fdatasync", os.fsync)  # fdatasync skips the timestamps; not everywhere


class WavFileError(Exception):
    """A WAV file could not be read or repaired; str(error) is a message for the user."""


class WavBusyError(WavFileError):
    """The file is still being recorded (another writer holds its lock)."""


class WavTooLongError(OSError):
    """The recording reached the most a WAV file can count (about 4 GiB of sound)."""

    def __init__(self):
        super().__init__(errno.EFBIG, "A WAV file cannot hold any more sound")


def _damaged(why: str) -> WavFileError:
    return WavFileError(f"This recording is damaged and cannot be opened ({why})")


# ---- reading what a file says about itself ------------------------------------------------------

@dataclass(frozen=True)
class WavHeader:
    sample_rate: int
    channels: int
    sample_format: str  # "float32", "pcm24", "pcm16", ... or "format <tag>"
    bytes_per_frame: int
    data_offset: int  # where the sound starts
    data_bytes: int  # as the header says
    riff_bytes: int  # as the header says
    file_bytes: int  # as the file is
    fact_offset: int | None  # where the fact chunk's frame count is, if there is one

    @property
    def frames_on_disk(self) -> int:
        """Whole frames after the header, whatever the header says (the last partial one not counted)."""
        return max(0, self.file_bytes - self.data_offset) // self.bytes_per_frame

    @property
    def frames(self) -> int:
        """Frames a player opening the file now would find: as the header says, as far as the file goes."""
        return min(self.data_bytes // self.bytes_per_frame, self.frames_on_disk)

    @property
    def is_stale(self) -> bool:
        """The header's sizes do not match the file: its writer died between writing sound and counting it."""
        return self.riff_bytes + 8 != self.file_bytes or self.data_offset + self.data_bytes > self.file_bytes


def read_wav_header(path: str | os.PathLike) -> WavHeader:
    """Raises WavFileError (plain words) for a file that is not a WAV or whose header is broken."""
    try:
        with open(path, "rb") as file:
            return _parse_header(file, os.fstat(file.fileno()).st_size)
    except FileNotFoundError:
        raise WavFileError(f"There is no recording at {path}") from None
    except OSError as error:
        raise WavFileError(f"This recording could not be read ({error.strerror or error}): {path}") from None


def _parse_header(file, file_bytes: int) -> WavHeader:
    first = file.read(12)
    if not first:
        raise _damaged("the file is empty")
    if len(first) < 12 and b"RIFF".startswith(first[:4]):
        raise _damaged("it ends before its header does")
    if first[:4] != b"RIFF" or first[8:12] != b"WAVE":
        raise WavFileError("This file is not a WAV recording")
    (riff_bytes,) = struct.unpack("<I", first[4:8])
    offset, fmt, fact_offset = 12, None, None
    while True:
        file.seek(offset)
        chunk = file.read(8)
        if len(chunk) < 8:
            raise _damaged("it ends before its header does" if fmt is None else "it has no sound data")
        chunk_id, (chunk_bytes,) = chunk[:4], struct.unpack("<I", chunk[4:])
        if chunk_id == b"fmt ":
            fmt = _parse_fmt(file.read(min(chunk_bytes, 40)))
        elif chunk_id == b"fact":
            fact_offset = offset + 8
        elif chunk_id == b"data":
            if fmt is None:
                raise _damaged("its sound comes before the description of its format")
            sample_rate, channels, sample_format, bytes_per_frame = fmt
            return WavHeader(sample_rate, channels, sample_format, bytes_per_frame, offset + 8, chunk_bytes,
                             riff_bytes, file_bytes, fact_offset)
        offset += 8 + chunk_bytes + (chunk_bytes & 1)  # chunks are padded to an even length


def _parse_fmt(body: bytes) -> tuple[int, int, str, int]:
    if len(body) < 16:
        raise _damaged("the description of its format is cut short")
    tag, channels, sample_rate, _, bytes_per_frame, bits = struct.unpack("<HHIIHH", body[:16])
    if tag == _WAVE_FORMAT_EXTENSIBLE and len(body) >= 26:
        (tag,) = struct.unpack("<H", body[24:26])  # the first two bytes of the sub-format GUID
    if channels < 1 or sample_rate < 1 or bytes_per_frame < 1:
        raise _damaged(f"it says it has {channels} channels at {sample_rate} Hz")
    names = {_WAVE_FORMAT_PCM: "pcm", _WAVE_FORMAT_IEEE_FLOAT: "float"}
    sample_format = f"{names[tag]}{bits}" if tag in names else f"format {tag}"
    return sample_rate, channels, sample_format, bytes_per_frame


# ---- repairing a file whose writer died ---------------------------------------------------------

def repair_wav(path: str | os.PathLike) -> int:
    """Make a file whose header sizes are out of date whole again; returns the frames it holds.

    The sizes are recounted from the file's length and a partial last frame is cut off. A file
    whose header is already right is left untouched. Raises WavBusyError while a writer has the
    file open, and WavFileError (plain words) for a file that is not a WAV or cannot be written.
    """
    try:
        with open(path, "r+b") as file:
            if not _try_lock(file.fileno(), fcntl.LOCK_EX):
                raise WavBusyError(f"This recording is still being made, so it was left as it is: {path}")
            header = _parse_header(file, os.fstat(file.fileno()).st_size)
            if not header.is_stale:
                return header.frames
            frames = header.frames_on_disk
            data_bytes = frames * header.bytes_per_frame
            file.truncate(header.data_offset + data_bytes)
            os.pwrite(file.fileno(), struct.pack("<I", header.data_offset - 8 + data_bytes), 4)
            os.pwrite(file.fileno(), struct.pack("<I", data_bytes), header.data_offset - 4)
            if header.fact_offset is not None and header.fact_offset + 4 <= header.data_offset:
                os.pwrite(file.fileno(), struct.pack("<I", frames), header.fact_offset)
            os.fsync(file.fileno())
            return frames
    except FileNotFoundError:
        raise WavFileError(f"There is no recording at {path}") from None
    except OSError as error:
        raise WavFileError(f"This recording could not be repaired ({error.strerror or error}): {path}") from None


def is_being_written(path: str | os.PathLike) -> bool:
    """True while a WavStreamWriter, in this process or another, holds the file."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        return not _try_lock(descriptor, fcntl.LOCK_SH)
    finally:
        os.close(descriptor)  # and with it the lock, if we got one


def _try_lock(descriptor: int, kind: int) -> bool:
    """False only when someone else holds the lock; a file system without locks counts as free."""
    try:
        fcntl.flock(descriptor, kind | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:
        pass
    return True


# ---- writing ------------------------------------------------------------------------------------

class WavStreamWriter:
    """Writes one new WAV file (never replacing one) whose header is valid after every flush().

    append() raises OSError as the disk does (ENOSPC when full, EFBIG at a file size limit,
    WavTooLongError at the WAV format's own limit); before it does, the file is made whole again:
    the partial last frame is cut off and the header counts every whole frame written.
    """

    def __init__(self, path: str | os.PathLike, sample_rate: int, channels: int = 1,
                 sample_format: str = DEFAULT_SAMPLE_FORMAT):
        if channels not in CHANNEL_COUNTS:
            raise ValueError(f"channels must be 1 or 2, got {channels!r}")
        if isinstance(sample_rate, bool) or not isinstance(sample_rate, int) or \
                not MIN_SAMPLE_RATE <= sample_rate <= MAX_SAMPLE_RATE:
            raise ValueError(f"sample_rate must be a whole number in range {MIN_SAMPLE_RATE}..{MAX_SAMPLE_RATE}, "
                             f"got {sample_rate!r}")
        if sample_format not in SAMPLE_FORMATS:
            raise ValueError(f"sample_format must be one of {', '.join(SAMPLE_FORMATS)}, got {sample_format!r}")
        self.path = Path(path)
        self.sample_rate = sample_rate
        self.channels = channels
        self.sample_format = sample_format
        self.bytes_per_frame = channels * (4 if sample_format == "float32" else 3)
        self._data_bytes = 0  # handed to the operating system
        self._flushed_bytes = 0  # durable, and counted by the header
        self.header_bytes = len(self._header(0))
        self._descriptor: int | None = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        try:
            _try_lock(self._descriptor, fcntl.LOCK_EX)
            self._write_at(self._header(0), 0)
            os.fsync(self._descriptor)
            fsync_folder(self.path.parent)  # so the file itself survives a power cut
        except BaseException:
            os.close(self._descriptor)
            self._descriptor = None
            with contextlib.suppress(OSError):
                self.path.unlink()
            raise

    @property
    def frames_appended(self) -> int:
        return self._data_bytes // self.bytes_per_frame

    @property
    def frames_flushed(self) -> int:
        return self._flushed_bytes // self.bytes_per_frame

    @property
    def closed(self) -> bool:
        return self._descriptor is None

    def append(self, frames: np.ndarray) -> None:
        """frames: shaped (n,) for mono or (n, channels), float samples (1.0 is full scale)."""
        data = self._encode(frames)
        room = (MAX_DATA_BYTES - self._data_bytes) // self.bytes_per_frame * self.bytes_per_frame
        if len(data) > room:
            self._append_bytes(data[:room])
            raise WavTooLongError()
        self._append_bytes(data)

    def flush(self) -> int:
        """Make what was appended durable and counted by the header; returns the frames flushed."""
        descriptor = self._open_descriptor()
        if self._flushed_bytes == self._data_bytes:
            return self.frames_flushed
        try:
            _datasync(descriptor)  # the sound first, then the header that counts it
            self._write_at(self._header(self._data_bytes), 0)
            _datasync(descriptor)
        except OSError:
            self._fall_back_to(self._flushed_bytes)  # what is known to be on the disk
            raise
        self._flushed_bytes = self._data_bytes
        return self.frames_flushed

    def close(self) -> None:
        """Flush and let go of the file; the file is let go of even when the flush fails."""
        if self._descriptor is None:
            return
        try:
            self.flush()
        finally:
            os.close(self._descriptor)
            self._descriptor = None

    def __enter__(self) -> WavStreamWriter:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # ---- inside ---------------------------------------------------------------------------------

    def _open_descriptor(self) -> int:
        if self._descriptor is None:
            raise ValueError(f"the WAV file is closed: {self.path}")
        return self._descriptor

    def _encode(self, frames: np.ndarray) -> bytes:
        samples = np.asarray(frames)
        if not (samples.ndim == 1 and self.channels == 1 or samples.ndim == 2 and samples.shape[1] == self.channels):
            wanted = "(n,) or (n, 1)" if self.channels == 1 else f"(n, {self.channels})"
            raise ValueError(f"frames must be shaped {wanted}, got {samples.shape}")
        if self.sample_format == "float32":
            return np.ascontiguousarray(samples, dtype="<f4").tobytes()
        scaled = np.round(np.nan_to_num(samples.astype(np.float64).ravel()) * _PCM24_SCALE)
        whole = np.clip(scaled, -_PCM24_SCALE, _PCM24_SCALE - 1).astype("<i4")
        return whole.view(np.uint8).reshape(-1, 4)[:, :3].tobytes()  # the low three bytes, little-endian

    def _append_bytes(self, data: bytes) -> None:
        descriptor = self._open_descriptor()
        view = memoryview(data)
        try:
            while view:
                written = os.pwrite(descriptor, view, self.header_bytes + self._data_bytes)
                if written <= 0:
                    raise OSError(errno.EIO, os.strerror(errno.EIO))
                self._data_bytes += written
                view = view[written:]
        except OSError:
            # Keep every whole frame that made it, counted by the header, and nothing half-written.
            self._fall_back_to(self._data_bytes // self.bytes_per_frame * self.bytes_per_frame)
            raise

    def _fall_back_to(self, data_bytes: int) -> None:
        """Cut the file to data_bytes of sound and count them in the header, as far as the disk lets us."""
        descriptor = self._open_descriptor()
        with contextlib.suppress(OSError):
            os.ftruncate(descriptor, self.header_bytes + data_bytes)  # shrinking needs no free space
        self._data_bytes = data_bytes
        with contextlib.suppress(OSError):
            self._write_at(self._header(data_bytes), 0)  # rewrites bytes already on the disk
            _datasync(descriptor)
            self._flushed_bytes = data_bytes

    def _write_at(self, data: bytes, offset: int) -> None:
        if os.pwrite(self._open_descriptor(), data, offset) != len(data):
            raise OSError(errno.EIO, "the header could not be written whole")

    def _header(self, data_bytes: int) -> bytes:
        rate, frame = self.sample_rate, self.bytes_per_frame
        if self.sample_format == "float32":
            # Formats other than PCM have an 18-byte fmt chunk (cbSize 0) and a fact chunk counting frames.
            fmt = struct.pack("<HHIIHHH", _WAVE_FORMAT_IEEE_FLOAT, self.channels, rate, rate * frame, frame, 32, 0)
            fact = b"fact" + struct.pack("<II", 4, data_bytes // frame)
        else:
            fmt = struct.pack("<HHIIHH", _WAVE_FORMAT_PCM, self.channels, rate, rate * frame, frame, 24)
            fact = b""
        body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + fact + b"data" + struct.pack("<I", data_bytes)
        return b"RIFF" + struct.pack("<I", len(body) + data_bytes) + body
