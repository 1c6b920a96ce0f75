"""A deck's scrolling waveform: the track around the play position, which stays fixed in the
middle, in three band colours, with the beats (a brighter line on each bar's first beat), the
loop, the cue point and the hot cues marked. A finger on it holds the track like a record:
dragging moves it (the screen sends scratch and scratch_s), letting go lets it run on.

Everything is drawn once in the track's own units (seconds across, -1..1 up) and scaled and
moved by canvas transforms; scrolling only changes one Translate (see waveform_shapes.py).
"""

from __future__ import annotations

from kivy.graphics import (
    Color, InstructionGroup, Mesh, PopMatrix, PushMatrix, Rectangle, Scale, StencilPop, StencilPush, StencilUnUse,
    StencilUse, Translate,
)
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty
from kivy.uix.widget import Widget

from apps import theme
from apps.decks.deck_look import BAND_COLOURS, HOT_CUE_COLOURS, LOOP_COLOUR, LOOP_EDGE, WAVEFORM_BACKGROUND
from apps.decks.waveform_shapes import band_strips, beat_times_s, heights_of, pooled_peaks, quads

SECONDS_SHOWN = 8.0  # across the whole width: 4 s before the play position, 4 s after
HEIGHT_USED = 0.9  # the loudest peak reaches this share of the half height
EDGE = 1 / HEIGHT_USED  # the top edge, in the scaled units


class DetailWaveform(Widget):
    accent = ColorProperty(theme.PRIMARY)
    position_s = NumericProperty(0.0)
    seconds_shown = NumericProperty(SECONDS_SHOWN)
    duration_s = NumericProperty(0.0)
    scratching = BooleanProperty(False)

    __events__ = ("on_scratch_start", "on_scratch", "on_scratch_end")

    def __init__(self, **kwargs):
        self._peaks = None
        self._columns_per_s = 1.0
        self._grid = (0.0, 0.0)
        self._marks = ((), None, 0.0)
        self._built_for = None
        self._touch_from = (0.0, 0.0)
        super().__init__(**kwargs)
        with self.canvas:
            Color(*WAVEFORM_BACKGROUND)
            self._background = Rectangle()
            StencilPush()
            self._mask = Rectangle()
            StencilUse()
            PushMatrix()
            self._origin = Translate()
            self._scale = Scale(1.0, 1.0, 1.0)
            self._scroll = Translate()
            self._bands = InstructionGroup()
            self._beats = InstructionGroup()
            self._cues = InstructionGroup()
            PopMatrix()
            StencilUnUse()
            self._unmask = Rectangle()
            StencilPop()
        with self.canvas.after:
            self._playhead_colour = Color(*self.accent)
            self._playhead = Rectangle()
        for name in ("pos", "size", "seconds_shown", "duration_s"):
            self.fbind(name, self._place)
        self.fbind("position_s", self._scroll_to)
        self.fbind("accent", lambda *_: setattr(self._playhead_colour, "rgba", self.accent))
        self._place()

    # ---- what to show ------------------------------------------------------------------------------
    def show_track(self, peaks, columns_per_s: float, duration_s: float) -> None:
        """The track's detail peaks ((columns, 3) uint8: low, mid, high), or None for none."""
        self._peaks, self._columns_per_s, self.duration_s = peaks, max(1e-6, columns_per_s), duration_s
        self._built_for = None
        self._place()

    def show_grid(self, bpm: float, first_beat_s: float) -> None:
        if (bpm, first_beat_s) != self._grid:
            self._grid = (bpm, first_beat_s)
            self._draw_beats()

    def show_marks(self, hot_cues_s: tuple, loop_s: tuple | None, cue_s: float) -> None:
        marks = (tuple(hot_cues_s), tuple(loop_s) if loop_s else None, cue_s)
        if marks != self._marks:
            self._marks = marks
            self._draw_cues()

    @property
    def pixels_per_s(self) -> float:
        return self.width / self.seconds_shown if self.seconds_shown > 0 else 1.0

    # ---- drawing ---------------------------------------------------------------------------------------
    def _place(self, *_):
        for rectangle in (self._background, self._mask, self._unmask):
            rectangle.pos, rectangle.size = self.pos, self.size
        self._origin.x, self._origin.y = self.center_x, self.center_y
        self._scale.x = self.pixels_per_s
        self._scale.y = max(1.0, self.height / 2 * HEIGHT_USED)
        self._playhead.pos = (self.center_x - dp(1.5), self.y)
        self._playhead.size = (dp(3), self.height) if self.duration_s > 0 else (0, 0)
        self._scroll_to()
        key = (round(self.pixels_per_s, 3), id(self._peaks))
        if key != self._built_for and self.width > 1:
            self._built_for = key
            self._draw_bands()
            self._draw_beats()
            self._draw_cues()

    def _scroll_to(self, *_):
        self._scroll.x = -self.position_s

    def _draw_bands(self) -> None:
        self._bands.clear()
        if self._peaks is None or len(self._peaks) == 0:
            return
        columns_per_pixel = self._columns_per_s / self.pixels_per_s
        peaks, factor = pooled_peaks(self._peaks, columns_per_pixel)
        heights = heights_of(peaks)
        for band, colour in enumerate(BAND_COLOURS):
            self._bands.add(Color(*colour))
            for vertices, indices in band_strips(heights[:, band], factor / self._columns_per_s):
                self._bands.add(Mesh(vertices=vertices, indices=indices, mode="triangle_strip"))

    def _draw_beats(self) -> None:
        self._beats.clear()
        times, bar_starts = beat_times_s(*self._grid, self.duration_s)
        if len(times) == 0:
            return
        seconds_per_dp = dp(1) / self.pixels_per_s
        for colour, chosen, width in (((1, 1, 1, 0.28), ~bar_starts, 1.0), ((1, 1, 1, 0.6), bar_starts, 2.0)):
            self._beats.add(Color(*colour))
            for vertices, indices in quads(times[chosen] - width * seconds_per_dp / 2, width * seconds_per_dp):
                self._beats.add(Mesh(vertices=vertices, indices=indices, mode="triangles"))

    def _draw_cues(self) -> None:
        self._cues.clear()
        hot_cues_s, loop_s, cue_s = self._marks
        seconds_per_dp = dp(1) / self.pixels_per_s
        up_per_dp = dp(1) / self._scale.y
        if loop_s:
            self._cues.add(Color(*LOOP_COLOUR))
            self._cues.add(Rectangle(pos=(loop_s[0], -EDGE), size=(loop_s[1] - loop_s[0], 2 * EDGE)))
            self._cues.add(Color(*LOOP_EDGE))
            for edge in loop_s:
                self._cues.add(Rectangle(pos=(edge - seconds_per_dp, -EDGE), size=(2 * seconds_per_dp, 2 * EDGE)))
        if self.duration_s > 0:  # the cue point: a white triangle at the bottom
            self._cues.add(Color(*theme.WHITE))
            self._cues.add(_triangle(cue_s, -EDGE, 7 * seconds_per_dp, 12 * up_per_dp))
        for index, position_s in enumerate(hot_cues_s):
            if position_s is None:
                continue
            self._cues.add(Color(*HOT_CUE_COLOURS[index % len(HOT_CUE_COLOURS)]))
            self._cues.add(Rectangle(pos=(position_s - seconds_per_dp, -EDGE), size=(2 * seconds_per_dp, 2 * EDGE)))
            self._cues.add(_triangle(position_s, EDGE, 8 * seconds_per_dp, -14 * up_per_dp))

    # ---- a finger on the record ------------------------------------------------------------------------
    def on_touch_down(self, touch):
        if self.disabled or not self.collide_point(*touch.pos) or self.duration_s <= 0 or self.scratching:
            return super().on_touch_down(touch)
        touch.grab(self)
        self._touch_from = (touch.x, self.position_s)
        self.scratching = True
        self.dispatch("on_scratch_start", self.position_s)
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_move(touch)
        start_x, start_s = self._touch_from
        # The record moves with the finger: dragging left brings later music to the play position.
        self.position_s = max(0.0, min(self.duration_s, start_s - (touch.x - start_x) / self.pixels_per_s))
        self.dispatch("on_scratch", self.position_s)
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_up(touch)
        touch.ungrab(self)
        self.scratching = False
        self.dispatch("on_scratch_end")
        return True

    def on_scratch_start(self, position_s: float):
        """A finger landed on the waveform (the track is held)."""

    def on_scratch(self, position_s: float):
        """The finger moved the track to position_s."""

    def on_scratch_end(self):
        """The finger lifted."""


def _triangle(x: float, base_y: float, half_width: float, reach: float) -> Mesh:
    """A small flag marking a place: its base on an edge at base_y, its point reach above (or,
    negative, below) it, in the scaled units."""
    vertices = [x - half_width, base_y, 0, 0, x + half_width, base_y, 0, 0, x, base_y + reach, 0, 0]
    return Mesh(vertices=vertices, indices=[0, 1, 2], mode="triangles")
