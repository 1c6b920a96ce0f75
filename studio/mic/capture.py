"""The microphone's samples out of the audio graph: into a ring in RAM, then out to Python.

The audio thread only ever writes into the ring (a pyo table, written one sample at a time by
TableWrite at a position counted in the graph): no disk, no locks, nothing that can stall
it. The engine's main loop calls new_frames() twenty or more times a second and hands what it
gets to a TakeWriter, whose own thread writes the disk. The ring holds RING_S of sound, so the
main loop can fall that far behind before anything is lost (counted in `lost_frames`).
"""

from __future__ import annotations

import numpy as np
from studio.audio.dsp import pyo

RING_S = 8.0


class MicCapture:
    def __init__(self, signal: pyo.PyoObject, server: pyo.Server, ring_s: float = RING_S,
                 mark_trigger: pyo.PyoObject | None = None):
        """mark_trigger: a trigger whose moments are noted as ring positions (see last_mark):
        the backing's start, so a take can be lined up with it to the sample."""
        self._server = server
        self.ring_frames = int(ring_s * server.getSamplingRate())
        self.channels = len(signal) if isinstance(signal, pyo.PyoObject) else 1  # 1: the mic; 2: the mix
        self.ring = pyo.DataTable(size=self.ring_frames, chnls=self.channels)
        # Where the next sample goes: 0 .. ring_frames - 1, then round again (pyo's Count
        # includes its max, hence the - 1).
        self._start = pyo.Trig()
        self._position = pyo.Count(self._start, min=0, max=self.ring_frames - 1)
        self._writer = pyo.TableWrite(signal, self._position, self.ring, mode=1)  # mode 1: position in samples
        self._marks: list | None = None
        if mark_trigger is not None:
            one = pyo.Sig(1.0)
            self._marks = [pyo.SampHold(self._position, mark_trigger, 1.0),  # where the last mark fell
                           pyo.Counter(mark_trigger, min=0, max=2**24),  # shows the count before each
                           pyo.SampHold(one, mark_trigger, 1.0), one]  # 0 until the first mark
        self._read_at = None  # ring position read up to; None before the first read
        self._read_time = 0  # the server's time in samples at the last read
        self.frames_read = 0  # frames handed out since the first read
        self.lost_frames = 0  # frames overwritten before they were read (the reader fell behind a whole ring)

    def last_mark(self) -> tuple[int, int]:
        """(how many marks so far, the ring position of the last one); (0, 0) with none."""
        if self._marks is None:
            return 0, 0
        position, counter, any_mark, _ = self._marks
        if any_mark.get() < 0.5:
            return 0, 0
        return int(counter.get()) + 1, int(position.get())

    @property
    def read_position(self) -> int:
        """The ring position new_frames() has read up to: where the next frame handed out is."""
        return self._read_at or 0

    def _written_to(self) -> int:
        """The ring position after the last sample written (the audio block just done)."""
        return (int(self._position.get()) + 1) % self.ring_frames

    def new_frames(self) -> np.ndarray:
        """The samples written since the last call (float32, oldest first; shape (n,) for one
        channel, (n, channels) for more). Call between audio blocks' worth of time from one
        thread only; the first call starts the count."""
        end, now = self._written_to(), self._server.getCurrentTimeInSamples()
        if self._read_at is None:
            self._read_at, self._read_time = end, now
            return np.zeros((0, self.channels) if self.channels > 1 else 0, dtype=np.float32)
        start, self._read_at = self._read_at, end
        elapsed, self._read_time = now - self._read_time, now
        if elapsed >= self.ring_frames:  # the ring went round before it was read: sound was lost
            self.lost_frames += elapsed - (end - start) % self.ring_frames
        # The engine's sample type (64-bit: studio.audio.dsp), one ring per channel.
        rings = [np.asarray(self.ring.getBuffer(channel)) for channel in range(self.channels)]
        try:
            if end >= start:
                parts = [ring[start:end].astype(np.float32) for ring in rings]
            else:
                parts = [np.concatenate([ring[start:], ring[:end]]).astype(np.float32) for ring in rings]
        finally:
            del rings  # no view of pyo's memory outlives the call
        frames = parts[0] if self.channels == 1 else np.stack(parts, axis=1)
        self.frames_read += len(frames)
        return frames
