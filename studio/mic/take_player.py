"""Playing a take back, with its backing in time or on its own.

Built with the graph, before the master bus, so it is computed in the same block as the
sequencer (a player made later would be heard a block late). A take plays from the
sequencer's own first tick (Sequencer.song_started) when it plays with its backing, so the two
start on the same sample; skip_frames (the take's align_frames) drops the count-in and the
recording's round trip, so the voice lands where it was sung.
"""

from __future__ import annotations

import pyo

GLIDE_S = 0.01


class TakePlayer:
    def __init__(self, song_started: pyo.PyoObject):
        self._placeholder = pyo.DataTable(size=2)
        self._table = self._placeholder
        self._with_backing = pyo.Sig(0.0)
        self._start_now = pyo.Trig().stop()  # a Trig fires when made unless stopped
        self._level = pyo.SigTo(0.0, time=GLIDE_S, init=0.0)
        self._trigger = pyo.Max(song_started * self._with_backing, self._start_now)
        # One sample later, as the pads: a one-shot triggered on sample n sounds from n + 1
        # (pad_voice.PLAYBACK_OFFSET_SAMPLES), so a take and its beat start together.
        self._late_trigger = pyo.Delay1(self._trigger)
        self._player = pyo.TrigEnv(self._late_trigger, table=self._placeholder, dur=0.001, mul=self._level)
        self.output = pyo.Mix(self._player, voices=2)  # the voice in the middle
        self.duration_s = 0.0

    def load(self, path: str, skip_frames: int, sample_rate: int) -> float:
        """Load a take's sound from skip_frames on; returns how long it plays, in seconds.
        OSError (or pyo's own error) when the file cannot be read."""
        table = pyo.SndTable(str(path), start=skip_frames / sample_rate)
        if table.getSize(all=False) <= 1:
            raise OSError(f"the take has no sound after its first {skip_frames} frames: {path}")
        # Point the player at the new table before the old one is let go (pyo frees a table
        # with its Python object, even while a player reads it).
        self._player.table = table
        self._previous, self._table = self._table, table
        self.duration_s = table.getDur(all=False)
        self._player.dur = self.duration_s
        return self.duration_s

    def start(self, with_backing: bool) -> None:
        """Play from the backing's first tick (the caller starts the backing now), or at once."""
        self._level.value = 1.0
        if with_backing:
            self._with_backing.value = 1.0
        else:
            self._with_backing.value = 0.0
            self._start_now.play()

    def stop(self) -> None:
        self._with_backing.value = 0.0
        self._level.value = 0.0
