"""The bar across the top of every screen: is sound on, how hard the engine works, the
listening volume, how long the session has run, and the way to the mentor's settings.

It only shows what it is given (show_state, show_volume, show_session_time) and says what
the user did through events; the studio root decides what happens. Looks: status_bar.kv.
"""

from __future__ import annotations

import os

from kivy.lang import Builder
from kivy.properties import ColorProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from apps import theme
from apps.widgets.volume_slider import format_db


def describe_device(state, chosen_backend: str) -> tuple[str, tuple]:
    """A few words for the status bar and the colour of the dot next to them."""
    if state.backend == "starting":
        return "Starting sound\u2026", theme.WARN
    if state.device_ok:
        return ("Sound on \u00b7 JACK" if state.backend == "jack" else "Sound on"), theme.GOOD
    if chosen_backend == "none":
        return "Silent mode", theme.WARN
    return "No sound output", theme.BAD


def describe_glitches(xruns: int | None) -> str:
    if xruns is None:
        return ""  # the device does not say, so neither do we
    return "1 glitch" if xruns == 1 else f"{xruns} glitches"


def format_session_time(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class DeviceStatus(ButtonBehavior, BoxLayout):
    text = StringProperty("Starting sound\u2026")
    dot_colour = ColorProperty(theme.WARN)


class StatusBar(BoxLayout):
    cpu_text = StringProperty("")
    glitch_text = StringProperty("")
    clock_text = StringProperty("00:00")
    volume_text = StringProperty("")

    __events__ = ("on_settings", "on_device_details", "on_volume")

    def show_state(self, state, chosen_backend: str) -> None:
        device = self.ids.device
        device.text, device.dot_colour = describe_device(state, chosen_backend)
        starting = state.backend == "starting"
        self.cpu_text = "" if starting else f"CPU {state.cpu_percent:.0f}%"
        self.glitch_text = "" if starting else describe_glitches(state.xruns)

    def show_volume(self, volume_db: float, cap_db: float) -> None:
        slider = self.ids.volume_slider
        slider.cap_db = cap_db
        if not slider.dragging:
            slider.volume_db = min(volume_db, cap_db)
        shown_db = min(slider.volume_db, cap_db)
        self.volume_text = format_db(shown_db) + (" max" if shown_db >= cap_db else "")

    def show_session_time(self, seconds: float) -> None:
        self.clock_text = format_session_time(seconds)

    # Events: the root binds to these.
    def on_settings(self):
        """The mentor tapped Settings."""

    def on_device_details(self):
        """The device status was tapped: show the engine's full message."""

    def on_volume(self, volume_db: float):
        """A touch moved the volume slider."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "status_bar.kv"))
