"""The whole pattern at a glance: every pad's row as its name over a line of dots, in two
columns of eight (pads 1-8, then 9-16) so each row stays a finger-sized target. Tapping a row
selects its pad without playing it. Muted rows are dimmed and say so, soloed ones say Solo;
the playing step is lit behind. Looks: beat_grids.kv.
"""

from __future__ import annotations

from kivy.graphics import Color, RoundedRectangle
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ColorProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from apps import theme
from apps.beats.kit_info import PadLook
from studio.beats.model import PAD_COUNT

class StepDots(Widget):
    """A row's steps as dots in a line (16 or 32); the playing step has a light column behind it."""

    velocities = ListProperty([])
    colour = ColorProperty(theme.PRIMARY)
    playhead_step = NumericProperty(-1)
    row_length = NumericProperty(16)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for name in ("pos", "size", "velocities", "colour", "playhead_step", "row_length"):
            self.fbind(name, self._redraw)

    def _redraw(self, *_):
        self.canvas.clear()
        count = len(self.velocities)
        if not count or self.width < count * 2:
            return
        pitch_x = self.width / count
        gap = max(1.0, pitch_x * 0.25)
        size_x, size_y = pitch_x - gap, self.height
        with self.canvas:
            for step, velocity in enumerate(self.velocities):
                x = self.x + step * pitch_x + gap / 2
                if step == self.playhead_step:
                    Color(*theme.WHITE)
                    RoundedRectangle(pos=(x - gap / 2, self.y - dp(2)), size=(pitch_x, size_y + dp(4)),
                                     radius=[dp(2)])
                if velocity > 0 and step < self.row_length:
                    Color(*self.colour[:3], 0.45 + 0.55 * velocity)
                else:
                    Color(*theme.OUTLINE[:3], 1.0 if step // 4 % 2 == 0 else 0.65)
                RoundedRectangle(pos=(x, self.y), size=(size_x, size_y), radius=[min(size_x, size_y) * 0.25])


class OverviewRow(ButtonBehavior, BoxLayout):
    pad = NumericProperty(0)
    sound_name = StringProperty("")
    colour = ColorProperty(theme.OUTLINE)
    selected = BooleanProperty(False)
    muted = BooleanProperty(False)
    soloed = BooleanProperty(False)


class Overview(GridLayout):
    __events__ = ("on_select",)

    def __init__(self, **kwargs):
        kwargs.setdefault("cols", 2)
        super().__init__(**kwargs)
        self.rows_by_pad: list[OverviewRow] = [OverviewRow(pad=pad) for pad in range(PAD_COUNT)]
        half = PAD_COUNT // 2
        for line in range(half):  # row-major grid, column-major reading: 1 | 9, 2 | 10, ...
            for pad in (line, line + half):
                row = self.rows_by_pad[pad]
                row.bind(on_release=lambda row: self.dispatch("on_select", row.pad))
                self.add_widget(row)

    def show_kit(self, looks: tuple[PadLook, ...]) -> None:
        for row, look in zip(self.rows_by_pad, looks):
            row.sound_name = look.name
            row.colour = theme.rgba(look.colour_hex)

    def show_pattern(self, pattern, selected_pad: int, playhead_step: int) -> None:
        for widget, row in zip(self.rows_by_pad, pattern.rows):
            widget.selected = widget.pad == selected_pad
            widget.muted, widget.soloed = row.mute, row.solo
            dots = widget.ids.dots
            dots.velocities = list(row.velocities)
            dots.row_length = row.length
            dots.playhead_step = playhead_step

    def show_playhead(self, playhead_step: int) -> None:
        for widget in self.rows_by_pad:
            widget.ids.dots.playhead_step = playhead_step

    def on_select(self, pad: int):
        """A row was tapped: select its pad."""
