"""A GraphicUnitTest that puts the whole studio in Kivy's window and touches it like a finger.

Import only after skip_module_without_display(): importing kivy.tests opens no window, but
setUp does.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from kivy.tests.common import GraphicUnitTest, UnitTestTouch

from tests.apps.apps_test_support import ARTIFACTS, FakeEngineClient

WINDOW_SIZE = (1280, 800)


class StudioTouchCase(GraphicUnitTest):
    def setUp(self):
        self._attributes_before = set(vars(self))
        # Each test saves settings into a folder of its own.
        os.environ["WARD_STUDIO_CONFIG_DIR"] = tempfile.mkdtemp(prefix="ward-studio-config-")
        super().setUp()
        from kivy.clock import Clock

        self._clock_events_before = set(Clock.get_events())
        self.root = None
        self.Window.size = WINDOW_SIZE
        self.advance_frames(1)

    def tearDown(self, fake=False):
        # Close the studio as the app does on exit, then cancel what the test left on Kivy's
        # clock: a scheduled callback keeps its whole screen alive, and hundreds of leftover
        # screens made later tests slow (each full garbage collection took minutes at the end).
        from kivy.clock import Clock

        stop_polling = getattr(self.root, "stop_polling", None)  # the studio's root (some tests draw a widget alone)
        if stop_polling is not None:
            stop_polling()
        for event in Clock.get_events():
            if event not in self._clock_events_before:
                event.cancel()
        super().tearDown(fake)
        # pytest keeps every test case object to the end of the run: let go of what this one made.
        for name in set(vars(self)) - self._attributes_before:
            delattr(self, name)

    def make_root(self, client=None, settings=None, preferences=None, first_screen="launcher", controllers=None):
        from apps.preferences import Preferences
        from apps.studio_root import StudioRoot

        self.client = client if client is not None else FakeEngineClient()
        self.root = StudioRoot(client=self.client, settings=settings or self.client.settings,
                               preferences=preferences or Preferences(),
                               first_screen=first_screen, transition_s=0, controllers=controllers)
        self.Window.add_widget(self.root)
        self.advance_frames(3)
        return self.root

    def save_screenshot(self, name: str) -> Path:
        """The studio as drawn now, as test-artifacts/<name>.png."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.root.export_to_png(str(path))
        return path

    def tap(self, widget, at=None):
        """A one-finger tap on the middle of a widget (or at window position `at`)."""
        x, y = at if at is not None else widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.advance_frames(1)
        touch.touch_up()
        self.advance_frames(2)

    def touch_down(self, widget=None, at=None):
        """A finger lands on the middle of a widget (or at window position `at`) and stays:
        lift it with touch_up."""
        touch = UnitTestTouch(*(at if at is not None else widget.to_window(*widget.center)))
        touch.touch_down()
        self.advance_frames(1)
        return touch

    def touch_up(self, touch):
        touch.touch_up()
        self.advance_frames(2)

    def drag(self, start, end, steps=10):
        """Press at window position `start`, slide to `end` in steps, lift."""
        touch = UnitTestTouch(*start)
        touch.touch_down()
        self.advance_frames(1)
        for step in range(1, steps + 1):
            fraction = step / steps
            touch.touch_move(start[0] + (end[0] - start[0]) * fraction,
                             start[1] + (end[1] - start[1]) * fraction)
            self.advance_frames(1)
        touch.touch_up()
        self.advance_frames(2)

    def wait_for(self, condition, timeout_s=10.0, what="the condition"):
        """Run frames until condition() is true; a real engine answers within a few seconds."""
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout_s:g} s waiting for {what}")
            time.sleep(0.02)
            self.advance_frames(1)
