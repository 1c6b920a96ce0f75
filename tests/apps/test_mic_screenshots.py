"""Screenshots of the Mic screen with three takes, into test-artifacts/ (git-ignored) to look at:
drawn in a window of its own at 1280x800 and at 2048x1536 (density 2, so 1024x768 dp), and in
the touch harness while recording, while renaming a take and with no takes yet."""

from datetime import datetime, timedelta

import pytest

from tests.apps.apps_test_support import check_screenshot, screenshot_in_its_own_process, skip_module_without_display

skip_module_without_display()

from studio.mic.takes import TakeStore  # noqa: E402
from tests.apps.apps_test_support import FakeEngineClient  # noqa: E402
from tests.apps.test_mic_screen import MicTouchCase, make_take, open_mic_screen  # noqa: E402

pytestmark = pytest.mark.ui

SIZES = {"1280x800": ("1", (1280, 800)), "2048x1536": ("2", (2048, 1536))}
CHORUS_WORDS = ("Every morning on this ward\nI write it down, I call it mine\n"
                "Turn it up and let it play\nOne more line, one more line")


def make_three_takes(store: TakeStore) -> dict:
    """Three takes as a patient might leave them: a first go, the best one (with words), a last one."""
    now = datetime.now()
    first = make_take(store, 42, created=(now - timedelta(days=1)).replace(hour=16, minute=5), backing="beat")
    chorus = make_take(store, 65, created=now - timedelta(minutes=40), backing="beat", lyrics=CHORUS_WORDS)
    store.rename(chorus.take_id, "Chorus")
    store.set_best(chorus.take_id)
    last = make_take(store, 18, created=now - timedelta(minutes=5), backing="metronome")
    return {"first": first.take_id, "chorus": chorus.take_id, "last": last.take_id}


def stage(screen, client, takes: dict) -> None:
    """A session in full swing: the chorus selected, the last take playing, a little too loud."""
    session = screen.session
    session.change_gain(9)
    session.set_monitor(True)
    session.set_effect("echo", True)
    session.set_count_in_bars(1)
    screen.select_take(takes["chorus"])
    screen.toggle_play(takes["last"])
    client.state.mic_level_db, client.state.mic_too_loud = -1.0, True
    screen.show_state(client.state)


def draw_screenshot(path: str) -> None:
    """Run in a process of its own (the window's size and density are set before it opens):
    the studio with the Mic screen open and three takes, saved as a PNG."""
    from kivy.app import App
    from kivy.clock import Clock

    from apps.preferences import Preferences
    from apps.studio_root import StudioRoot

    client = FakeEngineClient()
    store = TakeStore()  # the app's own folder for takes, under WARD_STUDIO_DATA_DIR
    store.check_folder()
    takes = make_three_takes(store)

    class ScreenshotApp(App):
        def build(self):
            return StudioRoot(client=client, settings=client.settings, preferences=Preferences(), transition_s=0)

        def on_start(self):
            self.screen, _ = open_mic_screen(self.root)
            stage(self.screen, client, takes)
            Clock.schedule_once(self.shoot, 0.8)

        def shoot(self, _dt):
            self.root.poll()
            self.screen.show_state(client.state)
            Clock.schedule_once(lambda _dt: (self.root.export_to_png(path), self.stop()), 0.2)

    ScreenshotApp().run()


DRAW_SCRIPT = """
import sys
from kivy.config import Config
width, height = sys.argv[2].split("x")
Config.set("graphics", "width", width)
Config.set("graphics", "height", height)
Config.set("graphics", "resizable", "0")
from tests.apps.test_mic_screenshots import draw_screenshot
draw_screenshot(sys.argv[1])
"""


@pytest.mark.parametrize("size", SIZES)
def test_the_mic_screen_with_three_takes_at_tablet_size(size, tmp_path):
    density, expected_size = SIZES[size]
    path = screenshot_in_its_own_process(DRAW_SCRIPT, "mic", size, density, tmp_path, timeout_s=90)
    check_screenshot(path, expected_size)


class MicScreenshotTest(MicTouchCase):
    def shoot(self, name: str):
        self.advance_frames(3)
        check_screenshot(self.save_screenshot(name), (1280, 800))

    def test_while_recording_with_a_quiet_voice(self):
        make_three_takes(self.store)
        self.open_mic()
        self.ids.lyric_pad.ids.words_input.text = "Verse two\nStill here, still singing"
        self.tap(self.ids.bar.ids.record_button)
        state = self.client.state
        state.take_recording, state.take_seconds, state.mic_level_db = True, 12.3, -47.0
        self.poll()
        self.assertEqual(self.ids.bar.record_text, "Recording 0:12")
        self.shoot("mic-recording-1280x800")

    def test_renaming_a_take_and_after_a_delete(self):
        takes = make_three_takes(self.store)
        self.open_mic()
        self.tap(self.row(self.store.list()[2]).ids.delete_button)  # the first take
        self.tap(self.ids.takes_list.rows[takes["last"]])
        self.tap(self.ids.takes_list.ids.rename_button)
        self.shoot("mic-renaming-1280x800")

    def test_before_the_first_take(self):
        self.open_mic()
        self.shoot("mic-empty-1280x800")
