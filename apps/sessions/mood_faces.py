"""Mood on a picture scale: five drawn faces, from very low (1) to very good (5), one of which can
be chosen (tap it again for "not noted"). Drawn with canvas instructions, no image files.
Looks: mood_faces.kv."""

from __future__ import annotations

import itertools
import os

from kivy.graphics import Color, Ellipse, Line
from kivy.lang import Builder
from kivy.properties import NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ToggleButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from apps import theme
from studio.sessions.session_record import MOOD_WORDS

_groups = itertools.count(1)
# How far the corners of the mouth sit above (+) or below (-) its middle, as a share of the face's radius.
MOUTH_CURVE = {1: -0.3, 2: -0.14, 3: 0.0, 4: 0.16, 5: 0.32}
FACE_HEX = "#FCD34D"
FEATURES_HEX = "#3B2A05"


def draw_face(x: float, y: float, side: float, level: int) -> None:
    """A round face in a side x side square at (x, y), its mouth curved for the level (1 to 5)."""
    radius = side / 2
    cx, cy = x + radius, y + radius
    Color(*theme.rgba(FACE_HEX))
    Ellipse(pos=(x, y), size=(side, side))
    Color(*theme.rgba(FEATURES_HEX))
    eye = side * 0.11
    for dx in (-0.34, 0.34):
        Ellipse(pos=(cx + dx * radius - eye / 2, cy + 0.2 * radius - eye / 2), size=(eye, eye))
    curve = MOUTH_CURVE[level] * radius
    middle_y = cy - 0.38 * radius - curve / 2
    points = []
    for step in range(13):
        t = step / 6 - 1  # -1 .. 1 across the mouth
        points += [cx + t * 0.46 * radius, middle_y + curve * t * t]
    Line(points=points, width=max(1.5, side * 0.05), cap="round", joint="round")
    if level == 1:  # brows raised in the middle: sad, not angry
        for sign in (-1, 1):
            Line(points=[cx + sign * 0.5 * radius, cy + 0.38 * radius, cx + sign * 0.16 * radius, cy + 0.5 * radius],
                 width=max(1.2, side * 0.04), cap="round")


class MoodFace(ToggleButtonBehavior, BoxLayout):
    """One face of the scale, with its word under it."""

    level = NumericProperty(3)
    word = StringProperty("")


class FaceDrawing(Widget):
    level = NumericProperty(3)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for name in ("pos", "size", "level"):
            self.fbind(name, self._redraw)
        self._redraw()

    def _redraw(self, *_):
        self.canvas.clear()
        side = min(self.width, self.height)
        if side < 8 or int(self.level) not in MOUTH_CURVE:
            return
        with self.canvas:
            draw_face(self.center_x - side / 2, self.center_y - side / 2, side, int(self.level))


class MoodScale(BoxLayout):
    """Five faces; `selected` is 1 to 5, or None when not noted."""

    selected = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs):
        self._group = f"mood-scale-{next(_groups)}"
        super().__init__(**kwargs)
        for level in range(1, 6):
            face = MoodFace(level=level, word=MOOD_WORDS[level], group=self._group)
            face.bind(state=self._on_state)
            self.add_widget(face)
        self.fbind("selected", self._show_selected)

    def face(self, level: int) -> MoodFace:
        return next(face for face in self.children if face.level == level)

    def _on_state(self, face, state):
        if state == "down":
            self.selected = int(face.level)
        elif self.selected == face.level:
            self.selected = None

    def _show_selected(self, *_):
        for face in self.children:
            face.state = "down" if face.level == self.selected else "normal"


Builder.load_file(os.path.join(os.path.dirname(__file__), "mood_faces.kv"))
