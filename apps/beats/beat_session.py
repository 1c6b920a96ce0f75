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
from studio.beats.model import MAX_BPM, MAX_CHAIN_LENGTH, MAX_SWING, MIN_BPM, MIN_SWING, PATTERN_NAMES, Beat
from studio.beats.schedule import song_steps, song_velocities

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
        self._played_steps: list[tuple[str, int]] = []
        self._played_velocities: list[list[float]] = []
        self.send()

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
        velocity = self.row().velocities[step]
        new_velocity = next_loudness(velocity) if loudness_mode else (0.0 if velocity > 0 else LOUD)
        self.editor.set_velocity(self.pattern, self.pad, step, new_velocity)
        return new_velocity

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
        self.client.act("beats", "playing", 1.0 if on else 0.0)

    def hit_pad(self, pad: int, velocity: float) -> None:
        self.client.act("pads", f"hit_{pad + 1}", velocity)

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
