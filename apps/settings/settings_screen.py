"""Mentor settings, on two pages: Sound (how the studio makes sound, and the headphone volume
limit) and MIDI controllers (apps.settings.controllers_panel).

Sound choices take effect only when Apply is tapped (the root saves them and restarts the engine
if the sound output changed); the MIDI controller choices act at once. Looks: settings.kv.
"""

from __future__ import annotations

import os
from dataclasses import replace

from kivy.lang import Builder
from kivy.properties import NumericProperty, OptionProperty, StringProperty
from kivy.uix.screenmanager import Screen

from apps.preferences import HEADPHONE_CAP
from apps.settings.controllers_panel import ControllersPanel  # noqa: F401  (and its kv rules)
from apps.widgets.volume_slider import format_db
from studio.settings import BUFFER_SIZES, AudioSettings

BACKEND_CHOICES = [("auto", "Automatic"), ("jack", "JACK"), ("portaudio", "System sound"), ("none", "Silent")]
SAMPLE_RATE_CHOICES = [(44100, "44.1 kHz"), (48000, "48 kHz")]
BUFFER_SIZE_CHOICES = [(size, str(size)) for size in BUFFER_SIZES]
PAGE_CHOICES = [("sound", "Sound"), ("midi", "MIDI controllers")]

BACKEND_HELP = {
    "auto": "Automatic uses JACK if it is running, else the system sound. Silent if neither works.",
    "jack": "JACK: for studio set-ups with a JACK server running.",
    "portaudio": "System sound: the tablet's own speakers or headphone socket.",
    "none": "Silent: nothing is played. Everything else still works.",
}


def describe_buffer(buffer_size: int, sample_rate: int) -> str:
    delay_ms = 1000.0 * buffer_size / sample_rate
    return f"{delay_ms:.1f} ms from a tap to its sound. Smaller is quicker but may glitch."


class SettingsScreen(Screen):
    current_sound_text = StringProperty("")
    backend_help = StringProperty("")
    buffer_help = StringProperty("")
    cap_text = StringProperty("")
    cap_db = NumericProperty(HEADPHONE_CAP.default)
    page = OptionProperty("sound", options=[name for name, _ in PAGE_CHOICES])

    __events__ = ("on_apply", "on_back")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._shown = (AudioSettings(), self.cap_db)

    def on_kv_post(self, base_widget):
        ids = self.ids
        ids.backend_choice.choices = BACKEND_CHOICES
        ids.rate_choice.choices = SAMPLE_RATE_CHOICES
        ids.buffer_choice.choices = BUFFER_SIZE_CHOICES
        for row in (ids.backend_choice, ids.rate_choice, ids.buffer_choice):
            row.bind(selected=self._update_help)
        self.fbind("cap_db", self._update_help)
        self.controllers_panel = ids.controllers_panel.__self__
        # The page not shown leaves the widget tree (nothing hidden can be touched): held here.
        self._pages = {"sound": ids.sound_page.__self__, "midi": self.controllers_panel}
        ids.page_choice.choices = PAGE_CHOICES
        ids.page_choice.bind(selected=lambda _row, name: self.show_page(name))
        ids.page_choice.selected = self.page
        self.show_page(self.page)

    def show_page(self, name: str) -> None:
        """Show the Sound page or the MIDI controllers page ("sound" or "midi")."""
        holder = self.ids.page_holder
        for page_name, page in self._pages.items():
            if page_name != name and page.parent is not None:
                holder.remove_widget(page)
        if self._pages[name].parent is None:
            holder.add_widget(self._pages[name])
        self.page = name
        self.ids.page_choice.selected = name

    def show_settings(self, settings: AudioSettings, cap_db: float) -> None:
        """Set every choice to what is in use now."""
        self._shown = (settings, cap_db)
        self.ids.backend_choice.selected = settings.backend
        self.ids.rate_choice.selected = settings.sample_rate
        self.ids.buffer_choice.selected = settings.buffer_size
        self.cap_db = cap_db
        self._update_help()

    def show_state(self, state) -> None:
        self.current_sound_text = f"Now: {state.device_message}"
        self.controllers_panel.refresh()

    def on_leave(self, *args):
        """A control waiting to be learned must not catch a knob moved on another screen."""
        if self.controllers_panel.page != "main":
            self.controllers_panel.cancel_learning()

    def chosen_settings(self) -> AudioSettings:
        return replace(self._shown[0], backend=self.ids.backend_choice.selected,
                       sample_rate=self.ids.rate_choice.selected,
                       buffer_size=self.ids.buffer_choice.selected)

    def has_changes(self) -> bool:
        return (self.chosen_settings(), self.cap_db) != self._shown

    def change_cap(self, step_db: float) -> None:
        self.cap_db = max(HEADPHONE_CAP.minimum, min(HEADPHONE_CAP.maximum, self.cap_db + step_db))

    def _update_help(self, *_):
        ids = self.ids
        self.backend_help = BACKEND_HELP.get(ids.backend_choice.selected, "")
        if ids.buffer_choice.selected and ids.rate_choice.selected:
            self.buffer_help = describe_buffer(ids.buffer_choice.selected, ids.rate_choice.selected)
        self.cap_text = format_db(self.cap_db)

    def on_apply(self, settings: AudioSettings, cap_db: float):
        """Apply was tapped with these choices."""

    def on_back(self):
        """Back was tapped."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "settings.kv"))
