"""The Kivy App: builds the studio, tells a benchmark when it is ready, takes screenshots.

main.py configures Kivy (window size, fullscreen) before importing this module, because
importing kivy.core.window opens the window.
"""

from __future__ import annotations

import os
import sys
import time

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window

from apps import theme
from apps.studio_root import StudioRoot

# A screenshot waits for the engine's first state, but never longer than this.
SCREENSHOT_WAIT_S = 3.0
READY_LINE = "Ward Studio ready"


class WardStudioApp(App):
    title = "Ward Studio"

    def __init__(self, client, settings, preferences, first_screen="launcher",
                 screenshot_path=None, notes=(), controllers=None, **kwargs):
        super().__init__(**kwargs)
        self.client = client
        self.controllers = controllers  # the MIDI controllers (started after the first frame), or None
        self.audio_settings = settings
        self.preferences = preferences
        self.first_screen = first_screen
        self.screenshot_path = screenshot_path
        self.notes = list(notes)
        self.exit_code = 0
        self._screenshot_check = None
        self._started_at = time.monotonic()

    def build(self):
        Window.clearcolor = theme.BACKGROUND
        Window.bind(on_keyboard=self._on_keyboard)
        return StudioRoot(client=self.client, settings=self.audio_settings,
                          preferences=self.preferences, first_screen=self.first_screen,
                          notes=self.notes, controllers=self.controllers)

    def on_start(self):
        self.root.start_polling()
        Window.bind(on_flip=self._on_first_flip)
        if self.screenshot_path:
            self._screenshot_check = Clock.schedule_interval(self._maybe_take_screenshot, 0.1)

    def on_stop(self):
        if self.root is not None:
            self.root.stop_polling()

    def _on_first_flip(self, *_):
        Window.unbind(on_flip=self._on_first_flip)
        print(READY_LINE, flush=True)
        if self.controllers is not None:
            # Its own process imports and opens JACK beside the app: after the launcher shows,
            # not while it is being drawn for the first time (two cores, three processes).
            self.controllers.start()

    def _on_keyboard(self, _window, key, *_):
        if key == 27:  # Escape, or Android's back button: go back, never quit mid-session
            if self.root.screens.current != "launcher":
                self.root.open_screen("launcher")
            return True
        return False

    # --- --screenshot ---------------------------------------------------------------
    def _maybe_take_screenshot(self, _dt):
        engine_answered = self.client.state.backend != "starting"
        waited_s = time.monotonic() - self._started_at
        if not engine_answered and waited_s < SCREENSHOT_WAIT_S:
            return
        self._screenshot_check.cancel()
        self.root.poll()
        # Two more frames so the status bar shows what poll() just set.
        Clock.schedule_once(self._take_screenshot, 0.2)

    def _take_screenshot(self, _dt):
        try:
            os.makedirs(os.path.dirname(os.path.abspath(self.screenshot_path)), exist_ok=True)
            self.root.export_to_png(self.screenshot_path)
        except Exception as error:  # report any failure plainly and exit non-zero
            print(f"Could not save the screenshot to {self.screenshot_path}: {error}", file=sys.stderr)
            self.exit_code = 1
        self.stop()
