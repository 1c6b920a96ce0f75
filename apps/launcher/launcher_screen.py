"""The launcher: big tiles for Beats, Decks, Mic, Export and Sessions, and a sound check card
a mentor uses to test the speakers before handing the tablet over. Looks: launcher.kv."""

from __future__ import annotations

import os

from kivy.animation import Animation
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen

from apps import theme
from apps.catalogue import STUDIO_PARTS
from apps.widgets import AppTile


def describe_sound_check(state, click_requested: bool) -> tuple[str, tuple]:
    """What the sound check is doing, honestly: a running click is useless if sound is off."""
    if not click_requested:
        return "Off. Plays a click on every beat so you can test the speakers.", theme.MUTED_TEXT
    if state.backend == "starting" or not state.playing:
        return "Starting the click\u2026", theme.MUTED_TEXT
    if not state.device_ok:
        return "The click is running, but sound is off, so nothing can be heard.", theme.WARN
    return f"Clicking at {state.bpm:.0f} beats a minute. Can you hear it?", theme.GOOD


class SoundCheckCard(BoxLayout):
    click_on = BooleanProperty(False)
    status_text = StringProperty("")
    status_colour = ColorProperty(theme.MUTED_TEXT)
    beat_glow = NumericProperty(0.0)  # 1 on each beat, fading to 0

    __events__ = ("on_toggle",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._last_beat = None

    def show_state(self, state, click_requested: bool) -> None:
        self.click_on = click_requested
        self.status_text, self.status_colour = describe_sound_check(state, click_requested)
        self.ids.meter.show_levels(*state.meter_db)
        if state.playing and state.beat != self._last_beat and self._last_beat is not None:
            self.beat_glow = 1.0
            Animation.cancel_all(self, "beat_glow")
            Animation(beat_glow=0.0, duration=0.3).start(self)
        self._last_beat = state.beat

    def on_toggle(self):
        """The Start/Stop button was tapped."""


class LauncherScreen(Screen):
    __events__ = ("on_open_part", "on_sound_check")

    def on_kv_post(self, base_widget):
        grid = self.ids.tile_grid
        for part in STUDIO_PARTS:
            tile = AppTile(name=part.name, title=part.title, description=part.description,
                           icon=part.icon, fill=theme.rgba(part.colour_hex),
                           badge="" if part.ready else "Coming soon")
            tile.bind(on_release=lambda tile: self.dispatch("on_open_part", tile.name))
            grid.add_widget(tile)
        self.sound_check = SoundCheckCard()
        self.sound_check.bind(on_toggle=lambda *_: self.dispatch("on_sound_check"))
        grid.add_widget(self.sound_check)

    def tile_for(self, name: str) -> AppTile:
        for widget in self.ids.tile_grid.children:
            if isinstance(widget, AppTile) and widget.name == name:
                return widget
        raise ValueError(f"no tile named {name!r}")

    def on_open_part(self, name: str):
        """A tile was tapped."""

    def on_sound_check(self):
        """The sound check button was tapped."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "launcher.kv"))
