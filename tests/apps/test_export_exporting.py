"""Exporting from the Export screen: the Export sheet's choices, the progress bar and Cancel with
a fake ExportProcess, a file that is already there, a performance set, and one real export of a
tiny song to WAV through the real ExportProcess."""

from pathlib import Path

import pytest
import soundfile

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from apps.export.export_sheet import ExportSheet, SetSheet  # noqa: E402
from apps.export.export_runner import default_process  # noqa: E402
from studio.export.errors import ExportCancelled, ExportFileExists  # noqa: E402
from tests.apps.test_export_support import ExportTouchCase, FakeExportProcess, save_a_beat  # noqa: E402

pytestmark = pytest.mark.ui


class ExportSheetTest(ExportTouchCase):
    def test_export_shows_progress_and_cancel_stops_it(self):
        save_a_beat()
        self.open_export()
        self.session.add_pattern("A")
        self.settle()
        artist = self.ids.song_bar.ids.artist_input
        artist.text = "DJ Ward 7"
        self.tap_bar("export_button")
        sheet = self.sheet
        self.assertIsInstance(sheet, ExportSheet)
        self.assertEqual(sheet.ids.status.words, "The song is 0:10 long. It is saved at Normal loudness (-14 LUFS), "
                                                 "and never clips.")
        self.assertEqual(self.saved_song().artist, "DJ Ward 7", "what was typed is saved before exporting")
        self.assertEqual(sheet.ids.folder_input.text, str(self.music_dir / "Ward Studio"))
        self.assertIsNone(sheet.ids.cancel_button.parent, "no Cancel before an export runs")
        self.tap(sheet.ids.format_chooser.ids.lossless_choice.button_for("wav-24"))
        self.tap(sheet.ids.stems_switch)
        self.tap(sheet.ids.export_button)
        process = FakeExportProcess.made[-1]
        song, out_dir, options = process.started
        self.assertEqual((options.format, options.stems, options.midi, options.target_lufs),
                         ("wav-24", True, False, -14.0))
        self.assertEqual(out_dir, self.music_dir / "Ward Studio")
        self.assertTrue(out_dir.is_dir(), "the studio's folder in Music is made when first used")
        self.assertEqual(song.artist, "DJ Ward 7")
        process.report(0.42, "Mixing the lanes")
        self.poll_export()
        status = sheet.ids.status
        self.assertEqual((status.phase, status.fraction, status.words), ("running", 0.42, "Mixing the lanes"))
        self.assertEqual(self.ids.bar.ids.export_button.text, "Exporting")
        self.assertTrue(sheet.ids.export_button.disabled)
        self.tap(sheet.ids.cancel_button)
        self.assertTrue(process.cancelled)
        self.assertEqual(status.words, "Cancelling\u2026")
        process.status.done, process.status.error = True, ExportCancelled()
        self.poll_export()
        self.assertEqual(status.phase, "failed")
        self.assertEqual(status.words, "The export was cancelled.")
        self.assertIsNone(sheet.ids.cancel_button.parent)
        self.assertEqual(self.ids.bar.ids.export_button.text, "Export")
        # again, to the end
        self.tap(sheet.ids.export_button)
        process = FakeExportProcess.made[-1]
        process.finish("My song.wav")
        self.poll_export()
        self.assertEqual(status.phase, "done")
        self.assertIn("Saved: My song.wav.", status.words)
        self.assertTrue(self.banner_says("Saved: My song.wav."))

    def test_an_empty_song_and_a_file_already_there_are_said_plainly(self):
        save_a_beat()
        self.open_export()
        self.tap_bar("export_button")
        self.tap(self.sheet.ids.export_button)
        self.assertEqual(FakeExportProcess.made, [])
        self.assertIn("The song is empty", self.sheet.ids.status.words)
        self.sheet.close()
        self.session.add_pattern("A")
        self.settle()
        self.tap_bar("export_button")
        sheet = self.sheet
        self.tap(sheet.ids.export_button)
        process = FakeExportProcess.made[-1]
        message = "A file called My song.mp3 is already there. Replace it, or export under another name."
        process.status.done, process.status.error = True, ExportFileExists(message, "My song.mp3")
        self.poll_export()
        self.assertEqual(sheet.ids.status.words, message)
        self.assertEqual(sheet.ids.export_button.text, "Replace it")
        self.tap(sheet.ids.export_button)
        self.assertTrue(FakeExportProcess.made[-1].started[2].overwrite)


class PerformanceSetTest(ExportTouchCase):
    def test_a_set_of_two_songs_in_the_order_tapped(self):
        save_a_beat()
        self.open_export()
        self.session.add_pattern("A")
        first = self.session.song
        self.session.new_song()
        self.session.add_pattern("B")
        self.settle()
        self.tap_bar("set_button")
        sheet = self.sheet
        self.assertIsInstance(sheet, SetSheet)
        self.assertTrue(sheet.ids.export_button.disabled, "no songs in the set yet")
        self.tap(sheet.song_buttons[self.session.song.song_id])
        self.tap(sheet.song_buttons[first.song_id])
        self.assertEqual([row.title for row in sheet.set_rows], ["My song 2", "My song"])
        sheet.ids.name_input.text = "Friday show"
        self.tap(sheet.ids.export_button)
        for title in ("My song 2", "My song"):
            self.wait_for(lambda: len(FakeExportProcess.made) == 1 + (title == "My song") and
                          FakeExportProcess.made[-1].started is not None, 5, f"{title} to start")
            process = FakeExportProcess.made[-1]
            song, folder, options = process.started
            self.assertEqual(song.title, title)
            process.report(0.5, "Mixing the lanes")
            self.wait_for(lambda: "Mixing the lanes" in sheet.ids.status.words, 5, "the set's progress")
            folder.joinpath(f"{options.file_stem}.mp3").write_bytes(b"fake")
            process.finish(f"{options.file_stem}.mp3")
        self.wait_for(lambda: sheet.phase == "done", 5, "the set to finish")
        folder = self.music_dir / "Ward Studio" / "Friday show"
        self.assertEqual(sorted(path.name for path in folder.iterdir()),
                         ["01 - My song 2.mp3", "02 - My song.mp3", "playlist.m3u8"])
        self.assertIn("Saved: the set \u201cFriday show\u201d with 2 songs", sheet.ids.status.words)


class RealExportTest(ExportTouchCase):
    def test_a_tiny_song_to_wav_through_the_real_export_process(self):
        save_a_beat(bpm=200.0, patterns="A")
        self.open_export(fake_process=False)
        self.assertIs(self.screen.make_process, default_process)
        self.session.add_pattern("A")
        self.session.change_length(0, 0, -3)  # one bar: 1.2 s at 200 BPM
        self.settle()
        self.tap_bar("export_button")
        sheet = self.sheet
        self.tap(sheet.ids.format_chooser.ids.lossless_choice.button_for("wav-16"))
        self.tap(sheet.ids.export_button)
        self.wait_for(lambda: sheet.phase != "running", 45, "the real export")
        self.assertEqual(sheet.phase, "done", sheet.ids.status.words)
        path = self.music_dir / "Ward Studio" / "My song.wav"
        self.assertIn("Saved: My song.wav.", sheet.ids.status.words)
        info = soundfile.info(str(path))
        self.assertEqual((info.samplerate, info.channels, info.subtype), (48000, 2, "PCM_16"))
        self.assertTrue(1.2 <= info.frames / info.samplerate < 2.0, "the bar, and the drums ringing out")
        self.assertEqual([p.name for p in Path(path).parent.iterdir()], ["My song.wav"], "no temporary file left")
