"""The pictures of a track a deck draws: per column, the peak level of its low (kick, bass), mid and
high (hats) bands, as 0..255. Made from the band levels the onsets pass already measured (onsets.py),
about 115 frames a second, so it costs next to nothing.
"""

from __future__ import annotations

import numpy as np

OVERVIEW_COLUMNS = 1024  # the whole track, for the strip above the deck
DETAIL_COLUMNS_PER_S = 100  # the scrolling close-up
FLOOR_DB = -48.0  # drawn as nothing; full scale is drawn full height, dB in between (quiet parts show)


def band_columns(band_level: np.ndarray, frame_rate_hz: float, columns: int, duration_s: float) -> np.ndarray:
    """(columns, 3) uint8: the loudest frame of each band within each column's stretch of time."""
    frames = len(band_level)
    if frames == 0 or columns <= 0 or duration_s <= 0:
        return np.zeros((max(columns, 0), 3), np.uint8)
    # Each column starts with the frame at its middle (so a column narrower than a frame is drawn),
    # then takes the loudest of the frames that fall in it.
    middles = np.minimum(((np.arange(columns) + 0.5) * duration_s / columns * frame_rate_hz).astype(int), frames - 1)
    level = band_level[middles].copy()
    column_of_frame = np.minimum((np.arange(frames) / frame_rate_hz * columns / duration_s).astype(int), columns - 1)
    np.maximum.at(level, column_of_frame, band_level)
    return to_uint8(level)


def to_uint8(level: np.ndarray) -> np.ndarray:
    db = 20.0 * np.log10(np.maximum(level, 10 ** (FLOOR_DB / 20)))
    return np.clip(np.rint((db - FLOOR_DB) / -FLOOR_DB * 255.0), 0, 255).astype(np.uint8)
