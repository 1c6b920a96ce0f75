"""Screenshots of the Decks screen with two tracks loaded, into test-artifacts/ (git-ignored) to
look at: drawn in a window of its own at 1280x800 and at 2048x1536 (density 2, so 1024x768 dp),
and in the touch harness with the track browser, the beat grid and the headphones sheets open."""


import pytest

from tests.apps.apps_test_support import check_screenshot, screenshot_in_its_own_process, skip_module_without_display

skip_module_without_display()

from tests.apps.test_decks_support import DecksTouchCase, FakeDecksClient  # noqa: E402

pytestmark = pytest.mark.ui

SIZES = {"1280x800": ("1", (1280, 800)), "2048x1536": ("2", (2048, 1536))}
CUES_1 = (12.0, None, 31.0, 61.5, None, None, None, None)


def stage(case) -> None:
    """A mix in full swing: deck 1 playing in a loop with hot cues, deck 2 synced and cued,
    its low end turned off, the crossfader a little towards deck 2."""
    case.put_track(1, "Night Shift", bpm=123.5, first_beat_s=0.2, position_s=30.0, playing=True, seed=1,
                   hot_cues_s=CUES_1, loop_s=(29.35, 31.3), meter_db=-7.0, rate=1.0)
    case.put_track(2, "Tea Trolley", duration_s=72.4, bpm=110.0, first_beat_s=0.1, position_s=20.0, seed=3,
                   playing=True, synced=True, rate=123.5 / 110.0, meter_db=-14.0,
                   hot_cues_s=(0.1, 11.0, None, None, None, None, None, None))
    client, session = case.client, case.session
    client.set_deck(2, bpm=123.5)
    session.set_mixer("deck2", "tempo_range", 1)
    session.set_mixer("deck2", "kill_low", 1.0)
    session.set_mixer("deck2", "headphones", 1.0)
    session.set_mixer("deck1", "eq_high_db", -8.0)
    session.set_mixer("deck1", "filter", 0.35)
    session.set_mixer("deck2", "fader", 0.8)
    session.set_mixer("mixer", "crossfader", 0.3)
    session.set_tempo(1, 0.0)
    case.poll()


class ScreenshotStage(DecksTouchCase):
    """Not a test: the touch case's set-up, used by draw_screenshot in a process of its own."""

    def runTest(self):
        pass


def draw_screenshot(path: str, size: str) -> None:
    """Run in a process of its own (the density is set before Kivy starts): the studio with the
    Decks screen open and two tracks playing, saved as a PNG."""
    case = ScreenshotStage()
    case.setUp()
    case.Window.size = tuple(int(side) for side in size.split("x"))
    case.advance_frames(2)
    case.open_decks(FakeDecksClient())
    stage(case)
    case.advance_frames(5)
    case.root.export_to_png(path)


DRAW_SCRIPT = """
import os, sys, tempfile
os.environ.update(KIVY_NO_ARGS="1", KIVY_NO_CONSOLELOG="1", KIVY_NO_FILELOG="1",
                  KIVY_HOME=tempfile.mkdtemp(prefix="kivy-home-"))
from tests.apps.test_decks_screenshots import draw_screenshot
draw_screenshot(sys.argv[1], sys.argv[2])
"""


@pytest.mark.parametrize("size", SIZES)
def test_the_decks_screen_with_two_tracks_at_tablet_size(size, tmp_path):
    density, expected_size = SIZES[size]
    path = screenshot_in_its_own_process(DRAW_SCRIPT, "decks", size, density, tmp_path, timeout_s=120)
    check_screenshot(path, expected_size)


class DecksScreenshotTest(DecksTouchCase):
    def shoot(self, name: str):
        self.advance_frames(3)
        check_screenshot(self.save_screenshot(name), (1280, 800))

    def test_two_decks_mixing(self):
        self.open_decks()
        stage(self)
        self.shoot("decks-mixing-1280x800")

    def test_empty_decks_and_one_analysing(self):
        self.open_decks()
        path = self.music_dir / "Green Corridor.mp3"
        path.write_bytes(b"not yet")
        self.screen.load(2, str(path), "Green Corridor")
        self.poll()
        self.shoot("decks-empty-1280x800")

    def test_the_track_browser(self):
        self.open_decks()
        self.tap(self.deck(1).ids.load_button)
        self.shoot("decks-browser-1280x800")

    def test_the_beat_grid_and_headphones_sheets(self):
        self.open_decks()
        stage(self)
        self.tap(self.deck(1).ids.bpm_button)
        self.shoot("decks-grid-1280x800")
        self.ids.sheets.close()
        self.tap(self.ids.headphones_button)
        self.shoot("decks-headphones-1280x800")
