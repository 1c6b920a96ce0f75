"""Small widgets the Mic screen's parts share: an on/off switch, a - value + stepper and the
star icon for the best take. The play, stop, record and undo icons come from the Beats screen
(apps.beats.beat_icons). Looks: mic_widgets.kv."""

from __future__ import annotations

import math
import os

from kivy.graphics import Line, Mesh
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from apps.beats import beat_icons  # noqa: F401  (registers the play, stop, record_dot and undo icons)
from apps.widgets import icons


def keep_in_tree(widget, parent, shown: bool, index: int = 0) -> None:
    """Put a widget into its parent, or take it out. A button that is not shown is out of the
    widget tree: nothing can touch it, and it is never drawn or counted as a tiny target."""
    if shown and widget.parent is None:
        parent.add_widget(widget, index=index)
    elif not shown and widget.parent is not None:
        widget.parent.remove_widget(widget)


def format_gain(gain_db: float) -> str:
    """The microphone's gain as the screen shows it: "+12 dB", "0 dB", "-6 dB"."""
    whole = int(round(gain_db))
    return f"+{whole} dB" if whole > 0 else f"{whole} dB"


def _star_points(x, y, s):
    cx, cy, outer, inner = x + s / 2, y + s * 0.47, s * 0.48, s * 0.2
    points = []
    for corner in range(10):
        angle = math.pi / 2 + corner * math.pi / 5
        radius = outer if corner % 2 == 0 else inner
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return (cx, cy), points


def _star(x, y, s, width, tint):
    """A filled star: the best take."""
    (cx, cy), points = _star_points(x, y, s)
    tint(1.0)
    vertices = [cx, cy, 0, 0]
    for px, py in [*points, points[0]]:
        vertices += [px, py, 0, 0]
    Mesh(vertices=vertices, indices=list(range(len(vertices) // 4)), mode="triangle_fan")


def _star_outline(x, y, s, width, tint):
    """An empty star: tap it to make this the best take."""
    _, points = _star_points(x, y, s)
    tint(1.0)
    Line(points=[value for point in points for value in point], width=width * 0.8, close=True, joint="round")


icons.DRAWINGS.update({"star": _star, "star_outline": _star_outline})


class MicCard(BoxLayout):
    """A rounded card on the screen's background that holds one part of the screen."""


class MicSwitch(ButtonBehavior, BoxLayout):
    """A labelled on/off switch, toggled by a tap anywhere on it; says so through on_switch."""

    text = StringProperty("")
    active = BooleanProperty(False)

    __events__ = ("on_switch",)

    def on_release(self):
        self.active = not self.active
        self.dispatch("on_switch", self.active)

    def on_switch(self, on: bool):
        """A finger turned it on or off (not when the screen shows a value)."""


class MicStepper(BoxLayout):
    """A title, a - button, the value and a + button; on_step(-1 or 1) when one is tapped."""

    title = StringProperty("")
    value_text = StringProperty("")
    button_width = NumericProperty(56)  # in dp; 48 at the least (a finger)
    value_width = NumericProperty(84)

    __events__ = ("on_step",)

    def on_step(self, direction: int):
        """- (direction -1) or + (direction 1) was tapped."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "mic_widgets.kv"))
