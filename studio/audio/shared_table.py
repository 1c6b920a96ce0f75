"""A two-channel table of samples in shared memory, made without stopping the sound: a deck's
track, a take played back.

pyo fills every new table with zeros while it holds the interpreter lock, and the audio thread
needs that lock every block: a 5-minute stereo table took 0.1 to 1.5 s to make here (64-bit
samples, 230 MB), every block of it a dropout on the other deck. So a track's samples live in
shared memory instead: Python's SharedMemory makes it at once (the pages come as they are
written), the engine's loop fills it a few seconds at a time, and pyo's SharedTable maps the
same memory for the deck to read, which takes a fraction of a millisecond. The name is unlinked
as soon as pyo has mapped it, so nothing is left behind in /dev/shm, even after a crash.

Where shared memory is missing or too small (a container's 64 MB /dev/shm), a plain pyo table
is made instead, and making it may be heard once as a gap.
"""

from __future__ import annotations

import itertools
import os
import shutil
from multiprocessing import shared_memory

import numpy as np

from studio.audio.dsp import pyo

SHM_FOLDER = "/dev/shm"
SHM_SPARE_BYTES = 64 * 2**20  # leave this much of /dev/shm for everything else
BYTES_PER_SAMPLE = 8  # the engine's samples are 64-bit (studio.audio.dsp)
_serial = itertools.count(1)


class TrackTable:
    """Two channels of frames samples: writable numpy views (channels) and the pyo table (table)."""

    def __init__(self, frames: int):
        self.frames = frames
        self.shared = shared_memory_fits(frames)
        self._memory: list[shared_memory.SharedMemory] = []
        if self.shared:
            self._make_shared(frames)
        else:
            self.table = pyo.DataTable(size=frames, chnls=2)
            self.channels = [np.asarray(self.table.getBuffer(channel)) for channel in range(2)]

    def _make_shared(self, frames: int) -> None:
        names = [f"ward-studio-{os.getpid()}-{next(_serial)}-{side}" for side in "lr"]
        try:
            for name in names:
                self._memory.append(shared_memory.SharedMemory(name=name, create=True,
                                                               size=frames * BYTES_PER_SAMPLE))
            self.table = pyo.SharedTable([f"/{name}" for name in names], create=False, size=frames)
        finally:
            for memory in self._memory:
                memory.unlink()  # pyo has its own mapping now (or failed): the name is not needed
        self.channels = [np.ndarray((frames,), dtype=np.float64, buffer=memory.buf) for memory in self._memory]

    def close(self) -> None:
        """Let go of this process's views (pyo's mapping goes with its table)."""
        self.channels = []
        for memory in self._memory:
            try:
                memory.close()
            except BufferError:
                pass  # a view is still held somewhere; the memory goes when it does
        self._memory = []


def shared_memory_fits(frames: int) -> bool:
    """Is there room in /dev/shm for a track this long (both channels, and some to spare)?
    Writing past a full /dev/shm would crash the engine (SIGBUS), so it is checked first."""
    try:
        free = shutil.disk_usage(SHM_FOLDER).free
    except OSError:
        return False
    return free >= 2 * frames * BYTES_PER_SAMPLE + SHM_SPARE_BYTES
