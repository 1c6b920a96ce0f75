"""Patterns A-H: which one is edited (and heard), Copy to another, Clear, Undo and Redo.
Copy is two taps: Copy, then the pattern to copy onto (or Cancel).
No confirmation dialogs: Undo brings back whatever a copy or clear replaced.
Looks: beat_bars.kv."""

from __future__ import annotations

from kivy.properties import BooleanProperty, ListProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.anchorlayout import AnchorLayout

from studio.beats.model import PATTERN_NAMES


class PatternButton(ButtonBehavior, AnchorLayout):
    name = StringProperty("A")
    selected = BooleanProperty(False)
    has_steps = BooleanProperty(False)  # a small dot: this pattern has hits
    playing = BooleanProperty(False)  # the song is on this pattern now
    copy_target = BooleanProperty(False)  # choosing where to copy: this one can be chosen


class PatternBar(BoxLayout):
    pattern = StringProperty("A")
    copying = BooleanProperty(False)
    filled = ListProperty([])  # names of patterns with hits
    playing_pattern = StringProperty("")
    can_undo = BooleanProperty(False)
    can_redo = BooleanProperty(False)

    __events__ = ("on_choose_pattern", "on_copy_to", "on_clear", "on_undo", "on_redo")

    def on_kv_post(self, base_widget):
        self.buttons: dict[str, PatternButton] = {}
        for name in PATTERN_NAMES:
            button = PatternButton(name=name)
            button.bind(on_release=lambda button: self._letter_tapped(button.name))
            self.buttons[name] = button
            self.ids.letters.add_widget(button)
        for name in ("pattern", "copying", "filled", "playing_pattern"):
            self.fbind(name, self._show)
        self._show()

    def _letter_tapped(self, name: str) -> None:
        if self.copying:
            self.copying = False
            if name != self.pattern:
                self.dispatch("on_copy_to", name)
        else:
            self.dispatch("on_choose_pattern", name)

    def _show(self, *_):
        for name, button in self.buttons.items():
            button.selected = name == self.pattern
            button.has_steps = name in self.filled
            button.playing = name == self.playing_pattern
            button.copy_target = self.copying and name != self.pattern

    def on_choose_pattern(self, name: str):
        """Edit (and hear) this pattern."""

    def on_copy_to(self, name: str):
        """Copy the pattern being edited onto this one."""

    def on_clear(self):
        """Clear the pattern being edited."""

    def on_undo(self):
        """Undo was tapped."""

    def on_redo(self):
        """Redo was tapped."""


class SwitchButton(ButtonBehavior, BoxLayout):
    """A labelled on/off switch, toggled by a tap anywhere on it."""

    text = StringProperty("")
    active = BooleanProperty(False)

    def on_release(self):
        self.active = not self.active
