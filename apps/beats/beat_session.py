"""The beat being made on the Beats screen: what is being edited, what the engine plays, saving.

Pure Python (no kivy), so all of it can be tested without a screen. Every change to the beat
goes through the BeatEditor (so it can be undone); after each one the engine is sent the beat
to play and the autosaver is told. The screen only draws what is here and calls these verbs.

What plays: while editing pattern X the engine plays X on its own, looping; in song mode it
plays the song (the chain of patterns). The engine is given a copy of the beat whose chain is
just [X]; the beat itself (and its file) keeps the real song.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Callable

from studio.beats.beat_file import PAD_SETTING_RANGES, Autosaver, BeatFileError
from studio.beats.editor import BeatEditor
from studio.beats.model import (
    MAX_BPM, MAX_CHAIN_LENGTH, MAX_SWING, MIN_BPM, MIN_SWING, PATTERN_NAMES, TICKS_PER_STEP, Beat,
)
from studio.beats.quantise import DEFAULT_QUANTISE, QUANTISE_GRIDS, quantised_tick
from studio.beats.schedule import song_steps, song_velocities
from studio.controls import NOTE_REPEAT_RATES
from studio.melody.instrument_synth import SOUNDS
from studio.melody.scales import SCALE_NAMES, fit_octave, pad_notes

# Step loudness: a tap on a step in loudness mode goes loud -> medium -> soft -> loud.
LOUD, MEDIUM, SOFT = 1.0, 0.7, 0.4
LOUDNESS_NAMES = {LOUD: "loud", MEDIUM: "medium", SOFT: "soft"}
# A pad hit at its very bottom plays at this velocity, at its top at 1 (unless fixed).
SOFTEST_PAD_HIT = 0.3
AUTOSAVE_DELAY_S = 1.0


def next_loudness(velocity: float) -> float:
    """The step's next loudness in loudness mode: off or loud -> medium -> soft -> loud."""
    if velocity <= 0:
        return LOUD
    if velocity > (LOUD + MEDIUM) / 2:
        return MEDIUM
    if velocity > (MEDIUM + SOFT) / 2:
        return SOFT
    return LOUD


def pad_hit_velocity(fraction_up: float, fixed: bool) -> float:
    """How hard a touch hits a pad: higher up the pad is louder; fixed loudness is always full."""
    if fixed:
        return 1.0
    fraction_up = min(1.0, max(0.0, fraction_up))
    return round(SOFTEST_PAD_HIT + (1.0 - SOFTEST_PAD_HIT) * fraction_up, 2)


class BeatSession:
    def __init__(self, client, beat: Beat, save_path, on_change: Callable[[str], None] | None = None,
                 on_problem: Callable[[str], None] | None = None,
                 clock_s: Callable[[], float] = time.monotonic):
        self.client = client
        self.on_change = on_change
        self.on_problem = on_problem
        self.clock_s = clock_s
        self.autosaver = Autosaver(save_path, delay_s=AUTOSAVE_DELAY_S, on_error=self._save_failed)
        self.editor = BeatEditor(beat, on_change=self._edited)
        self.pattern = "A"  # the pattern being edited (and heard, unless in song mode)
        self.pad = 0  # the selected pad, 0..15
        self.song_mode = False
        self.quantise = DEFAULT_QUANTISE  # how live recording places hits (quantise.QUANTISE_GRIDS)
        self._take = 0  # each recording is one undo step
        self._held_pads: set[int] = set()
        self._played_steps: list[tuple[str, int]] = []
        self._played_velocities: list[list[float]] = []
        self.send()
        self.send_keys()

    @property
    def beat(self) -> Beat:
        return self.editor.beat

    def current_pattern(self):
        return self.beat.patterns[self.pattern]

    def row(self, pad: int | None = None):
        return self.current_pattern().rows[self.pad if pad is None else pad]

    # ---- steps and rows ----------------------------------------------------------------------
    def tap_step(self, step: int, loudness_mode: bool = False) -> float:
        """On/off mode: a loud hit where there was none, silence where there was one.
        Loudness mode: off or loud -> medium -> soft -> loud. Returns the step's new velocity."""
        row = self.row()
        velocity = row.velocities[step]
        if not loudness_mode and row.hits_in_step(step):  # also hits recorded between this step and the next
            self.editor.clear_step(self.pattern, self.pad, step)
            return 0.0
        new_velocity = next_loudness(velocity) if loudness_mode else LOUD
        self.editor.set_velocity(self.pattern, self.pad, step, new_velocity)
        return new_velocity

    def change_row_length(self, delta: int) -> int:
        """The selected pad's row loops after one step more or fewer (1..the pattern's steps)."""
        length = min(self.current_pattern().step_count, max(1, self.row().length + delta))
        self.editor.set_row_length(self.pattern, self.pad, length)
        return length

    def toggle_mute(self) -> None:
        self.editor.set_mute(self.pattern, self.pad, not self.row().mute)

    def toggle_solo(self) -> None:
        self.editor.set_solo(self.pattern, self.pad, not self.row().solo)

    def set_step_count(self, step_count: int) -> None:
        self.editor.set_step_count(self.pattern, step_count)

    # ---- patterns and the song -----------------------------------------------------------------
    def select_pattern(self, name: str) -> None:
        if name not in PATTERN_NAMES:
            raise ValueError(f"pattern must be one of {PATTERN_NAMES[0]}..{PATTERN_NAMES[-1]}, got {name!r}")
        if name != self.pattern:
            self.pattern = name
            if not self.song_mode:
                self.send()
            self._tell("pattern")

    def copy_pattern_to(self, destination: str) -> None:
        """The pattern being edited is copied over destination, which is then edited."""
        if destination != self.pattern:
            self.editor.copy_pattern(self.pattern, destination)
            self.select_pattern(destination)

    def clear_pattern(self) -> None:
        self.editor.clear_pattern(self.pattern)

    def set_song_mode(self, on: bool) -> None:
        if on != self.song_mode:
            self.song_mode = on
            self.send()
            self._tell("song_mode")

    def add_to_song(self) -> bool:
        """Add the pattern being edited to the end of the song; False when the song is full."""
        if len(self.beat.chain) >= MAX_CHAIN_LENGTH:
            return False
        self.editor.set_chain(self.beat.chain + [self.pattern])
        return True

    def remove_last_from_song(self) -> bool:
        """False when only one pattern is left: a song needs at least one."""
        if len(self.beat.chain) <= 1:
            return False
        self.editor.set_chain(self.beat.chain[:-1])
        return True

    # ---- tempo, swing, pads, kit ---------------------------------------------------------------
    def change_bpm(self, delta: float) -> float:
        return self.editor.set_bpm(min(MAX_BPM, max(MIN_BPM, round(self.beat.bpm) + delta)))

    def tap_tempo(self) -> float | None:
        return self.editor.tap_tempo(self.clock_s())

    def change_swing(self, delta: float) -> float:
        swing = round(min(MAX_SWING, max(MIN_SWING, self.beat.swing + delta)), 4)
        self.editor.set_swing(swing)
        return swing

    def set_pad_setting(self, name: str, value: float) -> None:
        """Change the selected pad's sound (one undo step)."""
        self.editor.set_pad(self.pad, **{name: _fit(name, value)})

    def preview_pad_setting(self, name: str, value: float) -> None:
        """Let the engine play a setting while a finger slides, without an edit: the slide
        becomes one undo step when the finger lifts (set_pad_setting)."""
        beat = replace(self.beat, pads=list(self.beat.pads))
        beat.pads[self.pad] = replace(beat.pads[self.pad], **{name: _fit(name, value)})
        self.send(beat)

    def set_kit(self, name: str) -> None:
        self.editor.set_kit(name)

    def undo(self) -> bool:
        return self.editor.undo()

    def redo(self) -> bool:
        return self.editor.redo()

    # ---- the engine ----------------------------------------------------------------------------
    def played_beat(self, beat: Beat | None = None) -> Beat:
        beat = beat or self.beat
        return beat if self.song_mode else replace(beat, chain=[self.pattern])

    def send(self, beat: Beat | None = None) -> None:
        played = self.played_beat(beat)
        self._played_steps = song_steps(played)
        self._played_velocities = song_velocities(played)
        self.client.set_beat(played)

    @property
    def play_requested(self) -> bool:
        return self.client.value("beats", "playing") >= 0.5

    def play(self, on: bool) -> None:
        """Play, or stop (which also ends recording)."""
        if not on and self.record_requested:
            self.client.act("beats", "recording", 0.0)
        self.client.act("beats", "playing", 1.0 if on else 0.0)

    def hit_pad(self, pad: int, velocity: float) -> None:
        self.client.act("pads", f"hit_{pad + 1}", velocity)

    def hold_pad(self, pad: int, held: bool) -> None:
        """A finger stays on a pad (or lifts): with note repeat on, the engine repeats it meanwhile."""
        if held and self.note_repeat != "Off":
            self._held_pads.add(pad)
            self.client.act("pads", f"hold_{pad + 1}", 1.0)
        elif not held and pad in self._held_pads:
            self._held_pads.discard(pad)
            self.client.act("pads", f"hold_{pad + 1}", 0.0)

    # ---- note pads (Keys) ----------------------------------------------------------------------
    def play_note(self, pad: int, velocity: float) -> None:
        """A note pad is touched (velocity > 0) or let go (0)."""
        self.client.act("keys", f"note_{pad + 1}", velocity)

    def set_keys(self, name: str, value) -> None:
        """Choose the note pads' root, scale, sound or octave (an undoable edit, saved with the beat).
        The octave is kept within what the sound can play."""
        keys = self.beat.keys
        if name == "sound":
            self.editor.set_keys(sound=value, octave=fit_octave(value, keys.octave))
        elif name == "octave":
            self.editor.set_keys(octave=fit_octave(keys.sound, value))
        else:
            self.editor.set_keys(**{name: value})

    def key_notes(self) -> list[int]:
        keys = self.beat.keys
        return pad_notes(keys.root, keys.scale, keys.octave)

    def send_keys(self) -> None:
        """Tell the engine the beat's key, scale, sound and octave (only what it does not have)."""
        keys = self.beat.keys
        for control, value in (("sound", SOUNDS.index(keys.sound)), ("root", keys.root),
                               ("scale", SCALE_NAMES.index(keys.scale)), ("octave", keys.octave)):
            if self.client.value("keys", control) != value:
                self.client.act("keys", control, value)

    # ---- live recording ------------------------------------------------------------------------
    @property
    def record_requested(self) -> bool:
        return self.client.value("beats", "recording") >= 0.5

    def record(self, on: bool) -> None:
        """Start recording pad hits into the beat (after the count-in if stopped), or stop
        recording (the beat plays on). Each recording is one undo step."""
        if on and not self.record_requested:
            self._take += 1
        self.client.act("beats", "recording", 1.0 if on else 0.0)
        if on and not self.play_requested:  # the engine plays after its count-in; Play shows Stop
            self.client.act("beats", "playing", 1.0)

    def set_quantise(self, grid: str) -> None:
        if grid not in QUANTISE_GRIDS:
            raise ValueError(f"quantise must be one of {', '.join(QUANTISE_GRIDS)}, got {grid!r}")
        self.quantise = grid

    @property
    def count_in_bars(self) -> int:
        return int(self.client.value("beats", "count_in_bars"))

    def set_count_in_bars(self, bars: int) -> None:
        self.client.act("beats", "count_in_bars", bars)

    @property
    def metronome(self) -> bool:
        return self.client.value("beats", "metronome") >= 0.5

    def set_metronome(self, on: bool) -> None:
        self.client.act("beats", "metronome", 1.0 if on else 0.0)

    @property
    def note_repeat(self) -> str:
        """"Off", "1/8", "1/16" or "1/32"."""
        return NOTE_REPEAT_RATES.get(self.client.value("pads", "repeat"), "Off")

    def set_note_repeat(self, rate: str) -> None:
        values = {name: value for value, name in NOTE_REPEAT_RATES.items()} | {"Off": 0.0}
        if rate not in values:
            raise ValueError(f"note repeat must be one of {', '.join(values)}, got {rate!r}")
        self.client.act("pads", "repeat", values[rate])

    def take_hits(self, hits: list[dict]) -> int:
        """Put hits the engine reported while recording ({pad, velocity, song_position}) into the
        patterns they fell in, quantised; returns how many were put in."""
        song_ticks = len(self._played_steps) * TICKS_PER_STEP
        if not song_ticks:
            return 0
        by_pattern: dict[str, list[tuple[int, int, float]]] = {}
        for hit in hits:
            tick = quantised_tick(hit["song_position"], self.quantise, song_ticks)
            if tick is None:
                continue  # early in the count-in: not meant for the beat
            name, step = self._played_steps[tick // TICKS_PER_STEP]
            row = self.beat.patterns[name].rows[hit["pad"]]
            in_row = (step * TICKS_PER_STEP + tick % TICKS_PER_STEP) % (row.length * TICKS_PER_STEP)
            by_pattern.setdefault(name, []).append((hit["pad"], in_row, hit["velocity"]))
        for name, pattern_hits in by_pattern.items():
            self.editor.record_hits(name, pattern_hits, take=self._take)
        return sum(len(found) for found in by_pattern.values())

    def position(self, song_step: int) -> tuple[str, int] | None:
        """(pattern, step) the engine's song step is on, or None when stopped."""
        if song_step < 0 or not self._played_steps:
            return None
        return self._played_steps[song_step % len(self._played_steps)]

    def pads_sounding_at(self, song_step: int) -> list[int]:
        """The pads the sequencer plays on a song step (after mute, solo and row lengths)."""
        if song_step < 0 or not self._played_steps:
            return []
        index = song_step % len(self._played_steps)
        return [pad for pad, velocities in enumerate(self._played_velocities) if velocities[index] > 0]

    @property
    def song_length(self) -> int:
        return len(self._played_steps)

    # ---- saving --------------------------------------------------------------------------------
    def poll_autosave(self) -> None:
        self.autosaver.poll()

    def save_now(self) -> bool:
        """Write what is pending now (leaving the screen, closing the app). False if it failed."""
        try:
            self.autosaver.flush()
            return True
        except (BeatFileError, ValueError) as error:
            self._save_failed(str(error))
            return False

    # ---- inside --------------------------------------------------------------------------------
    def _edited(self, beat: Beat, what: str) -> None:
        self.send()
        if what == "keys":
            self.send_keys()
        self.autosaver.changed(beat, what)
        self._tell(what)

    def _tell(self, what: str) -> None:
        if self.on_change:
            self.on_change(what)

    def _save_failed(self, message: str) -> None:
        if self.on_problem:
            self.on_problem(f"{message.rstrip('.')}. Saving is tried again every second; "
                            "nothing is lost while the app stays open.")


def _fit(name: str, value: float) -> float | int:
    minimum, maximum = PAD_SETTING_RANGES[name]
    value = min(maximum, max(minimum, value))
    return int(round(value)) if isinstance(minimum, int) else float(value)
