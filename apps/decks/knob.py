"""A rotary knob for fingers: slide up to turn it up, down to turn it down (anywhere on it, so
a small knob still takes a big finger); a double tap puts it back where it started. Drawn as a
dial with an arc from its resting place (the middle, for EQ, gain and filter) to where it is.

It knows only its position (0..1 around the dial); KnobScale turns that into the control's value
and back (an EQ's 0 dB sits in the middle of -26..+6 dB, as on a DJ mixer).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kivy.graphics import Color, Ellipse, Line
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty
from kivy.uix.widget import Widget

from apps import theme
from apps.decks.double_tap import DoubleTaps

SWEEP_DEGREES = 135.0  # each side of twelve o'clock
FULL_TURN_DP = 220.0  # a slide this long turns the knob from one end to the other


@dataclass(frozen=True)
class KnobScale:
    """Position 0..1 to value: minimum .. middle .. maximum, each half straight."""

    minimum: float
    middle: float
    maximum: float

    def value_at(self, position: float) -> float:
        position = max(0.0, min(1.0, position))
        if position <= 0.5:
            return self.minimum + (self.middle - self.minimum) * position * 2
        return self.middle + (self.maximum - self.middle) * (position - 0.5) * 2

    def position_of(self, value: float) -> float:
        value = max(self.minimum, min(self.maximum, value))
        if value <= self.middle:
            span = self.middle - self.minimum
            return 0.5 * (value - self.minimum) / span if span else 0.5
        span = self.maximum - self.middle
        return 0.5 + 0.5 * (value - self.middle) / span if span else 0.5


class Knob(Widget):
    position = NumericProperty(0.5)
    rest_position = NumericProperty(0.5)  # where the arc starts, and where a double tap puts it
    accent = ColorProperty(theme.PRIMARY)
    turning = BooleanProperty(False)

    __events__ = ("on_turn", "on_turn_end")

    def __init__(self, **kwargs):
        self._from = (0.0, 0.0)
        self._landed = (0.0, 0.0)
        self._taps = DoubleTaps()
        super().__init__(**kwargs)
        for name in ("pos", "size", "position", "rest_position", "accent", "turning", "disabled"):
            self.fbind(name, self._redraw)
        self._redraw()

    def on_touch_down(self, touch):
        if self.disabled or not self.collide_point(*touch.pos):
            return super().on_touch_down(touch)
        if self._taps.is_double(touch):
            self._taps.forget()
            self.dispatch("on_turn", self.rest_position)
            self.dispatch("on_turn_end")
            return True
        touch.grab(self)
        self._landed = touch.pos
        self._from = (touch.y, self.position)
        self.turning = True
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_move(touch)
        start_y, start_position = self._from
        position = max(0.0, min(1.0, start_position + (touch.y - start_y) / dp(FULL_TURN_DP)))
        if position != self.position:
            self.position = position  # it follows the finger; the owner shows the control after
            self.dispatch("on_turn", position)
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_up(touch)
        touch.ungrab(self)
        self._taps.touch_ended(touch, self._landed)
        self.turning = False
        self.dispatch("on_turn_end")
        return True

    def on_turn(self, position: float):
        """A finger turned the knob to position (0..1)."""

    def on_turn_end(self):
        """The finger lifted."""

    def _redraw(self, *_):
        self.canvas.clear()
        side = min(self.width, self.height)
        if side < dp(8):
            return
        radius = side / 2 - dp(3)
        cx, cy = self.center
        angle = -SWEEP_DEGREES + 2 * SWEEP_DEGREES * self.position
        rest = -SWEEP_DEGREES + 2 * SWEEP_DEGREES * self.rest_position
        alpha = 0.45 if self.disabled else 1.0
        body = radius - dp(6)
        with self.canvas:
            Color(*theme.darker(theme.RAISED, 0.8) if self.turning else theme.RAISED)
            Ellipse(pos=(cx - body, cy - body), size=(2 * body, 2 * body))
            Color(*theme.OUTLINE)
            Line(circle=(cx, cy, radius, -SWEEP_DEGREES, SWEEP_DEGREES), width=dp(3), cap="round")
            Color(*self.accent[:3], alpha)
            if abs(angle - rest) > 0.5:
                Line(circle=(cx, cy, radius, min(angle, rest), max(angle, rest)), width=dp(3), cap="round")
            Color(*theme.WHITE[:3], alpha)
            tip = math.radians(angle)
            inner, outer = body * 0.2, body * 0.9
            Line(points=[cx + inner * math.sin(tip), cy + inner * math.cos(tip),
                         cx + outer * math.sin(tip), cy + outer * math.cos(tip)], width=dp(2.5), cap="round")
