"""A piece: a style played at a tempo, in a key, through sections; and its rendering to samples.

Every hit and note lands on the exact sample its step gives (render.Grid), so the tempo and
first downbeat a piece declares are the truth of the audio. Humanising is in loudness only
(velocities), never in time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from studio.decks.demo_synth.harmony import Key, line_note, voice_chord
from studio.decks.demo_synth.notation import (
    PatternNote, chord_hits, drum_hits, line_notes, melody_degree, melody_notes, pattern_steps,
)
from studio.decks.demo_synth.render import (
    Grid, StereoBus, duck_gain, echo, lowpass, master, reverb, vinyl_crackle,
)
from studio.decks.demo_synth.style import Part, Section, Style
from studio.decks.demo_synth.voices import kit_sound, play_note

CEILING_DBFS = -1.5  # a little under the -1 dBFS promised
CHOKE_FADE_MS = 4.0
FADE_OUT_S = 0.05  # a piece cut to a length ends with this fade


@dataclass(frozen=True)
class Piece:
    style: Style
    bpm: float
    key: Key
    sections: tuple[Section, ...]
    seed: int
    first_downbeat_s: float = 0.0
    pickup: dict[str, str] = field(default_factory=dict)  # drum voice -> one bar played before the downbeat
    tail_s: float = 2.5  # after the last bar: the final hit rings out
    ending_hit: bool = True  # kick and crash on the downbeat after the last bar
    seconds: float | None = None  # cut to exactly this long (the tempo set); None: until the tail ends
    swing: float | None = None  # None: the style's
    ceiling_dbfs: float = CEILING_DBFS  # no sample passes this

    def grid(self, sample_rate: int) -> Grid:
        swing = self.style.swing if self.swing is None else self.swing
        return Grid(self.bpm, self.first_downbeat_s, sample_rate, self.style.steps_per_beat, swing)

    @property
    def bars(self) -> int:
        return sum(section.bars for section in self.sections)

    def frames(self, sample_rate: int) -> int:
        if self.seconds is not None:
            return round(self.seconds * sample_rate)
        return self.grid(sample_rate).frame_at(self.bars * self.style.steps_per_beat * 4) + round(
            self.tail_s * sample_rate)

    def section_starts_s(self) -> list[float]:
        bar_s = 4 * 60.0 / self.bpm
        starts, bar = [], 0
        for section in self.sections:
            starts.append(self.first_downbeat_s + bar * bar_s)
            bar += section.bars
        return starts


@dataclass
class RenderedPiece:
    samples: np.ndarray  # (frames, 2) float32
    sample_rate: int
    grid: Grid
    hit_frames: dict[str, list[int]]  # drum voice -> the samples its hits start on


@dataclass
class _Hit:
    voice: str
    frame: int
    gain: float


class _Mixer:
    """Where a piece's hits and notes go: a drum bus, a music bus and the effect sends."""

    def __init__(self, piece: Piece, sample_rate: int):
        self.piece, self.style, self.sample_rate = piece, piece.style, sample_rate
        self.grid = piece.grid(sample_rate)
        self.frames = piece.frames(sample_rate)
        self.drums, self.music, self.ducked = (StereoBus(self.frames) for _ in range(3))
        self.reverb_send, self.echo_send = StereoBus(self.frames), StereoBus(self.frames)
        self.hits: list[_Hit] = []
        self.rng = np.random.default_rng(piece.seed)

    def humanise(self, velocity: float, spread: float = 0.12) -> float:
        return velocity * (1.0 - spread * float(self.rng.random()))

    # ---- drums --------------------------------------------------------------------------------

    def drum_bar(self, groove: dict[str, str], bar: int, first_step: int) -> None:
        """One bar of a groove (bar: the bar's index within its section) starting at first_step."""
        steps_per_bar = self.grid.steps_per_bar
        for voice, pattern in groove.items():
            loop_bar = bar % (pattern_steps(pattern) // steps_per_bar)
            for hit in drum_hits(pattern):
                if loop_bar * steps_per_bar <= hit.step < (loop_bar + 1) * steps_per_bar:
                    step = first_step + hit.step - loop_bar * steps_per_bar
                    self.hit(voice, step, hit.velocity)

    def hit(self, voice: str, step: float, velocity: float) -> None:
        frame = self.grid.frame_at(step)
        if 0 <= frame < self.frames:
            drum = self.style.drums[voice]
            self.hits.append(_Hit(voice, frame, self.humanise(velocity) ** 1.5 * 10 ** (drum.gain_db / 20)))

    def mix_drums(self) -> dict[str, list[int]]:
        next_in_group = self._choke_ends()
        for index, hit in enumerate(self.hits):
            drum = self.style.drums[hit.voice]
            samples, kit_pan = kit_sound(drum.sound, self.sample_rate)
            end = next_in_group.get(index)
            if end is not None and end - hit.frame < len(samples):
                samples = _choked(samples, end - hit.frame, self.sample_rate)
            pan = kit_pan if drum.pan is None else drum.pan
            self.drums.add(samples, hit.frame, hit.gain, pan)
            if drum.send:
                self.reverb_send.add(samples, hit.frame, hit.gain * drum.send, pan)
        frames: dict[str, list[int]] = {}
        for hit in sorted(self.hits, key=lambda h: h.frame):
            frames.setdefault(hit.voice, []).append(hit.frame)
        return frames

    def _choke_ends(self) -> dict[int, int]:
        """For each hit in a choke group: the frame of the group's next hit, where it is cut off."""
        ends: dict[int, int] = {}
        groups: dict[str, list[int]] = {}
        for index, hit in enumerate(self.hits):
            group = self.style.drums[hit.voice].choke
            if group:
                groups.setdefault(group, []).append(index)
        for indices in groups.values():
            indices.sort(key=lambda i: self.hits[i].frame)
            for this, following in zip(indices, indices[1:]):
                if self.hits[following].frame > self.hits[this].frame:
                    ends[this] = self.hits[following].frame
        return ends

    # ---- melodic parts ------------------------------------------------------------------------

    def chord_at(self, section_step: int) -> int:
        chord_steps = round(self.style.chord_bars * self.grid.steps_per_bar)
        return self.style.chords[(section_step // chord_steps) % len(self.style.chords)]

    def part_bar(self, part: Part, bar: int, first_step: int, section_end_step: int) -> None:
        steps_per_bar = self.grid.steps_per_bar
        loop_bar = bar % (pattern_steps(part.pattern) // steps_per_bar)
        notes = {"line": line_notes, "chords": chord_hits, "melody": melody_notes}[part.kind](part.pattern)
        for note in notes:
            if not loop_bar * steps_per_bar <= note.step < (loop_bar + 1) * steps_per_bar:
                continue
            step_in_bar = note.step - loop_bar * steps_per_bar
            start_step = first_step + step_in_bar
            length_steps = min(note.length_steps, section_end_step - start_step)
            section_step = bar * steps_per_bar + step_in_bar
            self.play(part, note, start_step, length_steps, self.chord_at(section_step))

    def play(self, part: Part, note: PatternNote, start_step: int, length_steps: int, chord_degree: int) -> None:
        key = self.piece.key
        if part.kind == "line":
            pitches = [line_note(key, chord_degree, note.symbol, part.octave)]
        elif part.kind == "melody":
            pitches = [key.degree_note(melody_degree(note.symbol), part.octave)]
        else:
            chord = key.chord_notes(chord_degree, part.octave, part.chord_size)
            pitches = voice_chord(chord, 12 * (part.octave + 1) + key.root + 4)
        start = self.grid.frame_at(start_step)
        length = self.grid.frame_at(start_step + length_steps) - start
        if note.symbol == "-":  # a dead note: short and quiet
            length = max(1, length // 3)
        accent = 1.0 if start_step % self.grid.steps_per_beat == 0 else 0.88
        gain = self.humanise(note.velocity * accent, 0.1) ** 1.3 * 10 ** (part.gain_db / 20)
        strum = round(part.strum_ms / 1000 * self.sample_rate)
        spread = np.linspace(-0.35, 0.35, len(pitches)) if len(pitches) > 1 else [0.0]
        bus = self.ducked if part.duck else self.music
        for index, (pitch, pan) in enumerate(zip(pitches, spread)):
            samples = play_note(part.instrument, pitch, length, self.sample_rate)
            at = start + index * strum
            bus.add(samples, at, gain, float(np.clip(part.pan + pan, -1, 1)))
            if part.send:
                self.reverb_send.add(samples, at, gain * part.send, part.pan)
            if part.echo:
                self.echo_send.add(samples, at, gain * part.echo, part.pan)

    # ---- the mix --------------------------------------------------------------------------------

    def finish(self, kick_frames: list[int]) -> np.ndarray:
        style, rate = self.style, self.sample_rate
        if any(part.duck for part in style.parts.values()):
            self.ducked.scale(duck_gain(self.frames, kick_frames, style.duck_depth, 0.09, rate))
        self.music.mix_in(self.ducked)
        self.music.mix_in(echo(self.echo_send, round(self.grid.frame_at(style.echo_steps) - self.grid.frame_at(0)),
                               style.echo_feedback, rate))
        if style.music_lowpass_hz:
            self.music.left = lowpass(self.music.left, style.music_lowpass_hz, rate)
            self.music.right = lowpass(self.music.right, style.music_lowpass_hz, rate)
        mix = self.drums
        mix.mix_in(self.music)
        mix.mix_in(reverb(self.reverb_send, style.reverb_s, rate), 0.5)
        if style.crackle_dbfs is not None:
            mix.mix_in(vinyl_crackle(self.frames, rate, self.piece.seed + 2, style.crackle_dbfs))
        fade_s = FADE_OUT_S if self.piece.seconds is not None else 0.0
        return master(mix, rate, style.loudness_db, self.piece.ceiling_dbfs, fade_s)


def _choked(samples: np.ndarray, keep_frames: int, sample_rate: int) -> np.ndarray:
    fade = min(keep_frames, int(CHOKE_FADE_MS / 1000 * sample_rate))
    cut = samples[:keep_frames].copy()
    if fade > 1:
        cut[keep_frames - fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32).reshape(
            (-1,) + (1,) * (cut.ndim - 1))
    return cut


def render_piece(piece: Piece, sample_rate: int) -> RenderedPiece:
    """The piece as (frames, 2) float32 samples, no peak over piece.ceiling_dbfs."""
    mixer = _Mixer(piece, sample_rate)
    style, grid = piece.style, mixer.grid
    steps_per_bar = grid.steps_per_bar
    if piece.pickup:
        mixer.drum_bar(piece.pickup, 0, -steps_per_bar)
    bar_index = 0
    for section in piece.sections:
        first_bar_step = bar_index * steps_per_bar
        section_end = (bar_index + section.bars) * steps_per_bar
        if section.crash and style.crash:
            mixer.hit(style.crash, first_bar_step, 1.0)
        for bar in range(section.bars):
            step = first_bar_step + bar * steps_per_bar
            if mixer.grid.frame_at(step) >= mixer.frames:
                break
            last = bar == section.bars - 1
            groove_name = "fill" if section.fill and last and "fill" in style.grooves else section.groove
            if groove_name is not None:
                mixer.drum_bar(style.grooves[groove_name], bar, step)
            for part_name in section.parts:
                mixer.part_bar(style.parts[part_name], bar, step, section_end)
        bar_index += section.bars
    if piece.ending_hit and piece.seconds is None:
        mixer.hit(style.kick, bar_index * steps_per_bar, 1.0)
        if style.crash:
            mixer.hit(style.crash, bar_index * steps_per_bar, 1.0)
    hit_frames = mixer.mix_drums()
    samples = mixer.finish(hit_frames.get(style.kick, []))
    return RenderedPiece(samples, sample_rate, grid, hit_frames)


def bars_to_fill(seconds: float, bpm: float, first_downbeat_s: float) -> int:
    """How many bars of 4 beats it takes to reach `seconds` from the first downbeat."""
    return max(1, math.ceil((seconds - first_downbeat_s) / (4 * 60.0 / bpm)))
