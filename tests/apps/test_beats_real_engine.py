"""The Beats screen with the real engine process in silent mode: Play starts the engine's
sequencer, and the playhead on screen follows the step the engine is on."""

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from studio.engine.client import EngineClient  # noqa: E402
from studio.settings import AudioSettings  # noqa: E402
from tests.apps.test_beats_support import BeatsTouchCase  # noqa: E402

pytestmark = pytest.mark.ui


class BeatsRealEngineTest(BeatsTouchCase):
    def test_play_moves_the_playhead_and_stop_stops_it(self):
        client = EngineClient(AudioSettings(backend="none"))
        client.start()
        root = None
        try:
            self.open_beats(client=client)
            root = self.root
            root.start_polling()
            self.wait_for(lambda: client.state.backend != "starting", what="the engine's first state")
            for step in (0, 4, 8, 12):
                self.tap_step(step)
            self.tap(self.ids.transport.ids.tempo_up)
            self.tap(self.ids.transport.ids.play_button)
            self.wait_for(lambda: client.state.beats_playing, what="the beat to play")
            self.assertEqual(client.state.kit_name, "boom-bap")
            self.wait_for(lambda: client.state.beat_bpm == 91.0, what="the engine to take the new tempo")
            seen = set()

            def playhead_moved():
                seen.add(self.ids.steps.playhead_step)
                return len(seen - {-1}) >= 4

            self.wait_for(playhead_moved, what="the playhead to move over four steps")
            self.assertLessEqual(max(seen), 15)
            self.assertEqual(self.ids.transport.play_text, "Stop")
            self.tap(self.ids.transport.ids.play_button)
            self.wait_for(lambda: not client.state.beats_playing, what="the beat to stop")
            self.wait_for(lambda: self.ids.steps.playhead_step == -1, what="the playhead to go")
        finally:
            if root is not None:
                root.stop_polling()
            client.stop()
