"""A beat pattern played for a clip's bars through the drum machine's own graph, offline.

    render_pattern(song, name, bars, sounds, sample_rate, work=None) -> float32 (frames, 2)
    render_pattern_parts(...) -> the same, as a RepeatedAudio when most of it is copies (the mixdown's)

The drum machine's Sequencer (studio.beats.sequencer_graph) plays a copy of the song's beat
whose chain is the one pattern, on a pyo manual server, block by block, so an export sounds as
the Beats app does. That costs about 0.1 ms of CPU per 256-frame block whatever the block size
(the clock works per sample): 3 s for a 3-minute clip on a slow tablet.

A looping pattern repeats itself, so most of that work can be copied instead of redone, without
changing one sample. When a whole number of loops (the "period") lasts a whole number of samples
(at 120 BPM and 48 kHz a 16-step loop is 96000 samples; most whole-number tempos have a short
period), every hit of a later period falls exactly one period of samples after its twin, and
when no sound lasts longer than a period, what rings into a period is the same each time. Then
the graph plays only the first periods and the clip's end, and the periods between are copies
of the second period: out[0:N] is the start (nothing rings in from before), out[N:2N] repeats,
then the end. Before copying, the second and third periods rendered are compared; if they are
not the same to within -120 dBFS the whole clip is rendered after all (REPEAT_TOLERANCE).
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from studio.beats.model import STEPS_PER_BEAT
from studio.beats.schedule import step_sample, step_time_s
from studio.export.song import BEATS_PER_BAR

STEPS_PER_BAR = STEPS_PER_BEAT * BEATS_PER_BAR
BUFFER_SIZE = 256  # the engine's block
CHUNK_BLOCKS = 64  # 16384 frames (a third of a second at 48 kHz) between progress reports and cancel checks
TAIL_S = 2.0  # at most this long after the last bar, for the last hits to ring out
SILENT_AMP = 1e-4  # -80 dBFS: the song's tail is cut after the last sample louder than this
PATTERN_WEIGHT = 1.0  # share of the mixdown's work per frame of a pattern clip
REPEAT_TOLERANCE = 1e-6  # -120 dBFS: two rendered periods this close are the same sound
MAX_PERIOD_S = 60.0  # a period longer than this saves too little to be worth it
RING_MARGIN_S = 0.1  # a sound's low-pass filter and choke fade ring a little past its samples


def render_pattern(song, name: str, bars: int, sounds, sample_rate: int, work=None) -> np.ndarray:
    """The pattern played for `bars` bars at the song's tempo, then its ring-out: float32 (frames, 2).

    The hit on the pattern's first step sounds from sample PLAYBACK_OFFSET_SAMPLES, as live.
    work: the mixdown's progress and cancel (advance(frames * weight)), or None."""
    audio = render_pattern_parts(song, name, bars, sounds, sample_rate, work)
    return audio.whole() if isinstance(audio, RepeatedAudio) else audio


@dataclass
class RepeatedAudio:
    """A looping pattern's audio as its parts, the repeats not written out (a 3-minute beat is
    69 MB): `first` from frame 0, then `period` `copies` times, then `rest`. float32 (frames, 2)."""
    first: np.ndarray
    period: np.ndarray
    copies: int
    rest: np.ndarray

    def __len__(self) -> int:
        return len(self.first) + self.copies * len(self.period) + len(self.rest)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self), self.first.shape[1]

    def pieces(self):
        """(first frame, audio) for each part in turn, each copy of the period as its own."""
        yield 0, self.first
        for copy_index in range(self.copies):
            yield len(self.first) + copy_index * len(self.period), self.period
        yield len(self.first) + self.copies * len(self.period), self.rest

    def whole(self) -> np.ndarray:
        out = np.empty(self.shape, np.float32)  # filled once, no tile
        for first, part in self.pieces():
            out[first:first + len(part)] = part
        return out


def render_pattern_parts(song, name: str, bars: int, sounds, sample_rate: int,
                         work=None) -> np.ndarray | RepeatedAudio:
    """render_pattern()'s audio: as a RepeatedAudio when most of it is copies of one period (see
    the module's notes), else whole."""
    steps = bars * STEPS_PER_BAR
    period = repeat_period(song, name, sounds, sample_rate)
    if period is not None:
        period_steps, period_frames = period
        copies = steps // period_steps - 3  # keep at least three periods and the end to render
        if copies >= 1:
            rendered = _render_steps(song, name, steps - copies * period_steps, sounds, sample_rate, work)
            second = rendered[period_frames:2 * period_frames]
            third = rendered[2 * period_frames:3 * period_frames]
            if np.max(np.abs(second - third), initial=0.0) <= REPEAT_TOLERANCE:
                if work is not None:
                    work.advance(copies * period_frames * PATTERN_WEIGHT)
                return RepeatedAudio(rendered[:period_frames], second, copies, rendered[period_frames:])
            if work is not None:  # not the same: start again the slow way, counting from here
                work.advance(-(len(rendered) - round(TAIL_S * sample_rate)) * PATTERN_WEIGHT)
    return _render_steps(song, name, steps, sounds, sample_rate, work)


def repeat_period(song, name: str, sounds, sample_rate: int) -> tuple[int, int] | None:
    """(steps, frames) of the shortest whole number of the pattern's loops that lasts a whole
    number of samples and at least as long as its longest sound; None when there is none under
    MAX_PERIOD_S."""
    pattern = song.beat.patterns[name]
    loop_steps = pattern.step_count * (1 if pattern.step_count % 2 == 0 else 2)  # whole swing pairs
    loop_frames = step_time_s(loop_steps, song.bpm, song.beat.swing) * sample_rate  # exact: a Fraction
    loops = Fraction(loop_frames).denominator  # the fewest loops lasting a whole number of samples
    longest = _longest_sound_frames(song, sounds, sample_rate)
    loops *= max(1, math.ceil(longest / (loops * loop_frames)))
    if loops * loop_frames > MAX_PERIOD_S * sample_rate:
        return None
    return loops * loop_steps, int(loops * loop_frames)


def _longest_sound_frames(song, sounds, sample_rate: int) -> float:
    """How long the longest pad's sound plays, at its pitch (a lower pitch plays slower)."""
    longest = 0.0
    for sample, settings in zip(sounds.samples, song.beat.pads):
        if sample is not None:
            speed = 2.0 ** (settings.pitch_semitones / 12.0)
            longest = max(longest, len(sample) / speed)
    return longest + RING_MARGIN_S * sample_rate


def _render_steps(song, name: str, steps: int, sounds, sample_rate: int, work) -> np.ndarray:
    """The pattern's first `steps` steps through the Sequencer, then up to TAIL_S of ring-out
    (cut short once it is silent): float32 (step_sample(steps) + TAIL_S frames, 2)."""
    from studio.audio.dsp import pyo
    from studio.audio.servers import make_server
    from studio.beats.sequencer_graph import Sequencer

    beat = copy.deepcopy(song.beat)
    beat.bpm, beat.chain = song.bpm, [name]
    music_end = step_sample(steps, song.bpm, 0.5, sample_rate)  # whole swing pairs: no swing
    frames = music_end + round(TAIL_S * sample_rate)
    chunk = CHUNK_BLOCKS * BUFFER_SIZE
    out = np.zeros((math.ceil(frames / chunk) * chunk, 2), np.float32)
    server = make_server("manual", sample_rate, BUFFER_SIZE, 2)
    try:
        server.start()
        sequencer = Sequencer(server, sounds.samples, beat, sounds.choke_groups, sounds.midi_notes)
        sequencer.set_kit_gain_pan(sounds.gains_db, sounds.pans)
        sequencer.limit_steps(steps)
        rows = beat.patterns[name].rows
        sequencer.switch_off_pads([pad for pad, (row, sample) in enumerate(zip(rows, sounds.samples))
                                   if sample is None or not row.hits()])
        # A ring one chunk long, written from its first sample: after each chunk of blocks it
        # holds exactly that chunk, in order. Made after the sequencer, so computed after it.
        ring = pyo.DataTable(size=chunk, chnls=2)
        position = pyo.Count(pyo.Trig(), min=0, max=chunk - 1)
        writer = pyo.TableWrite(sequencer.output, position, ring, mode=1)
        sequencer.play()
        for start in range(0, len(out), chunk):
            for _ in range(CHUNK_BLOCKS):
                server.process()
            buffers = [np.asarray(ring.getBuffer(channel)) for channel in range(2)]
            out[start:start + chunk] = np.stack(buffers, axis=1)
            del buffers  # no view of pyo's memory outlives the server
            if work is not None:
                work.advance(min(chunk, max(0, music_end - start)) * PATTERN_WEIGHT)  # the tail is not counted
            if start >= music_end and not np.any(np.abs(out[start:start + chunk]) > SILENT_AMP / 100):
                break  # the last hits have rung out: the rest of the tail is silence
        del writer, position, ring, sequencer
    finally:
        server.stop()
        server.shutdown()
    return out[:frames]
