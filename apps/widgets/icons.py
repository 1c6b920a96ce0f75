"""Simple line icons drawn with canvas instructions, so the app ships no image files.

Each drawing function fills a square of side `s` whose lower-left corner is (x, y), in one
colour; `tint(alpha)` sets that colour at a given opacity.
"""

from __future__ import annotations

import math

from kivy.graphics import Color, Ellipse, Line, Mesh, RoundedRectangle
from kivy.properties import ColorProperty, StringProperty
from kivy.uix.widget import Widget


def _filled_polygon(points: list[tuple[float, float]]) -> None:
    """A convex polygon, filled."""
    vertices = []
    for px, py in points:
        vertices += [px, py, 0, 0]
    Mesh(vertices=vertices, indices=list(range(len(points))), mode="triangle_fan")


def _beats(x, y, s, width, tint):
    gap = s * 0.09
    pad = (s - 2 * gap) / 3
    lit = {(0, 0), (1, 1), (2, 2), (0, 2)}
    for row in range(3):
        for col in range(3):
            tint(1.0 if (row, col) in lit else 0.45)
            RoundedRectangle(pos=(x + col * (pad + gap), y + row * (pad + gap)),
                             size=(pad, pad), radius=[pad * 0.25])


def _decks(x, y, s, width, tint):
    """A record on a turntable, with its tone arm."""
    cx, cy, radius = x + s * 0.42, y + s * 0.46, s * 0.38
    tint(1.0)
    Line(circle=(cx, cy, radius), width=width)
    tint(0.55)
    Line(circle=(cx, cy, radius * 0.7), width=width * 0.6)
    Line(circle=(cx, cy, radius * 0.42), width=width * 0.6)
    tint(1.0)
    Ellipse(pos=(cx - s * 0.06, cy - s * 0.06), size=(s * 0.12, s * 0.12))
    Ellipse(pos=(x + s * 0.82, y + s * 0.84), size=(s * 0.14, s * 0.14))
    Line(points=[x + s * 0.89, y + s * 0.9, x + s * 0.9, y + s * 0.42, x + s * 0.7, y + s * 0.26],
         width=width, joint="round", cap="round")


def _mic(x, y, s, width, tint):
    tint(1.0)
    RoundedRectangle(pos=(x + s * 0.35, y + s * 0.42), size=(s * 0.3, s * 0.54), radius=[s * 0.15])
    Line(circle=(x + s * 0.5, y + s * 0.6, s * 0.26, 90, 270), width=width, cap="round")
    Line(points=[x + s * 0.5, y + s * 0.34, x + s * 0.5, y + s * 0.1], width=width)
    Line(points=[x + s * 0.32, y + s * 0.08, x + s * 0.68, y + s * 0.08], width=width, cap="round")


def _export(x, y, s, width, tint):
    tint(0.6)
    Line(points=[x + s * 0.16, y + s * 0.5, x + s * 0.16, y + s * 0.1,
                 x + s * 0.84, y + s * 0.1, x + s * 0.84, y + s * 0.5],
         width=width, joint="round", cap="round")
    tint(1.0)
    Line(points=[x + s * 0.5, y + s * 0.3, x + s * 0.5, y + s * 0.9], width=width, cap="round")
    Line(points=[x + s * 0.3, y + s * 0.7, x + s * 0.5, y + s * 0.92, x + s * 0.7, y + s * 0.7],
         width=width, joint="round", cap="round")


def _sessions(x, y, s, width, tint):
    card_w, card_h = s * 0.66, s * 0.5
    for step, alpha in ((2, 0.35), (1, 0.6)):
        tint(alpha)
        RoundedRectangle(pos=(x + s * 0.06 + step * s * 0.1, y + s * 0.08 + step * s * 0.14),
                         size=(card_w, card_h), radius=[s * 0.06])
    tint(1.0)
    RoundedRectangle(pos=(x + s * 0.06, y + s * 0.08), size=(card_w, card_h), radius=[s * 0.06])
    # lines of "writing" on the front card, in the background colour of the card
    tint(0.0)
    for row, length in ((0, 0.46), (1, 0.36), (2, 0.42)):
        line_y = y + s * (0.44 - row * 0.12)
        RoundedRectangle(pos=(x + s * 0.14, line_y), size=(s * length, s * 0.05), radius=[s * 0.025])


def _gear(x, y, s, width, tint):
    cx, cy = x + s / 2, y + s / 2
    outer, inner, teeth = s * 0.47, s * 0.35, 8
    points = []
    for tooth in range(teeth):
        centre = 2 * math.pi * tooth / teeth
        for offset, radius in ((-0.3, inner), (-0.16, outer), (0.16, outer), (0.3, inner)):
            angle = centre + offset
            points += [cx + radius * math.cos(angle), cy + radius * math.sin(angle)]
    tint(1.0)
    Line(points=points, width=width, close=True, joint="round")
    Line(circle=(cx, cy, s * 0.14), width=width)


def _speaker(x, y, s, width, tint):
    tint(1.0)
    _filled_polygon([(x + s * 0.08, y + s * 0.36), (x + s * 0.28, y + s * 0.36), (x + s * 0.5, y + s * 0.16),
                     (x + s * 0.5, y + s * 0.84), (x + s * 0.28, y + s * 0.64), (x + s * 0.08, y + s * 0.64)])
    for radius in (0.18, 0.34):
        Line(circle=(x + s * 0.52, y + s * 0.5, s * radius, 50, 130), width=width, cap="round")


def _back(x, y, s, width, tint):
    tint(1.0)
    Line(points=[x + s * 0.62, y + s * 0.18, x + s * 0.3, y + s * 0.5, x + s * 0.62, y + s * 0.82],
         width=width * 1.2, joint="round", cap="round")


def _tick(x, y, s, width, tint):
    tint(1.0)
    Line(points=[x + s * 0.18, y + s * 0.5, x + s * 0.42, y + s * 0.26, x + s * 0.84, y + s * 0.72],
         width=width * 1.2, joint="round", cap="round")


def _minus(x, y, s, width, tint):
    tint(1.0)
    Line(points=[x + s * 0.2, y + s * 0.5, x + s * 0.8, y + s * 0.5], width=width * 1.2, cap="round")


def _plus(x, y, s, width, tint):
    _minus(x, y, s, width, tint)
    Line(points=[x + s * 0.5, y + s * 0.2, x + s * 0.5, y + s * 0.8], width=width * 1.2, cap="round")


DRAWINGS = {
    "beats": _beats, "decks": _decks, "mic": _mic, "export": _export, "sessions": _sessions,
    "gear": _gear, "speaker": _speaker, "back": _back, "tick": _tick,
    "minus": _minus, "plus": _plus,
}


class AppIcon(Widget):
    """An icon of the given kind, drawn in `colour`, as large as fits in the widget."""

    kind = StringProperty("")
    colour = ColorProperty((1, 1, 1, 1))
    # Used for cut-outs (e.g. the lines on the Sessions card): the colour behind the icon.
    cutout_colour = ColorProperty((0, 0, 0, 1))

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fbind("pos", self._redraw)
        self.fbind("size", self._redraw)
        self.fbind("kind", self._redraw)
        self.fbind("colour", self._redraw)
        self.fbind("cutout_colour", self._redraw)
        self._redraw()

    def _tint(self, alpha: float) -> None:
        if alpha == 0.0:
            Color(*self.cutout_colour)
            return
        red, green, blue, base_alpha = self.colour
        Color(red, green, blue, base_alpha * alpha)

    def _redraw(self, *_):
        self.canvas.clear()
        draw = DRAWINGS.get(self.kind)
        if draw is None or min(self.width, self.height) < 4:
            return  # nothing to draw, or folded away to nothing
        side = min(self.width, self.height)
        x = self.x + (self.width - side) / 2
        y = self.y + (self.height - side) / 2
        with self.canvas:
            draw(x, y, side, max(1.5, side * 0.065), self._tint)
