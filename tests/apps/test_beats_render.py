"""What is tapped on the screen is what is heard: steps tapped by touch, rendered offline
through the engine's own graphs, land on the exact samples the schedule predicts."""

import numpy as np
import pytest
import soundfile

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from studio.beats.model import Beat  # noqa: E402
from studio.beats.render import render_beat  # noqa: E402
from studio.beats.schedule import song_hits  # noqa: E402
from studio.beats.sequencer_graph import PLAYBACK_OFFSET_SAMPLES  # noqa: E402
from studio.kits.library import load_kit  # noqa: E402
from tests.apps.test_beats_support import BeatsTouchCase  # noqa: E402
from tests.studio.signals import onsets  # noqa: E402

SR = 48000


def make_click_kit(folder):
    """A kit folder of two short decaying clicks (kick.wav on pad 1, snare.wav on pad 2)."""
    folder.mkdir()
    decay = np.exp(-np.arange(2400) / 150.0)
    soundfile.write(folder / "kick.wav", (0.5 * decay).astype(np.float32), SR, subtype="FLOAT")
    soundfile.write(folder / "snare.wav", (0.25 * decay).astype(np.float32), SR, subtype="FLOAT")
    return folder


@pytest.fixture(autouse=True)
def _tmp_path(request, tmp_path):
    request.instance.tmp = tmp_path


pytestmark = pytest.mark.ui


class RenderTouchTest(BeatsTouchCase):
    def test_tapped_steps_render_on_the_predicted_samples(self):
        kit_folder = make_click_kit(self.tmp / "click-kit")
        self.open_beats(Beat(kit=str(kit_folder)))
        self.assertEqual([pad.sound_name for pad in self.ids.pads.pads[:2]], ["kick", "snare"])
        for step in (0, 3, 8, 11):
            self.tap_step(step)
        self.tap_pad(1)
        self.tap(self.ids.steps.ids.mode_choice.button_for(True))
        self.tap_step(4)
        self.tap_step(12)
        self.tap_step(12)  # loud -> medium
        transport = self.ids.transport
        for _ in range(3):
            self.tap(transport.ids.tempo_up)
        self.tap(transport.ids.swing_up)
        beat = self.beat
        self.assertEqual((beat.bpm, beat.swing), (93.0, 0.55))
        self.assertEqual(beat.patterns["A"].rows[1].velocities[12], 0.7)

        rendered = render_beat(beat, self.tmp / "tapped.wav", bars=2, kit=load_kit(kit_folder))
        audio, rate = soundfile.read(rendered.path, always_2d=True)
        self.assertEqual(rate, SR)
        hits = song_hits(beat, SR, repeats=2)
        self.assertEqual(len(hits), 2 * 6)
        expected = sorted({hit.sample + PLAYBACK_OFFSET_SAMPLES for hit in hits})
        found = onsets(audio[:, 0], threshold=1e-3, min_gap=200)
        np.testing.assert_array_equal(found, expected)
        # the medium snare (step 12) is softer than the loud one (step 4)
        loud_at, medium_at = (hit.sample + PLAYBACK_OFFSET_SAMPLES for hit in hits[:6] if hit.pad == 1)
        loud, medium = (np.abs(audio[s:s + 50, 0]).max() for s in (loud_at, medium_at))
        self.assertAlmostEqual(medium / loud, 0.7, delta=0.05)
