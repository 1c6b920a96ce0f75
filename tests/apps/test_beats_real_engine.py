"""The Beats screen with the real engine process in silent mode: Play starts the engine's
sequencer, and the playhead on screen follows the step the engine is on."""

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from studio.engine.client import EngineClient  # noqa: E402
from studio.settings import AudioSettings  # noqa: E402
from tests.apps.test_beats_support import BeatsTouchCase  # noqa: E402

pytestmark = pytest.mark.ui


@pytest.fixture(autouse=True)
def _tmp_path(request, tmp_path):
    request.instance.tmp_path = tmp_path


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

    def test_pads_tapped_while_recording_land_in_the_pattern_and_in_the_render(self):
        import time

        import numpy as np
        import soundfile

        from studio.beats.render import render_beat
        from studio.beats.schedule import song_hits
        from studio.beats.sequencer_graph import PLAYBACK_OFFSET_SAMPLES
        from studio.kits.library import load_kit

        client = EngineClient(AudioSettings(backend="none"))
        client.start()
        root = None
        try:
            from studio.beats.model import Beat, Pattern
            from tests.apps.test_beats_render import make_click_kit

            kit_folder = make_click_kit(self.tmp_path / "click-kit")  # short clicks: onsets easy to find
            # A slow, two-bar loop (8 s): the eight taps fit in one pass even on a busy machine.
            beat = Beat(kit=str(kit_folder), bpm=60.0)
            beat.patterns["A"] = Pattern.empty("A", 32)
            self.open_beats(beat, client=client)
            root = self.root
            root.start_polling()
            self.wait_for(lambda: client.state.backend != "starting", what="the engine's first state")
            self.open_panel("record")
            self.tap(self.ids.record_panel.ids.count_in_choice.button_for(0))
            self.tap(self.ids.record_panel.ids.quantise_choice.button_for("Off"))
            self.tap(self.ids.transport.ids.record_button)
            self.wait_for(lambda: client.state.recording, what="recording to start")
            def wait(seconds):
                deadline = time.monotonic() + seconds
                while time.monotonic() < deadline:
                    self.advance_frames(1)

            for _ in range(4):
                self.tap_pad(0)
                wait(0.12)
                self.tap_pad(1)
                wait(0.2)
            row_hits = lambda pad: self.beat.patterns["A"].rows[pad].hits()  # noqa: E731
            self.wait_for(lambda: len(row_hits(0)) == 4 and len(row_hits(1)) == 4, what="eight hits in the pattern")
            self.tap(self.ids.transport.ids.play_button)  # Stop
            self.wait_for(lambda: not client.state.beats_playing, what="the beat to stop")
            self.assertEqual(self.ids.transport.record_text, "Record")
            self.assertTrue(any(tick % 24 for tick in row_hits(0)), "quantise off keeps hits between steps")
            rendered = render_beat(self.beat, self.tmp_path / "recorded.wav", bars=2, kit=load_kit(kit_folder))
            audio, rate = soundfile.read(rendered.path, always_2d=True)
            expected = sorted({hit.sample + PLAYBACK_OFFSET_SAMPLES for hit in song_hits(self.beat, rate)})
            # Eight taps; two of them on the same tick (a slow machine's taps can go round the loop) are one rise.
            self.assertEqual(len(expected), len(set(row_hits(0)) | set(row_hits(1))))
            # Each click starts at full level on one sample: the rises in the render are the hits
            # (found this way, two hits a few ms apart are still two).
            rises = np.flatnonzero(np.diff(np.abs(audio[:, 0])) > 0.05) + 1
            np.testing.assert_array_equal(rises, expected)
            self.tap(self.ids.pattern_bar.ids.undo_button)  # the whole take goes
            self.assertEqual(row_hits(0), {})
        finally:
            if root is not None:
                root.stop_polling()
            client.stop()
