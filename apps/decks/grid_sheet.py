"""Fixing a deck's beat grid, opened by tapping its tempo: the analysis is right most of the
time, and when it is not (read at half or double speed, or off the drums), these put it right.
The fixed grid is kept with the track. It says what was tapped through on_grid(verb): "double",
"halve", "tap" (as the finger lands: timing) and "beat_one"; the screen decides.
Looks: grid_sheet.kv."""

from __future__ import annotations

import os

from kivy.lang import Builder
from kivy.properties import NumericProperty, StringProperty

from apps.decks import deck_buttons  # noqa: F401  (kv classes)
from apps.decks.sheet import Sheet

EXPLANATION = ("The lines on the waveform are the beats; the bright ones start a bar. If they do not sit "
               "on the drums, or the tempo is half or twice what you hear, put it right here.")


class GridSheet(Sheet):
    deck = NumericProperty(1)
    bpm_text = StringProperty("")
    tap_text = StringProperty("Tap along")
    explanation = StringProperty(EXPLANATION)

    __events__ = ("on_grid",)

    def on_grid(self, verb: str):
        """double, halve, tap or beat_one."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "grid_sheet.kv"))
