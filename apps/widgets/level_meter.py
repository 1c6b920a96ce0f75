"""A stereo output meter: two bars, green up to -12 dB, amber up to -3 dB, red above.

The engine sends peak levels about 25 times a second; the bars fall back slowly
(`fall_db_per_s`) so short clicks stay visible to the eye.
"""

from __future__ import annotations

import time

from kivy.graphics import Color, RoundedRectangle
from kivy.metrics import dp
from kivy.properties import NumericProperty
from kivy.uix.widget import Widget

from apps import theme

FLOOR_DB = -60.0
ZONES_DB = ((-12.0, theme.GOOD), (-3.0, theme.WARN), (0.0, theme.BAD))


class LevelMeter(Widget):
    left_db = NumericProperty(FLOOR_DB)
    right_db = NumericProperty(FLOOR_DB)
    fall_db_per_s = NumericProperty(24.0)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._shown_at = time.monotonic()
        for name in ("pos", "size", "left_db", "right_db"):
            self.fbind(name, self._redraw)
        self._redraw()

    def show_levels(self, left_db: float, right_db: float) -> None:
        now = time.monotonic()
        fall_db = self.fall_db_per_s * (now - self._shown_at)
        self._shown_at = now
        self.left_db = max(FLOOR_DB, left_db, self.left_db - fall_db)
        self.right_db = max(FLOOR_DB, right_db, self.right_db - fall_db)

    def _redraw(self, *_):
        self.canvas.clear()
        gap = dp(6)
        bar_h = (self.height - gap) / 2
        with self.canvas:
            for row, level_db in enumerate((self.left_db, self.right_db)):
                bar_y = self.y + (1 - row) * (bar_h + gap)
                Color(*theme.RAISED)
                RoundedRectangle(pos=(self.x, bar_y), size=(self.width, bar_h), radius=[bar_h / 2])
                start_db = FLOOR_DB
                for zone_top_db, colour in ZONES_DB:
                    end_db = min(level_db, zone_top_db)
                    if end_db > start_db:
                        x0 = self.x + self.width * (start_db - FLOOR_DB) / -FLOOR_DB
                        x1 = self.x + self.width * (end_db - FLOOR_DB) / -FLOOR_DB
                        Color(*colour)
                        RoundedRectangle(pos=(x0, bar_y), size=(max(bar_h, x1 - x0), bar_h),
                                         radius=[bar_h / 2])
                    start_db = zone_top_db
