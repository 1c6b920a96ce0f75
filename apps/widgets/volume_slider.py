"""A finger-sized slider for a level in dB that can be capped below its maximum.

The part of the track above `cap_db` is drawn greyed and hatched, and the thumb stops at the
cap, so a patient can see why the volume goes no higher. A single touch never raises the level
by more than `max_rise_db` at once: tapping the far end of the track must not make a scary jump
(turning down is never limited).
"""

from __future__ import annotations

from kivy.graphics import Color, Ellipse, Line, RoundedRectangle
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty
from kivy.uix.widget import Widget

from apps import theme


def format_db(value_db: float, silence_db: float = -60.0) -> str:
    if value_db <= silence_db:
        return "Off"
    return f"{int(round(value_db)) or 0} dB"  # never "-0 dB"


class VolumeSlider(Widget):
    min_db = NumericProperty(-60.0)
    max_db = NumericProperty(0.0)
    cap_db = NumericProperty(0.0)  # the thumb never goes above this
    volume_db = NumericProperty(-12.0)
    step_db = NumericProperty(1.0)
    max_rise_db = NumericProperty(6.0)  # per touch event; 0 means no limit
    accent = ColorProperty(theme.PRIMARY)
    dragging = BooleanProperty(False)

    __events__ = ("on_user_change",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for name in ("pos", "size", "min_db", "max_db", "cap_db", "volume_db", "accent", "dragging"):
            self.fbind(name, self._redraw)
        self._redraw()

    def on_user_change(self, volume_db: float) -> None:
        """Dispatched when a touch changes the level (not when the app sets it)."""

    # --- geometry ----------------------------------------------------------------------
    @property
    def _thumb_radius(self) -> float:
        return dp(15)

    def _track_span(self) -> tuple[float, float]:
        left = self.x + self._thumb_radius
        return left, self.right - self._thumb_radius

    def x_for(self, value_db: float) -> float:
        left, right = self._track_span()
        fraction = (value_db - self.min_db) / (self.max_db - self.min_db)
        return left + max(0.0, min(1.0, fraction)) * (right - left)

    def value_at(self, x: float) -> float:
        left, right = self._track_span()
        fraction = (x - left) / max(1.0, right - left)
        value_db = self.min_db + max(0.0, min(1.0, fraction)) * (self.max_db - self.min_db)
        value_db = round(value_db / self.step_db) * self.step_db
        return max(self.min_db, min(self.cap_db, value_db))

    # --- touch -------------------------------------------------------------------------
    def on_touch_down(self, touch):
        if self.disabled or not self.collide_point(*touch.pos):
            return False
        touch.grab(self)
        self.dragging = True
        self._follow(touch)
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is self:
            self._follow(touch)
            return True
        return False

    def on_touch_up(self, touch):
        if touch.grab_current is self:
            touch.ungrab(self)
            self.dragging = False
            return True
        return False

    def _follow(self, touch) -> None:
        wanted_db = self.value_at(touch.x)
        if self.max_rise_db and wanted_db > self.volume_db + self.max_rise_db:
            wanted_db = self.volume_db + self.max_rise_db
        if wanted_db != self.volume_db:
            self.volume_db = wanted_db
            self.dispatch("on_user_change", wanted_db)

    # --- drawing -----------------------------------------------------------------------
    def _redraw(self, *_):
        self.canvas.clear()
        if self.width < 2 * self._thumb_radius:
            return
        left, right = self._track_span()
        track_h = dp(10)
        track_y = self.center_y - track_h / 2
        cap_x = self.x_for(self.cap_db)
        shown_db = min(self.volume_db, self.cap_db)
        thumb_x = self.x_for(shown_db)
        with self.canvas:
            Color(*theme.OUTLINE)
            RoundedRectangle(pos=(left, track_y), size=(cap_x - left, track_h), radius=[track_h / 2])
            if cap_x < right - 1:
                # above the cap: greyed and hatched, beyond a clear end stop
                Color(*theme.RAISED)
                RoundedRectangle(pos=(cap_x, track_y), size=(right - cap_x, track_h), radius=[track_h / 2])
                Color(*theme.OUTLINE)
                hatch_x = cap_x + dp(6)
                while hatch_x + dp(6) < right:
                    Line(points=[hatch_x, track_y, hatch_x + dp(6), track_y + track_h], width=dp(1))
                    hatch_x += dp(9)
                Color(*theme.MUTED_TEXT)
                Line(points=[cap_x, self.center_y - dp(14), cap_x, self.center_y + dp(14)],
                     width=dp(2), cap="round")
            Color(*self.accent)
            RoundedRectangle(pos=(left, track_y), size=(max(track_h, thumb_x - left), track_h),
                             radius=[track_h / 2])
            radius = self._thumb_radius * (1.15 if self.dragging else 1.0)
            Color(*theme.WHITE)
            Ellipse(pos=(thumb_x - radius, self.center_y - radius), size=(2 * radius, 2 * radius))
            Color(*self.accent)
            Line(circle=(thumb_x, self.center_y, radius - dp(2)), width=dp(2.5))
