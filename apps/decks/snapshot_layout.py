"""A layout that draws its children into a texture (a Kivy Fbo) and shows that texture: the
children are drawn again only when something in them changes, so a frame in which nothing in
them changed costs one textured rectangle, however many buttons, knobs and outlines they hold.

Kivy draws the whole window whenever anything in it changes. While the decks play, the
waveforms move on every frame, and without this every button, knob, outline and label on the
screen was drawn again with them: most of a frame's work under a software renderer.

What changes on every frame, or many times a second (the waveforms, the times, the meters),
is drawn live instead, above the snapshot, in the order draw_live was called: its canvas is
moved out of the snapshot, while the widget stays where it is in the layout (and for touches).
Only widgets in window coordinates (no RelativeLayout, ScrollView or Scatter between them and
this layout) can be drawn live.

The snapshot is opaque, cleared to `background` (what shows behind the layout), and placed on
whole pixels, one texel a pixel, so it shows exactly what drawing the children directly would
(without the window's multisampling: Kivy's Fbo has none). It reaches `margin` beyond the layout
on every side, for what is drawn just outside it (the outer half of an outline), so keep the
margin below half the gap to whatever is drawn next to the layout.
"""

from __future__ import annotations

import math

from kivy.graphics import Callback, Canvas, ClearBuffers, ClearColor, Color, Fbo, Rectangle, Translate
from kivy.metrics import dp
from kivy.properties import ColorProperty, NumericProperty
from kivy.uix.boxlayout import BoxLayout

from apps import theme


class SnapshotLayout(BoxLayout):
    """Laid out as a BoxLayout (a single child fills it)."""

    background = ColorProperty(theme.BACKGROUND)
    margin = NumericProperty(dp(4))

    def __init__(self, **kwargs):
        self.redraws = 0  # how many times the children were drawn into the snapshot
        self._children_canvas = Canvas()
        self._fbo = Fbo(size=(1, 1), with_stencilbuffer=True)  # outlines drawn translucent use the stencil
        with self._fbo:
            self._clear_colour = ClearColor(*theme.BACKGROUND)
            ClearBuffers()
            self._shift = Translate(0, 0)  # the layout's corner to the snapshot's (0, 0)
            Callback(self._count_redraw)  # run only when the snapshot is drawn again
        self._fbo.add(self._children_canvas)
        self._live = Canvas()
        super().__init__(**kwargs)
        self.canvas.add(self._fbo)
        self.canvas.add(Color(1, 1, 1, 1))
        self._snapshot = Rectangle(size=(0, 0))
        self.canvas.add(self._snapshot)
        self.canvas.add(self._live)
        for name in ("pos", "size", "margin"):
            self.fbind(name, self._place)
        self.fbind("background", lambda *_: setattr(self._clear_colour, "rgba", self.background))
        self._clear_colour.rgba = self.background
        self._place()

    # Children draw into the snapshot, not into this layout's canvas (as Kivy's EffectWidget does).
    def add_widget(self, widget, *args, **kwargs):
        canvas, self.canvas = self.canvas, self._children_canvas
        try:
            return super().add_widget(widget, *args, **kwargs)
        finally:
            self.canvas = canvas

    def remove_widget(self, widget, *args, **kwargs):
        canvas, self.canvas = self.canvas, self._children_canvas
        try:
            return super().remove_widget(widget, *args, **kwargs)
        finally:
            self.canvas = canvas

    def draw_live(self, widget) -> None:
        """Draw widget (a descendant) above the snapshot, every frame, instead of in it."""
        drawn_by = widget.parent.canvas
        for canvas in (drawn_by, drawn_by.before if drawn_by.has_before else None,
                       drawn_by.after if drawn_by.has_after else None):
            if canvas is not None and canvas.indexof(widget.canvas) >= 0:
                canvas.remove(widget.canvas)
                break
        else:
            raise ValueError(f"{widget!r} is not drawn by its parent")
        self._live.add(widget.canvas)

    def _count_redraw(self, _instruction) -> None:
        self.redraws += 1

    def _place(self, *_):
        margin = self.margin
        left, bottom = math.floor(self.x - margin), math.floor(self.y - margin)
        # x + width, not right: right may not have caught up yet when size changes
        width = max(1, math.ceil(self.x + self.width + margin) - left)
        height = max(1, math.ceil(self.y + self.height + margin) - bottom)
        if tuple(self._fbo.size) != (width, height):
            self._fbo.size = (width, height)  # a new texture
            self._fbo.texture.mag_filter = self._fbo.texture.min_filter = "nearest"
        self._shift.x, self._shift.y = -left, -bottom
        self._snapshot.texture = self._fbo.texture
        self._snapshot.pos, self._snapshot.size = (left, bottom), (width, height)
