"""A deck's scrolling waveform: the track around the play position, which stays fixed in the
middle, in three band colours, with the beats (a brighter line on each bar's first beat), the
loop, the cue point and the hot cues marked. A finger on it holds the track like a record:
dragging moves it (the screen sends scratch and scratch_s), letting go lets it run on.

The track is painted once into textures, in tiles TILE_PX wide along it (waveform_pictures.py),
when a stretch of it first shows; a change of size, beat grid or marks paints them again. Each
frame only moves a few textured rectangles, on whole pixels, so that the play position stays
under the playhead: each shows the part of a tile that falls inside the widget (no stencil,
nothing rebuilt). The last MAX_TILES tiles used are kept.
"""

from __future__ import annotations

import math
from collections import OrderedDict

from kivy.clock import Clock
from kivy.graphics import Color, InstructionGroup, Rectangle
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty
from kivy.uix.widget import Widget

from apps import theme
from apps.decks.deck_look import WAVEFORM_BACKGROUND
from apps.decks.picture_texture import picture_texture, region_coords
from apps.decks.waveform_pictures import DetailPicture

SECONDS_SHOWN = 8.0  # across the whole width: 4 s before the play position, 4 s after
TILE_PX = 2048  # a tile's width: within every GPU's largest texture
MAX_TILES = 6  # kept painted: what shows, and where a loop, a jump or a scratch goes back to


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
        self._picture: DetailPicture | None = None
        self._picture_key = None
        self._tiles: OrderedDict[int, object] = OrderedDict()  # tile index -> Texture, least recently used first
        self._shown = None  # what the tile rectangles show now
        self.tiles_painted = 0  # how many tiles were painted so far (tests check that scrolling paints none)
        self._touch_from = (0.0, 0.0)
        # Several changes in a row (a track, its grid, its marks) paint once, before the next frame.
        self._show_new_picture = Clock.create_trigger(self._scroll_to, -1)
        super().__init__(**kwargs)
        with self.canvas:
            Color(*WAVEFORM_BACKGROUND)
            self._background = Rectangle()
            Color(1, 1, 1, 1)
            self._tile_group = InstructionGroup()
        self._tile_rectangles: list[Rectangle] = []
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
        self._place()

    def show_grid(self, bpm: float, first_beat_s: float) -> None:
        if (bpm, first_beat_s) != self._grid:
            self._grid = (bpm, first_beat_s)
            self._place()

    def show_marks(self, hot_cues_s: tuple, loop_s: tuple | None, cue_s: float) -> None:
        marks = (tuple(hot_cues_s), tuple(loop_s) if loop_s else None, cue_s)
        if marks != self._marks:
            self._marks = marks
            self._place()

    @property
    def pixels_per_s(self) -> float:
        return self.width / self.seconds_shown if self.seconds_shown > 0 else 1.0

    def screen_x_of(self, position_s: float) -> float:
        """Where a time in the track is on the screen now (whole pixels, as it is drawn)."""
        return self._origin_x() + position_s * self.pixels_per_s

    # ---- drawing ---------------------------------------------------------------------------------------
    def _place(self, *_):
        self._playhead.pos = (self._middle_x() - dp(1.5), self.y)
        self._playhead.size = (dp(3), self.height) if self.duration_s > 0 else (0, 0)
        key = (self.pixels_per_s, round(self.height), self.duration_s, id(self._peaks), self._columns_per_s,
               self._grid, self._marks)
        if key != self._picture_key:
            self._picture_key = key
            self._picture = self._new_picture()
            self._tiles.clear()
        # The tiles cover the whole widget: the background shows only without them (a layer less to fill).
        self._background.pos = self.pos
        self._background.size = self.size if self._picture is None else (0, 0)
        slots = math.ceil(self.width / TILE_PX) + 1  # enough for any stretch as wide as the widget
        while len(self._tile_rectangles) < slots:
            rectangle = Rectangle(size=(0, 0))
            self._tile_group.add(rectangle)
            self._tile_rectangles.append(rectangle)
        self._shown = None
        self._show_new_picture()

    def _new_picture(self) -> DetailPicture | None:
        if self.duration_s <= 0 or self.width < 1 or self.height < 1:
            return None
        bpm, first_beat_s = self._grid
        hot_cues_s, loop_s, cue_s = self._marks
        return DetailPicture(peaks=self._peaks, columns_per_s=self._columns_per_s, duration_s=self.duration_s,
                             bpm=bpm, first_beat_s=first_beat_s, hot_cues_s=hot_cues_s, loop_s=loop_s, cue_s=cue_s,
                             pixels_per_s=self.pixels_per_s, height_px=max(1, round(self.height)), dp_px=dp(1))

    def _middle_x(self) -> float:
        """Where the playhead is (not center_x: that may not have caught up yet when size changes)."""
        return self.x + self.width / 2

    def _origin_x(self) -> int:
        """Where the track's start is on the screen: on a whole pixel, so texels fall on pixels."""
        return round(self._middle_x() - self.position_s * self.pixels_per_s)

    def _scroll_to(self, *_):
        picture, origin_x = self._picture, self._origin_x()
        shown = (origin_x, picture)
        if shown == self._shown:
            return  # not a whole pixel further: the rectangles stay
        self._shown = shown
        left_px = self.x - origin_x  # the track pixels inside the widget
        right_px = left_px + self.width
        first_tile = math.floor(left_px / TILE_PX)
        for slot, rectangle in enumerate(self._tile_rectangles):
            index = first_tile + slot
            start, end = max(left_px, index * TILE_PX), min(right_px, (index + 1) * TILE_PX)
            if picture is None or end <= start:
                rectangle.size = (0, 0)
                continue
            texture = self._tile(index)
            if rectangle.texture is not texture:
                rectangle.texture = texture
            rectangle.pos = (origin_x + start, self.y)
            rectangle.size = (end - start, self.height)
            rectangle.tex_coords = region_coords(texture, (start - index * TILE_PX) / TILE_PX,
                                                 (end - index * TILE_PX) / TILE_PX)

    def _tile(self, index: int):
        """The texture of tile index (track pixels from index * TILE_PX), painted if need be."""
        texture = self._tiles.get(index)
        if texture is not None:
            self._tiles.move_to_end(index)
            return texture
        picture = self._picture
        texture = picture_texture(lambda: picture.tile(index * TILE_PX, TILE_PX))
        self.tiles_painted += 1
        self._tiles[index] = texture
        while len(self._tiles) > MAX_TILES:
            self._tiles.popitem(last=False)  # never one that shows: those were used last
        return texture

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

