"""The MIDI controllers in the studio: what they say shows in the banner, and a tempo they
follow (MIDI clock in, Link) becomes the beat's tempo, as the tempo buttons would set it."""

import collections
import os
import tempfile

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from studio.midi.controller_messages import ControllerEvent, ControllerStatus  # noqa: E402
from tests.apps.studio_touch_case import StudioTouchCase  # noqa: E402

pytestmark = pytest.mark.ui


class FakeControllers:
    def __init__(self):
        self.events = collections.deque()
        self.status = ControllerStatus()


class TestControllersInTheStudio(StudioTouchCase):
    def setUp(self):
        os.environ["WARD_STUDIO_DATA_DIR"] = tempfile.mkdtemp(prefix="ward-studio-data-")
        super().setUp()

    def test_a_learned_control_is_said_in_the_banner(self):
        controllers = FakeControllers()
        root = self.make_root(controllers=controllers)
        message = "Knob 20, channel 1 on MPK mini now controls EQ: the low band (deck1/eq_low_db)."
        controllers.events.append(ControllerEvent("learned", message, {}))
        root.poll()
        self.assertEqual(root.banner.message, message)
        self.assertEqual(root.banner.kind, "done")
        self.assertEqual(len(controllers.events), 0)

    def test_an_outside_tempo_sets_the_beats_tempo_and_the_engine_plays_it(self):
        controllers = FakeControllers()
        root = self.make_root(controllers=controllers)
        controllers.events.append(ControllerEvent("tempo", "Following the tempo: 123.4 BPM",
                                                  {"bpm": 123.4, "source": "clock"}))
        root.poll()
        self.assertEqual(root.beats_screen.session.beat.bpm, 123.4)
        self.assertEqual(self.client.beats[-1].bpm, 123.4)
        controllers.events.append(ControllerEvent("tempo", "", {"bpm": 250.0, "source": "link"}))
        root.poll()
        self.assertEqual(root.beats_screen.session.beat.bpm, 200.0)  # the beat's own range

    def test_a_device_unplugged_is_said(self):
        controllers = FakeControllers()
        root = self.make_root(controllers=controllers)
        controllers.events.append(ControllerEvent("unplugged", "MPD218 was unplugged.", {"device": "MPD218"}))
        root.poll()
        self.assertEqual(root.banner.message, "MPD218 was unplugged.")
