"""Icons the Beats screen needs (play, stop, record, undo, redo), added to the shared icon drawings so
BigButton(icon="play") works. Same conventions as apps/widgets/icons.py: a square of side s at
(x, y), one colour set through tint(alpha). (They belong in icons.py; kept here while that file
is someone else's to change.)"""

from __future__ import annotations

from kivy.graphics import Color, Ellipse, Line, RoundedRectangle

from apps.widgets import icons


def _play(x, y, s, width, tint):
    tint(1.0)
    icons._filled_polygon([(x + s * 0.26, y + s * 0.14), (x + s * 0.86, y + s * 0.5), (x + s * 0.26, y + s * 0.86)])


def _stop(x, y, s, width, tint):
    tint(1.0)
    RoundedRectangle(pos=(x + s * 0.2, y + s * 0.2), size=(s * 0.6, s * 0.6), radius=[s * 0.08])


def _record_dot(x, y, s, width, tint):
    """The red dot every recorder has, whatever colour the button's text is."""
    Color(1.0, 0.35, 0.43, 1.0)
    Ellipse(pos=(x + s * 0.2, y + s * 0.2), size=(s * 0.6, s * 0.6))


def _turn_arrow(x, y, s, width, mirrored: bool):
    def px(fraction: float) -> float:
        return x + s * (1 - fraction if mirrored else fraction)

    top, bottom, radius = y + s * 0.68, y + s * 0.24, s * 0.22
    Line(points=[px(0.22), top, px(0.6), top], width=width, cap="round")
    arc = (0, 180) if not mirrored else (180, 360)
    Line(circle=(px(0.6), (top + bottom) / 2, radius, *arc), width=width, cap="round")
    Line(points=[px(0.6), bottom, px(0.36), bottom], width=width, cap="round")
    Line(points=[px(0.38), top + s * 0.16, px(0.2), top, px(0.38), top - s * 0.16],
         width=width, joint="round", cap="round")


def _undo(x, y, s, width, tint):
    tint(1.0)
    _turn_arrow(x, y, s, width, mirrored=False)


def _redo(x, y, s, width, tint):
    tint(1.0)
    _turn_arrow(x, y, s, width, mirrored=True)


icons.DRAWINGS.update({"play": _play, "stop": _stop, "undo": _undo, "redo": _redo, "record_dot": _record_dot})
