"""Screenshots of the Export screen with a song under way, into test-artifacts/ (git-ignored) to
look at: in the touch harness at 1280x800 (with the Export sheet before and while exporting, Listen
getting the song ready and playing it from bar 5, the songs, the audio clips to pick from, the
performance set and an empty song), and drawn in a window of its own at 2048x1536 (density 2, so
1024x768 dp)."""


import pytest

from tests.apps.apps_test_support import check_screenshot, screenshot_in_its_own_process, skip_module_without_display

skip_module_without_display()

from tests.apps.test_export_support import (  # noqa: E402
    ExportTouchCase, FakeExportProcess, make_take, save_a_beat,
)

pytestmark = pytest.mark.ui

SIZES = {"2048x1536": ("2", (2048, 1536))}  # 1280x800 at density 1 is the harness's own window


def stage(case) -> None:
    """A song under way: a beat of three patterns, two vocal takes, a recorded mix (muted) and a
    demo track, turned down and to the left; pattern B selected."""
    save_a_beat(bpm=92.0, patterns="AB")
    verse = make_take(case.takes, 18.0)
    case.takes.rename(verse.take_id, "Verse one")
    chorus = make_take(case.takes, 11.0)
    case.takes.rename(chorus.take_id, "Chorus")
    mix = make_take(case.takes, 25.0, channels=2, name_prefix="Mix")
    session = case.session
    session.set_title("Friday Night")
    session.set_artist("MC Corridor")
    session.step_fade("fade_in_s", 1)
    for _ in range(3):
        session.step_fade("fade_out_s", 1)
    for name in "ABA":
        session.add_pattern(name)
    session.change_length(0, 2, 4)
    session.add_take(verse.take_id)
    session.move_clip(1, 0, 4)
    session.add_take(chorus.take_id)
    session.add_audio(str(case.takes.wav_path(mix.take_id)), "Mix 3")
    session.toggle_mute(2)
    session.add_audio("tracks/window-seat.ogg", "Window Seat")
    session.move_clip(3, 0, 2)
    session.step_volume(3, -1)
    session.step_volume(3, -1)
    session.step_pan(3, -1)
    session.select(0, 1)
    case.quiet_banner()


class ScreenshotStage(ExportTouchCase):
    """Not a test: the touch case's set-up, used by draw_screenshot in a process of its own."""

    __test__ = False

    def runTest(self):
        pass


def draw_screenshot(path: str, size: str) -> None:
    """Run in a process of its own (the density is set before Kivy starts): the studio with the
    Export screen open and a song under way, saved as a PNG."""
    case = ScreenshotStage()
    case.setUp()
    case.Window.size = tuple(int(side) for side in size.split("x"))
    case.advance_frames(2)
    case.open_export()
    stage(case)
    case.advance_frames(3)
    case.root.export_to_png(path)
    case.screen.close()


DRAW_SCRIPT = """
import os, sys, tempfile
os.environ.update(KIVY_NO_ARGS="1", KIVY_NO_CONSOLELOG="1", KIVY_NO_FILELOG="1",
                  KIVY_HOME=tempfile.mkdtemp(prefix="kivy-home-"))
from tests.apps.test_export_screenshots import draw_screenshot
draw_screenshot(sys.argv[1], sys.argv[2])
"""


@pytest.mark.parametrize("size", SIZES)
def test_the_export_screen_with_a_song_at_tablet_size(size, tmp_path):
    density, expected_size = SIZES[size]
    path = screenshot_in_its_own_process(DRAW_SCRIPT, "export", size, density, tmp_path, timeout_s=120)
    check_screenshot(path, expected_size)


class ExportScreenshotTest(ExportTouchCase):
    def shoot(self, name: str):
        self.advance_frames(3)
        check_screenshot(self.save_screenshot(name), (1280, 800))

    def test_a_song_under_way_its_sheets_and_an_empty_song(self):
        self.open_export()
        stage(self)
        self.shoot("export-1280x800")
        self.screen.choose_start_bar(4)
        self.tap(self.ids.arranger.ids.listen.ids.listen_button)
        FakeExportProcess.made[-1].report(0.37, "Mixing the lanes: Vocals")
        self.screen.poll_listening()
        self.shoot("export-getting-ready-1280x800")
        FakeExportProcess.made[-1].finish_preview(self.session.song.length_s(self.takes) + 1.0)
        self.screen.poll_listening()  # ready: played
        self.screen.poll_listening()  # the engine says it plays
        self.screen.preview._playing.seen_at -= 3.5 * self.session.song.bar_s  # played on for three and a half bars
        self.screen.poll_listening()
        self.quiet_banner()
        self.shoot("export-listening-1280x800")
        self.screen.stop_listening()
        self.screen.choose_start_bar(0)
        sheet = self.screen.open_export()
        self.shoot("export-sheet-1280x800")  # (its frames lay the sheet out for the taps)
        self.tap(sheet.ids.stems_switch)
        self.tap(sheet.ids.export_button)
        FakeExportProcess.made[-1].report(0.37, "Mixing the lanes: Vocals")
        self.poll_export()
        self.shoot("export-exporting-1280x800")
        self.screen.open_songs()
        self.shoot("export-songs-1280x800")
        self.screen.open_picker("audio")
        self.shoot("export-pick-audio-1280x800")
        self.session.new_song()
        sheet = self.screen.open_set()
        for song in self.session.songs()[::-1]:
            sheet.add(song.song_id)
        self.shoot("export-set-1280x800")
        FakeExportProcess.made[-1].finish("Friday Night.mp3")
        self.poll_export()
        self.ids.sheets.close()
        self.quiet_banner()
        self.shoot("export-empty-1280x800")
