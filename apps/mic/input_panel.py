"""The Mic screen's input panel: a big level meter for the voice, a plain hint under it (too
loud, a bit quiet), the gain, "Hear myself" with its loudness in the headphones, and the voice
effects. It shows what it is given (show, show_input) and says what a finger did through
events; the screen decides. Looks: input_panel.kv."""

from __future__ import annotations

import os
import time

from kivy.graphics import Color, Line, RoundedRectangle
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, StringProperty
from kivy.uix.widget import Widget

from apps import theme
from apps.mic.mic_widgets import MicCard, MicSwitch, format_gain, keep_in_tree
from apps.widgets import BigButton
from apps.widgets.level_meter import FLOOR_DB, ZONES_DB
from apps.widgets.volume_slider import format_db

GAIN_STEP_DB = 3.0
MONITOR_STEP_DB = 3.0
# The effects' names on screen; they are shown in the order the session lists them.
EFFECT_LABELS = {"gate": "Clean up noise", "tune": "Tune to the key", "radio": "Radio", "echo": "Echo",
                 "reverb": "Reverb"}
METER_INSET_DP = 6
HINT_COLOURS = {"too_loud": theme.WARN, "too_quiet": theme.TEXT}
OK_HINT = "Sing or speak: the bar shows how loud you are."  # when the level needs no words


class VoiceMeter(Widget):
    """One wide bar for the microphone: green, amber, then red near full scale, falling back
    slowly so a short shout stays visible; outlined red while the engine says it is too loud."""

    level_db = NumericProperty(FLOOR_DB)
    too_loud = BooleanProperty(False)
    fall_db_per_s = NumericProperty(24.0)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._shown_at = time.monotonic()
        for name in ("pos", "size", "level_db", "too_loud"):
            self.fbind(name, self._redraw)
        self._redraw()

    def show_level(self, level_db: float, too_loud: bool) -> None:
        now = time.monotonic()
        fall_db = self.fall_db_per_s * (now - self._shown_at)
        self._shown_at = now
        self.level_db = max(FLOOR_DB, min(0.0, max(level_db, self.level_db - fall_db)))
        self.too_loud = too_loud

    def x_for(self, level_db: float) -> float:
        inset = dp(METER_INSET_DP)
        fraction = (max(FLOOR_DB, min(0.0, level_db)) - FLOOR_DB) / -FLOOR_DB
        return self.x + inset + (self.width - 2 * inset) * fraction

    def _redraw(self, *_):
        self.canvas.clear()
        radius = min(dp(14), self.height / 2)
        inset = dp(METER_INSET_DP)
        fill_y, fill_h = self.y + inset, max(0.0, self.height - 2 * inset)
        with self.canvas:
            Color(*theme.RAISED)
            RoundedRectangle(pos=self.pos, size=self.size, radius=[radius])
            start_db = FLOOR_DB
            for zone_top_db, colour in ZONES_DB:
                end_db = min(self.level_db, zone_top_db)
                if end_db > start_db:
                    x0, x1 = self.x_for(start_db), self.x_for(end_db)
                    Color(*colour)
                    RoundedRectangle(pos=(x0, fill_y), size=(x1 - x0, fill_h), radius=[dp(4)])
                start_db = zone_top_db
            # marks every 12 dB, so the bar reads as a scale
            Color(*theme.BACKGROUND[:3], 0.55)
            for mark_db in (-48, -36, -24, -12):
                mark_x = self.x_for(mark_db)
                Line(points=[mark_x, fill_y + dp(4), mark_x, fill_y + fill_h - dp(4)], width=dp(1))
            Color(*(theme.BAD if self.too_loud else theme.OUTLINE))
            Line(rounded_rectangle=(self.x, self.y, self.width, self.height, radius),
                 width=dp(3) if self.too_loud else dp(1))


class InputPanel(MicCard):
    hint = StringProperty(OK_HINT)
    hint_colour = ColorProperty(theme.MUTED_TEXT)
    monitor = BooleanProperty(False)

    __events__ = ("on_gain", "on_hear_myself", "on_monitor_level", "on_effect", "on_next_input")

    def on_kv_post(self, base_widget):
        ids = self.ids
        ids.gain.bind(on_step=lambda _stepper, direction: self.dispatch("on_gain", direction * GAIN_STEP_DB))
        ids.monitor_switch.bind(on_switch=lambda _switch, on: self.dispatch("on_hear_myself", on))
        ids.monitor_level.bind(
            on_step=lambda _stepper, direction: self.dispatch("on_monitor_level", direction * MONITOR_STEP_DB))
        self.effect_switches: dict[str, MicSwitch] = {}
        self.input_button = BigButton(text="Input 1", font_size=theme.BODY_SP, size_hint=(None, None),
                                      width=dp(170), height=dp(52))
        self.input_button.bind(on_release=lambda *_: self.dispatch("on_next_input"))

    def show(self, gain_db: float, monitor: bool, monitor_db: float, effects: dict[str, bool]) -> None:
        ids = self.ids
        ids.gain.value_text = format_gain(gain_db)
        ids.monitor_switch.active = self.monitor = monitor
        ids.monitor_level.value_text = format_db(monitor_db)
        if list(effects) != list(self.effect_switches):
            self._make_effect_switches(list(effects))
        for name, switch in self.effect_switches.items():
            switch.active = bool(effects[name])

    def _make_effect_switches(self, names: list[str]) -> None:
        grid = self.ids.effects
        grid.clear_widgets()
        self.effect_switches = {}
        for name in names:
            switch = MicSwitch(text=EFFECT_LABELS.get(name, name.capitalize()))
            switch.bind(on_switch=lambda _switch, on, name=name: self.dispatch("on_effect", name, on))
            self.effect_switches[name] = switch
            grid.add_widget(switch)

    def show_inputs(self, chosen: int, count: int) -> None:
        """Which input is the microphone: a button to go to the next, only when there are several."""
        button = self.input_button
        button.text = f"Input {chosen} of {count}"
        keep_in_tree(button, self.ids.title_row, count > 1)

    def show_input(self, level_db: float, too_loud: bool, hint_kind: str, hint_words: str) -> None:
        self.ids.meter.show_level(level_db, too_loud)
        self.hint = hint_words or OK_HINT
        self.hint_colour = HINT_COLOURS.get(hint_kind, theme.MUTED_TEXT) if hint_words else theme.MUTED_TEXT

    def on_gain(self, delta_db: float):
        """Gain - or + was tapped."""

    def on_hear_myself(self, on: bool):
        """Hear myself was turned on or off."""

    def on_monitor_level(self, delta_db: float):
        """The headphone loudness of the voice, - or +."""

    def on_next_input(self):
        """The input button was tapped: the next of the card's inputs."""

    def on_effect(self, name: str, on: bool):
        """An effect (gate, radio, echo or reverb) was turned on or off."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "input_panel.kv"))
