"""The step sequencer for the selected pad: 16 big steps (a 32-step pattern shows in two pages).

A step's fill height shows how loud it is (full, two thirds, two fifths); hits recorded between
two steps (quantise off, 1/32, triplets) are white marks where they fall inside the step. Two ways to tap,
chosen with the "Tap a step to" switch, both one-finger taps (nothing needs a long press):
    On / off   an empty step becomes loud; a lit step goes off
    Loudness   a lit step goes loud -> medium -> soft -> loud; an empty one becomes loud
The header has the pad's name, its Mute and Solo buttons, the page switch of a 32-step
pattern and the "Tap a step to" switch. (The 16/32 choice is the pattern's: in the Song panel.)
A 32-step pattern turns to the page the playhead is on, unless a page was chosen by hand in the
last few seconds.
Looks: beat_grids.kv.
"""

from __future__ import annotations

import time

from kivy.graphics import Color, Rectangle
from kivy.metrics import dp
from kivy.properties import (
    BooleanProperty, ColorProperty, ListProperty, NumericProperty, StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from apps import theme
from apps.widgets import ChoiceRow

STEPS_PER_PAGE = 16
STEPS_PER_BEAT = 4
PAGE_CHOSEN_HOLD_S = 4.0  # after a page is chosen by hand, the playhead does not turn it for this long


class StepButton(ButtonBehavior, Widget):
    step = NumericProperty(0)  # in the pattern, 0..31
    velocity = NumericProperty(0.0)
    colour = ColorProperty(theme.PRIMARY)
    playhead = BooleanProperty(False)
    active = BooleanProperty(True)  # False beyond the row's length: such steps never play
    beat_label = StringProperty("")  # "1".."4" on the first step of each beat
    shade = BooleanProperty(False)  # every other beat is drawn a little lighter, to count by
    between = ListProperty([])  # where hits between this step and the next fall: fractions 0..1 of the step

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for name in ("between", "pos", "size"):
            self.fbind(name, self._draw_between)

    def _draw_between(self, *_):
        self.canvas.after.remove_group("between")
        if not self.between:
            return
        with self.canvas.after:
            Color(*theme.WHITE, group="between")
            for fraction in self.between:
                x = self.x + dp(6) + fraction * (self.width - dp(12))
                Rectangle(pos=(x - dp(2), self.y + dp(8)), size=(dp(4), self.height * 0.4), group="between")


class StepPanel(BoxLayout):
    pad_name = StringProperty("")
    colour = ColorProperty(theme.PRIMARY)
    muted = BooleanProperty(False)
    soloed = BooleanProperty(False)
    velocities = ListProperty([])  # the loudest hit in each step of the selected pad's row
    between = ListProperty([])  # per step: where hits between it and the next fall (fractions of the step)
    row_length = NumericProperty(16)
    step_count = NumericProperty(16)
    page = NumericProperty(0)  # which 16 steps show: 0 or 1
    playhead_step = NumericProperty(-1)  # the step playing in this pattern, -1 for none
    loudness_mode = BooleanProperty(False)
    _page_chosen_at = float("-inf")  # when a page was last chosen by hand (time.monotonic)

    __events__ = ("on_step", "on_mute", "on_solo")

    def on_kv_post(self, base_widget):
        self.steps: list[StepButton] = []
        for index in range(STEPS_PER_PAGE):
            button = StepButton()
            button.bind(on_release=lambda button: self.dispatch("on_step", button.step))
            self.steps.append(button)
            self.ids.step_row.add_widget(button)
        ids = self.ids
        ids.mode_choice.choices = [(False, "On / off"), (True, "Loudness")]
        ids.mode_choice.selected = False
        ids.mode_choice.bind(selected=lambda _row, value: setattr(self, "loudness_mode", bool(value)))
        self.page_choice = ChoiceRow(size_hint_x=None, width=dp(300), height=dp(52), spacing=dp(6))
        self.page_choice.choices = [(0, "Steps 1-16"), (1, "17-32")]
        self.page_choice.bind(selected=lambda _row, value: self._page_chosen(value or 0))
        for name in ("velocities", "between", "row_length", "page", "playhead_step", "colour", "step_count"):
            self.fbind(name, self._show_steps)
        self.fbind("step_count", self._show_pages)
        self.fbind("page", self._show_pages)
        self._show_pages()
        self._show_steps()

    def _page_chosen(self, page: int) -> None:
        if page != self.page:
            self._page_chosen_at = time.monotonic()
        self.page = page

    def on_playhead_step(self, _panel, step: int) -> None:
        """Turn to the playhead's page (a 32-step pattern), unless a page was just chosen by hand."""
        if step >= 0 and time.monotonic() - self._page_chosen_at > PAGE_CHOSEN_HOLD_S:
            self.page = step // STEPS_PER_PAGE

    def _show_pages(self, *_):
        """The page switch is there only for 32 steps (never as a hidden, shrunken button)."""
        ids = self.ids
        if self.step_count <= STEPS_PER_PAGE:
            self.page = 0
            if self.page_choice.parent:
                ids.page_holder.remove_widget(self.page_choice)
        elif not self.page_choice.parent:
            ids.page_holder.add_widget(self.page_choice)
        self.page_choice.selected = self.page

    def _show_steps(self, *_):
        first = self.page * STEPS_PER_PAGE
        for index, button in enumerate(self.steps):
            step = first + index
            button.step = step
            button.velocity = self.velocities[step] if step < len(self.velocities) else 0.0
            button.between = self.between[step] if step < len(self.between) else []
            button.colour = self.colour
            button.playhead = step == self.playhead_step
            button.active = step < self.row_length
            button.beat_label = str(index // STEPS_PER_BEAT + 1) if index % STEPS_PER_BEAT == 0 else ""
            button.shade = (index // STEPS_PER_BEAT) % 2 == 1

    def step_button(self, step: int) -> StepButton:
        """The button of a step of the pattern, turning to its page."""
        self.page = step // STEPS_PER_PAGE
        return self.steps[step % STEPS_PER_PAGE]

    def on_step(self, step: int):
        """A step was tapped."""

    def on_mute(self):
        """Mute was tapped."""

    def on_solo(self):
        """Solo was tapped."""
