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

from typing import NamedTuple

import numpy as np
import pyo

from studio.beats.click_track import ClickTrack
from studio.beats.model import MAX_CHAIN_LENGTH, PAD_COUNT, STEP_COUNTS, Beat
from studio.beats.pad_sounds import PadSounds
from studio.beats.pad_voice import PLAYBACK_OFFSET_SAMPLES, PadVoice  # noqa: F401  (re-exported for tests)
from studio.beats.schedule import UNITS_PER_PAIR, pair_duration_s, song_velocities, step_time_s, swing_units

MAX_SONG_STEPS = MAX_CHAIN_LENGTH * max(STEP_COUNTS)
MAX_COUNT_IN_STEPS = 2 * 16  # two bars
TABLE_STEPS = MAX_SONG_STEPS + MAX_COUNT_IN_STEPS  # the count-in is laid out after the song
# Units a hair longer than exact, so a step due exactly on a sample lands on it every time
# instead of, now and then, one sample early through floating-point rounding (see schedule.py).
UNIT_STRETCH = 1.0 + 1e-12


def unit_duration_s(bpm: float) -> float:
    return float(pair_duration_s(bpm)) / UNITS_PER_PAIR * UNIT_STRETCH


class LiveHit(NamedTuple):
    pad: int
    velocity: float
    song_position: float  # in steps from the song's start, with the fraction of a step


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
        self._since_step = pyo.Count(self.clock)  # samples since the last step began
        # Steps since play, for renders that end mid-song: steps from the limit on are silent.
        self._steps_played = pyo.Counter(self.clock, min=0, max=2**24)
        self._step_limit = pyo.Sig(2**24)
        self._allowed = pyo.Compare(self._steps_played, self._step_limit, "<")
        self.step_trig = self.clock * self._allowed
        self.beat = beat
        self.voices = [
            PadVoice(TABLE_STEPS, pad_samples[pad] if pad < len(pad_samples) else None, sample_rate,
                     self.step_trig, self.step_index, self._since_step, self.midi_in[pad], beat.pads[pad])
            for pad in range(PAD_COUNT)
        ]
        self.click = ClickTrack(self.step_trig, self.step_index, TABLE_STEPS)
        self._wire_chokes()
        self.output = pyo.Mix([voice.pan for voice in self.voices] + [self.click.output], voices=2)
        self.playing = False
        self.counting_in = False
        self._song_length = 0
        self._sample_rate = sample_rate
        self.set_beat(beat)

    def play(self, count_in_steps: int = 0) -> None:
        """Start on the next audio block: from the song's first step, or after a count-in.

        The count-in is laid out after the song in the click's table: the step counter starts
        there and its loop is made one count-in longer; tick() shortens the loop back to the
        song once the count-in is over (a whole song's time to do it, never a timing matter).
        """
        if not 0 <= count_in_steps <= MAX_COUNT_IN_STEPS:
            raise ValueError(f"a count-in can be 0..{MAX_COUNT_IN_STEPS} steps, got {count_in_steps}")
        self.click.lay_out(self._song_length, count_in_steps)
        self.counting_in = count_in_steps > 0
        self._count_in_seen = False
        if self.counting_in:
            self.step_index.max = self._song_length + count_in_steps
            self.step_index.reset(self._song_length)
        else:
            self.step_index.reset()
        self._steps_played.reset()
        self.clock.play()
        self.playing = True

    def tick(self) -> None:
        """Call a few times a second: ends the count-in's longer loop once the song has begun."""
        if not self.counting_in:
            return
        in_count_in = self.step_index.get() >= self._song_length
        if in_count_in:
            self._count_in_seen = True  # the counter has moved there (a reset shows a block late)
        elif self._count_in_seen:
            self.step_index.max = self._song_length
            self.counting_in = False

    def set_metronome(self, enabled: bool) -> None:
        self.click.enabled.value = 1.0 if enabled else 0.0

    def read_live_hits(self) -> list[LiveHit]:
        """Touch and MIDI hits since the last call, with where in the song they fell.

        Read a few times a second for recording. Each pad holds its latest hit, so a pad hit
        twice between two reads reports its second hit only.
        """
        hits = []
        for pad, voice in enumerate(self.voices):
            count = voice.live_hits()
            if count != voice.live_hits_read:
                voice.live_hits_read = count
                position = self._song_position(int(voice.live_step.get()), voice.live_offset.get())
                hits.append(LiveHit(pad, round(float(voice.live_velocity.get()), 4), position))  # float32 in pyo
        return hits

    def _song_position(self, step: int, samples_into_step: float) -> float:
        """Song position in steps; negative during a count-in (-1.0 is one step before the song)."""
        length_samples = float(step_time_s(step + 1, self.beat.bpm, self.beat.swing)
                               - step_time_s(step, self.beat.bpm, self.beat.swing)) * self._sample_rate
        position = step + min(samples_into_step / length_samples, 1.0)
        if step >= self._song_length:  # in the count-in, which is laid out after the song
            position -= self.step_index.max
        return position

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
            voice.song.replace(pad_velocities + [0.0] * (TABLE_STEPS - song_length))
            voice.apply(settings)
        self._song_length = song_length
        if not self.counting_in:
            self.step_index.max = song_length
        self.click.lay_out(song_length, int(self.step_index.max) - song_length if self.counting_in else 0)
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
