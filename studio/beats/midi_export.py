"""A beat as a standard MIDI file, to open in any DAW or play on any General MIDI device.

Type 1: track 0 holds the title, tempo and 4/4 time signature, track 1 the drums on channel 10
(mido channel 9), one General MIDI drum note per pad. The song is the beat's chain, each pattern
played once in turn. Swing moves the off-beat sixteenths (model.step_time_beats), and hits
recorded between steps keep their place within the swung step; mute and solo are respected (model.audible_rows). A row shorter than its pattern loops within it and starts
again with each pattern. Pad sounds (volume, pan, pitch, filter) are not exported: the device
playing the file uses its own drum kit.
"""

from __future__ import annotations

import io
import os
from typing import Sequence

import mido

from studio.beats.beat_file import check_beat, write_file_atomically
from studio.beats.model import (
    PAD_COUNT, STEPS_PER_BEAT, TICKS_PER_STEP as SEQUENCER_TICKS_PER_STEP, Beat, Pattern, audible_rows,
    step_time_beats,
)

TICKS_PER_BEAT = 480
TICKS_PER_STEP = TICKS_PER_BEAT // STEPS_PER_BEAT
DRUM_CHANNEL = 9  # "channel 10" in General MIDI's counting from 1
# Shorter than the smallest gap between two hits: half of the shortest step (60 ticks, off-beat to beat at the hardest
# swing), so two hits on one note never overlap.
NOTE_LENGTH_TICKS = 30

GM_PAD_NOTES: tuple[int, ...] = (
    36,  # kick (bass drum 1)
    38,  # snare
    42,  # closed hi-hat
    46,  # open hi-hat
    39,  # hand clap
    37,  # side stick (rim)
    41,  # low floor tom
    45,  # low tom
    48,  # hi-mid tom
    49,  # crash cymbal 1
    51,  # ride cymbal 1
    56,  # cowbell
    54,  # tambourine
    75,  # claves
    63,  # open high conga
    64,  # low conga
)


def check_pad_notes(pad_notes: Sequence[int]) -> list[int]:
    notes = list(pad_notes)
    if len(notes) != PAD_COUNT:
        raise ValueError(f"pad_notes must have {PAD_COUNT} notes, one per pad, got {len(notes)}")
    for pad, note in enumerate(notes):
        if isinstance(note, bool) or not isinstance(note, int) or not 0 <= note <= 127:
            raise ValueError(f"pad_notes[{pad}] must be a note in range 0..127, got {note!r}")
    return notes


def midi_velocity(velocity: float) -> int:
    """A step's velocity (0 < v <= 1) as MIDI velocity 1..127; the softest hit still sounds."""
    return max(1, min(127, round(velocity * 127)))


def step_tick(step_index: int, swing: float) -> int:
    """When a step starts, in ticks from the start of its pattern, swing applied."""
    return round(step_time_beats(step_index, swing) * TICKS_PER_BEAT)


def pattern_ticks(pattern: Pattern) -> int:
    return pattern.step_count * TICKS_PER_STEP


def song_ticks(beat: Beat) -> int:
    """The length of the song (the chain of patterns), in ticks."""
    return sum(pattern_ticks(beat.patterns[name]) for name in beat.chain)


def _note_events(beat: Beat, pad_notes: list[int]) -> list[tuple[int, int, mido.Message]]:
    """(tick, order, message) for every note of the song; at one tick, note-offs come first."""
    events = []
    start_tick = 0
    for name in beat.chain:
        pattern = beat.patterns[name]
        for row in audible_rows(pattern):
            note = pad_notes[row.pad]
            for step in range(pattern.step_count):
                row_step = step % row.length
                step_start = step_tick(step, beat.swing)
                step_length = step_tick(step + 1, beat.swing) - step_start
                for tick, velocity in row.hits_in_step(row_step).items():
                    into_step = tick - row_step * SEQUENCER_TICKS_PER_STEP
                    on_tick = start_tick + step_start + round(into_step * step_length / SEQUENCER_TICKS_PER_STEP)
                    events.append((on_tick, 1, mido.Message(
                        "note_on", channel=DRUM_CHANNEL, note=note, velocity=midi_velocity(velocity))))
                    events.append((on_tick + NOTE_LENGTH_TICKS, 0, mido.Message(
                        "note_off", channel=DRUM_CHANNEL, note=note, velocity=0)))
        start_tick += pattern_ticks(pattern)
    events.sort(key=lambda event: (event[0], event[1], event[2].note))
    return events


def _track(name: str, events: list[tuple[int, mido.Message]], end_tick: int) -> mido.MidiTrack:
    """A track from events at absolute ticks (sorted); MIDI stores the ticks since the last event."""
    track = mido.MidiTrack([mido.MetaMessage("track_name", name=name, time=0)])
    last_tick = 0
    for tick, message in events:
        track.append(message.copy(time=tick - last_tick))
        last_tick = tick
    track.append(mido.MetaMessage("end_of_track", time=end_tick - last_tick))
    return track


def beat_to_midi(beat: Beat, pad_notes: Sequence[int] = GM_PAD_NOTES) -> mido.MidiFile:
    check_beat(beat)
    notes = check_pad_notes(pad_notes)
    end_tick = song_ticks(beat)
    tempo_events = [
        (0, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(beat.bpm))),
        (0, mido.MetaMessage("time_signature", numerator=4, denominator=4)),
    ]
    drum_events = [(tick, message) for tick, _, message in _note_events(beat, notes)]
    # UTF-8 so any title can be written (mido's default, Latin-1, cannot write "🥁").
    midi = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT, charset="utf-8")
    midi.tracks.append(_track(beat.title, tempo_events, end_tick))
    midi.tracks.append(_track("Drums", drum_events, end_tick))
    return midi


def export_midi(beat: Beat, path: str | os.PathLike, pad_notes: Sequence[int] = GM_PAD_NOTES) -> None:
    """Write the beat as a standard MIDI file, atomically (the old file stays until the new is whole)."""
    buffer = io.BytesIO()
    beat_to_midi(beat, pad_notes).save(file=buffer)
    write_file_atomically(path, buffer.getvalue(), what="The MIDI file")
