"""The mentor settings screen: choices, Apply (saved, engine restarted only when needed), the
headphone cap kept between sessions, and Back without Apply changing nothing."""

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from apps.preferences import load_preferences  # noqa: E402
from studio.settings import AudioSettings, load_settings  # noqa: E402
from tests.apps.studio_touch_case import StudioTouchCase  # noqa: E402

pytestmark = pytest.mark.ui


class SettingsTouchTest(StudioTouchCase):
    def open_settings(self, settings=None):
        root = self.make_root(settings=settings or AudioSettings(backend="none"))
        self.tap(root.status_bar.ids.settings_button)
        self.assertEqual(root.screens.current, "settings")
        return root.settings_screen

    def test_shows_the_settings_in_use(self):
        screen = self.open_settings(AudioSettings(backend="none", sample_rate=44100, buffer_size=512))
        self.assertEqual(screen.ids.backend_choice.selected, "none")
        self.assertEqual(screen.ids.rate_choice.selected, 44100)
        self.assertEqual(screen.ids.buffer_choice.selected, 512)
        self.assertEqual(screen.cap_db, -6.0)

    def test_apply_saves_and_restarts_the_engine_on_new_settings(self):
        screen = self.open_settings()
        self.tap(screen.ids.backend_choice.button_for("portaudio"))
        self.tap(screen.ids.rate_choice.button_for(44100))
        self.tap(screen.ids.buffer_choice.button_for(128))
        self.tap(screen.ids.apply_button)
        wanted = AudioSettings(backend="portaudio", sample_rate=44100, buffer_size=128)
        self.assertEqual(self.client.settings_changes, [wanted])
        self.assertEqual(load_settings(), (wanted, ""))
        self.assertTrue(self.root.banner.showing)
        self.assertIn("Saved", self.root.banner.message)

    def test_changing_only_the_cap_does_not_restart_the_engine(self):
        screen = self.open_settings()
        for _ in range(3):
            self.tap(screen.ids.cap_down_button)
        self.assertEqual(screen.cap_text, "-9 dB")
        self.tap(screen.ids.apply_button)
        self.assertEqual(self.client.settings_changes, [])
        self.assertEqual(self.client.sent("master", "headphone_cap_db")[-1], -9.0)
        self.assertEqual(load_preferences()[0].headphone_cap_db, -9.0)
        self.assertEqual(self.root.status_bar.ids.volume_slider.cap_db, -9.0)

    def test_lowering_the_cap_below_the_volume_lowers_the_volume(self):
        screen = self.open_settings()
        slider = screen.ids.cap_slider
        self.tap(slider, at=slider.to_window(slider.x_for(-20.0), slider.center_y))
        self.assertEqual(screen.cap_db, -20.0)
        self.tap(screen.ids.apply_button)
        self.assertEqual(self.client.value("master", "volume_db"), -20.0)

    def test_back_without_apply_changes_nothing(self):
        screen = self.open_settings()
        self.tap(screen.ids.backend_choice.button_for("jack"))
        self.tap(screen.ids.back_button)
        self.assertEqual(self.root.screens.current, "launcher")
        self.assertEqual(self.client.settings_changes, [])
        self.assertIn("not applied", self.root.banner.message)
        self.tap(self.root.status_bar.ids.settings_button)
        self.assertEqual(screen.ids.backend_choice.selected, "none")

    def test_every_choice_is_finger_sized(self):
        from kivy.metrics import dp

        screen = self.open_settings()
        rows = (screen.ids.backend_choice, screen.ids.rate_choice, screen.ids.buffer_choice)
        buttons = [button for row in rows for button in row.children]
        buttons += [screen.ids.cap_down_button, screen.ids.cap_up_button, screen.ids.apply_button,
                    screen.ids.back_button, self.root.status_bar.ids.settings_button]
        for button in buttons:
            self.assertGreaterEqual(min(button.size), dp(48), f"{button} is too small for a finger")
