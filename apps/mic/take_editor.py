"""Shaping a take without re-recording it: what to keep (trim), fades, and singing a part
again (punch-in). Shown in place of the lyric pad for the selected take. Trims and fades are
kept with the take and never change the recording; a punch-in makes a new take (the screen
and studio.mic.punch_in do that). It shows what it is given and says what was chosen.
Looks: take_editor.kv."""

from __future__ import annotations

import os

from kivy.lang import Builder
from kivy.properties import NumericProperty, StringProperty

from apps.mic.mic_widgets import MicCard

TRIM_STEP_S = 0.5
FADE_STEP_S = 0.25
PUNCH_STEP_S = 1.0


def clock_text(seconds: float) -> str:
    """1:05.5 -- minutes, seconds and a tenth, as trims need."""
    minutes, rest = divmod(max(0.0, seconds), 60)
    return f"{int(minutes)}:{rest:04.1f}"


class TakeEditor(MicCard):
    title = StringProperty("")
    length_s = NumericProperty(0.0)
    start_s = NumericProperty(0.0)
    end_s = NumericProperty(0.0)
    fade_in_s = NumericProperty(0.0)
    fade_out_s = NumericProperty(0.0)
    punch_from_s = NumericProperty(0.0)  # in the song: seconds after its first beat
    punch_to_s = NumericProperty(4.0)

    __events__ = ("on_trim", "on_punch_in", "on_done")

    def show(self, take) -> None:
        """The take's trim and fades (a TakeInfo); the punch-in range is kept from last time."""
        self.title = f"Shape {take.name}"
        self.length_s = take.length_s
        self.start_s, self.end_s = take.kept_span_s()
        self.fade_in_s, self.fade_out_s = take.fade_in_s, take.fade_out_s
        song_s = max(1.0, take.length_s - take.align_frames / take.sample_rate)
        self.punch_to_s = min(max(self.punch_to_s, self.punch_from_s + 1), song_s)

    @staticmethod
    def clock(seconds: float) -> str:
        return clock_text(seconds)

    def step(self, what: str, direction: int) -> None:
        """A - or + was tapped on one of the rows."""
        if what in ("start_s", "end_s"):
            start, end = self.start_s, self.end_s
            if what == "start_s":
                start = min(max(0.0, start + direction * TRIM_STEP_S), end - TRIM_STEP_S)
            else:
                end = max(min(self.length_s, end + direction * TRIM_STEP_S), start + TRIM_STEP_S)
            self._trim(start, end, self.fade_in_s, self.fade_out_s)
        elif what in ("fade_in_s", "fade_out_s"):
            room = max(0.0, self.end_s - self.start_s)
            fade_in, fade_out = self.fade_in_s, self.fade_out_s
            if what == "fade_in_s":
                fade_in = min(max(0.0, fade_in + direction * FADE_STEP_S), room - fade_out)
            else:
                fade_out = min(max(0.0, fade_out + direction * FADE_STEP_S), room - fade_in)
            self._trim(self.start_s, self.end_s, fade_in, fade_out)
        elif what == "punch_from_s":
            self.punch_from_s = min(max(0.0, self.punch_from_s + direction * PUNCH_STEP_S), self.punch_to_s - 1)
        elif what == "punch_to_s":
            self.punch_to_s = max(self.punch_from_s + 1, self.punch_to_s + direction * PUNCH_STEP_S)

    def _trim(self, start_s, end_s, fade_in_s, fade_out_s) -> None:
        end_or_whole = 0.0 if end_s >= self.length_s else end_s  # 0: keep the whole end
        self.dispatch("on_trim", start_s, end_or_whole, max(0.0, fade_in_s), max(0.0, fade_out_s))

    def on_trim(self, start_s: float, end_s: float, fade_in_s: float, fade_out_s: float):
        """Keep start_s..end_s (end 0: to the end), with these fades."""

    def on_punch_in(self, from_s: float, to_s: float):
        """Sing the song's from_s..to_s again."""

    def on_done(self):
        """Back to the words."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "take_editor.kv"))
