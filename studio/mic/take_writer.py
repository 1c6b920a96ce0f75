"""Writing a take to disk while it is sung, from a thread of its own, so the capture thread never waits.

    TakeWriter(path, sample_rate, channels=1, flush_interval_s=0.5, on_problem=None)
        start()              creates the WAV; TakeError (plain words) before anything is recorded if it cannot
        write(block)         from the capture thread: queues a copy and returns; never waits, never touches a disk
        stop(timeout_s=5.0)  writes what is queued, flushes, closes; returns the frames in the file

What a crash can cost: the writer thread takes what is queued every POLL_S and hands it to the
operating system at once, so a killed app loses only what was still queued (about POLL_S) once
repair_wav has recounted the header; the header itself is patched and the file fsynced every
flush_interval_s, so a power cut loses at most about that much.

When the disk is slow the queue holds QUEUE_S of audio; beyond that a block is dropped and counted
as an overrun, and the frames lost are written as silence once there is room again, so the rest
of the take stays in time with its backing. When the disk is full (or refuses a bigger file, or
has less than KEEP_FREE_BYTES left), recording stops, the file keeps every whole frame written,
`problem` says so in plain words, and on_problem(message) is called once, from the writer thread
(hand it on to the UI thread).
"""

from __future__ import annotations

import collections
import errno
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Callable

import numpy as np

from studio.mic.wav_stream import DEFAULT_SAMPLE_FORMAT, WavStreamWriter, WavTooLongError

QUEUE_S = 10.0  # of audio waiting for a slow disk before blocks are dropped (3.8 MB at 48 kHz stereo)
POLL_S = 0.05  # how often the writer thread looks for queued audio
# A take stops while this much is still free, so the take's details, the beat's autosave and the
# settings can still be saved afterwards (8 MB is 44 s of 48 kHz mono).
KEEP_FREE_BYTES = 8 * 1024 * 1024
_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


class TakeError(Exception):
    """A take cannot be recorded or kept; str(error) is a message for the user."""


def clock_text(seconds: float) -> str:
    """A length as a clock shows it: 0:07, 3:42, 1:02:03 (whole seconds, rounded down)."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, seconds_left = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds_left:02d}" if hours else f"{minutes}:{seconds_left:02d}"


def folder_message(error: OSError, folder: Path, outcome: str) -> str:
    """outcome ("Nothing was recorded") and why, in words a mentor can act on."""
    if error.errno in _DISK_FULL:
        return f"{outcome}, because the disk is full. Delete old takes or empty the trash to make room."
    why = {
        errno.ENOENT: "the folder for takes is missing (if takes are kept on a memory card, check that it is in)",
        errno.ENOTDIR: "there is a file where the folder for takes should be",
        errno.EEXIST: "there is a file where the folder for takes should be",
        errno.EROFS: "the folder for takes is read-only",
        errno.EACCES: "the app is not allowed to write in the folder for takes",
        errno.EPERM: "the app is not allowed to write in the folder for takes",
    }.get(error.errno, f"the folder for takes cannot be written to ({error.strerror or error})")
    return f"{outcome}, because {why}: {folder}"


def stopped_message(error: BaseException, stopped_at_s: float) -> str:
    """Why a take stopped part-way, and what is kept."""
    at = clock_text(stopped_at_s)
    kept = "Everything up to then is kept."
    if isinstance(error, WavTooLongError):
        return f"The take reached the longest a WAV file can hold, so recording stopped at {at}. {kept}"
    if isinstance(error, OSError) and error.errno in _DISK_FULL:
        return f"The disk is full, so recording stopped at {at}. {kept}"
    if isinstance(error, OSError) and error.errno == errno.EFBIG:
        return f"The take reached the largest file this disk can hold, so recording stopped at {at}. {kept}"
    if isinstance(error, OSError):
        return (f"The take could not be written to the disk ({error.strerror or error}), so recording "
                f"stopped at {at}. What was saved before then is kept.")
    return (f"Recording stopped at {at} because of a fault in the app ({type(error).__name__}). "
            "What was saved before then is kept.")


class TakeWriter:
    def __init__(self, path: str | os.PathLike, sample_rate: int, channels: int = 1,
                 flush_interval_s: float = 0.5, on_problem: Callable[[str], None] | None = None,
                 sample_format: str = DEFAULT_SAMPLE_FORMAT, queue_s: float = QUEUE_S,
                 keep_free_bytes: int = KEEP_FREE_BYTES):
        if not 0 < flush_interval_s <= 1.0:
            raise ValueError(f"flush_interval_s must be in range 0..1 (at most 1 s at risk), got {flush_interval_s!r}")
        self.path = Path(path)
        self.sample_rate = sample_rate
        self.channels = channels
        self.flush_interval_s = flush_interval_s
        self.on_problem = on_problem
        self.sample_format = sample_format
        self.capacity_frames = int(queue_s * sample_rate)
        self.keep_free_bytes = keep_free_bytes
        self._wav: WavStreamWriter | None = None
        self._thread: threading.Thread | None = None
        # Shared with the capture thread without a lock: each counter has one writer, and deque's
        # append and popleft are atomic, so write() never waits for the writer thread.
        self._queue: collections.deque[np.ndarray | int] = collections.deque()  # an int: that many frames of silence
        self._frames_put = 0  # capture thread only
        self._frames_taken = 0  # writer thread only
        self._gap_frames = 0  # dropped, not yet queued as silence (capture thread only)
        self._accepting = False
        self._stopping = False
        self._overruns = 0
        self._frames_dropped = 0
        self._problem: str | None = None

    # ---- what the app reads ---------------------------------------------------------------------

    @property
    def frames_written(self) -> int:
        """Frames handed to the operating system: in the file even if the app is killed now."""
        return self._wav.frames_appended if self._wav else 0

    @property
    def frames_flushed(self) -> int:
        """Frames durable on the disk and counted by the header: safe from a power cut too."""
        return self._wav.frames_flushed if self._wav else 0

    @property
    def overruns(self) -> int:
        """Blocks dropped because the queue was full (the disk could not keep up)."""
        return self._overruns

    @property
    def frames_dropped(self) -> int:
        return self._frames_dropped

    @property
    def queued_frames(self) -> int:
        return self._frames_put - self._frames_taken

    @property
    def problem(self) -> str | None:
        """None, or why recording stopped before stop() was called, as a plain message."""
        return self._problem

    @property
    def done(self) -> bool:
        """The writer thread has finished and the file is closed."""
        return self._thread is not None and not self._thread.is_alive()

    # ---- recording ------------------------------------------------------------------------------

    def start(self) -> TakeWriter:
        """Create the file and start the writer thread; raises TakeError when the take cannot be made."""
        if self._thread is not None:
            raise RuntimeError("this TakeWriter was already started")
        try:
            self._wav = WavStreamWriter(self.path, self.sample_rate, self.channels, self.sample_format)
        except FileExistsError:
            raise TakeError(f"Nothing was recorded, because there is already a take at {self.path}") from None
        except OSError as error:
            raise TakeError(folder_message(error, self.path.parent, "Nothing was recorded")) from None
        try:
            self._check_free_space()  # after making the file, so a read-only folder is called read-only
        except OSError as error:
            self._wav.close()
            self.path.unlink()
            self._wav = None
            raise TakeError(folder_message(error, self.path.parent, "Nothing was recorded")) from None
        self._accepting = True
        self._thread = threading.Thread(target=self._run, name=f"take writer {self.path.name}", daemon=True)
        self._thread.start()
        return self

    def write(self, block: np.ndarray) -> bool:
        """Queue a copy of block ((n,) or (n, channels) float samples); False when it was not kept.

        Called from the capture thread at audio-block rate: it does no I/O and takes no lock.
        """
        if not self._accepting:
            return False
        frames = np.array(block, dtype=np.float32)  # a copy: the engine reuses its buffers
        if not (frames.ndim == 1 and self.channels == 1 or frames.ndim == 2 and frames.shape[1] == self.channels):
            wanted = "(n,) or (n, 1)" if self.channels == 1 else f"(n, {self.channels})"
            raise ValueError(f"a block for {self.channels} channel(s) must be shaped {wanted}, got {frames.shape}")
        if frames.ndim == 2 and self.channels == 1:
            frames = frames.reshape(-1)  # (n, 1) and (n,) blocks are joined together later
        count = len(frames)
        if self._frames_put - self._frames_taken + count > self.capacity_frames:
            self._overruns += 1
            self._frames_dropped += count
            self._gap_frames += count
            return False
        if self._gap_frames:
            self._queue.append(self._gap_frames)
            self._gap_frames = 0
        self._queue.append(frames)
        self._frames_put += count
        return True

    def stop(self, timeout_s: float = 5.0) -> int:
        """Write what is queued, flush and close; returns frames_written.

        Call it after the last write(). If the disk is so slow that this takes longer than
        timeout_s, it returns the frames written so far and the writer thread finishes on its own
        (see done).
        """
        self._accepting = False
        self._stopping = True
        if self._thread is not None:
            self._thread.join(timeout_s)
        return self.frames_written

    # ---- the writer thread ----------------------------------------------------------------------

    def _run(self) -> None:
        wav = self._wav
        last_flush_s = time.monotonic()
        try:
            while True:
                stopping = self._stopping  # read first: everything queued before stop() is still written
                self._write_queued(wav)
                if stopping:
                    break
                if time.monotonic() - last_flush_s >= self.flush_interval_s:
                    wav.flush()
                    self._check_free_space()
                    last_flush_s = time.monotonic()
                time.sleep(min(POLL_S, self.flush_interval_s / 2))
            wav.close()
        except BaseException as error:  # a full disk, or a fault: keep what was written either way
            self._stop_for(error)

    def _check_free_space(self) -> None:
        """OSError(ENOSPC) when less than keep_free_bytes is left: the same as a full disk, a little earlier."""
        try:
            free_bytes = shutil.disk_usage(self.path.parent).free if self.keep_free_bytes else None
        except OSError:
            return  # a missing folder: creating the file says so in its own words
        if free_bytes is not None and free_bytes < self.keep_free_bytes:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def _write_queued(self, wav: WavStreamWriter) -> None:
        pieces = []
        while self._queue:
            item = self._queue.popleft()
            if isinstance(item, int):
                pieces.append(np.zeros((item, self.channels) if self.channels > 1 else item, np.float32))
            else:
                pieces.append(item)
                self._frames_taken += len(item)
        if pieces:
            wav.append(pieces[0] if len(pieces) == 1 else np.concatenate(pieces))

    def _stop_for(self, error: BaseException) -> None:
        self._accepting = False
        wav = self._wav
        try:
            wav.close()  # the file was already made whole; this lets go of it
        except OSError:
            pass
        self._problem = stopped_message(error, wav.frames_flushed / self.sample_rate)
        if self.on_problem is not None:
            try:
                self.on_problem(self._problem)
            except Exception:  # the take is safe whatever the listener does
                pass
