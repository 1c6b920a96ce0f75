"""The DJ's headphones and the crossfader's feel, set once for a session: how loud the headphones
are (never above the mentor's limit), what they hear (the decks being cued, the mix, or between),
split cue for a tablet with one headphone socket, and the crossfader's curve. It says what was
changed through on_set(control, value) for mixer/ controls; the screen decides.
Looks: headphones_sheet.kv."""

from __future__ import annotations

import os

from kivy.lang import Builder
from kivy.properties import StringProperty

from apps.decks.sheet import Sheet
from apps.mic import mic_widgets  # noqa: F401  (MicSwitch)
from apps.widgets import VolumeSlider  # noqa: F401

CURVE_CHOICES = [(0, "Smooth"), (1, "Both full"), (2, "Quick cut")]
CURVE_HINTS = {0: "Smooth: one deck fades as the other comes in, evenly loud all the way.",
               1: "Both full: both decks stay at full volume in the middle.",
               2: "Quick cut: a deck comes in at once near the end (for scratching)."}
SPLIT_HINT = ("One headphone socket: the mix in your left ear, the deck you cue in your right. "
              "Only with headphones: the speakers would get it too.")


class HeadphonesSheet(Sheet):
    split_hint = StringProperty(SPLIT_HINT)

    __events__ = ("on_set",)

    def on_kv_post(self, base_widget):
        ids = self.ids
        self._showing = False
        ids.curve_choice.choices = CURVE_CHOICES
        ids.curve_choice.bind(selected=lambda _row, value: self._changed("crossfader_curve", value))
        ids.volume.bind(on_user_change=lambda _slider, value_db: self._changed("headphones_db", value_db))
        ids.mix.bind(on_slide=lambda _fader, value: self._changed("headphones_mix", value))
        ids.split_switch.bind(on_switch=lambda _switch, on: self._changed("split_cue", 1.0 if on else 0.0))

    def show(self, value) -> None:
        """The controls as they are (value(group, control))."""
        ids = self.ids
        self._showing = True  # what is shown now is not a change
        ids.volume.cap_db = value("master", "headphone_cap_db")
        if not ids.volume.dragging:
            ids.volume.volume_db = min(value("mixer", "headphones_db"), ids.volume.cap_db)
        if not ids.mix.dragging:
            ids.mix.value = value("mixer", "headphones_mix")
        ids.split_switch.active = value("mixer", "split_cue") >= 0.5
        curve = int(value("mixer", "crossfader_curve"))
        ids.curve_choice.selected = curve
        ids.curve_hint.text = CURVE_HINTS[curve]
        self._showing = False

    def _changed(self, control: str, value) -> None:
        if not self._showing and value is not None:
            self.dispatch("on_set", control, float(value))

    def on_set(self, control: str, value: float):
        """A mixer/ control was changed."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "headphones_sheet.kv"))
