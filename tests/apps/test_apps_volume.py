"""The master volume slider in the status bar: drags and taps send master/volume_db, and
nothing a finger does goes above the mentor's headphone cap."""

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from apps.preferences import Preferences  # noqa: E402
from tests.apps.studio_touch_case import WINDOW_SIZE, StudioTouchCase  # noqa: E402

pytestmark = pytest.mark.ui


class VolumeSliderTouchTest(StudioTouchCase):
    def slider(self):
        return self.root.status_bar.ids.volume_slider

    def thumb_position(self):
        slider = self.slider()
        return slider.to_window(slider.x_for(slider.volume_db), slider.center_y)

    def test_window_is_tablet_sized(self):
        self.make_root()
        self.assertEqual(tuple(self.Window.size), WINDOW_SIZE)

    def test_dragging_to_the_end_stops_at_the_cap(self):
        self.make_root(preferences=Preferences(headphone_cap_db=-6.0))
        self.client.act("master", "headphone_cap_db", -6.0)
        self.root.poll()
        slider = self.slider()
        start = self.thumb_position()
        far_right = slider.to_window(slider.right - 2, slider.center_y)
        self.drag(start, far_right)
        sent = self.client.sent("master", "volume_db")
        self.assertTrue(sent, "dragging sent no volume action")
        self.assertEqual(sent[-1], -6.0)
        self.assertLessEqual(max(sent), -6.0)
        self.assertEqual(slider.volume_db, -6.0)
        self.assertIn("max", self.root.status_bar.volume_text)

    def test_dragging_down_lowers_the_volume(self):
        self.make_root()
        slider = self.slider()
        self.drag(self.thumb_position(), slider.to_window(slider.x + 2, slider.center_y))
        self.assertEqual(self.client.sent("master", "volume_db")[-1], -60.0)
        self.assertEqual(self.root.status_bar.volume_text, "Off")

    def test_a_tap_never_jumps_up_more_than_six_db(self):
        self.make_root()
        self.client.act("master", "headphone_cap_db", 0.0)
        self.root.poll()
        slider = self.slider()
        self.tap(slider, at=slider.to_window(slider.right - 2, slider.center_y))
        self.assertEqual(self.client.sent("master", "volume_db"), [-12.0 + 6.0])

    def test_a_tap_can_turn_down_at_once(self):
        self.make_root()
        slider = self.slider()
        self.tap(slider, at=slider.to_window(slider.x_for(-40.0), slider.center_y))
        self.assertAlmostEqual(self.client.sent("master", "volume_db")[-1], -40.0, delta=1.0)

    def test_greyed_part_starts_at_the_cap(self):
        self.make_root()
        self.client.act("master", "headphone_cap_db", -20.0)
        self.client.act("master", "volume_db", -20.0)
        self.root.poll()
        slider = self.slider()
        self.assertEqual(slider.cap_db, -20.0)
        self.assertEqual(slider.value_at(slider.right), -20.0)
