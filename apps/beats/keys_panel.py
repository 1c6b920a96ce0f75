"""The Keys panel: 16 pads that play the notes of a key and scale, and what to play them in.

    pads (4 x 4)  |  Key     C  C#  D  D#  E  F  /  F#  G  G#  A  A#  B
                  |  Scale   Major  Minor  Blues  /  Major pentatonic  Minor pentatonic
                  |  Sound   Bass  Keys            Octave  -  3  +

Pad 0, bottom left, plays the key's root; the pads go up the scale left to right, bottom row
first, so no pad is ever a wrong note. Each pad shows its note's name, and the root's pads
("home") are drawn in a stronger colour. Every finger plays its own pad: touching plays it
(louder higher up the pad); lifting the finger, or sliding it off, lets the note go.

The panel says what was touched through its events and draws what show() gives it: the
screen decides what happens. Looks: keys_panel.kv.
"""

from __future__ import annotations

import os

from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import (BooleanProperty, ColorProperty, ListProperty, NumericProperty, ObjectProperty,
                             StringProperty)
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from apps import theme
from apps.beats.beat_session import pad_hit_velocity
from apps.beats.pad_grid import foot_texture
from apps.widgets import ChoiceRow
from studio.melody.scales import PAD_COUNT, ROOT_NAMES, is_root, note_name, octave_range

# Said when the panel first opens (the screen shows it): what a newcomer needs to know.
INTRODUCTION = "Every note pad fits the key, so no note sounds wrong. The orange pads are home."
ROOT_FILL_HEX = "#C2410C"  # home: the Beats colour; white text on it meets WCAG AA
NOTE_FILL_HEX = "#23395B"  # every other note: a calm dark blue
KEY_ROWS = [[(root, ROOT_NAMES[root]) for root in range(0, 6)],
            [(root, ROOT_NAMES[root]) for root in range(6, 12)]]
SCALE_ROWS = [[("major", "Major"), ("minor", "Minor"), ("blues", "Blues")],
              [("major pentatonic", "Major pentatonic"), ("minor pentatonic", "Minor pentatonic")]]
SOUND_ROWS = [[("bass", "Bass"), ("keys", "Keys")]]


class KeyPad(Widget):
    """One pad. Each finger on it is grabbed, so it knows when the last one has gone."""

    pad = NumericProperty(0)
    note_text = StringProperty("")
    home = BooleanProperty(False)  # the key's root
    held = BooleanProperty(False)
    graded = BooleanProperty(True)  # shade the bottom: a hint that higher up is louder
    fill = ColorProperty(theme.rgba(NOTE_FILL_HEX))
    foot = ObjectProperty(None)

    __events__ = ("on_note_down", "on_note_up")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.foot = foot_texture()
        self._fingers: set = set()
        self.fbind("home", self._colour)

    def _colour(self, *_):
        self.fill = theme.rgba(ROOT_FILL_HEX if self.home else NOTE_FILL_HEX)

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos) or getattr(touch, "is_mouse_scrolling", False):
            return False
        touch.grab(self)
        self._fingers.add(touch.uid)
        self.held = True
        self.dispatch("on_note_down", (touch.y - self.y) / self.height if self.height else 1.0)
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self:
            return False
        if not self.collide_point(*touch.pos):
            self._let_go(touch)  # slid off: let the note go (the next pad plays only when touched)
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return False
        self._let_go(touch)
        return True

    def _let_go(self, touch) -> None:
        touch.ungrab(self)
        self._fingers.discard(touch.uid)
        if not self._fingers:
            self.held = False
            self.dispatch("on_note_up")

    def on_note_down(self, fraction_up: float):
        """Touched this far up (0 bottom .. 1 top)."""

    def on_note_up(self):
        """The last finger on this pad lifted or slid off."""


class SplitChoice(BoxLayout):
    """Choices laid out over rows of ChoiceRows that act as one: one value chosen in all."""

    rows = ListProperty([])  # a list of rows, each a list of (value, label)
    selected = ObjectProperty(None, allownone=True)
    row_height = NumericProperty(dp(theme.BUTTON_DP))

    __events__ = ("on_choice",)

    def __init__(self, **kwargs):
        kwargs.setdefault("orientation", "vertical")
        self._showing = False
        super().__init__(**kwargs)
        self.fbind("rows", self._rebuild)
        self.fbind("row_height", self._rebuild)
        self.fbind("selected", self._show)
        self._rebuild()

    def button_for(self, value):
        for row in self.children:
            if value in [v for v, _ in row.choices]:
                return row.button_for(value)
        raise ValueError(f"no choice {value!r}")

    def _rebuild(self, *_):
        self.clear_widgets()
        for choices in self.rows:
            row = ChoiceRow(choices=choices, spacing=dp(8), height=self.row_height)
            row.bind(selected=self._row_chose)
            self.add_widget(row)
        self._show()

    def _row_chose(self, _row, value):
        if self._showing or value is None or value == self.selected:
            return
        self.selected = value
        self.dispatch("on_choice", value)

    def _show(self, *_):
        self._showing = True
        try:
            for row in self.children:
                row.selected = self.selected if self.selected in [v for v, _ in row.choices] else None
        finally:
            self._showing = False

    def on_choice(self, value):
        """A finger chose this value (not show())."""


class KeysPanel(BoxLayout):
    """The note pads and their choosers; the screen calls show() and listens to the events."""

    root_note = NumericProperty(0)  # 0 is C .. 11 is B
    scale = StringProperty("major")
    sound = StringProperty("keys")
    octave = NumericProperty(3)
    can_go_lower = BooleanProperty(True)
    can_go_higher = BooleanProperty(True)
    fixed_loudness = BooleanProperty(False)  # every touch at full velocity, wherever on the pad

    __events__ = ("on_note_down", "on_note_up", "on_choose")

    def on_kv_post(self, base_widget):
        self.pads: list[KeyPad] = []
        for pad in range(PAD_COUNT):
            key_pad = KeyPad(pad=pad, graded=not self.fixed_loudness)
            key_pad.bind(on_note_down=self._pad_down,
                         on_note_up=lambda key_pad: self.dispatch("on_note_up", key_pad.pad))
            self.pads.append(key_pad)
        grid = self.ids.pad_grid
        for row in reversed(range(4)):  # a GridLayout fills from the top; pad 0 is bottom left
            for column in range(4):
                grid.add_widget(self.pads[row * 4 + column])
        ids = self.ids
        ids.key_choice.bind(on_choice=lambda _choice, root: self.dispatch("on_choose", "root", root))
        ids.scale_choice.bind(on_choice=lambda _choice, scale: self.dispatch("on_choose", "scale", scale))
        ids.sound_choice.bind(on_choice=lambda _choice, sound: self.dispatch("on_choose", "sound", sound))

    def on_fixed_loudness(self, _panel, fixed: bool) -> None:
        for key_pad in getattr(self, "pads", []):  # none yet while the kv rules are applied
            key_pad.graded = not fixed  # no darker foot when the height of a touch does not matter

    def show(self, root: int, scale: str, sound: str, octave: int, notes: list[int]) -> None:
        """Draw this key, scale, sound and octave, and these notes on the pads (pad 0 first)."""
        self.root_note, self.scale, self.sound, self.octave = root, scale, sound, octave
        low, high = octave_range(sound)
        self.can_go_lower, self.can_go_higher = octave > low, octave < high
        ids = self.ids
        ids.key_choice.selected, ids.scale_choice.selected, ids.sound_choice.selected = root, scale, sound
        for key_pad, note in zip(self.pads, notes):
            key_pad.note_text = note_name(note)
            key_pad.home = is_root(note, root)

    def step_octave(self, direction: int) -> None:
        """- or + was tapped: ask for the next octave down or up, if the sound has one."""
        if (direction < 0 and self.can_go_lower) or (direction > 0 and self.can_go_higher):
            self.dispatch("on_choose", "octave", int(self.octave) + direction)

    def _pad_down(self, key_pad: KeyPad, fraction_up: float) -> None:
        self.dispatch("on_note_down", key_pad.pad, pad_hit_velocity(fraction_up, self.fixed_loudness))

    def on_note_down(self, pad: int, velocity: float):
        """A finger touched a pad: play its note at this velocity (0.3 .. 1)."""

    def on_note_up(self, pad: int):
        """The last finger on a pad lifted or slid off: let its note go."""

    def on_choose(self, name: str, value):
        """A choice was tapped: name is "root" (0..11), "scale", "sound" or "octave" (a number)."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "keys_panel.kv"))
