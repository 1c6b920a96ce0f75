"""A texture holding a picture painted with numpy (waveform_pictures.py): one texel a pixel
(nearest filtering, so a picture placed on whole pixels shows exactly as painted), painted again
if the GL context is lost (Android does that when the app goes to the background)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from kivy.graphics.texture import Texture


def picture_texture(paint: Callable[[], np.ndarray]) -> Texture:
    """paint() returns an opaque RGBA picture, (rows, columns, 4) uint8 with row 0 at the bottom."""
    pixels = paint()
    height_px, width_px = pixels.shape[:2]
    texture = Texture.create(size=(width_px, height_px), colorfmt="rgba")
    texture.mag_filter = texture.min_filter = "nearest"
    _upload(texture, pixels)
    texture.add_reload_observer(lambda reloaded: _upload(reloaded, paint()))  # a function is held strongly
    return texture


def _upload(texture: Texture, pixels: np.ndarray) -> None:
    texture.blit_buffer(np.ascontiguousarray(pixels).tobytes(), colorfmt="rgba", bufferfmt="ubyte")


def region_coords(texture: Texture, start: float, end: float) -> tuple[float, ...]:
    """tex_coords showing the columns start..end (shares of the width, 0..1) at full height; a
    texture Kivy had to make bigger than asked (no NPOT support) uses only part of its uv space."""
    u, v = texture.uvpos
    width, height = texture.uvsize
    left, right = u + start * width, u + end * width
    return (left, v, right, v, right, v + height, left, v + height)
