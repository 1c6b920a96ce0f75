"""Recording takes in the engine process: the capture ring to a TakeWriter, a take at a time.

    start(backing, bpm, align_frames) -> TakeInfo   or TakeError (folder, disk) in plain words
    pump()                                          call 25+ times a second from the engine's loop
    stop() -> TakeInfo | None                       the finished take (also on the writer's own stop)

The take's first frame is the first sample of the capture not yet read at start(). The live
audio thread runs beside the engine's loop, so the backing (started just after) may begin a
block or two later: the graph marks the backing's first sample in the capture ring
(MicCapture.last_mark) and the take's align_frames counts from that mark: the frames to skip
so the take lines up with the song (the gap to the backing, its count-in, and the sound's trip
out to the ears and back).
"""

from __future__ import annotations

from typing import Callable

from studio.mic.capture import MicCapture
from studio.mic.take_writer import TakeError, TakeWriter
from studio.mic.takes import TakeInfo, TakeStore



class TakeRecorder:
    def __init__(self, capture: MicCapture, store: TakeStore, sample_rate: int,
                 on_problem: Callable[[str], None] | None = None, name_prefix: str = "Take"):
        self.capture, self.store, self.sample_rate = capture, store, sample_rate
        self.channels = capture.channels  # 1 for the microphone, 2 for the mix
        self.name_prefix = name_prefix
        self.on_problem = on_problem
        self.take: TakeInfo | None = None
        self.participant_id: int | None = None  # whose the next take is (messages.TakeOwner)
        self._writer: TakeWriter | None = None
        self.lost_frames_at_start = 0
        self.last_overruns = self.last_lost_frames = 0

    @property
    def recording(self) -> bool:
        return self._writer is not None

    @property
    def seconds(self) -> float:
        return self._writer.frames_written / self.sample_rate if self._writer else 0.0

    def start(self, backing: str, bpm: float, align_frames: int) -> TakeInfo:
        """align_frames: from the backing's first sample to where the song lines up with the take
        (the count-in and the round trip); the gap before the backing is added when it starts."""
        if self._writer is not None:
            return self.take
        warning = self.store.check_space(self.sample_rate, self.channels)
        if warning and self.store.free_seconds(self.sample_rate, self.channels) < 1:
            raise TakeError(warning)
        info, path = self.store.new_take(self.sample_rate, self.channels, name_prefix=self.name_prefix,
                                         backing=backing, bpm=bpm, align_frames=align_frames,
                                         participant_id=self.participant_id)
        writer = TakeWriter(path, self.sample_rate, self.channels, on_problem=self.on_problem)
        writer.start()
        self.capture.new_frames()  # what came before this moment is not the take's
        self.lost_frames_at_start = self.capture.lost_frames
        self._start_position = self.capture.read_position
        self._marks_before = self.capture.last_mark()[0]
        self._align_after_backing = align_frames if backing != "none" else None
        self.take, self._writer = info, writer
        return info

    def _line_up(self) -> None:
        """Once the backing has started, count align_frames from its first sample."""
        if self._align_after_backing is None:
            return
        marks, position = self.capture.last_mark()
        if marks > self._marks_before:
            self._marks_before = marks
            # The mark is one sample before the backing's first sound (as a pad's trigger is
            # before its first sample), so a voice in time with that sound is one sample later.
            gap = (position - self._start_position) % self.capture.ring_frames + 1
            self.take = self.store.set_align_frames(self.take.take_id, gap + self._align_after_backing)
            self._align_after_backing = None

    def pump(self) -> None:
        frames = self.capture.new_frames()
        if self._writer is None:
            return
        self._line_up()
        if self._writer.done:  # the writer stopped itself (a full disk): keep what it has
            self.stop()
            return
        if len(frames):
            self._writer.write(frames)

    def stop(self) -> TakeInfo | None:
        """Finish the take: what is queued is written, the file made whole, its details saved."""
        if self._writer is None:
            return None
        writer, self._writer = self._writer, None
        if not writer.done:
            self._writer_tail(writer)
        try:
            self._line_up()
        except TakeError:
            pass  # the details could not be updated (a full disk): recover() fixes them on the next start
        frames = writer.stop()
        # Blocks the writer's queue had no room for, and frames the capture ring lost: 0 and 0
        # unless the engine's loop or the disk stalled for seconds (make bench measures them).
        self.last_overruns, self.last_lost_frames = writer.overruns, self.lost_frames
        try:
            self.take = self.store.finish(self.take, frames)
        except TakeError as error:  # the sound is whole; its details are made whole on the next start
            if self.on_problem:
                self.on_problem(str(error))
        return self.take

    def _writer_tail(self, writer: TakeWriter) -> None:
        frames = self.capture.new_frames()
        if len(frames):
            writer.write(frames)

    @property
    def lost_frames(self) -> int:
        """Frames the capture lost while this take was recorded (0 unless the engine stalled for
        longer than the capture ring holds)."""
        return self.capture.lost_frames - self.lost_frames_at_start
