"""Screenshots of the Beats screen with a beat on it, into test-artifacts/ (git-ignored) to look
at: drawn by main.py as a mentor starts it, at 1280x800 and at 2048x1536 (density 2), and in
the touch harness while the beat plays and with each side panel open."""

import os
import subprocess
import sys

import pytest

from tests.apps.apps_test_support import ARTIFACTS, REPO, png_facts, skip_module_without_display

skip_module_without_display()

from studio.beats.beat_file import save_beat  # noqa: E402
from studio.beats.storage import current_beat_path, new_beat  # noqa: E402
from tests.apps.test_beats_support import BeatsTouchCase  # noqa: E402

pytestmark = pytest.mark.ui

SIZES = {"1280x800": ("1", (1280, 800)), "2048x1536": ("2", (2048, 1536))}


def made_beat():
    """A beat as a patient might leave it: kick, snare, hats at three loudnesses, a muted shaker."""
    beat = new_beat("boom-bap")
    a = beat.patterns["A"]
    a.rows[0].velocities = [1.0 if step % 8 in (0, 3) else 0.0 for step in range(16)]
    a.rows[0].off_grid = {7 * 24 + 12: 0.7, 14 * 24 + 16: 0.7}  # recorded live: a 1/32 and a triplet
    a.rows[2].velocities = [1.0 if step % 8 == 4 else 0.0 for step in range(16)]
    a.rows[6].velocities = [[1.0, 0.7, 0.4, 0.7][step % 4] if step % 2 == 0 else 0.0 for step in range(16)]
    a.rows[8].velocities[14] = 0.7
    a.rows[10].velocities[3] = 0.4
    a.rows[10].mute = True
    beat.patterns["B"].rows[0].velocities[0] = 1.0
    beat.chain = list("AABA")
    beat.bpm, beat.swing = 92.0, 0.55
    return beat


@pytest.mark.parametrize("size", SIZES)
def test_main_draws_the_beats_screen_at_tablet_size(size, tmp_path, monkeypatch):
    density, expected_size = SIZES[size]
    monkeypatch.setenv("WARD_STUDIO_DATA_DIR", str(tmp_path / "data"))
    save_beat(made_beat(), current_beat_path())
    env = dict(os.environ, PYTHONPATH=str(REPO), KIVY_METRICS_DENSITY=density,
               WARD_STUDIO_CONFIG_DIR=str(tmp_path / "config"))
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"beats-busy-{size}.png"
    path.unlink(missing_ok=True)
    result = subprocess.run(
        [sys.executable, str(REPO / "main.py"), "--audio", "none", "--size", size, "--open", "beats",
         "--screenshot", str(path)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr[-2000:]
    width, height, distinct_values = png_facts(path)
    assert (width, height) == expected_size
    assert distinct_values > 64, "the screenshot is nearly blank"


class BeatsScreenshotTest(BeatsTouchCase):
    def test_screenshots_while_playing_with_each_panel(self):
        self.open_beats(made_beat())
        self.tap_pad(6)
        state = self.client.state
        self.tap(self.ids.transport.ids.play_button)
        state.beats_playing, state.beat_step = True, 3
        self.root.poll()
        self.advance_frames(2)
        for panel in ("overview", "sound", "kit", "song", "record"):
            self.open_panel(panel)
            self.advance_frames(3)
            path = self.save_screenshot(f"beats-{panel}-playing-1280x800")
            width, height, distinct_values = png_facts(path)
            self.assertEqual((width, height), (1280, 800))
            self.assertGreater(distinct_values, 64)
