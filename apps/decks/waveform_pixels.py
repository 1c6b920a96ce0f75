"""Painting into an RGBA picture with numpy, the way the GPU fills shapes: a pixel is painted
when its centre falls inside the shape (so a 1-pixel-wide line at any x covers exactly one
column), and translucent colours are blended over what is there (src * alpha + dst * (1 - alpha)).

A picture is a (rows, columns, 4) uint8 array with row 0 at the bottom, as Kivy's
Texture.blit_buffer takes it; it stays opaque (alpha 255). Colours are Kivy's (r, g, b, a) in
0..1. No kivy here, so the pictures can be checked without a display.
"""

from __future__ import annotations

import math

import numpy as np


def blank(width_px: int, height_px: int, colour) -> np.ndarray:
    picture = np.empty((max(1, height_px), max(1, width_px), 4), dtype=np.uint8)
    _as_words(picture)[:] = _word(colour)
    return picture


def covered(start_px: float, end_px: float, limit: int) -> slice:
    """The pixels whose centres are in [start_px, end_px), within 0..limit."""
    first = max(0, math.ceil(start_px - 0.5))
    last = min(limit, math.ceil(end_px - 0.5))
    return slice(first, max(first, last))


def paint_rectangle(picture: np.ndarray, left_px: float, right_px: float, bottom_px: float, top_px: float,
                    colour) -> None:
    height, width = picture.shape[:2]
    _paint(picture, covered(bottom_px, top_px, height), covered(left_px, right_px, width), colour)


def paint_columns(picture: np.ndarray, lefts_px, width_px: float, bottom_px: float, top_px: float,
                  colour) -> None:
    """The same thin rectangle (beats, hot cues) at each of lefts_px, width_px wide."""
    height, width = picture.shape[:2]
    chosen = np.zeros(width, dtype=bool)
    for left_px in np.asarray(lefts_px, dtype=np.float64):
        chosen[covered(left_px, left_px + width_px, width)] = True
    columns = np.flatnonzero(chosen)
    if len(columns):
        _paint(picture, covered(bottom_px, top_px, height), columns, colour)


def paint_flag(picture: np.ndarray, middle_px: float, base_px: float, half_width_px: float, reach_px: float,
               colour) -> None:
    """A triangle marking a place: its base half_width_px either side of middle_px on the line
    y = base_px, its point reach_px above it (or, negative, below)."""
    height, width = picture.shape[:2]
    if reach_px == 0:
        return
    rows = np.arange(height)[covered(min(base_px, base_px + reach_px), max(base_px, base_px + reach_px), height)]
    columns = np.arange(width)[covered(middle_px - half_width_px, middle_px + half_width_px, width)]
    towards_point = (rows + 0.5 - base_px) / reach_px  # 0 at the base, 1 at the point
    inside = np.abs(columns[None, :] + 0.5 - middle_px) <= half_width_px * (1.0 - towards_point)[:, None]
    row_index, column_index = np.nonzero(inside)
    if len(row_index):
        _paint(picture, rows[row_index], columns[column_index], colour)


def paint_bands(picture: np.ndarray, heights_px: np.ndarray, colours) -> None:
    """Bands drawn on top of each other, each filled from -height to +height about the middle
    row line: heights_px (columns, bands), NaN where a band has nothing to draw. Opaque colours."""
    height = picture.shape[0]
    from_middle = np.abs(np.arange(height, dtype=np.float32) + 0.5 - height / 2.0)[:, None]
    shown = np.zeros(picture.shape[:2], dtype=np.uint8)  # per pixel: 0 for none, else 1 + the band drawn last
    for band in range(len(colours)):
        band_heights = np.nan_to_num(heights_px[:, band], nan=-1.0).astype(np.float32)
        shown = np.where(from_middle <= band_heights[None, :], np.uint8(band + 1), shown)
    palette = np.array([0] + [_word(colour) for colour in colours], dtype=np.uint32)
    words = _as_words(picture)
    words[:] = np.where(shown > 0, palette[shown], words)


def heights_at(heights: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Heights (columns, bands) read at fractional column positions, straight between columns (as
    a filled outline through each column's top is), NaN outside the first to the last column."""
    columns = len(heights)
    result = np.full((len(positions), heights.shape[1]), np.nan, dtype=np.float64)
    if columns == 0:
        return result
    if columns == 1:  # a single column is drawn one column wide
        heights, columns = np.vstack([heights, heights]), 2
    inside = (positions >= 0) & (positions <= columns - 1)
    where = positions[inside]
    below = np.minimum(np.floor(where).astype(np.int64), columns - 2)
    share = (where - below)[:, None]
    result[inside] = heights[below] * (1.0 - share) + heights[below + 1] * share
    return result


def _as_words(picture: np.ndarray) -> np.ndarray:
    """The picture as one 32-bit word a pixel (rows, columns): whole pixels written at once."""
    return picture.view(np.uint32).reshape(picture.shape[:2])


def _word(colour) -> np.uint32:
    """An opaque colour as a pixel's 32-bit word (in the machine's byte order)."""
    return np.frombuffer(bytes([*_rgb(colour), 255]), dtype=np.uint32)[0]


def _rgb(colour) -> np.ndarray:
    return np.rint(np.asarray(colour[:3], dtype=np.float64) * 255.0).astype(np.uint8)


def _paint(picture: np.ndarray, rows, columns, colour) -> None:
    """Paint picture[rows, columns] (slices or index arrays) in colour, blended if translucent."""
    alpha = float(colour[3]) if len(colour) > 3 else 1.0
    if alpha >= 1.0:
        picture[rows, columns, :3] = _rgb(colour)
        return
    source = np.asarray(colour[:3], dtype=np.float32) * 255.0 * alpha
    under = picture[rows, columns, :3].astype(np.float32)
    picture[rows, columns, :3] = np.rint(source + under * (1.0 - alpha)).astype(np.uint8)
