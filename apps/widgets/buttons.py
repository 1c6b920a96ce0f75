"""Buttons sized for fingers: a big action button and a row of choices (one always chosen).

Their looks are in widgets.kv. Every button acts on release, the way tablets work; nothing
needs a long press or a hover.
"""

from __future__ import annotations

import itertools

from kivy.properties import ColorProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.behaviors import ButtonBehavior, ToggleButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from apps import theme

_group_numbers = itertools.count(1)


class BigButton(ButtonBehavior, AnchorLayout):
    text = StringProperty("")
    icon = StringProperty("")  # an apps.widgets.icons kind, or "" for text only
    fill = ColorProperty(theme.RAISED)
    outline = ColorProperty(theme.OUTLINE)
    text_colour = ColorProperty(theme.TEXT)
    font_size = NumericProperty(theme.LABEL_SP)  # in sp; the kv rule converts


class ChoiceButton(ToggleButtonBehavior, AnchorLayout):
    text = StringProperty("")
    value = ObjectProperty(None)

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_no_selection", False)
        super().__init__(**kwargs)


class ChoiceRow(BoxLayout):
    """A row of ChoiceButtons; `choices` is a list of (value, label); `selected` is a value."""

    choices = ListProperty([])
    selected = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs):
        self._group = f"choice-row-{next(_group_numbers)}"
        super().__init__(**kwargs)
        self.fbind("choices", self._rebuild)
        self.fbind("selected", self._show_selected)
        self._rebuild()

    def button_for(self, value) -> ChoiceButton:
        for button in self.children:
            if button.value == value:
                return button
        raise ValueError(f"no choice {value!r}; choices are {[v for v, _ in self.choices]}")

    def _rebuild(self, *_):
        self.clear_widgets()
        for value, label in self.choices:
            button = ChoiceButton(text=label, value=value, group=self._group)
            button.bind(state=self._on_button_state)
            self.add_widget(button)
        self._show_selected()

    def _on_button_state(self, button, state):
        if state == "down":
            self.selected = button.value

    def _show_selected(self, *_):
        for button in self.children:
            button.state = "down" if button.value == self.selected else "normal"
