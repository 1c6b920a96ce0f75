"""Faders and the channel meter.

A Fader moves with the finger from wherever it lands, never jumping to it: touching a tempo or
channel fader must not change the sound until the finger moves (and a slip never makes a sudden
loud noise). A double tap puts it back at its resting place (the tempo's 0 %, the crossfader's
middle). Vertical faders go up for more; the crossfader goes from deck 1 (left) to deck 2.

The ChannelMeter is a deck's level, green, amber then red, falling back slowly.
"""

from __future__ import annotations

import time

from kivy.graphics import Color, Line, Rectangle, RoundedRectangle
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, OptionProperty
from kivy.uix.widget import Widget

from apps import theme
from apps.decks.double_tap import DoubleTaps
from apps.widgets.level_meter import FLOOR_DB, ZONES_DB

THUMB_LONG_DP, THUMB_SHORT_DP = 46.0, 28.0  # across the track, along it


class Fader(Widget):
    value = NumericProperty(0.0)  # 0..1 along the track: bottom (or left) to top (or right)
    rest_value = NumericProperty(0.5)
    orientation = OptionProperty("vertical", options=["vertical", "horizontal"])
    accent = ColorProperty(theme.PRIMARY)
    centre_mark = BooleanProperty(False)  # a notch at the middle (the tempo's 0 %, the crossfader's middle)
    dragging = BooleanProperty(False)

    __events__ = ("on_slide", "on_slide_end")

    def __init__(self, **kwargs):
        self._from = (0.0, 0.0)
        self._landed = (0.0, 0.0)
        self._taps = DoubleTaps()
        super().__init__(**kwargs)
        for name in ("pos", "size", "value", "orientation", "accent", "centre_mark", "dragging", "disabled"):
            self.fbind(name, self._redraw)
        self._redraw()

    @property
    def vertical(self) -> bool:
        return self.orientation == "vertical"

    @property
    def travel(self) -> float:
        """How far the thumb's middle moves from one end to the other, in pixels."""
        length = self.height if self.vertical else self.width
        return max(1.0, length - dp(THUMB_SHORT_DP))

    def thumb_centre(self) -> tuple[float, float]:
        along = dp(THUMB_SHORT_DP) / 2 + self.travel * max(0.0, min(1.0, self.value))
        return (self.center_x, self.y + along) if self.vertical else (self.x + along, self.center_y)

    def on_touch_down(self, touch):
        if self.disabled or not self.collide_point(*touch.pos):
            return super().on_touch_down(touch)
        if self._taps.is_double(touch):
            self._taps.forget()
            self.dispatch("on_slide", self.rest_value)
            self.dispatch("on_slide_end")
            return True
        touch.grab(self)
        self._landed = touch.pos
        self._from = (touch.y if self.vertical else touch.x, self.value)
        self.dragging = True
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_move(touch)
        start, start_value = self._from
        moved = (touch.y if self.vertical else touch.x) - start
        value = max(0.0, min(1.0, start_value + moved / self.travel))
        if value != self.value:
            self.value = value  # it follows the finger; the owner shows the control after
            self.dispatch("on_slide", value)
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_up(touch)
        touch.ungrab(self)
        self._taps.touch_ended(touch, self._landed)
        self.dragging = False
        self.dispatch("on_slide_end")
        return True

    def on_slide(self, value: float):
        """A finger moved the fader to value (0..1)."""

    def on_slide_end(self):
        """The finger lifted."""

    def _redraw(self, *_):
        self.canvas.clear()
        if min(self.width, self.height) < dp(8):
            return
        track = dp(6)
        tx, ty = self.thumb_centre()
        long_side, short_side = dp(THUMB_LONG_DP), dp(THUMB_SHORT_DP)
        alpha = 0.45 if self.disabled else 1.0
        with self.canvas:
            Color(*theme.OUTLINE)
            if self.vertical:
                RoundedRectangle(pos=(self.center_x - track / 2, self.y + short_side / 2),
                                 size=(track, self.travel), radius=[track / 2])
            else:
                RoundedRectangle(pos=(self.x + short_side / 2, self.center_y - track / 2),
                                 size=(self.travel, track), radius=[track / 2])
            if self.centre_mark:
                Color(*theme.MUTED_TEXT)
                middle = dp(THUMB_SHORT_DP) / 2 + self.travel / 2
                if self.vertical:
                    Line(points=[self.center_x - dp(16), self.y + middle, self.center_x + dp(16), self.y + middle],
                         width=dp(1.5))
                else:
                    Line(points=[self.x + middle, self.center_y - dp(16), self.x + middle, self.center_y + dp(16)],
                         width=dp(1.5))
            size = (long_side, short_side) if self.vertical else (short_side, long_side)
            Color(*(theme.darker(theme.TEXT, 0.85) if self.dragging else theme.TEXT)[:3], alpha)
            RoundedRectangle(pos=(tx - size[0] / 2, ty - size[1] / 2), size=size, radius=[dp(6)])
            Color(*self.accent[:3], alpha)
            if self.vertical:
                Rectangle(pos=(tx - size[0] / 2 + dp(5), ty - dp(1.5)), size=(size[0] - dp(10), dp(3)))
            else:
                Rectangle(pos=(tx - dp(1.5), ty - size[1] / 2 + dp(5)), size=(dp(3), size[1] - dp(10)))


class ChannelMeter(Widget):
    """A deck's level as a vertical bar (FLOOR_DB at the bottom, 0 dB at the top). Its shapes are
    made once (again when it moves or is resized); a new level only resizes the zones' bars."""

    level_db = NumericProperty(FLOOR_DB)
    fall_db_per_s = NumericProperty(30.0)

    def __init__(self, **kwargs):
        self._shown_at = time.monotonic()
        super().__init__(**kwargs)
        with self.canvas:
            Color(*theme.RAISED)
            self._well = RoundedRectangle(radius=[dp(3)])
            self._zones: list[Rectangle] = []
            for _zone_top_db, colour in ZONES_DB:
                Color(*colour)
                self._zones.append(Rectangle(size=(0, 0)))
        for name in ("pos", "size"):
            self.fbind(name, self._place)
        self.fbind("level_db", self._show)
        self._place()

    def show_level(self, level_db: float) -> None:
        now = time.monotonic()
        fallen_db = self.level_db - self.fall_db_per_s * (now - self._shown_at)
        self._shown_at = now
        self.level_db = max(FLOOR_DB, min(0.0, max(level_db, fallen_db)))

    def y_for(self, level_db: float) -> float:
        return self.y + self.height * (max(FLOOR_DB, min(0.0, level_db)) - FLOOR_DB) / -FLOOR_DB

    def _place(self, *_):
        self._well.pos, self._well.size = self.pos, self.size
        self._show()

    def _show(self, *_):
        start_db = FLOOR_DB
        for (zone_top_db, _colour), bar in zip(ZONES_DB, self._zones):
            end_db = min(self.level_db, zone_top_db)
            if end_db > start_db:
                bottom, top = self.y_for(start_db), self.y_for(end_db)
                bar.pos, bar.size = (self.x, bottom), (self.width, top - bottom)
            else:
                bar.size = (0, 0)
            start_db = zone_top_db
