"""The whole track at a glance, under a deck's scrolling waveform: what has played is dimmed, a
line shows where the track is, and the loop and hot cues are marked. A tap goes there.

Drawn like the detail waveform (waveform_shapes.py), with x as 0..1 of the track.
"""

from __future__ import annotations

from kivy.graphics import Color, InstructionGroup, Mesh, PopMatrix, PushMatrix, Rectangle, Scale, Translate
from kivy.metrics import dp
from kivy.properties import ColorProperty, NumericProperty
from kivy.uix.widget import Widget

from apps import theme
from apps.decks.deck_look import BAND_COLOURS, HOT_CUE_COLOURS, LOOP_COLOUR, WAVEFORM_BACKGROUND
from apps.decks.waveform_shapes import band_strips, heights_of

PLAYED_SHADE = (0.0, 0.0, 0.0, 0.5)


class OverviewWaveform(Widget):
    accent = ColorProperty(theme.PRIMARY)
    position_s = NumericProperty(0.0)
    duration_s = NumericProperty(0.0)

    __events__ = ("on_seek",)

    def __init__(self, **kwargs):
        self._peaks = None
        self._marks = ((), None)
        super().__init__(**kwargs)
        with self.canvas:
            Color(*WAVEFORM_BACKGROUND)
            self._background = Rectangle()
            PushMatrix()
            self._origin = Translate()
            self._scale = Scale(1.0, 1.0, 1.0)
            self._bands = InstructionGroup()
            self._cues = InstructionGroup()
            PopMatrix()
            Color(*PLAYED_SHADE)
            self._played = Rectangle()
            self._line_colour = Color(*self.accent)
            self._line = Rectangle()
        for name in ("pos", "size"):
            self.fbind(name, self._place)
        for name in ("position_s", "duration_s"):
            self.fbind(name, self._move_line)
        self.fbind("accent", lambda *_: setattr(self._line_colour, "rgba", self.accent))
        self._place()

    def show_track(self, peaks, duration_s: float) -> None:
        """The overview peaks ((columns, 3) uint8: low, mid, high), or None for none."""
        self._peaks, self.duration_s = peaks, duration_s
        self._draw_bands()
        self._move_line()

    def show_marks(self, hot_cues_s: tuple, loop_s: tuple | None) -> None:
        marks = (tuple(hot_cues_s), tuple(loop_s) if loop_s else None)
        if marks != self._marks:
            self._marks = marks
            self._draw_cues()

    def _place(self, *_):
        self._background.pos, self._background.size = self.pos, self.size
        self._origin.x, self._origin.y = self.x, self.center_y
        self._scale.x, self._scale.y = max(1.0, self.width), max(1.0, self.height / 2 * 0.9)
        self._draw_cues()
        self._move_line()

    def _fraction(self, seconds: float) -> float:
        return max(0.0, min(1.0, seconds / self.duration_s)) if self.duration_s > 0 else 0.0

    def _move_line(self, *_):
        x = self.x + self.width * self._fraction(self.position_s)
        self._played.pos, self._played.size = self.pos, (x - self.x, self.height)
        self._line.pos, self._line.size = (x - dp(1.5), self.y), (dp(3), self.height) if self.duration_s > 0 else (0, 0)

    def _draw_bands(self) -> None:
        self._bands.clear()
        if self._peaks is None or len(self._peaks) == 0:
            return
        heights = heights_of(self._peaks)
        for band, colour in enumerate(BAND_COLOURS):
            self._bands.add(Color(*colour))
            for vertices, indices in band_strips(heights[:, band], 1.0 / len(heights)):
                self._bands.add(Mesh(vertices=vertices, indices=indices, mode="triangle_strip"))

    def _draw_cues(self) -> None:
        self._cues.clear()
        if self.duration_s <= 0 or self.width <= 1:
            return
        hot_cues_s, loop_s = self._marks
        fraction_per_dp = dp(1) / self.width
        if loop_s:
            self._cues.add(Color(*LOOP_COLOUR))
            start = self._fraction(loop_s[0])
            self._cues.add(Rectangle(pos=(start, -1.12),
                                     size=(max(2 * fraction_per_dp, self._fraction(loop_s[1]) - start), 2.24)))
        for index, position_s in enumerate(hot_cues_s):
            if position_s is not None:
                self._cues.add(Color(*HOT_CUE_COLOURS[index % len(HOT_CUE_COLOURS)]))
                self._cues.add(Rectangle(pos=(self._fraction(position_s) - fraction_per_dp, -1.12),
                                         size=(2 * fraction_per_dp, 2.24)))

    def on_touch_down(self, touch):
        if self.disabled or not self.collide_point(*touch.pos) or self.duration_s <= 0:
            return super().on_touch_down(touch)
        fraction = (touch.x - self.x) / max(1.0, self.width)
        self.dispatch("on_seek", max(0.0, min(1.0, fraction)) * self.duration_s)
        return True

    def on_seek(self, position_s: float):
        """A tap: go to position_s."""
