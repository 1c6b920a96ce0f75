"""The whole track at a glance, under a deck's scrolling waveform: what has played is dimmed, a
line shows where the track is, and the loop and hot cues are marked. A tap goes there.

The picture (waveform_pictures.py) is painted once into a texture when the track, the size or
the marks change; as the track plays, only the dimmed part and the line move.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.metrics import dp
from kivy.properties import ColorProperty, NumericProperty
from kivy.uix.widget import Widget

from apps import theme
from apps.decks.deck_look import WAVEFORM_BACKGROUND
from apps.decks.picture_texture import picture_texture
from apps.decks.waveform_pictures import OverviewPicture

PLAYED_SHADE = (0.0, 0.0, 0.0, 0.5)


class OverviewWaveform(Widget):
    accent = ColorProperty(theme.PRIMARY)
    position_s = NumericProperty(0.0)
    duration_s = NumericProperty(0.0)

    __events__ = ("on_seek",)

    def __init__(self, **kwargs):
        self._peaks = None
        self._marks = ((), None)
        self._picture_key = None
        self.pictures_painted = 0  # how many times the picture was painted (tests check that playing paints none)
        self._paint_soon = Clock.create_trigger(self._paint, -1)  # several changes in a row paint once
        super().__init__(**kwargs)
        with self.canvas:
            Color(*WAVEFORM_BACKGROUND)
            self._background = Rectangle()
            Color(1, 1, 1, 1)
            self._picture = Rectangle(size=(0, 0))
            Color(*PLAYED_SHADE)
            self._played = Rectangle()
            self._line_colour = Color(*self.accent)
            self._line = Rectangle()
        for name in ("pos", "size", "duration_s"):
            self.fbind(name, self._place)
        self.fbind("position_s", self._move_line)
        self.fbind("accent", lambda *_: setattr(self._line_colour, "rgba", self.accent))
        self._place()

    def show_track(self, peaks, duration_s: float) -> None:
        """The overview peaks ((columns, 3) uint8: low, mid, high), or None for none."""
        self._peaks, self.duration_s = peaks, duration_s
        self._place()

    def show_marks(self, hot_cues_s: tuple, loop_s: tuple | None) -> None:
        marks = (tuple(hot_cues_s), tuple(loop_s) if loop_s else None)
        if marks != self._marks:
            self._marks = marks
            self._place()

    def _place(self, *_):
        self._show_background()
        key = (round(self.width), round(self.height), id(self._peaks), self.duration_s, self._marks)
        if key != self._picture_key:
            self._picture_key = key
            self._paint_soon()
        self._picture.pos = self.pos
        self._picture.size = self.size if self._picture.texture is not None else (0, 0)
        self._move_line()

    def _show_background(self) -> None:
        """Only where there is no picture (which is opaque): a layer less to fill."""
        self._background.pos = self.pos
        self._background.size = self.size if self._picture.texture is None else (0, 0)

    def _paint(self, *_):
        width_px, height_px = round(self.width), round(self.height)
        if width_px < 1 or height_px < 1 or (self._peaks is None and self.duration_s <= 0):
            self._picture.texture = None
            self._picture.size = (0, 0)
            self._show_background()
            return
        hot_cues_s, loop_s = self._marks
        picture = OverviewPicture(peaks=self._peaks, duration_s=self.duration_s, hot_cues_s=hot_cues_s,
                                  loop_s=loop_s, width_px=width_px, height_px=height_px, dp_px=dp(1))
        self._picture.texture = picture_texture(picture.paint)
        self._picture.pos, self._picture.size = self.pos, self.size
        self._show_background()
        self.pictures_painted += 1

    def _fraction(self, seconds: float) -> float:
        return max(0.0, min(1.0, seconds / self.duration_s)) if self.duration_s > 0 else 0.0

    def _move_line(self, *_):
        x = self.x + self.width * self._fraction(self.position_s)
        self._played.pos, self._played.size = self.pos, (x - self.x, self.height)
        self._line.pos, self._line.size = (x - dp(1.5), self.y), (dp(3), self.height) if self.duration_s > 0 else (0, 0)

    def on_touch_down(self, touch):
        if self.disabled or not self.collide_point(*touch.pos) or self.duration_s <= 0:
            return super().on_touch_down(touch)
        fraction = (touch.x - self.x) / max(1.0, self.width)
        self.dispatch("on_seek", max(0.0, min(1.0, fraction)) * self.duration_s)
        return True

    def on_seek(self, position_s: float):
        """A tap: go to position_s."""
