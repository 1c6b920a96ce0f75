"""What a deck's waveforms show, painted as pixels (waveform_pixels.py) once, for textures:

    detail      the scrolling close-up, in tiles along the track: the three bands (bass, middle,
                treble, drawn on top of each other), a line on each beat (brighter and wider on a
                bar's first beat), the loop, the cue point (a white flag at the bottom) and the
                hot cues (a line and a flag at the top, in the cue's colour)
    overview    the whole track at once: the bands, the loop and the hot cues

Places along the detail are in track pixels: pixel u is u / pixels_per_s seconds into the track
(negative before it starts), so a tile is a stretch [first_px, first_px + width_px). Heights:
the loudest peak reaches HEIGHT_USED of the half height; the marks reach the edges. A peak
column's outline runs straight to the next column's, and silence still shows as a thin line.
No kivy here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from apps import theme
from apps.decks.deck_look import (
    BAND_COLOURS, BAR_LINE_COLOUR, BEAT_LINE_COLOUR, HOT_CUE_COLOURS, LOOP_COLOUR, LOOP_EDGE, WAVEFORM_BACKGROUND,
)
from apps.decks.waveform_pixels import blank, heights_at, paint_bands, paint_columns, paint_flag, paint_rectangle

HEIGHT_USED = 0.9  # the loudest peak reaches this share of the half height
SILENCE_HEIGHT = 0.01  # of the loudest peak's height: silence still shows as a thin line


def pooled_peaks(peaks: np.ndarray, columns_per_pixel: float) -> tuple[np.ndarray, int]:
    """Fewer columns when there are two or more a pixel: each kept column is the loudest of the
    ones it stands for. Returns (peaks, how many columns each one stands for)."""
    factor = max(1, int(columns_per_pixel))
    if factor == 1 or len(peaks) < 2 * factor:
        return peaks, 1
    usable = (len(peaks) // factor) * factor
    pooled = peaks[:usable].reshape(-1, factor, peaks.shape[1]).max(axis=1)
    if usable < len(peaks):
        pooled = np.vstack([pooled, peaks[usable:].max(axis=0, keepdims=True)])
    return pooled, factor


def beat_times_s(bpm: float, first_beat_s: float, duration_s: float) -> tuple[np.ndarray, np.ndarray]:
    """(every beat's time, which of them start a bar) within the track, for a 4/4 grid whose
    first_beat_s is beat 1 of a bar. Beats before first_beat_s count back from it."""
    if bpm <= 0 or duration_s <= 0:
        return np.zeros(0), np.zeros(0, dtype=bool)
    period = 60.0 / bpm
    first = math.ceil(-first_beat_s / period)
    last = math.floor((duration_s - first_beat_s) / period)
    numbers = np.arange(first, last + 1)
    return first_beat_s + numbers * period, numbers % 4 == 0


def band_heights(peaks: np.ndarray) -> np.ndarray:
    """uint8 peaks (columns, 3) as heights 0..1 per band, never below SILENCE_HEIGHT."""
    return np.maximum(np.asarray(peaks, dtype=np.float64) / 255.0, SILENCE_HEIGHT)


@dataclass(frozen=True, eq=False)
class DetailPicture:
    """Everything the scrolling waveform shows, at one size; tiles of it are painted on demand."""

    peaks: np.ndarray | None  # (columns, 3) uint8, columns_per_s a second
    columns_per_s: float
    duration_s: float
    bpm: float
    first_beat_s: float
    hot_cues_s: tuple
    loop_s: tuple | None
    cue_s: float
    pixels_per_s: float
    height_px: int
    dp_px: float  # one dp in pixels: the lines' and flags' sizes

    @property
    def middle_px(self) -> float:
        return self.height_px / 2.0

    @property
    def peak_scale_px(self) -> float:
        """The height of the loudest peak above the middle line."""
        return max(1.0, self.height_px / 2.0 * HEIGHT_USED)

    @cached_property
    def _columns(self) -> tuple[np.ndarray, float]:
        """The band heights, pooled to about a column a pixel, and how many seconds a column is."""
        if self.peaks is None or len(self.peaks) == 0:
            return np.zeros((0, 3)), 1.0
        peaks, factor = pooled_peaks(self.peaks, self.columns_per_s / self.pixels_per_s)
        return band_heights(peaks), factor / self.columns_per_s

    def seconds_at(self, track_px) -> np.ndarray:
        """The time in the track at the middle of each track pixel."""
        return (np.asarray(track_px, dtype=np.float64) + 0.5) / self.pixels_per_s

    def heights_px(self, track_px) -> np.ndarray:
        """Each band's height above the middle line at these track pixels, NaN where none."""
        heights, seconds_per_column = self._columns
        positions = self.seconds_at(track_px) / seconds_per_column - 0.5  # column i is centred on (i + 0.5)
        return heights_at(heights, positions) * self.peak_scale_px

    def tile(self, first_px: int, width_px: int) -> np.ndarray:
        """The picture of track pixels [first_px, first_px + width_px), opaque RGBA."""
        picture = blank(width_px, self.height_px, WAVEFORM_BACKGROUND)
        if self.duration_s <= 0:
            return picture
        if len(self._columns[0]):
            paint_bands(picture, self.heights_px(np.arange(first_px, first_px + width_px)), BAND_COLOURS)
        self._paint_beats(picture, first_px)
        self._paint_marks(picture, first_px)
        return picture

    def _x(self, seconds) -> np.ndarray | float:
        return np.asarray(seconds, dtype=np.float64) * self.pixels_per_s

    def _paint_beats(self, picture: np.ndarray, first_px: int) -> None:
        times, bar_starts = beat_times_s(self.bpm, self.first_beat_s, self.duration_s)
        if len(times) == 0:
            return
        xs = self._x(times) - first_px
        near = (xs > -4 * self.dp_px) & (xs < picture.shape[1] + 4 * self.dp_px)
        bottom, top = self.middle_px - self.peak_scale_px, self.middle_px + self.peak_scale_px
        for colour, chosen, width_dp in ((BEAT_LINE_COLOUR, ~bar_starts, 1.0), (BAR_LINE_COLOUR, bar_starts, 2.0)):
            width_px = width_dp * self.dp_px
            paint_columns(picture, xs[near & chosen] - width_px / 2, width_px, bottom, top, colour)

    def _paint_marks(self, picture: np.ndarray, first_px: int) -> None:
        dp_px = self.dp_px
        edge_px = self.peak_scale_px / HEIGHT_USED  # the marks reach the top and bottom edges
        bottom, top = self.middle_px - edge_px, self.middle_px + edge_px
        if self.loop_s:
            start, end = (float(x) - first_px for x in self._x(self.loop_s))
            paint_rectangle(picture, start, end, bottom, top, LOOP_COLOUR)
            paint_columns(picture, [start - dp_px, end - dp_px], 2 * dp_px, bottom, top, LOOP_EDGE)
        paint_flag(picture, float(self._x(self.cue_s)) - first_px, bottom, 7 * dp_px, 12 * dp_px, theme.WHITE)
        for index, position_s in enumerate(self.hot_cues_s):
            if position_s is None:
                continue
            colour = HOT_CUE_COLOURS[index % len(HOT_CUE_COLOURS)]
            x = float(self._x(position_s)) - first_px
            paint_columns(picture, [x - dp_px], 2 * dp_px, bottom, top, colour)
            paint_flag(picture, x, top, 8 * dp_px, -14 * dp_px, colour)


@dataclass(frozen=True, eq=False)
class OverviewPicture:
    """The whole track at one size: x is the share of the track, width_px for all of it."""

    peaks: np.ndarray | None  # (columns, 3) uint8 across the whole track
    duration_s: float
    hot_cues_s: tuple
    loop_s: tuple | None
    width_px: int
    height_px: int
    dp_px: float

    @property
    def peak_scale_px(self) -> float:
        return max(1.0, self.height_px / 2.0 * HEIGHT_USED)

    def x_of(self, position_s: float) -> float:
        """Where in the picture a time is (clamped to the track)."""
        if self.duration_s <= 0:
            return 0.0
        return max(0.0, min(1.0, position_s / self.duration_s)) * self.width_px

    def heights_px(self) -> np.ndarray:
        heights = band_heights(self.peaks)
        positions = (np.arange(self.width_px) + 0.5) / self.width_px * len(heights) - 0.5
        return heights_at(heights, positions) * self.peak_scale_px

    def paint(self) -> np.ndarray:
        picture = blank(self.width_px, self.height_px, WAVEFORM_BACKGROUND)
        if self.peaks is not None and len(self.peaks):
            paint_bands(picture, self.heights_px(), BAND_COLOURS)
        if self.duration_s <= 0:
            return picture
        bottom, top = 0.0, float(self.height_px)  # the marks cover the whole height
        if self.loop_s:
            start = self.x_of(self.loop_s[0])
            paint_rectangle(picture, start, start + max(2 * self.dp_px, self.x_of(self.loop_s[1]) - start),
                            bottom, top, LOOP_COLOUR)
        for index, position_s in enumerate(self.hot_cues_s):
            if position_s is not None:
                paint_columns(picture, [self.x_of(position_s) - self.dp_px], 2 * self.dp_px, bottom, top,
                              HOT_CUE_COLOURS[index % len(HOT_CUE_COLOURS)])
        return picture
