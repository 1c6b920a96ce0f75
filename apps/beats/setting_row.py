"""One pad setting as a row: its name, a - button, a slider, a + button and its value in words.

A slider is never the only way: - and + change the value by one step each. While a finger
slides, on_preview reports each value (the engine plays it); when the finger lifts, on_commit
reports the final one, so a whole slide is one undo step. Looks: beat_panels.kv.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from kivy.graphics import Color, Ellipse, Line, RoundedRectangle
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from apps import theme


@dataclass(frozen=True)
class SettingSpec:
    """How a setting maps to a slider (position 0..1), steps with - / + and reads in words."""

    name: str  # the PadSettings field
    label: str
    minimum: float
    maximum: float
    step: float  # what - and + change, in the setting's units (or in octave fractions: log)
    describe: Callable[[float], str]
    log: bool = False  # slider and steps spaced by ratio (a filter's frequency)
    centred: bool = False  # the slider fills from the middle (left/right, pitch)

    @property
    def origin(self) -> float:
        return 0.5 if self.centred else 0.0

    def position(self, value: float) -> float:
        value = min(self.maximum, max(self.minimum, value))
        if self.log:
            return math.log(value / self.minimum) / math.log(self.maximum / self.minimum)
        return (value - self.minimum) / (self.maximum - self.minimum)

    def value_at(self, position: float) -> float:
        position = min(1.0, max(0.0, position))
        if self.log:
            return self.fit(self.minimum * (self.maximum / self.minimum) ** position)
        return self.fit(self.minimum + position * (self.maximum - self.minimum))

    def stepped(self, value: float, direction: int) -> float:
        if self.log:
            return self.fit(value * 2.0 ** (direction * self.step))
        return self.fit(value + direction * self.step)

    def fit(self, value: float) -> float:
        if self.log:  # three significant figures: 1260 Hz, not 1258.925...
            value = float(f"{value:.3g}")
        else:
            value = round(round(value / self.step) * self.step, 6)
        return min(self.maximum, max(self.minimum, value))


def describe_volume(volume_db: float) -> str:
    return "Off" if volume_db <= -60 else f"{round(volume_db):+d} dB".replace("+0 dB", "0 dB")


def describe_pan(pan: float) -> str:
    if abs(pan) < 0.005:
        return "Middle"
    return f"{'Left' if pan < 0 else 'Right'} {round(abs(pan) * 100)}%"


def describe_pitch(semitones: float) -> str:
    if semitones == 0:
        return "Normal"
    return f"{semitones:+g} semitone" + ("" if abs(semitones) == 1 else "s")


def describe_cutoff(cutoff_hz: float) -> str:
    if cutoff_hz >= 20000:
        return "Open"
    return f"{cutoff_hz / 1000:.1f} kHz" if cutoff_hz >= 1000 else f"{cutoff_hz:.0f} Hz"


def describe_choke(group: float) -> str:
    return "None" if group == 0 else f"Group {int(group)}"


PAD_SETTING_SPECS = (
    SettingSpec("volume_db", "Volume", -60.0, 6.0, 1.0, describe_volume),
    SettingSpec("pan", "Left / right", -1.0, 1.0, 0.1, describe_pan, centred=True),
    SettingSpec("pitch_semitones", "Pitch", -12.0, 12.0, 1.0, describe_pitch, centred=True),
    SettingSpec("cutoff_hz", "Filter", 200.0, 20000.0, 1 / 3, describe_cutoff, log=True),
    SettingSpec("choke_group", "Choke group", 0, 8, 1, describe_choke),
)


class ValueSlider(Widget):
    """A finger-sized slider over 0..1; the row turns positions into values."""

    position = NumericProperty(0.0)
    origin = NumericProperty(0.0)  # the fill runs from here to the thumb (the middle for pan)
    accent = ColorProperty(theme.PRIMARY)
    dragging = BooleanProperty(False)

    __events__ = ("on_slide", "on_lift")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for name in ("pos", "size", "position", "origin", "accent", "dragging", "disabled"):
            self.fbind(name, self._redraw)
        self._redraw()

    def _span(self) -> tuple[float, float]:
        return self.x + dp(16), self.right - dp(16)

    def x_for(self, position: float) -> float:
        left, right = self._span()
        return left + min(1.0, max(0.0, position)) * (right - left)

    def position_at(self, x: float) -> float:
        left, right = self._span()
        return min(1.0, max(0.0, (x - left) / max(1.0, right - left)))

    def on_touch_down(self, touch):
        if self.disabled or not self.collide_point(*touch.pos):
            return False
        touch.grab(self)
        self.dragging = True
        self.dispatch("on_slide", self.position_at(touch.x))
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is self:
            self.dispatch("on_slide", self.position_at(touch.x))
            return True
        return False

    def on_touch_up(self, touch):
        if touch.grab_current is self:
            touch.ungrab(self)
            self.dragging = False
            self.dispatch("on_lift", self.position_at(touch.x))
            return True
        return False

    def on_slide(self, position: float):
        """The finger is at this position (0..1)."""

    def on_lift(self, position: float):
        """The finger lifted here."""

    def _redraw(self, *_):
        self.canvas.clear()
        left, right = self._span()
        if right <= left:
            return
        track_h = dp(10)
        track_y = self.center_y - track_h / 2
        thumb_x = self.x_for(self.position)
        radius = dp(17) if self.dragging else dp(15)
        with self.canvas:
            Color(*theme.OUTLINE)
            RoundedRectangle(pos=(left, track_y), size=(right - left, track_h), radius=[track_h / 2])
            Color(*self.accent)
            start_x = self.x_for(self.origin)
            fill_x, fill_w = min(start_x, thumb_x), abs(thumb_x - start_x)
            RoundedRectangle(pos=(fill_x, track_y), size=(max(track_h, fill_w), track_h), radius=[track_h / 2])
            Color(*theme.WHITE)
            Ellipse(pos=(thumb_x - radius, self.center_y - radius), size=(2 * radius, 2 * radius))
            Color(*self.accent)
            Line(circle=(thumb_x, self.center_y, radius - dp(2)), width=dp(2.5))


class SettingRow(BoxLayout):
    spec = ObjectProperty(None)
    value = NumericProperty(0.0)
    label = StringProperty("")
    value_text = StringProperty("")

    __events__ = ("on_preview", "on_commit")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fbind("value", self._show)
        self.fbind("spec", self._show)
        self._show()

    def show_value(self, value: float) -> None:
        """Show a value set elsewhere (not while a finger is on the slider)."""
        if not self.ids.slider.dragging:
            self.value = value

    def step(self, direction: int) -> None:
        new_value = self.spec.stepped(self.value, direction)
        if new_value != self.value:
            self.value = new_value
            self.dispatch("on_commit", self.spec.name, new_value)

    def slide(self, position: float, lifted: bool) -> None:
        self.value = self.spec.value_at(position)
        self.dispatch("on_commit" if lifted else "on_preview", self.spec.name, self.value)

    def _show(self, *_):
        if self.spec is None:
            return
        self.label = self.spec.label
        self.value_text = self.spec.describe(self.value)
        self.ids.slider.position = self.spec.position(self.value)

    def on_preview(self, name: str, value: float):
        """A finger slides: the setting as it would be."""

    def on_commit(self, name: str, value: float):
        """The setting is chosen (a - or + tap, or a finger lifted from the slider)."""
