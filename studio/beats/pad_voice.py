"""One drum pad as a pyo graph: plays its one-shot when the sequencer, a touch or MIDI hits it.

Velocity, volume, pan, pitch (by playback speed), a low-pass filter and choke groups; note
repeat while a finger holds the pad; and, for recording, where in the song each touch, MIDI or
repeated hit fell.
"""

from __future__ import annotations

import numpy as np
from studio.audio.dsp import pyo, trigenv_dur_s

from studio.audio.levels import db_to_amp
from studio.beats.model import PadSettings

CHOKE_FADE_S = 0.005  # a choked sound fades out this fast: quick, but no click
OPEN_CUTOFF_HZ = 20000.0
# A hit triggered on sample n plays its one-shot's first sample on n + this (see set_sample).
PLAYBACK_OFFSET_SAMPLES = 1
FILTER_SWITCH_S = 0.005


class PadVoice:
    """One pad: plays its one-shot when the sequencer or a touch triggers it."""

    def __init__(
        self,
        table_size: int,
        sample: np.ndarray | None,
        sample_rate: int,
        tick_trig,
        tick_index,
        since_tick,
        midi_note,
        settings: PadSettings,
        repeat_trig,
    ):
        """tick_trig/tick_index: the song's ticks (silent when stopped); since_tick: samples since
        the last tick; repeat_trig: the note-repeat grid (runs even when stopped)."""
        self._sample_rate = sample_rate
        self.song = pyo.DataTable(size=table_size, init=[0.0] * table_size)  # velocity per song tick
        velocity = pyo.TableIndex(self.song, tick_index)
        is_hit = pyo.Compare(velocity, 0.0, ">")
        step_gate = is_hit * tick_trig
        self.touch = pyo.Trig().stop()  # a Trig fires when made unless stopped
        self.touch_velocity = pyo.Sig(1.0)
        # Note repeat: while held, the pad plays on every line of the repeat grid at the touch's
        # velocity, but not on a line just after the touch itself (no flam): `clear_of_touch`
        # is 0 for the hold-off after each touch, then 1 (see set_repeat_holdoff).
        self.held = pyo.Sig(0.0)
        self.clear_of_touch = pyo.TrigLinseg(self.touch, [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)])
        repeat_hit = repeat_trig * self.held * self.clear_of_touch
        touch_or_repeat = pyo.Max(self.touch, repeat_hit)
        midi_hit = midi_note["trigon"]
        # Exactly 1 on a hit from the sequencer, a touch, a repeat or MIDI (pyo triggers are == 1).
        self.gate = pyo.Max(pyo.Max(step_gate, touch_or_repeat), midi_hit)
        velocity_in = pyo.Max(
            pyo.Max(velocity * step_gate, self.touch_velocity * touch_or_repeat), midi_note["velocity"] * midi_hit
        )
        held_velocity = pyo.SampHold(velocity_in, self.gate, 1.0)
        self._hit_signals = (touch_or_repeat, midi_hit, velocity_in, tick_index, since_tick)
        self._listening: list = []  # the objects that note live hits, while recording (listen)
        self.live_hits_read = 0
        self.choke = pyo.Sig(0.0)  # set to the other pads' gates of this pad's choke group
        start_gain = db_to_amp(settings.volume_db)
        self.gain = pyo.SigTo(start_gain, time=0.02, init=start_gain)  # changes glide: no zipper noise
        # A latch, 1 after this pad's own hit and 0 after a choke: samples (1 + own - choke) / 2
        # whenever either fires. It opens at once on a hit; a choke fades the tail out over a
        # few ms instead of clicking. The fade is a straight line that ends on exactly 0: an
        # exponential one would decay into denormal numbers, which cost the CPU many times more.
        latch_input = (self.gate - self.choke + 1.0) * 0.5
        latch = pyo.SampHold(latch_input, pyo.Max(self.gate, self.choke), 1.0)
        fade = pyo.TrigLinseg(self.choke, [(0.0, 1.0), (CHOKE_FADE_S, 0.0)])
        self.alive = pyo.Max(latch, fade)
        self.table = pyo.DataTable(size=2)
        self.length_s = 0.0
        self.player = pyo.TrigEnv(self.gate, table=self.table, dur=0.001, mul=held_velocity * self.gain * self.alive)
        # The low-pass only runs when closed: open, the one-shot passes untouched.
        self.filter = pyo.Biquad(self.player, freq=OPEN_CUTOFF_HZ, q=0.707, type=0).stop()
        self.pan = pyo.Pan(self.player, outs=2, pan=0.5)
        self._filtering = False
        self._keep = [velocity, is_hit, step_gate, repeat_hit, touch_or_repeat, midi_hit, velocity_in, held_velocity,
                      latch_input, latch, fade]
        self.kit_gain_db, self.kit_pan = 0.0, 0.0
        self.set_sample(sample)
        self.apply(settings)

    def switch_off(self) -> None:
        """Stop computing this pad for good (offline renders of pads that never play: a pad costs
        the graph about as much silent as sounding). Its output is silence from then on."""
        for value in [*vars(self).values(), *self._keep]:
            if isinstance(value, pyo.PyoObject):
                value.stop()

    def set_repeat_holdoff(self, holdoff_s: float) -> None:
        """How long after a touch the repeat grid does not play this pad again."""
        self.clear_of_touch.setList([(0.0, 0.0), (holdoff_s, 0.0), (holdoff_s, 1.0)])

    def listen(self, on: bool) -> None:
        """While on (recording), note where in the song each touch, repeat or MIDI hit falls
        (read with live_hits and the live_* signals). Off, nothing is built: it costs nothing."""
        if on and not self._listening:
            touch_or_repeat, midi_hit, velocity_in, tick_index, since_tick = self._hit_signals
            live_hit = pyo.Max(touch_or_repeat, midi_hit)
            self.live_hit_count = pyo.Counter(live_hit, min=0, max=2**24)  # shows the count before each hit
            one = pyo.Sig(1.0)
            self.has_live_hit = pyo.SampHold(one, live_hit, 1.0)  # 0 until the first hit
            self.live_tick = pyo.SampHold(tick_index, live_hit, 1.0)
            self.live_offset = pyo.SampHold(since_tick, live_hit, 1.0)
            self.live_velocity = pyo.SampHold(velocity_in, live_hit, 1.0)
            self.live_hits_read = 0
            self._listening = [live_hit, one, self.live_hit_count, self.has_live_hit, self.live_tick,
                               self.live_offset, self.live_velocity]
        elif not on:
            self._listening = []

    def live_hits(self) -> int:
        """How many touch, repeat or MIDI hits this pad has had since it began to listen."""
        if not self._listening:
            return 0
        return int(self.live_hit_count.get()) + 1 if self.has_live_hit.get() > 0.5 else 0

    def set_sample(self, sample: np.ndarray | None) -> None:
        if sample is None or len(sample) == 0:
            sample = np.zeros(2, dtype=np.float32)
        mono = sample.mean(axis=1) if sample.ndim == 2 else sample
        # TrigEnv outputs its table's first value once more when it ends: a silent first
        # sample keeps every one-shot from clicking at its end (and delays it by that sample).
        silence = np.zeros(PLAYBACK_OFFSET_SAMPLES, dtype=np.float32)
        mono = np.concatenate([silence, mono.astype(np.float32)])
        table = pyo.DataTable(size=len(mono), init=mono.tolist())
        # Point the player at the new table before the old one is released: pyo frees a
        # table's memory with its Python object, even while a player still reads it.
        self.player.table = table
        self._previous_table, self.table = self.table, table
        self.length_s = len(mono) / self._sample_rate
        self._set_duration()

    def set_kit_gain_pan(self, gain_db: float, pan: float) -> None:
        """The kit's own level and placement of this sound, under the beat's pad settings."""
        self.kit_gain_db, self.kit_pan = gain_db, pan
        self.apply(self.settings)

    def apply(self, settings: PadSettings) -> None:
        self.settings = settings
        self.gain.value = db_to_amp(settings.volume_db + self.kit_gain_db)
        pan = min(1.0, max(-1.0, settings.pan + self.kit_pan))
        self.pan.pan = (pan + 1.0) / 2.0
        self._set_filter(settings.cutoff_hz)
        self._set_duration()

    def _set_filter(self, cutoff_hz: float) -> None:
        filtering = cutoff_hz < OPEN_CUTOFF_HZ
        self.filter.freq = cutoff_hz
        if filtering != self._filtering:
            if filtering:
                self.filter.play()
            self.pan.setInput(self.filter if filtering else self.player, fadetime=FILTER_SWITCH_S)
            if not filtering:
                self.filter.stop()
            self._filtering = filtering

    def _set_duration(self) -> None:
        # Pitch by playback speed: a semitone up plays the one-shot 2**(1/12) times faster.
        ratio = 2.0 ** (getattr(self, "settings", PadSettings()).pitch_semitones / 12.0)
        self.player.dur = trigenv_dur_s(round(self.length_s * self._sample_rate), self._sample_rate, ratio)
