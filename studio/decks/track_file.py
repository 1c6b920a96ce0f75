"""Reading a decoded track (raw little-endian float32 stereo frames) a chunk at a time.

The file was written by the track loader in another process (studio.decks.track_decode). The
engine reads it with readinto, which lets go of the interpreter lock while the disk works, so
the audio thread is never kept waiting on the disk.
"""

from __future__ import annotations

import numpy as np

BYTES_PER_FRAME = 8  # two float32 samples


class TrackReader:
    def __init__(self, audio_path: str, frames: int):
        self.audio_path, self.frames = audio_path, frames
        self.frames_read = 0
        self._file = open(audio_path, "rb")  # noqa: SIM115 (closed by close())

    @property
    def done(self) -> bool:
        return self.frames_read >= self.frames

    @property
    def fraction(self) -> float:
        return self.frames_read / self.frames if self.frames else 1.0

    def read(self, max_frames: int) -> tuple[int, np.ndarray]:
        """The next frames as (first frame, float32 array (n, 2)). A file shorter than
        promised raises OSError."""
        first = self.frames_read
        wanted = min(max_frames, self.frames - first)
        buffer = np.empty((wanted, 2), dtype="<f4")
        got = self._file.readinto(memoryview(buffer).cast("B"))
        if got != wanted * BYTES_PER_FRAME:
            raise OSError(f"the decoded track ends after {first + got // BYTES_PER_FRAME} of {self.frames} frames")
        self.frames_read += wanted
        return first, buffer

    def close(self) -> None:
        self._file.close()
