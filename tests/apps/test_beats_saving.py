"""The beat is saved after every change and comes back exactly when the app is opened again;
a damaged file is kept aside and said, never overwritten."""

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from studio.beats.beat_file import load_beat  # noqa: E402
from studio.beats.storage import current_beat_path  # noqa: E402
from tests.apps.test_beats_support import BeatsTouchCase, FakeBeatsClient  # noqa: E402

pytestmark = pytest.mark.ui


class SavingTouchTest(BeatsTouchCase):
    def make_something(self):
        self.tap_pad(2)
        self.tap_step(4)
        self.tap_step(12)
        self.tap(self.ids.transport.ids.tempo_up)
        self.tap(self.ids.steps.ids.mute_button)
        self.tap(self.ids.pattern_bar.buttons["B"])
        self.tap_step(0)

    def test_every_change_is_saved_within_a_second(self):
        from apps.beats.beat_session import AUTOSAVE_DELAY_S

        self.open_beats()
        path = current_beat_path()
        self.assertFalse(path.exists())
        now_s = [1000.0]  # the autosaver's clock, moved by hand: a slow machine's taps take no time on it
        self.session.autosaver.clock_s = lambda: now_s[0]
        self.tap_step(0)
        self.assertEqual(load_beat(path), self.beat)  # the first change is written at once
        self.tap_step(1)
        self.assertTrue(self.session.autosaver.pending)  # the next, within the second, waits
        self.assertNotEqual(load_beat(path), self.beat)
        now_s[0] += AUTOSAVE_DELAY_S
        self.wait_for(lambda: not self.session.autosaver.pending, timeout_s=5, what="the autosave")
        self.assertEqual(load_beat(path), self.beat)

    def test_leaving_the_screen_saves_at_once(self):
        self.open_beats()
        self.make_something()
        self.tap(self.ids.transport.ids.back_button)
        self.assertEqual(load_beat(current_beat_path()), self.beat)

    def test_closing_the_app_saves_at_once(self):
        self.open_beats()
        self.make_something()
        self.root.stop_polling()  # what the app does on stop
        self.assertEqual(load_beat(current_beat_path()), self.beat)

    def test_opening_the_app_again_restores_the_beat_exactly(self):
        self.open_beats()
        self.make_something()
        made = self.beat
        self.root.stop_polling()
        self.Window.remove_widget(self.root)
        client = FakeBeatsClient()
        self.open_beats(client=client)
        self.assertEqual(self.beat, made)
        self.assertIsNot(self.beat, made)
        self.assertEqual(client.beats[0].patterns, made.patterns)  # and the engine plays it
        self.assertEqual(self.ids.transport.bpm_text, "91")
        self.assertEqual(self.ids.pattern_bar.filled, ["A", "B"])

    def test_a_damaged_file_is_kept_and_said_and_a_new_beat_started(self):
        path = current_beat_path()
        path.parent.mkdir(parents=True)
        path.write_text('{"format": "ward-studio-beat", "vers', encoding="utf-8")
        self.open_beats()
        self.assertIn("Your last beat could not be opened", self.root.banner.message)
        kept = list(path.parent.glob("current-beat.damaged-*.json"))
        self.assertEqual(len(kept), 1)
        self.assertEqual(kept[0].read_text(encoding="utf-8"), '{"format": "ward-studio-beat", "vers')
        self.tap_step(0)
        self.assertEqual(load_beat(path), self.beat)
        self.assertEqual(kept[0].read_text(encoding="utf-8"), '{"format": "ward-studio-beat", "vers')


class TouchTargetTest(BeatsTouchCase):
    def test_every_target_on_every_panel_is_at_least_48_dp(self):
        self.check_targets()

    def test_every_target_is_at_least_48_dp_on_a_2048x1536_tablet(self):
        # 2048x1536 at density 2 is 1024x768 dp: the same layout as this window at density 1.
        self.Window.size = (1024, 768)
        self.advance_frames(1)
        self.check_targets()

    def check_targets(self):
        from kivy.metrics import dp
        from kivy.uix.behaviors import ButtonBehavior

        from apps.beats.setting_row import ValueSlider

        self.open_beats()
        self.tap_pad(0)
        self.session.set_step_count(32)  # the page buttons show too
        self.screen.refresh()
        for panel in ("overview", "sound", "kit", "song"):
            self.open_panel(panel)
            self.advance_frames(2)
            targets = [w for w in self.screen.walk() if isinstance(w, (ButtonBehavior, ValueSlider))]
            self.assertGreater(len(targets), 40)
            for widget in targets:
                self.assertGreaterEqual(min(widget.size), dp(48), f"{widget} on the {panel} panel is too small")
