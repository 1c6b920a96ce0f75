"""The drum machine as a pyo graph: a step clock, the song laid out in tables, 16 pad voices.

A step at exact time t triggers its hits on sample floor(t * sr) (see schedule.py), and each
one-shot sounds from the next sample (PLAYBACK_OFFSET_SAMPLES).

Timing lives in the graph. A pyo Seq counts small units (UNITS_PER_PAIR per pair of steps)
and fires a step trigger on the sample schedule.py predicts; a Counter turns triggers into
the song's step index; per pad, a table holds the velocity of every song step, read at that
index on the same sample. Python only rewrites tables and parameters between audio blocks:
an edit changes what the next steps play, never when they play.

Tempo changes keep the beat's phase (the clock's units just get shorter or longer), swing
changes apply from the next pair of steps, pattern edits from the next step.
"""

from __future__ import annotations

import numpy as np
import pyo

from studio.audio.levels import db_to_amp
from studio.beats.model import MAX_CHAIN_LENGTH, PAD_COUNT, STEP_COUNTS, Beat, PadSettings
from studio.beats.pad_sounds import PadSounds
from studio.beats.schedule import UNITS_PER_PAIR, pair_duration_s, song_velocities, swing_units

MAX_SONG_STEPS = MAX_CHAIN_LENGTH * max(STEP_COUNTS)
# Units a hair longer than exact, so a step due exactly on a sample lands on it every time
# instead of, now and then, one sample early through floating-point rounding (see schedule.py).
UNIT_STRETCH = 1.0 + 1e-12
CHOKE_FADE_S = 0.005  # a choked sound fades out this fast: quick, but no click
OPEN_CUTOFF_HZ = 20000.0
# A hit triggered on sample n plays its one-shot's first sample on n + this (see set_sample).
PLAYBACK_OFFSET_SAMPLES = 1
FILTER_SWITCH_S = 0.005


def unit_duration_s(bpm: float) -> float:
    return float(pair_duration_s(bpm)) / UNITS_PER_PAIR * UNIT_STRETCH


class _PadVoice:
    """One pad: plays its one-shot when the sequencer or a touch triggers it."""

    def __init__(
        self, sample: np.ndarray | None, sample_rate: int, step_trig, step_index, midi_note, settings: PadSettings
    ):
        self._sample_rate = sample_rate
        self.song = pyo.DataTable(size=MAX_SONG_STEPS, init=[0.0] * MAX_SONG_STEPS)
        velocity = pyo.TableIndex(self.song, step_index)
        is_hit = pyo.Compare(velocity, 0.0, ">")
        step_gate = is_hit * step_trig
        self.touch = pyo.Trig().stop()  # a Trig fires when made unless stopped
        self.touch_velocity = pyo.Sig(1.0)
        midi_hit = midi_note["trigon"]
        # Exactly 1 on a hit from the sequencer, a touch or MIDI (pyo triggers are == 1).
        self.gate = pyo.Max(pyo.Max(step_gate, self.touch), midi_hit)
        velocity_in = pyo.Max(
            pyo.Max(velocity * step_gate, self.touch_velocity * self.touch), midi_note["velocity"] * midi_hit
        )
        held_velocity = pyo.SampHold(velocity_in, self.gate, 1.0)
        self.choke = pyo.Sig(0.0)  # set to the other pads' gates of this pad's choke group
        start_gain = db_to_amp(settings.volume_db)
        self.gain = pyo.SigTo(start_gain, time=0.02, init=start_gain)  # changes glide: no zipper noise
        # A latch, 1 after this pad's own hit and 0 after a choke: samples (1 + own - choke) / 2
        # whenever either fires. It opens at once on a hit; a choke fades the tail out over a
        # few ms instead of clicking (Port has no instant time, hence the Max).
        latch_input = (self.gate - self.choke + 1.0) * 0.5
        latch = pyo.SampHold(latch_input, pyo.Max(self.gate, self.choke), 1.0)
        fade = pyo.Port(latch, risetime=0.001, falltime=CHOKE_FADE_S, init=1.0)
        self.alive = pyo.Max(latch, fade)
        self.table = pyo.DataTable(size=2)
        self.length_s = 0.0
        self.player = pyo.TrigEnv(self.gate, table=self.table, dur=0.001, mul=held_velocity * self.gain * self.alive)
        # The low-pass only runs when closed: open, the one-shot passes untouched.
        self.filter = pyo.Biquad(self.player, freq=OPEN_CUTOFF_HZ, q=0.707, type=0).stop()
        self.pan = pyo.Pan(self.player, outs=2, pan=0.5)
        self._filtering = False
        self._keep = [velocity, is_hit, step_gate, midi_hit, velocity_in, held_velocity, latch_input, latch, fade]
        self.set_sample(sample)
        self.apply(settings)

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

    def apply(self, settings: PadSettings) -> None:
        self.settings = settings
        self.gain.value = db_to_amp(settings.volume_db)
        self.pan.pan = (settings.pan + 1.0) / 2.0
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
        self.player.dur = max(self.length_s / ratio, 0.001)


class Sequencer:
    """Plays a Beat. Build on a running server of any mode; ``output`` is stereo."""

    def __init__(
        self,
        server: pyo.Server,
        pad_samples: list[np.ndarray | None],
        beat: Beat,
        kit_choke_groups: list[int] | None = None,
        midi_notes: list[int] | None = None,
    ):
        """kit_choke_groups: the kit's own choke group per pad, used where the beat's pad says 0.
        midi_notes: the MIDI note that plays each pad (default: General MIDI drums)."""
        self._server = server
        self._kit_chokes = list(kit_choke_groups or [0] * PAD_COUNT)
        # MIDI note-ons play pads in the graph, in the audio block they arrive in. pyo only
        # receives MIDI on JACK; under other servers these stay silent (tests inject events).
        notes = midi_notes or PadSounds.silent().midi_notes
        self.midi_in = [pyo.Notein(poly=1, scale=0, first=note, last=note) for note in notes]
        for notein in self.midi_in:
            notein.setStealing(True)  # a new hit always plays, even if the last note-off was lost
        sample_rate = int(server.getSamplingRate())
        first, second = swing_units(beat.swing)
        self.clock = pyo.Seq(time=unit_duration_s(beat.bpm), seq=[first, second])
        self.step_index = pyo.Counter(self.clock, min=0, max=1)  # the song step, looping
        # Steps since play, for renders that end mid-song: steps from the limit on are silent.
        self._steps_played = pyo.Counter(self.clock, min=0, max=2**24)
        self._step_limit = pyo.Sig(2**24)
        self._allowed = pyo.Compare(self._steps_played, self._step_limit, "<")
        self.step_trig = self.clock * self._allowed
        self.beat = beat
        self.voices = [
            _PadVoice(pad_samples[pad] if pad < len(pad_samples) else None, sample_rate,
                      self.step_trig, self.step_index, self.midi_in[pad], beat.pads[pad])
            for pad in range(PAD_COUNT)
        ]
        self._wire_chokes()
        self.output = pyo.Mix([voice.pan for voice in self.voices], voices=2)
        self.playing = False
        self.set_beat(beat)

    def play(self) -> None:
        """Start from the first step of the song, on the next audio block."""
        self.step_index.reset()
        self._steps_played.reset()
        self.clock.play()
        self.playing = True

    def stop(self) -> None:
        self.clock.stop()
        self.playing = False

    def set_beat(self, beat: Beat) -> None:
        """Take a changed beat: new steps, tempo, swing or pad settings apply from now on."""
        velocities = song_velocities(beat)
        song_length = len(velocities[0])
        if song_length > MAX_SONG_STEPS:
            raise ValueError(f"a song can have at most {MAX_SONG_STEPS} steps, this one has {song_length}")
        for voice, pad_velocities, settings in zip(self.voices, velocities, beat.pads):
            voice.song.replace(pad_velocities + [0.0] * (MAX_SONG_STEPS - song_length))
            voice.apply(settings)
        self.step_index.max = song_length
        self.clock.time = unit_duration_s(beat.bpm)
        self.clock.seq = list(swing_units(beat.swing))
        previous_chokes = self._choke_groups()
        self.beat = beat
        if previous_chokes != self._choke_groups():
            self._wire_chokes()

    def set_kit_choke_groups(self, groups: list[int]) -> None:
        self._kit_chokes = list(groups)
        self._wire_chokes()

    def set_midi_notes(self, notes: list[int]) -> None:
        for notein, note in zip(self.midi_in, notes):
            notein.setFirst(note)
            notein.setLast(note)

    def _choke_groups(self) -> list[int]:
        """Each pad's choke group: the beat's setting, or else the kit's (closed hat cuts open hat)."""
        return [pad.choke_group or kit for pad, kit in zip(self.beat.pads, self._kit_chokes)]

    def limit_steps(self, step_count: int) -> None:
        """Play only the first ``step_count`` steps after play() (for renders of N bars)."""
        self._step_limit.value = step_count

    def set_sample(self, pad: int, sample: np.ndarray | None) -> None:
        self.voices[pad].set_sample(sample)

    def hit_pad(self, pad: int, velocity: float) -> None:
        """Play a pad now (touch or MIDI): on the first sample of the next audio block."""
        voice = self.voices[pad]
        voice.touch_velocity.value = velocity
        voice.touch.play()

    def _wire_chokes(self) -> None:
        """Feed each pad the hits of the other pads in its choke group.

        The group's hits are summed after the voices are computed, so a choke acts one audio
        block (about 5 ms) after the hit that causes it.
        """
        groups = self._choke_groups()
        for pad, voice in enumerate(self.voices):
            others = [v.gate for p, v in enumerate(self.voices) if p != pad and groups[pad] and groups[p] == groups[pad]]
            if others:
                voice.choke_sum = pyo.Clip(pyo.Mix(others, voices=1), 0.0, 1.0)  # two at once still == 1
                voice.choke.value = voice.choke_sum
            else:
                voice.choke_sum = None
                voice.choke.value = 0.0
