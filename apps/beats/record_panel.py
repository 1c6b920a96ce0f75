"""How pads are played and recorded: quantise, count-in, metronome, note repeat and fixed
loudness. The Record button itself is in the transport bar; this panel only chooses how it
records. It shows what it is given (show) and says what was chosen (on_choose); the screen
decides. Looks: record_panel.kv."""

from __future__ import annotations

import os

from kivy.lang import Builder
from kivy.properties import BooleanProperty
from kivy.uix.boxlayout import BoxLayout

from studio.beats.quantise import QUANTISE_GRIDS

# Short labels for the quantise buttons: "T" is how drum machines write triplets.
QUANTISE_LABELS = {"Off": "Off", "1/8": "1/8", "1/16": "1/16", "1/32": "1/32",
                   "1/8 triplets": "1/8 T", "1/16 triplets": "1/16 T"}
COUNT_IN_CHOICES = [(0, "None"), (1, "1 bar"), (2, "2 bars")]
REPEAT_CHOICES = [("Off", "Off"), ("1/8", "1/8"), ("1/16", "1/16"), ("1/32", "1/32")]


class RecordPanel(BoxLayout):
    fixed_loudness = BooleanProperty(False)

    __events__ = ("on_choose",)

    def on_kv_post(self, base_widget):
        ids = self.ids
        ids.quantise_choice.choices = [(name, QUANTISE_LABELS[name]) for name in QUANTISE_GRIDS]
        ids.count_in_choice.choices = COUNT_IN_CHOICES
        ids.repeat_choice.choices = REPEAT_CHOICES
        self._showing = False
        for name, row in (("quantise", ids.quantise_choice), ("count_in_bars", ids.count_in_choice),
                          ("note_repeat", ids.repeat_choice)):
            row.bind(selected=lambda _row, value, name=name: self._chosen(name, value))
        ids.metronome_switch.bind(active=lambda _switch, on: self._chosen("metronome", on))
        ids.fixed_switch.bind(active=lambda _switch, on: self._chosen("fixed_loudness", on))

    def show(self, quantise: str, count_in_bars: int, metronome: bool, note_repeat: str, fixed: bool) -> None:
        self._showing = True  # what is shown is not a new choice
        ids = self.ids
        ids.quantise_choice.selected = quantise
        ids.count_in_choice.selected = count_in_bars
        ids.metronome_switch.active = metronome
        ids.repeat_choice.selected = note_repeat
        ids.fixed_switch.active = self.fixed_loudness = fixed
        self._showing = False

    def _chosen(self, name: str, value) -> None:
        if not self._showing and value is not None:
            if name == "fixed_loudness":
                self.fixed_loudness = bool(value)
            self.dispatch("on_choose", name, value)

    def on_choose(self, name: str, value):
        """name: quantise, count_in_bars, metronome, note_repeat or fixed_loudness."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "record_panel.kv"))
