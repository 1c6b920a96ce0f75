"""The Listen control, in the arranger's top-left corner beside the bar numbers.

    ListenButton    Listen (a triangle), Stop (a square) while the song plays, Cancel while it
                    is being made ready
    ListenControl   the button, and beside it what is going on: where Listen starts ("From bar
                    5"), "Getting it ready..." with a progress bar, or the time while it plays

One button does it all: it says on_listen when nothing plays and on_stop otherwise (a render
is cancelled, the playing stopped). It shows what it is given; the screen decides
(listening.py). Looks: listen_bar.kv.
"""

from __future__ import annotations

import os

from kivy.lang import Builder
from kivy.properties import ColorProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from apps import theme
from apps.export.export_sheet import ExportProgressBar  # noqa: F401  (kv class)
from apps.export.song_preview import IDLE, PLAYING, RENDERING

BUTTON_LOOKS = {  # phase: (words, glyph, fill, outline, text colour)
    IDLE: ("Listen", "play", theme.RAISED, theme.GOOD, theme.TEXT),
    RENDERING: ("Cancel", "", theme.RAISED, theme.OUTLINE, theme.TEXT),
    PLAYING: ("Stop", "stop", theme.GOOD, theme.GOOD, theme.DARK_TEXT),
}


class ListenButton(ButtonBehavior, BoxLayout):
    text = StringProperty("Listen")
    glyph = StringProperty("play")  # "play", "stop" or "" (none)
    fill = ColorProperty(theme.RAISED)
    outline = ColorProperty(theme.GOOD)
    text_colour = ColorProperty(theme.TEXT)


class ListenControl(BoxLayout):
    phase = StringProperty(IDLE)
    fraction = NumericProperty(0.0)  # of the render
    main_text = StringProperty("From the start")
    detail_text = StringProperty("Tap a bar number to choose")

    __events__ = ("on_listen", "on_stop")

    def on_kv_post(self, base_widget):
        self.fbind("phase", self._show_button)
        self._show_button()

    def show(self, phase: str, main_text: str, detail_text: str = "", fraction: float = 0.0) -> None:
        self.phase, self.main_text, self.detail_text = phase, main_text, detail_text
        self.fraction = max(0.0, min(1.0, fraction))

    def _show_button(self, *_):
        button = self.ids.listen_button
        button.text, button.glyph, button.fill, button.outline, button.text_colour = BUTTON_LOOKS[self.phase]

    def tapped(self) -> None:
        self.dispatch("on_listen" if self.phase == IDLE else "on_stop")

    def on_listen(self):
        """Listen was tapped."""

    def on_stop(self):
        """Stop (or Cancel, while the song is made ready) was tapped."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "listen_bar.kv"))
