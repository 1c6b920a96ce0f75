"""The DJ mixer between the decks, laid out like a two-channel club mixer: a row per knob with
deck 1's on the left and deck 2's on the right and the knob's name between them (while a knob
turns, its value shows there instead), a button to turn each EQ band off, each deck's headphones
(cue) button, channel faders with their level meters, and the crossfader.

Gain, High, Mid and Low, and Filter ("Muffled" one way, "Thin" the other) are the knobs; a double
tap puts one back in the middle. The mixer shows what it is given (show) and says what a finger
did through on_set(group, control, value) and on_toggle(group, control); the screen decides.
Looks: mixer_panel.kv.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from apps.decks import deck_buttons  # noqa: F401  (kv classes)
from apps.decks.deck_look import DECK_ACCENTS
from apps.decks.faders import ChannelMeter, Fader  # noqa: F401
from apps.decks.knob import Knob, KnobScale  # noqa: F401
from studio.decks.deck_controls import EQ_MAX_DB, EQ_MIN_DB

DECKS = (1, 2)


def db_words(value_db: float) -> str:
    whole = int(round(value_db))
    return f"+{whole} dB" if whole > 0 else f"{whole} dB".replace("-", "\u2212")


def filter_words(value: float) -> str:
    """The filter in plain words: low-pass sounds muffled, high-pass thin."""
    percent = int(round(abs(value) * 100))
    if percent == 0:
        return "Off"
    return f"Muffled {percent}%" if value < 0 else f"Thin {percent}%"


@dataclass(frozen=True)
class MixerKnob:
    control: str
    label: str
    scale: KnobScale
    words: object  # value -> what the row says while the knob turns
    kill: str = ""  # the band's off switch, "" for none


MIXER_KNOBS = (
    MixerKnob("gain_db", "Gain", KnobScale(-12.0, 0.0, 12.0), db_words),
    MixerKnob("eq_high_db", "High", KnobScale(EQ_MIN_DB, 0.0, EQ_MAX_DB), db_words, "kill_high"),
    MixerKnob("eq_mid_db", "Mid", KnobScale(EQ_MIN_DB, 0.0, EQ_MAX_DB), db_words, "kill_mid"),
    MixerKnob("eq_low_db", "Low", KnobScale(EQ_MIN_DB, 0.0, EQ_MAX_DB), db_words, "kill_low"),
    MixerKnob("filter", "Filter", KnobScale(-1.0, 0.0, 1.0), filter_words),
)


class MixerKnobRow(BoxLayout):
    """deck 1's band-off button and knob, the name, deck 2's knob and band-off button."""

    label = StringProperty("")
    has_kill = BooleanProperty(False)


class MixerPanel(BoxLayout):
    __events__ = ("on_set", "on_toggle")

    def on_kv_post(self, base_widget):
        self.rows: dict[str, MixerKnobRow] = {}
        self.knobs: dict[tuple[int, str], Knob] = {}
        self.kills = {}
        for spec in MIXER_KNOBS:
            row = MixerKnobRow(label=spec.label, has_kill=bool(spec.kill))
            for deck in DECKS:
                knob = row.ids[f"knob{deck}"]
                knob.accent = DECK_ACCENTS[deck]
                knob.bind(on_turn=lambda _knob, position, deck=deck, spec=spec: self._turned(deck, spec, position),
                          on_turn_end=lambda _knob, spec=spec: setattr(self.rows[spec.control], "label", spec.label))
                self.knobs[(deck, spec.control)] = knob
                kill = row.ids[f"kill{deck}"]
                if spec.kill:
                    kill.bind(on_release=lambda _b, deck=deck, spec=spec: self.dispatch(
                        "on_toggle", f"deck{deck}", spec.kill))
                    self.kills[(deck, spec.kill)] = kill
                else:
                    kill.parent.remove_widget(kill)  # a gap of the same width keeps the knobs in line
            self.rows[spec.control] = row
            self.ids.knob_rows.add_widget(row)
        for deck in DECKS:
            self.ids[f"cue{deck}"].bind(on_release=lambda _b, deck=deck: self.dispatch(
                "on_toggle", f"deck{deck}", "headphones"))
            self.ids[f"fader{deck}"].bind(on_slide=lambda _f, value, deck=deck: self.dispatch(
                "on_set", f"deck{deck}", "fader", value))
        self.ids.crossfader.bind(on_slide=lambda _f, value: self.dispatch("on_set", "mixer", "crossfader",
                                                                           value * 2 - 1))

    def _turned(self, deck: int, spec: MixerKnob, position: float) -> None:
        value = spec.scale.value_at(position)
        self.rows[spec.control].label = spec.words(value)
        self.dispatch("on_set", f"deck{deck}", spec.control, value)

    def show(self, value) -> None:
        """Every knob, switch and fader as the controls hold them (value(group, control))."""
        for (deck, control), knob in self.knobs.items():
            if not knob.turning:
                spec = next(spec for spec in MIXER_KNOBS if spec.control == control)
                knob.position = spec.scale.position_of(value(f"deck{deck}", control))
        for (deck, control), button in self.kills.items():
            button.lit = value(f"deck{deck}", control) >= 0.5
        for deck in DECKS:
            self.ids[f"cue{deck}"].lit = value(f"deck{deck}", "headphones") >= 0.5
            fader = self.ids[f"fader{deck}"]
            if not fader.dragging:
                fader.value = value(f"deck{deck}", "fader")
        if not self.ids.crossfader.dragging:
            self.ids.crossfader.value = (value("mixer", "crossfader") + 1) / 2

    def show_levels(self, levels_db: tuple[float, float]) -> None:
        for deck, level_db in zip(DECKS, levels_db):
            self.ids[f"meter{deck}"].show_level(level_db)

    def live_widgets(self) -> list:
        """What changes many times a second: the level meters (see DeckPanel.live_widgets)."""
        return [self.ids.meter1, self.ids.meter2]

    def on_set(self, group: str, control: str, value: float):
        """A knob or fader moved."""

    def on_toggle(self, group: str, control: str):
        """A band-off or headphones button was tapped."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "mixer_panel.kv"))
