"""Touching the launcher: tiles open their screens, Back returns, sound check, banners."""

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from apps.catalogue import STUDIO_PARTS  # noqa: E402
from tests.apps.apps_test_support import png_facts  # noqa: E402
from studio.engine.messages import EngineEvent  # noqa: E402
from tests.apps.studio_touch_case import StudioTouchCase  # noqa: E402

pytestmark = pytest.mark.ui


class LauncherTouchTest(StudioTouchCase):
    def test_every_tile_opens_its_screen_and_back_returns(self):
        root = self.make_root()
        for part in STUDIO_PARTS:
            self.assertEqual(root.screens.current, "launcher")
            self.tap(root.launcher.tile_for(part.name))
            self.assertEqual(root.screens.current, part.name)
            screen = root.screens.current_screen
            self.assertEqual(screen.part_title, part.title)
            self.tap(screen.ids.back_button)
            self.assertEqual(root.screens.current, "launcher")
        self.assertEqual(self.client.actions, [], "opening a screen must not play anything")

    def test_tiles_of_parts_not_built_yet_say_coming_soon(self):
        root = self.make_root()
        for part in STUDIO_PARTS:
            self.assertEqual(root.launcher.tile_for(part.name).badge, "" if part.ready else "Coming soon")
        self.assertEqual([part.name for part in STUDIO_PARTS if part.ready],
                         ["beats", "decks", "mic", "export", "sessions"])

    def test_sound_check_starts_and_stops_the_click(self):
        root = self.make_root()
        card = root.launcher.sound_check
        self.assertIn("Start", card.ids.toggle_button.text)
        self.tap(card.ids.toggle_button)
        self.assertEqual(self.client.sent("transport", "playing"), [1.0])
        self.assertEqual(self.client.value("metronome", "enabled"), 1.0)
        self.assertTrue(card.click_on)
        self.assertIn("Stop", card.ids.toggle_button.text)
        self.tap(card.ids.toggle_button)
        self.assertEqual(self.client.sent("transport", "playing"), [1.0, 0.0])
        self.assertIn("Start", card.ids.toggle_button.text)

    def test_sound_check_says_when_the_click_cannot_be_heard(self):
        root = self.make_root()
        self.tap(root.launcher.sound_check.ids.toggle_button)
        self.client.state.playing = True  # the (silent) engine says the click runs
        root.poll()
        self.assertIn("sound is off", root.launcher.sound_check.status_text)

    def test_settings_button_opens_the_settings_screen(self):
        root = self.make_root()
        self.tap(root.status_bar.ids.settings_button)
        self.assertEqual(root.screens.current, "settings")
        self.tap(root.settings_screen.ids.back_button)
        self.assertEqual(root.screens.current, "launcher")

    def test_engine_event_shows_a_banner_and_a_tap_closes_it(self):
        root = self.make_root()
        message = "The audio engine stopped unexpectedly and was restarted. Your settings are back."
        self.client.events.append(EngineEvent("restarted", message))
        root.poll()
        self.advance_frames(15)  # let it fade in
        self.assertTrue(root.banner.showing)
        self.assertEqual(root.banner.message, message)
        self.assertGreater(root.banner.opacity, 0.9)
        self.tap(root.banner)
        self.assertFalse(root.banner.showing)

    def test_a_hidden_banner_does_not_block_taps(self):
        root = self.make_root()
        self.assertFalse(root.banner.showing)
        tile = root.launcher.tile_for("decks")
        root.banner.center = tile.to_window(*tile.center)  # lying right over the tile
        self.tap(tile)
        self.assertEqual(root.screens.current, "decks")

    def test_first_start_event_is_left_to_the_status_bar(self):
        root = self.make_root()
        self.client.events.append(EngineEvent("started", "Sound is off (silent mode chosen)"))
        root.poll()
        self.assertFalse(root.banner.showing)
        self.client.events.append(EngineEvent("started", "Playing through JACK, 48 kHz"))
        root.poll()
        self.assertTrue(root.banner.showing)

    def test_status_bar_shows_device_cpu_glitches_and_clock(self):
        root = self.make_root()
        self.client.state.cpu_percent = 12.4
        self.client.state.xruns = 3
        root.poll()
        bar = root.status_bar
        self.assertEqual(bar.ids.device.text, "Silent mode")
        self.assertIn("CPU 12%", bar.ids.cpu_label.text)
        self.assertIn("3 glitches", bar.ids.cpu_label.text)
        self.assertRegex(bar.clock_text, r"^\d\d:\d\d$")
        self.client.state.xruns = None  # unknown: not shown at all
        root.poll()
        self.assertNotIn("glitch", bar.ids.cpu_label.text)

    def test_tapping_the_device_status_shows_the_full_message(self):
        root = self.make_root()
        self.tap(root.status_bar.ids.device)
        self.assertEqual(root.banner.message, "Sound is off (silent mode chosen)")

    def test_every_touch_target_on_every_screen_is_at_least_48_dp(self):
        from kivy.metrics import dp
        from kivy.uix.behaviors import ButtonBehavior

        from apps.catalogue import SCREEN_NAMES
        from apps.widgets import VolumeSlider

        root = self.make_root()
        for name in SCREEN_NAMES:
            root.open_screen(name, animate=False)
            self.advance_frames(3)
            # A button hidden away (no width, invisible, disabled) is not a touch target.
            targets = [w for w in root.walk() if isinstance(w, (ButtonBehavior, VolumeSlider))
                       and not (w.disabled and w.opacity == 0)]
            self.assertGreater(len(targets), 3)
            for widget in targets:
                self.assertGreaterEqual(min(widget.size), dp(48), f"{widget} on {name} is too small")

    def test_screenshot_with_the_click_running_and_a_banner(self):
        root = self.make_root()
        self.tap(root.launcher.sound_check.ids.toggle_button)
        state = self.client.state
        state.playing, state.beat, state.meter_db, state.cpu_percent = True, 4, (-14.0, -15.0), 7.0
        self.client.events.append(EngineEvent(
            "device_lost", "The JACK audio server stopped. Sound is off until it is back; "
                           "nothing you made is lost."))
        root.poll()
        self.advance_frames(20)
        path = self.save_screenshot("launcher-click-on-1280x800")
        width, height, distinct_values = png_facts(path)
        self.assertEqual((width, height), (1280, 800))
        self.assertGreater(distinct_values, 64)
