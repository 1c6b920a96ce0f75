"""The studio with the real engine process in silent mode: what the status bar and the sound
check say must come from the engine, not from the UI's hopes."""

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from studio.engine.client import EngineClient  # noqa: E402
from studio.settings import AudioSettings  # noqa: E402
from tests.apps.studio_touch_case import StudioTouchCase  # noqa: E402

pytestmark = pytest.mark.ui


class RealEngineTouchTest(StudioTouchCase):
    def test_silent_engine_shows_in_the_status_bar_and_the_sound_check(self):
        client = EngineClient(AudioSettings(backend="none"))
        client.start()
        try:
            root = self.make_root(client=client)
            root.start_polling()
            self.wait_for(lambda: client.state.backend != "starting", what="the engine's first state")
            self.advance_frames(2)
            root.poll()
            bar = root.status_bar
            self.assertEqual(bar.ids.device.text, "Silent mode")
            self.assertIn("CPU", bar.ids.cpu_label.text)
            self.tap(bar.ids.device)
            self.assertEqual(root.banner.message, client.state.device_message)
            self.assertIn("silent", root.banner.message)

            self.tap(root.launcher.sound_check.ids.toggle_button)
            self.wait_for(lambda: client.state.playing, what="the click to start")
            first_beat = client.state.beat
            self.wait_for(lambda: client.state.beat > first_beat, what="a beat to pass")
            root.poll()
            self.assertIn("sound is off", root.launcher.sound_check.status_text)
            self.tap(root.launcher.sound_check.ids.toggle_button)
            self.wait_for(lambda: not client.state.playing, what="the click to stop")
        finally:
            root.stop_polling()
            client.stop()
