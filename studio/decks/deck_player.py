"""One deck's reading head: a track in a table, read at a rate, with jumps and loops.

    rate (SigTo) -> Phasor (the play position, 0..1 of the table) -> Wrap (the loop) -> Pointer2

The position is integrated inside the audio graph, sample by sample, in 64-bit floats (see
studio.audio.dsp): two decks given the same rate never drift apart, and a loop wraps on its
exact sample. Python only changes the rate, the loop bounds and the target of a jump, between
audio blocks.

A jump (hot cue, beat jump, sync, cue) must not click, so there are two heads reading the same
table: the one not sounding is sent to the new place and the two are crossfaded over
JUMP_FADE_S. The loop bounds apply to both heads; with no loop they are the whole table.

A new track goes into a table of its own (studio.audio.shared_table: shared memory, made at
once), a few seconds of samples at a time, while the deck goes on playing the old one; the
heads move over to it when it is whole.
"""

from __future__ import annotations

import numpy as np

from studio.audio.dsp import pyo

from studio.audio.shared_table import TrackTable

JUMP_FADE_S = 0.004  # crossfade between the two heads when the position jumps
PLAY_FADE_S = 0.004  # play and pause fade the sound over this long (pause also slows to a stop)
RATE_GLIDE_S = 0.02  # a tempo change glides over this long, so a fader never steps
PAD_S = 1.0  # silence kept after the end of the track (and read when scratching before 0)
EMPTY_FRAMES = 1024  # the table of a deck with no track


class DeckPlayer:
    def __init__(self, server: pyo.Server):
        self._server = server
        self._jump: tuple[float, int] | None = None  # (target frame, server time) until a block has read it
        self.sample_rate = int(server.getSamplingRate())
        self.pad_frames = round(PAD_S * self.sample_rate)
        self.table = pyo.DataTable(size=EMPTY_FRAMES, chnls=2)
        self._track_table: TrackTable | None = None  # what self.table reads, once a track is loaded
        self._incoming: TrackTable | None = None  # a track being copied in
        self.track_frames = 0  # the loaded track's length, 0 when empty
        self._table_frames = EMPTY_FRAMES
        self.rate = pyo.SigTo(0.0, time=RATE_GLIDE_S, init=0.0)  # 1.0: normal speed; < 0: backwards
        self._play_gain = pyo.SigTo(0.0, time=PLAY_FADE_S, init=0.0)
        self._phasor_freq = self.rate * (self.sample_rate / self._table_frames)
        self._loop_start = pyo.Sig(0.0)  # normalised to the table: 0..1
        self._loop_end = pyo.Sig(1.0)
        self._heads = [_Head(self) for _ in range(2)]
        self._active = 0
        self._heads[0].gain.value = 1.0
        self._heads[0].gain.setTime(0.0)
        self.output = pyo.Mix([head.sound for head in self._heads], voices=2, mul=self._play_gain)
        # A trigger on the first sample a stopped deck plays (a take recorded over the deck is
        # lined up with it, as with the beat's Sequencer.song_started).
        self.started = pyo.Thresh(self._play_gain, threshold=1e-9, dir=0)
        # What stops while the deck is idle (set_awake); the positions keep being computed.
        self._sound_objects = [obj for head in self._heads for obj in (head.reader, head.sound)] + [self.output]
        self._speed = 0.0  # the rate last asked for
        self.loop_frames: tuple[int, int] | None = None

    # --- the table ---------------------------------------------------------------------
    def begin_load(self, frames: int) -> None:
        """A new track of this many frames is about to be copied in (copy_in, then end_load);
        the deck goes on playing what it has until then."""
        if self._incoming is not None:
            self._incoming.close()
        self._incoming = TrackTable(frames + self.pad_frames)  # the pad stays silent

    def copy_in(self, first_frame: int, stereo: np.ndarray) -> None:
        """Copy a chunk of the new track (frames, 2) in at first_frame."""
        end = first_frame + len(stereo)
        left, right = self._incoming.channels
        left[first_frame:end] = stereo[:, 0]
        right[first_frame:end] = stereo[:, 1]

    def end_load(self, frames: int) -> None:
        """The whole track is in: stop, read the new table, and stand at its start."""
        incoming, self._incoming = self._incoming, None
        self.pause(brake=False)
        self.set_loop(None)
        for head in self._heads:
            head.reader.table = incoming.table
        # The old table goes only now that nothing reads it.
        old, self._track_table, self.table = self._track_table, incoming, incoming.table
        if old is not None:
            old.close()
        self._table_frames = frames + self.pad_frames
        self._phasor_freq.mul = self.sample_rate / self._table_frames
        self.track_frames = frames
        self.jump_to(0)

    def cancel_load(self) -> None:
        if self._incoming is not None:
            self._incoming.close()
            self._incoming = None

    @property
    def shared_memory(self) -> bool:
        """The track is in shared memory (False: a plain table, when /dev/shm had no room)."""
        return self._track_table is not None and self._track_table.shared

    # --- playing ---------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return self._play_gain.value > 0.0

    def play(self, rate: float) -> None:
        """Start at once at this rate, fading the sound in (a CDJ starts at full speed; a
        position left on a whole frame stays on whole frames)."""
        self._speed = rate
        self.rate.setTime(0.0)
        self.rate.value = rate
        self._play_gain.value = 1.0

    def pause(self, brake: bool = True) -> None:
        """Fade out while slowing to a stop over PLAY_FADE_S; brake=False stops the position at
        once (before a jump that must land exactly, such as back to the cue point)."""
        self.rate.setTime(PLAY_FADE_S if brake else 0.0)
        self.rate.value = 0.0
        self._play_gain.value = 0.0

    def set_rate(self, rate: float, glide_s: float = RATE_GLIDE_S) -> None:
        """A new speed while playing (tempo, nudge, sync, scratch); kept for the next play."""
        self._speed = rate
        if self.playing:
            self.rate.setTime(glide_s)
            self.rate.value = rate

    @property
    def speed(self) -> float:
        return self._speed

    # --- where it is ------------------------------------------------------------------------
    def position_frames(self) -> float:
        """Where the sounding head read its last sample (at the end of the last audio block).
        Scratched back past the start it reads the silence at the table's end: negative here.
        Just after a jump, before the audio has moved on, it is where the jump goes."""
        if self._jump is not None:
            if self._server.getCurrentTimeInSamples() == self._jump[1]:
                return self._jump[0]
            self._jump = None
        position = self._heads[self._active].index.get() * self._table_frames
        if position > self._table_frames - self.pad_frames / 2:
            position -= self._table_frames
        return position

    def jump_to(self, frame: float) -> None:
        """Continue from frame at the next audio block, crossfading from where it was. A jump
        out of the loop ends the loop."""
        if self.loop_frames and not self.loop_frames[0] <= frame < self.loop_frames[1]:
            self.set_loop(None)
        old, new = self._heads[self._active], self._heads[1 - self._active]
        new.phasor.phase = frame / self._table_frames
        new.phasor.reset()
        self._jump = (frame, self._server.getCurrentTimeInSamples())
        old.gain.setTime(JUMP_FADE_S)
        new.gain.setTime(JUMP_FADE_S)
        old.gain.value = 0.0
        new.gain.value = 1.0
        self._active = 1 - self._active

    # --- loops --------------------------------------------------------------------------------
    def set_loop(self, loop_frames: tuple[int, int] | None, roll: bool = False) -> None:
        """Loop between two frames from the next block, or stop looping (None).

        Ending a loop carries on from where the loop had got to; ending a roll (roll=True)
        carries on from where the track would have been had it never looped, which is where
        the heads' own positions already are: the loop only folds what they read.
        """
        was = self.loop_frames
        self.loop_frames = loop_frames
        if loop_frames is None:
            if was is not None and not roll:
                self._unfold_heads(was)
            self._loop_start.value, self._loop_end.value = 0.0, 1.0
            return
        start, end = loop_frames
        if not 0 <= start < end:
            raise ValueError(f"a loop must start before it ends, got {start}..{end}")
        self._loop_start.value = start / self._table_frames
        self._loop_end.value = end / self._table_frames

    def _unfold_heads(self, loop_frames: tuple[int, int]) -> None:
        """Set each head's free position to the folded one it is sounding, so leaving the loop is seamless."""
        start, end = (frame / self._table_frames for frame in loop_frames)
        length = end - start
        for head in self._heads:
            free = head.phasor.get()
            if free >= start:
                free = start + (free - start) % length
            # The next block would have read free + one step; start it exactly there.
            step = self.rate.get() * 1.0 / self._table_frames
            head.phasor.phase = free + step
            head.phasor.reset()

    def set_awake(self, awake: bool) -> None:
        """An idle deck (stopped, faded out) stops reading: it costs almost nothing."""
        for obj in self._sound_objects:
            if awake and not obj.isPlaying():
                obj.play()
            elif not awake and obj.isPlaying():
                obj.stop()


class _Head:
    """One reading head: a position of its own, folded by the deck's loop, and a gain."""

    def __init__(self, deck: DeckPlayer):
        self.phasor = pyo.Phasor(freq=deck._phasor_freq)
        self.index = pyo.Wrap(self.phasor, min=deck._loop_start, max=deck._loop_end)
        self.reader = pyo.Pointer2(deck.table, self.index, interp=4, autosmooth=False)
        self.gain = pyo.SigTo(0.0, time=JUMP_FADE_S, init=0.0)
        self.sound = self.reader * self.gain
