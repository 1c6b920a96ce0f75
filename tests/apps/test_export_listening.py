"""Listen on the Export screen: the song rendered as the export renders it (the real export
process's preview mode) into the app's data folder and played through the engine client's take
player from the bar tapped on the bar numbers; a second Listen with no edit plays at once, an edit
renders again; Stop, Cancel, the end of the song, an export or leaving the screen stop it; and
what cannot be done is said in plain words."""

import os
from pathlib import Path

import pytest
import soundfile

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from kivy.metrics import dp  # noqa: E402

from apps.export.export_runner import default_process  # noqa: E402
from apps.export.listening import RENDER_BUSY_WORDS  # noqa: E402
from apps.export.song_preview import EMPTY_WORDS, ENGINE_STARTING_WORDS, SILENT_WORDS  # noqa: E402
from tests.apps.test_export_support import ExportTouchCase, FakeExportProcess, make_take, save_a_beat  # noqa: E402

pytestmark = pytest.mark.ui

BAR_S = 1.2  # at 200 BPM
RATE = 48000
TAIL_S = 2.0  # the export lets the last hits ring out at most this long after the last bar


class ListenTouchCase(ExportTouchCase):
    @property
    def control(self):
        return self.ids.arranger.ids.listen

    @property
    def grid(self):
        return self.ids.arranger.ids.grid

    def tap_listen(self):
        self.quiet_banner()
        self.tap(self.control.ids.listen_button)

    def tap_bar_number(self, bar: int):
        """Tap the number of bar (from 0) on the ruler."""
        grid = self.grid
        self.tap(None, at=grid.to_window(grid.bar_x(bar) + dp(24), grid.top - dp(20)))

    def a_two_bar_song(self, fake_process: bool = True):
        save_a_beat(bpm=200.0, patterns="A")
        self.open_export(fake_process=fake_process)
        self.session.add_pattern("A")
        self.session.change_length(0, 0, -2)  # two bars: 2.4 s
        self.settle()

    def preview_folder(self) -> Path:
        return Path(self.data_dir) / "preview"


class ListenThroughTheRealExportProcessTest(ListenTouchCase):
    def test_listen_renders_once_plays_the_file_from_the_bar_tapped_and_renders_again_after_an_edit(self):
        self.a_two_bar_song(fake_process=False)
        renders = []
        self.screen.make_process = lambda: renders.append(default_process()) or renders[-1]
        client = self.client
        self.assertEqual((self.control.main_text, self.control.ids.listen_button.text), ("From the start", "Listen"))
        self.tap_bar_number(1)
        self.assertEqual(self.control.main_text, "From bar 2")
        self.assertEqual(self.grid.start_bar, 1, "the bar is marked")
        self.assertEqual(self.session.selected, (0, 0), "a tap on a bar number lets no clip go")
        self.tap_listen()
        self.assertEqual((self.control.phase, self.control.main_text), ("rendering", "Getting it ready\u2026"))
        self.assertEqual(self.control.ids.listen_button.text, "Cancel")
        self.assertEqual(len(renders), 1)
        self.wait_for(lambda: client.takes_played, 60, "the song to be made ready and played")
        path, skip_frames, backing = client.takes_played[-1]
        path = Path(path)
        self.assertEqual((path.parent, backing), (self.preview_folder(), "none"), "never in the export folder")
        self.assertEqual(skip_frames, round(BAR_S * RATE), "from bar 2")
        info = soundfile.info(str(path))
        self.assertEqual((info.samplerate, info.channels), (RATE, 2))
        duration_s = info.frames / info.samplerate
        self.assertTrue(2 * BAR_S <= duration_s <= 2 * BAR_S + TAIL_S, f"the song's two bars: {duration_s} s")
        self.assertEqual(list(self.music_dir.iterdir()), [], "nothing exported")
        self.assertEqual((self.control.phase, self.control.ids.listen_button.text), ("playing", "Stop"))
        self.wait_for(lambda: self.grid.playhead_bar > 1.1, 5, "the playhead to move on from bar 2")
        self.assertIn(" / 0:0", self.control.main_text)
        client.state.take_playing = ""  # the engine played it to its end
        self.wait_for(lambda: self.control.phase == "idle", 2, "the button to go back to Listen")
        self.assertEqual((self.control.ids.listen_button.text, self.grid.playhead_bar), ("Listen", -1))
        # Again with no edit: it plays at once, not rendered again.
        self.tap_listen()
        self.assertEqual(client.takes_played[-1], (str(path), round(BAR_S * RATE), "none"))
        self.assertEqual((len(renders), self.control.phase), (1, "playing"))
        self.tap_listen()  # Stop
        self.assertIsNone(client.takes_played[-1], "the engine was asked to stop")
        self.assertEqual(self.control.phase, "idle")
        # An edit (a lane turned down) makes the next Listen render again, and that render replaces the first.
        self.tap(self.ids.arranger.headers[0].ids.volume_down_button)
        self.tap_bar_number(0)
        self.tap_listen()
        self.assertEqual((len(renders), self.control.phase), (2, "rendering"))
        self.wait_for(lambda: client.takes_played[-1] is not None, 60, "the second render")
        second, skip_frames, _ = client.takes_played[-1]
        self.assertEqual(skip_frames, 0, "from the start")
        self.assertNotEqual(second, str(path))
        self.assertEqual([p.name for p in self.preview_folder().iterdir()], [Path(second).name])
        info = soundfile.info(second)
        self.assertTrue(2 * BAR_S <= info.frames / info.samplerate <= 2 * BAR_S + TAIL_S)
        # Leaving the screen stops it; closing the app takes the preview away.
        self.root.open_screen("launcher", animate=False)
        self.assertIsNone(client.takes_played[-1])
        self.screen.close()
        self.assertEqual(list(self.preview_folder().iterdir()), [])

    def test_a_missing_take_is_said_in_plain_words(self):
        save_a_beat(bpm=200.0, patterns="A")
        take = make_take(self.takes, 2.0)
        self.open_export(fake_process=False)
        self.session.add_take(take.take_id)
        self.takes.wav_path(take.take_id).unlink()
        self.settle()
        self.tap_listen()
        self.wait_for(lambda: self.control.phase == "idle", 60, "the render to fail")
        self.assertTrue(self.banner_says("missing") or self.banner_says("could not be found"),
                        self.root.banner.message)
        self.assertEqual(self.client.takes_played, [])
        self.assertEqual(self.control.ids.listen_button.text, "Listen")


class ListenTest(ListenTouchCase):
    def ready(self, seconds: float = 2 * BAR_S + 0.3):
        """The fake export process finishes the preview it was asked for."""
        process = FakeExportProcess.made[-1]
        process.finish_preview(seconds)
        self.wait_for(lambda: self.control.phase != "rendering", 2, "the screen to see it ready")
        return process

    def test_cancel_while_it_is_made_ready_and_an_export_or_another_song_stops_it(self):
        self.a_two_bar_song()
        self.tap_listen()
        process = FakeExportProcess.made[-1]
        self.assertEqual(process.previewing[1].parent, self.preview_folder())
        process.report(0.4, "Mixing the lanes")
        self.wait_for(lambda: self.control.fraction == 0.4, 2, "the progress bar")
        self.assertEqual(self.control.ids.progress_bar.opacity, 1)
        self.tap_listen()  # Cancel
        self.assertTrue(process.cancelled)
        self.assertEqual((self.control.phase, self.client.takes_played), ("idle", []))
        # Playing, then an export starts: the song stops.
        self.tap_listen()
        self.ready()
        self.assertEqual(self.control.phase, "playing")
        self.assertTrue(self.banner_says(SILENT_WORDS), "silent mode is said")
        self.tap_bar("export_button")
        self.tap(self.sheet.ids.export_button)
        self.assertIsNone(self.client.takes_played[-1])
        self.assertEqual(self.control.phase, "idle")
        self.sheet.close()
        # Playing, then another song is opened: the song stops.
        self.tap_listen()
        self.assertEqual(len(FakeExportProcess.made), 3, "no edit: not made ready again (the export runs on)")
        self.assertEqual(self.control.phase, "playing")
        self.session.new_song()
        self.settle()
        self.assertIsNone(self.client.takes_played[-1])
        self.assertEqual((self.control.phase, self.control.main_text), ("idle", "Nothing to hear yet"))
        # While the export runs, a song that must be made ready waits for it.
        self.session.add_pattern("A")
        self.settle()
        self.tap_listen()
        self.assertTrue(self.banner_says(RENDER_BUSY_WORDS))
        self.assertEqual((len(FakeExportProcess.made), self.control.phase), (3, "idle"))

    def test_a_tap_on_a_bar_number_while_it_plays_jumps_there_and_the_playhead_follows(self):
        self.a_two_bar_song()
        self.session.change_length(0, 0, 38)  # 40 bars: longer than the grid shows
        self.settle()
        self.tap_listen()
        self.ready(40 * BAR_S + 1.0)
        self.assertEqual(self.client.takes_played[-1][1], 0)
        self.tap_bar_number(6)
        self.assertEqual(self.client.takes_played[-1][1], round(6 * BAR_S * RATE), "straight on from bar 7")
        self.assertNotIn(None, self.client.takes_played, "never stopped in between")
        self.wait_for(lambda: self.grid.playhead_bar > 6.0, 3, "the playhead at bar 7")
        self.assertEqual(self.control.detail_text, "Bar 7")
        self.screen.preview._playing.seen_at -= 30 * BAR_S  # as if it had played on for 30 bars
        self.wait_for(lambda: self.grid.playhead_bar > 36.0, 3, "the playhead near the end")
        grid = self.grid
        self.assertTrue(grid.x <= grid.bar_x(grid.playhead_bar) <= grid.right, "the grid follows the playhead")
        self.tap(self.ids.arranger.headers[0].ids.mute_button)
        self.assertEqual(self.control.detail_text, "You changed it: Listen again to hear that")

    def test_an_empty_song_and_an_engine_still_starting_are_said_plainly(self):
        save_a_beat()
        self.open_export()
        self.tap_listen()
        self.assertTrue(self.banner_says(EMPTY_WORDS))
        self.assertEqual((FakeExportProcess.made, self.control.phase), ([], "idle"))
        self.session.add_pattern("A")
        self.settle()
        self.client.state.backend = "starting"
        self.tap_listen()
        self.ready()
        self.assertTrue(self.banner_says(ENGINE_STARTING_WORDS))
        self.assertEqual((self.client.takes_played, self.control.phase), ([], "idle"))

    def test_deleting_the_song_takes_its_preview_away(self):
        self.a_two_bar_song()
        self.tap_listen()
        self.ready()
        path = Path(self.client.takes_played[-1][0])
        self.assertTrue(path.exists())
        self.tap_listen()  # Stop
        self.session.new_song()
        deleted = next(song for song in self.session.songs() if song.song_id != self.session.song.song_id)
        self.screen.delete_song(deleted.song_id)
        self.assertFalse(path.exists())
        self.assertEqual(os.listdir(self.preview_folder()), [])
