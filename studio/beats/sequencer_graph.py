"""The drum machine as a pyo graph: a tick clock, the song laid out in tables, 16 pad voices.

A hit at exact time t triggers on sample floor(t * sr) (see schedule.py), and each one-shot
sounds from the next sample (PLAYBACK_OFFSET_SAMPLES).

Timing lives in the graph. A pyo Seq counts small units (UNITS_PER_PAIR per pair of steps)
and fires a tick trigger (TICKS_PER_STEP per step) on the sample schedule.py predicts; a
Counter turns triggers into the song's tick index; per pad, a table holds the velocity of every
song tick, read at that index on the same sample. Python only rewrites tables and parameters
between audio blocks: an edit changes what the next ticks play, never when they play.

The clock runs from the moment the graph is built, playing or not, so note repeat keeps time
when the song is stopped; play() restarts it on the next block and opens the song's gate.
Tempo changes keep the beat's phase (the clock's units just get shorter or longer), swing
changes apply from the next pair of steps, pattern edits from the next tick.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from studio.audio.dsp import pyo

from studio.beats.click_track import ClickTrack
from studio.beats.model import MAX_CHAIN_LENGTH, PAD_COUNT, STEP_COUNTS, TICKS_PER_STEP, Beat
from studio.beats.pad_sounds import PadSounds
from studio.beats.pad_voice import PLAYBACK_OFFSET_SAMPLES, PadVoice  # noqa: F401  (re-exported for tests)
from studio.beats.schedule import (
    TICKS_PER_PAIR, UNITS_PER_PAIR, pair_duration_s, song_tick_velocities, tick_time_s, tick_units,
)

MAX_SONG_STEPS = MAX_CHAIN_LENGTH * max(STEP_COUNTS)
MAX_COUNT_IN_STEPS = 2 * 16  # two bars
TABLE_STEPS = MAX_SONG_STEPS + MAX_COUNT_IN_STEPS  # the count-in is laid out after the song
TABLE_TICKS = TABLE_STEPS * TICKS_PER_STEP
# Note repeat: name -> ticks between repeats. Every song is a whole number of pairs of steps
# long, so a grid counted in pairs from the song's start stays on the song's grid as it loops.
REPEAT_RATES = {"1/8": 2 * TICKS_PER_STEP, "1/16": TICKS_PER_STEP, "1/32": TICKS_PER_STEP // 2}
# A grid line this soon after a touch (a share of the repeat interval) does not play again:
# the touch itself was that hit, a little early.
REPEAT_HOLDOFF = 0.5
# Units a hair longer than exact, so a step due exactly on a sample lands on it every time
# instead of, now and then, one sample early through floating-point rounding (see schedule.py).
UNIT_STRETCH = 1.0 + 1e-12


def unit_duration_s(bpm: float) -> float:
    return float(pair_duration_s(bpm)) / UNITS_PER_PAIR * UNIT_STRETCH


class LiveHit(NamedTuple):
    pad: int
    velocity: float
    song_position: float  # in steps from the song's start, with the fraction of a step (to a tick)


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
        self.midi_notes = list(notes)
        self.midi_in = [pyo.Notein(poly=1, scale=0, first=note, last=note) for note in notes]
        for notein in self.midi_in:
            notein.setStealing(True)  # a new hit always plays, even if the last note-off was lost
        sample_rate = int(server.getSamplingRate())
        self.clock = pyo.Seq(time=unit_duration_s(beat.bpm), seq=tick_units(beat.swing)).play()
        self._tick_units = tick_units(beat.swing)
        self.tick_index = pyo.Counter(self.clock, min=0, max=1)  # the song tick, looping
        self._since_tick = pyo.Count(self.clock)  # samples since the last tick
        # Ticks since play, for renders that end mid-song: ticks from the limit on are silent.
        self._ticks_played = pyo.Counter(self.clock, min=0, max=2**30)
        self._tick_limit = pyo.Sig(2**30)
        self._allowed = pyo.Compare(self._ticks_played, self._tick_limit, "<")
        self._song_gate = pyo.Sig(0.0)  # 1 while the song plays
        self.tick_trig = self.clock * self._allowed * self._song_gate
        # Fires once, on the first sample of the first tick after play() (the count-in's, if
        # any): where a take marks the start of its backing, to the sample.
        self.song_started = self.tick_trig * pyo.Compare(self._ticks_played, 0.0, "==")
        # The note-repeat grid: which ticks of a pair of steps repeat a held pad (1) or not (0).
        self._repeat_counter = pyo.Counter(self.clock, min=0, max=TICKS_PER_PAIR)  # tick in the pair
        self._repeat_grid = pyo.DataTable(size=TICKS_PER_PAIR, init=[0.0] * TICKS_PER_PAIR)
        self._on_repeat_line = pyo.TableIndex(self._repeat_grid, self._repeat_counter)
        self.repeat_trig = self.clock * self._on_repeat_line
        self.beat = beat
        self.voices = [
            PadVoice(TABLE_TICKS, pad_samples[pad] if pad < len(pad_samples) else None, sample_rate,
                     self.tick_trig, self.tick_index, self._since_tick, self.midi_in[pad], beat.pads[pad],
                     self.repeat_trig)
            for pad in range(PAD_COUNT)
        ]
        self.click = ClickTrack(self.tick_trig, self.tick_index, TABLE_TICKS)
        self._wire_chokes()
        self._pads_level = pyo.SigTo(1.0, time=0.005, init=1.0)  # 0: the click alone (a take's backing)
        self._pads = pyo.Mix([voice.pan for voice in self.voices], voices=2, mul=self._pads_level)
        self.output = pyo.Mix([self._pads, self.click.output], voices=2)
        self.playing = False
        self.counting_in = False
        self._song_ticks = 0
        self._sample_rate = sample_rate
        self._tables: list[np.ndarray | None] = [None] * PAD_COUNT
        self.note_repeat, self._repeating = "1/16", False  # off until set_note_repeat
        self._holdoff_s: float | None = None
        self.set_beat(beat)

    def play(self, count_in_steps: int = 0) -> None:
        """Start on the next audio block: from the song's first step, or after a count-in.

        The count-in is laid out after the song in the click's table: the tick counter starts
        there and its loop is made one count-in longer; tick() shortens the loop back to the
        song once the count-in is over (a whole song's time to do it, never a timing matter).
        """
        if not 0 <= count_in_steps <= MAX_COUNT_IN_STEPS:
            raise ValueError(f"a count-in can be 0..{MAX_COUNT_IN_STEPS} steps, got {count_in_steps}")
        song_steps = self._song_ticks // TICKS_PER_STEP
        self.click.lay_out(song_steps, count_in_steps)
        self.counting_in = count_in_steps > 0
        self._count_in_seen = False
        if self.counting_in:
            self.tick_index.max = self._song_ticks + count_in_steps * TICKS_PER_STEP
            self.tick_index.reset(self._song_ticks)
        else:
            self.tick_index.reset()
        self._ticks_played.reset()
        self._repeat_counter.reset()
        self.clock.stop()  # restarted: its first tick falls on the first sample of the next block
        self.clock.play()
        self._song_gate.value = 1.0
        self.playing = True

    def tick(self) -> None:
        """Call a few times a second: ends the count-in's longer loop once the song has begun."""
        if not self.counting_in:
            return
        in_count_in = self.tick_index.get() >= self._song_ticks
        if in_count_in:
            self._count_in_seen = True  # the counter has moved there (a reset shows a block late)
        elif self._count_in_seen:
            self.tick_index.max = self._song_ticks
            self.counting_in = False

    @property
    def step(self) -> int:
        """The song step playing now (meaningful while playing)."""
        return int(self.tick_index.get()) // TICKS_PER_STEP

    def set_pads_heard(self, heard: bool) -> None:
        """False: the pads are silent and only the click is heard (a metronome to sing over)."""
        self._pads_level.value = 1.0 if heard else 0.0

    def set_metronome(self, enabled: bool) -> None:
        self.click.enabled.value = 1.0 if enabled else 0.0

    def set_note_repeat(self, rate: str | None) -> None:
        """How fast a held pad repeats: "1/8", "1/16" or "1/32"; None turns note repeat off."""
        if rate is None:
            for pad in range(PAD_COUNT):
                self.hold_pad(pad, False)
            self._repeating = False
            return
        if rate not in REPEAT_RATES:
            raise ValueError(f"note repeat must be one of {', '.join(REPEAT_RATES)}, got {rate!r}")
        self._repeating = True
        self.note_repeat = rate
        every = REPEAT_RATES[rate]
        self._repeat_grid.replace([1.0 if tick % every == 0 else 0.0 for tick in range(TICKS_PER_PAIR)])
        self._set_repeat_holdoff()

    def hold_pad(self, pad: int, held: bool) -> None:
        """While held (and note repeat is on), the pad plays again on every line of the grid."""
        self.voices[pad].held.value = 1.0 if held and self._repeating else 0.0

    def _set_repeat_holdoff(self) -> None:
        tick_s = float(pair_duration_s(self.beat.bpm)) / TICKS_PER_PAIR
        holdoff_s = REPEAT_HOLDOFF * REPEAT_RATES[self.note_repeat] * tick_s
        if holdoff_s != self._holdoff_s:
            self._holdoff_s = holdoff_s
            for voice in self.voices:
                voice.set_repeat_holdoff(holdoff_s)

    def listen(self, on: bool) -> None:
        """Start (or stop) noting live hits for read_live_hits: on while recording."""
        for voice in self.voices:
            voice.listen(on)

    def read_live_hits(self) -> list[LiveHit]:
        """Touch, repeat and MIDI hits since the last call (while listening), with where in the
        song they fell.

        Read often while recording (the engine does, 100 times a second). Each pad holds its
        latest hit, so a pad hit twice between two reads reports its second hit only.
        """
        hits = []
        for pad, voice in enumerate(self.voices):
            count = voice.live_hits()
            if count != voice.live_hits_read:
                voice.live_hits_read = count
                position = self._song_position(int(voice.live_tick.get()), voice.live_offset.get())
                hits.append(LiveHit(pad, round(float(voice.live_velocity.get()), 4), position))  # float32 in pyo
        return hits

    def _song_position(self, tick: int, samples_into_tick: float) -> float:
        """Song position in steps; negative during a count-in (-1.0 is one step before the song)."""
        length_samples = float(tick_time_s(tick + 1, self.beat.bpm, self.beat.swing)
                               - tick_time_s(tick, self.beat.bpm, self.beat.swing)) * self._sample_rate
        position = tick + min(samples_into_tick / length_samples, 1.0)
        if tick >= self._song_ticks:  # in the count-in, which is laid out after the song
            position -= self.tick_index.max
        return position / TICKS_PER_STEP

    def stop(self) -> None:
        """Silence the song at once; the clock runs on (note repeat keeps time)."""
        self._song_gate.value = 0.0
        self.playing = False
        self.counting_in = False

    def set_beat(self, beat: Beat) -> None:
        """Take a changed beat: new hits, tempo, swing or pad settings apply from now on."""
        velocities = song_tick_velocities(beat)
        song_ticks = velocities.shape[1]
        if song_ticks > MAX_SONG_STEPS * TICKS_PER_STEP:
            raise ValueError(f"a song can have at most {MAX_SONG_STEPS} steps, "
                             f"this one has {song_ticks // TICKS_PER_STEP}")
        for pad, (voice, settings) in enumerate(zip(self.voices, beat.pads)):
            previous = self._tables[pad]
            if previous is None or previous.shape != velocities[pad].shape or (previous != velocities[pad]).any():
                table = np.zeros(TABLE_TICKS)
                table[:song_ticks] = velocities[pad]
                voice.song.replace(table.tolist())  # only rows that changed: 50 000 values each
                self._tables[pad] = velocities[pad]
            voice.apply(settings)
        self._song_ticks = song_ticks
        if not self.counting_in:
            self.tick_index.max = song_ticks
        count_in_ticks = int(self.tick_index.max) - song_ticks if self.counting_in else 0
        self.click.lay_out(song_ticks // TICKS_PER_STEP, count_in_ticks // TICKS_PER_STEP)
        self.clock.time = unit_duration_s(beat.bpm)
        units = tick_units(beat.swing)
        if units != self._tick_units:
            self.clock.seq = units  # pyo takes a new sequence when the old one ends: the next pair
            self._tick_units = units
        previous_chokes = self._choke_groups()
        self.beat = beat
        self._set_repeat_holdoff()
        if previous_chokes != self._choke_groups():
            self._wire_chokes()

    def set_kit_choke_groups(self, groups: list[int]) -> None:
        self._kit_chokes = list(groups)
        self._wire_chokes()

    def set_midi_notes(self, notes: list[int]) -> None:
        self.midi_notes = list(notes)
        for notein, note in zip(self.midi_in, notes):
            notein.setFirst(note)
            notein.setLast(note)

    def _choke_groups(self) -> list[int]:
        """Each pad's choke group: the beat's setting, or else the kit's (closed hat cuts open hat)."""
        return [pad.choke_group or kit for pad, kit in zip(self.beat.pads, self._kit_chokes)]

    def switch_off_pads(self, pads: list[int]) -> None:
        """For offline renders: these pads will never play (no hits, no touch, no MIDI), so stop
        computing them. A render with 4 of 16 pads playing took 102 µs a block instead of 162."""
        for pad in pads:
            self.voices[pad].switch_off()
            self.midi_in[pad].stop()

    def limit_steps(self, step_count: int) -> None:
        """Play only the first ``step_count`` steps after play() (for renders of N bars)."""
        self._tick_limit.value = step_count * TICKS_PER_STEP

    def set_kit_gain_pan(self, gains_db: list[float], pans: list[float]) -> None:
        for voice, gain_db, pan in zip(self.voices, gains_db, pans):
            voice.set_kit_gain_pan(gain_db, pan)

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
