"""The shapes the waveforms are drawn with, as Mesh vertex lists, in the track's own units: x in
seconds (or, for the overview, 0..1 of the track), y from -1 to 1. The widgets scale and move
them with canvas transforms, so scrolling 60 times a second costs one number, never a rebuild.
Pure numpy: no kivy here (tests check the shapes without a display).

A band is a filled outline: for each column, a point at +peak and one at -peak, drawn as a
triangle strip. Kivy's Mesh indices are 16-bit, so long tracks come in several chunks.
"""

from __future__ import annotations

import math

import numpy as np

MAX_STRIP_COLUMNS = 30000  # two vertices a column: under Kivy's 65536 vertices a mesh
BANDS = ("low", "mid", "high")


def pooled_peaks(peaks: np.ndarray, columns_per_pixel: float) -> tuple[np.ndarray, int]:
    """Fewer columns when there are more than about one per pixel: each kept column is the
    loudest of the ones it stands for. Returns (peaks, how many columns each one stands for)."""
    factor = max(1, int(columns_per_pixel))
    if factor == 1 or len(peaks) < 2 * factor:
        return peaks, 1
    usable = (len(peaks) // factor) * factor
    pooled = peaks[:usable].reshape(-1, factor, peaks.shape[1]).max(axis=1)
    if usable < len(peaks):
        pooled = np.vstack([pooled, peaks[usable:].max(axis=0, keepdims=True)])
    return pooled, factor


def band_strips(heights: np.ndarray, column_width: float) -> list[tuple[list[float], list[int]]]:
    """Triangle strips (vertices, indices) for one band: heights (n,) in 0..1, column i at x =
    (i + 0.5) * column_width. Chunks overlap by a column, so no gap shows between them."""
    heights = np.asarray(heights, dtype=np.float32)
    strips = []
    for start in range(0, max(1, len(heights)), MAX_STRIP_COLUMNS - 1):
        part = heights[start:start + MAX_STRIP_COLUMNS]
        if len(part) < 2:
            if start == 0 and len(part) == 1:
                part = np.repeat(part, 2)
            else:
                break
        xs = (np.arange(start, start + len(part), dtype=np.float64) + 0.5) * column_width
        vertices = np.zeros((len(part), 2, 4), dtype=np.float32)
        vertices[:, 0, 0] = xs
        vertices[:, 1, 0] = xs
        vertices[:, 0, 1] = np.maximum(part, 0.01)  # silence still shows as a thin line
        vertices[:, 1, 1] = -np.maximum(part, 0.01)
        strips.append((vertices.ravel().tolist(), list(range(2 * len(part)))))
    return strips


def quads(lefts: np.ndarray, width: float, bottom: float = -1.0,
          top: float = 1.0) -> list[tuple[list[float], list[int]]]:
    """Thin rectangles (vertices, indices for mode "triangles") from each left x, width wide."""
    lefts = np.asarray(lefts, dtype=np.float64)
    meshes = []
    per_mesh = 16000  # four vertices a quad
    for start in range(0, len(lefts), per_mesh):
        part = lefts[start:start + per_mesh]
        vertices = np.zeros((len(part), 4, 4), dtype=np.float32)
        vertices[:, :, 0] = part[:, None] + np.array([0.0, width, width, 0.0])
        vertices[:, :, 1] = np.array([bottom, bottom, top, top])
        base = (np.arange(len(part)) * 4)[:, None]
        indices = (base + np.array([0, 1, 2, 2, 3, 0])).ravel()
        meshes.append((vertices.ravel().tolist(), indices.tolist()))
    return meshes


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


def heights_of(peaks: np.ndarray) -> np.ndarray:
    """uint8 peaks (n, 3) as heights 0..1 per band."""
    return np.asarray(peaks, dtype=np.float32) / 255.0
