"""Helpers for the Beats screen's tests (this module holds no tests of its own): a fake engine
client that also records the beats it is sent, and a touch case that opens the Beats screen
with its beats saved into a temporary folder.

Import only after skip_module_without_display()."""

from __future__ import annotations

import copy
import os
import tempfile

from studio.beats.beat_file import save_beat
from studio.beats.model import Beat
from studio.beats.storage import current_beat_path
from tests.apps.apps_test_support import FakeEngineClient
from tests.apps.studio_touch_case import StudioTouchCase


class FakeBeatsClient(FakeEngineClient):
    """FakeEngineClient with set_beat: keeps a copy of every beat it was asked to play."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.beats: list[Beat] = []

    def set_beat(self, beat):
        self.beats.append(copy.deepcopy(beat))

    @property
    def playing_beat(self) -> Beat:
        return self.beats[-1]

    def hits(self, pad: int) -> list[float]:
        """Velocities sent to pads/hit_<pad + 1>, oldest first."""
        return self.sent("pads", f"hit_{pad + 1}")


class BeatsTouchCase(StudioTouchCase):
    def setUp(self):
        # Each test keeps its beats in a folder of its own.
        self.data_dir = tempfile.mkdtemp(prefix="ward-studio-data-")
        os.environ["WARD_STUDIO_DATA_DIR"] = self.data_dir
        super().setUp()

    def open_beats(self, beat: Beat | None = None, client=None):
        """The studio with the Beats screen open; `beat` is saved first, as if made earlier."""
        if beat is not None:
            save_beat(beat, current_beat_path())
        root = self.make_root(client=client if client is not None else FakeBeatsClient(), first_screen="beats")
        self.screen = root.beats_screen
        self.ids = self.screen.ids
        return self.screen

    @property
    def session(self):
        return self.screen.session

    @property
    def beat(self) -> Beat:
        return self.screen.session.beat

    def tap_pad(self, pad: int, fraction_up: float = 0.5):
        button = self.ids.pads.pads[pad]
        x, y = button.to_window(button.center_x, button.y + button.height * fraction_up)
        self.tap(button, at=(x, y))

    def tap_step(self, step: int):
        self.tap(self.ids.steps.step_button(step))

    def open_panel(self, name: str):
        self.tap(self.screen.tabs[name])
        self.assertEqual(self.screen.panel, name)
