"""The bar across the top of the Beats screen: Back, Play/Stop, Record, tempo (- + and Tap) and
swing (- +). It shows what it is given and says what was tapped through events; the screen
decides what happens. Looks: beat_bars.kv."""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

SWING_STEP = 0.05  # - and + move swing by 5 %: 50, 55 ... 75
TEMPO_STEP = 1.0


def format_bpm(bpm: float) -> str:
    return f"{bpm:.0f}" if bpm == round(bpm) else f"{bpm:.1f}"


def format_swing(swing: float) -> str:
    return "Off" if swing <= 0.5 else f"{swing * 100:.0f}%"


class TransportBar(BoxLayout):
    playing = BooleanProperty(False)  # the Play button was tapped (the engine may still be starting)
    play_text = StringProperty("Play")
    bpm_text = StringProperty("90")
    swing_text = StringProperty("Off")
    recording = BooleanProperty(False)  # Record was tapped (the engine may be counting in)
    record_text = StringProperty("Record")

    __events__ = ("on_back", "on_play", "on_record", "on_tempo", "on_tap_tempo", "on_swing")

    def show(self, beat, playing: bool, what_plays: str) -> None:
        self.playing = playing
        self.play_text = "Stop" if playing else f"Play {what_plays}"
        self.bpm_text = format_bpm(beat.bpm)
        self.swing_text = format_swing(beat.swing)

    def show_recording(self, recording: bool, counting_in: bool) -> None:
        self.recording = recording
        self.record_text = "Count-in" if recording and counting_in else ("Recording" if recording else "Record")

    def on_back(self):
        """Back to the launcher."""

    def on_play(self):
        """Play or Stop was tapped."""

    def on_tempo(self, delta_bpm: float):
        """Tempo - or + was tapped."""

    def on_tap_tempo(self):
        """Tap was touched (on touch-down: that is the moment of the beat)."""

    def on_swing(self, delta: float):
        """Swing - or + was tapped."""

    def on_record(self):
        """Record was tapped: start recording pads into the pattern, or stop recording."""
