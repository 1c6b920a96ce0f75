"""Buttons the decks and the mixer share. Looks: deck_buttons.kv.

- LitButton: a BigButton that lights up in a colour while its control is on (Sync, Loop, a
  band turned off, a deck in the headphones).
- HoldButton: does something only while held (Cue, Roll, Slower/Faster): on_hold(True) when
  the finger lands and on_hold(False) when it lifts, wherever it has slid to by then.
- HotCuePad: a numbered pad in its cue's colour. It acts as the finger lands (a DJ's timing),
  and shows whether its cue is set; in delete mode a tap deletes it, and just after, the pad
  offers Undo.
"""

from __future__ import annotations

import os

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, OptionProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from apps import theme
from apps.decks import deck_icons  # noqa: F401  (registers the icons)
from apps.widgets import BigButton


class LitButton(BigButton):
    lit = BooleanProperty(False)
    lit_fill = ColorProperty(theme.PRIMARY)
    lit_text = ColorProperty(theme.WHITE)


class HoldButton(LitButton):
    __events__ = ("on_hold",)

    def __init__(self, **kwargs):
        kwargs.setdefault("always_release", True)  # a finger sliding off still lets go
        super().__init__(**kwargs)

    def on_press(self):
        self.dispatch("on_hold", True)

    def on_release(self):
        self.dispatch("on_hold", False)

    def on_hold(self, held: bool):
        """Held (True) or let go (False)."""


class HotCuePad(ButtonBehavior, BoxLayout):
    number = NumericProperty(1)
    colour = ColorProperty(theme.PRIMARY)
    is_set = BooleanProperty(False)
    mode = OptionProperty("play", options=["play", "delete", "undo"])

    __events__ = ("on_pad",)

    def on_press(self):
        self.dispatch("on_pad")

    def on_pad(self):
        """The pad was touched (acted on as the finger lands)."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "deck_buttons.kv"))
