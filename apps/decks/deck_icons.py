"""Icons the Decks app needs (pause, forward, headphones, a band turned off, a cross), added to the
shared icon drawings so BigButton(icon="headphones") works. Same conventions as
apps/widgets/icons.py: a square of side s at (x, y), one colour set through tint(alpha)."""

from __future__ import annotations

from kivy.graphics import Line, RoundedRectangle

from apps.beats import beat_icons  # noqa: F401  (play, stop and undo)
from apps.widgets import icons


def _pause(x, y, s, width, tint):
    tint(1.0)
    for left in (0.24, 0.58):
        RoundedRectangle(pos=(x + s * left, y + s * 0.16), size=(s * 0.18, s * 0.68), radius=[s * 0.04])


def _forward(x, y, s, width, tint):
    tint(1.0)
    Line(points=[x + s * 0.38, y + s * 0.18, x + s * 0.7, y + s * 0.5, x + s * 0.38, y + s * 0.82],
         width=width * 1.2, joint="round", cap="round")


def _headphones(x, y, s, width, tint):
    tint(1.0)
    Line(circle=(x + s * 0.5, y + s * 0.48, s * 0.36, -90, 90), width=width, cap="round")
    for left in (0.08, 0.72):
        RoundedRectangle(pos=(x + s * left, y + s * 0.14), size=(s * 0.2, s * 0.36), radius=[s * 0.07])


def _band_off(x, y, s, width, tint):
    """A speaker with a cross: this band of the sound is turned off."""
    tint(1.0)
    icons.DRAWINGS["speaker"](x - s * 0.1, y, s * 0.9, width, tint)
    Line(points=[x + s * 0.62, y + s * 0.34, x + s * 0.9, y + s * 0.66], width=width, cap="round")
    Line(points=[x + s * 0.62, y + s * 0.66, x + s * 0.9, y + s * 0.34], width=width, cap="round")


def _cross(x, y, s, width, tint):
    tint(1.0)
    Line(points=[x + s * 0.22, y + s * 0.22, x + s * 0.78, y + s * 0.78], width=width * 1.2, cap="round")
    Line(points=[x + s * 0.22, y + s * 0.78, x + s * 0.78, y + s * 0.22], width=width * 1.2, cap="round")


icons.DRAWINGS.update({"pause": _pause, "forward": _forward, "headphones": _headphones, "band_off": _band_off,
                       "cross": _cross})
