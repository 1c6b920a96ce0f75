"""Small widgets the Sessions panels share: cards, a line for what happened, word choices, big
toggles with a plain explanation, text fields and tappable rows. Looks: sessions_widgets.kv."""

from __future__ import annotations

import itertools
import os

from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior, ToggleButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.textinput import TextInput

import apps.widgets  # noqa: F401  (BigButton, AppIcon and their looks)
from apps.theme import MIN_TOUCH_DP

_groups = itertools.count(1)


class SessionsCard(BoxLayout):
    """A card on the screen's background, holding one part of a panel."""


class MessageLine(Label):
    """What happened after a tap, beside what was tapped: kind "info" or "error"; "" hides it."""

    kind = StringProperty("info")


class WordChoice(ToggleButtonBehavior, Label):
    """One word (or a few) of a scale; its text wraps, so long words fit narrow columns."""

    value = ObjectProperty(None)


class WordScale(GridLayout):
    """WordChoices for (value, label) choices; `selected` is a value or None (tap the chosen one
    again to un-choose it: "not noted")."""

    choices = ObjectProperty([])
    selected = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs):
        self._group = f"word-scale-{next(_groups)}"
        super().__init__(**kwargs)
        self.fbind("choices", self._rebuild)
        self.fbind("selected", self._show_selected)
        self._rebuild()

    def button_for(self, value) -> WordChoice:
        for button in self.children:
            if button.value == value:
                return button
        raise ValueError(f"no choice {value!r}")

    def _rebuild(self, *_):
        self.clear_widgets()
        for value, label in self.choices:
            button = WordChoice(text=label, value=value, group=self._group)
            button.bind(state=self._on_state, texture_size=self._even_heights)
            self.add_widget(button)
        self._show_selected()
        self._even_heights()

    def _even_heights(self, *_):
        """Every choice as tall as the one whose words take the most lines, so a row lines up."""
        height = max([dp(MIN_TOUCH_DP + 4)] + [button.texture_size[1] + dp(16) for button in self.children])
        for button in self.children:
            button.height = height

    def _on_state(self, button, state):
        if state == "down":
            self.selected = button.value
        elif self.selected == button.value:
            self.selected = None

    def _show_selected(self, *_):
        for button in self.children:
            button.state = "down" if button.value == self.selected else "normal"


class BigToggle(ToggleButtonBehavior, BoxLayout):
    """A big on/off row: a box that shows a tick, a title and one plain line under it."""

    title = StringProperty("")
    explanation = StringProperty("")
    value = ObjectProperty(None)


class FieldInput(TextInput):
    """A one-line text field in the app's colours."""


class NotesInput(TextInput):
    """A few lines of free text in the app's colours."""


class ListRow(ButtonBehavior, BoxLayout):
    """A big row of a list: a title, a plain line under it, and something on the right."""

    title = StringProperty("")
    detail = StringProperty("")
    aside = StringProperty("")
    value = ObjectProperty(None)
    tappable = BooleanProperty(True)


Builder.load_file(os.path.join(os.path.dirname(__file__), "sessions_widgets.kv"))
