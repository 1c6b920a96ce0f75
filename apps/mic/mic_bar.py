"""The bar across the top of the Mic screen: Back, the big Record/Stop button, what plays along
while a take records (Beat, Click or Nothing) and the clicks before it starts (None, 1 bar,
2 bars). It shows what it is given and says what was tapped through events; the screen decides.
Looks: mic_bar.kv."""

from __future__ import annotations

import os

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ColorProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from apps import theme
from apps.mic import mic_widgets  # noqa: F401  (kv classes and icons)
from studio.mic.take_writer import clock_text

BACKING_CHOICES = [("beat", "Beat"), ("metronome", "Click"), ("deck1", "Deck 1"), ("deck2", "Deck 2"),
                   ("none", "Nothing")]
COUNT_IN_CHOICES = [(0, "None"), (1, "1 bar"), (2, "2 bars")]


def record_words(recording: bool, counting_in: bool, take_seconds: float) -> tuple[str, str]:
    """What the Record button says, on its two lines."""
    if not recording:
        return "Record", ""
    if counting_in:
        return "Count-in", "Tap to stop"
    return f"Recording {clock_text(take_seconds)}", "Tap to stop"


class RecordButton(ButtonBehavior, BoxLayout):
    text = StringProperty("Record")
    subtext = StringProperty("")
    recording = BooleanProperty(False)
    fill = ColorProperty(theme.RAISED)


class MicBar(BoxLayout):
    recording = BooleanProperty(False)  # Record was tapped (the engine may be counting in)
    record_text = StringProperty("Record")
    record_subtext = StringProperty("")
    has_backing = BooleanProperty(False)  # the beat or its click plays along, so a count-in means something
    on_deck = BooleanProperty(False)  # a deck's track plays along: its intro is the count-in

    __events__ = ("on_back", "on_record", "on_choose")

    def on_kv_post(self, base_widget):
        ids = self.ids
        ids.backing_choice.choices = BACKING_CHOICES
        ids.count_in_choice.choices = COUNT_IN_CHOICES
        self._showing = False
        for name, row in (("backing", ids.backing_choice), ("count_in_bars", ids.count_in_choice)):
            row.bind(selected=lambda _row, value, name=name: self._chosen(name, value))

    def show(self, backing: str, count_in_bars: int) -> None:
        self._showing = True  # what is shown is not a new choice
        self.ids.backing_choice.selected = backing
        self.ids.count_in_choice.selected = count_in_bars
        self.has_backing = backing in ("beat", "metronome")
        self.on_deck = backing.startswith("deck")
        self._showing = False

    def show_recording(self, recording: bool, counting_in: bool, take_seconds: float) -> None:
        self.recording = recording
        self.record_text, self.record_subtext = record_words(recording, counting_in, take_seconds)

    def _chosen(self, name: str, value) -> None:
        if not self._showing and value is not None:
            self.dispatch("on_choose", name, value)

    def on_back(self):
        """Back to the launcher."""

    def on_record(self):
        """Record (or Stop) was tapped."""

    def on_choose(self, name: str, value):
        """name: backing ("beat", "metronome", "deck1", "deck2" or "none") or count_in_bars (0, 1 or 2)."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "mic_bar.kv"))
