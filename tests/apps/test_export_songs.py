"""The Export screen's songs and song bar: new, open, rename, delete with Bring back; the artist's
name, the fades and how loud; a song file that cannot be saved; the screen in the studio (the
launcher's tile, Back, every button big enough for a finger)."""

import os
from unittest import mock

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from kivy.metrics import dp  # noqa: E402
from kivy.uix.behaviors import ButtonBehavior  # noqa: E402

from apps.export.song_sheets import SongsSheet  # noqa: E402
from studio.export.song import SongFileError  # noqa: E402
from tests.apps.test_export_support import ExportTouchCase, save_a_beat  # noqa: E402

pytestmark = pytest.mark.ui


class SongsTest(ExportTouchCase):
    def test_new_rename_open_delete_and_bring_back(self):
        save_a_beat()
        self.open_export()
        first = self.session.song
        self.session.add_pattern("A")
        self.tap_bar("songs_button")
        sheet = self.sheet
        self.assertIsInstance(sheet, SongsSheet)
        self.assertTrue(sheet.rows[first.song_id].current)
        self.tap(sheet.ids.new_song_button)
        self.assertIsNone(self.sheet, "a new song opens at once")
        second = self.session.song
        self.assertEqual((second.title, self.ids.bar.title), ("My song 2", "My song 2"))
        self.assertTrue(self.ids.arranger.empty)
        self.tap_bar("songs_button")
        sheet = self.sheet
        self.tap(sheet.rows[second.song_id].ids.rename_button)
        sheet.ids.name_input.text = "Hospital Radio"
        self.tap(sheet.ids.save_name_button)
        self.assertEqual(self.songs.load(second.song_id).title, "Hospital Radio")
        self.assertEqual(self.ids.bar.title, "Hospital Radio")
        self.tap(sheet.rows[second.song_id].ids.delete_button)
        self.assertFalse(self.songs.song_path(second.song_id).exists())
        self.assertEqual(self.session.song.song_id, first.song_id, "the other song opens in its place")
        self.assertEqual(sheet.undo_text, "Bring back Hospital Radio")
        self.assertFalse(self.root.banner.showing, "nothing lies over the sheet's Bring back")
        self.tap(sheet.ids.undo_button)
        self.assertEqual(self.session.song.title, "Hospital Radio")
        self.assertIsNone(sheet.ids.undo_button.parent)
        self.tap(sheet.rows[first.song_id])
        self.assertIsNone(self.sheet)
        self.assertEqual(self.session.song.song_id, first.song_id)
        self.assertEqual(len(self.ids.arranger.blocks), 1)

    def test_the_song_changed_last_opens_next_time(self):
        older, newer = self.songs.new("Older"), self.songs.new("Newer")
        os.utime(self.songs.song_path(newer.song_id), (1, 1))  # as if saved long ago
        self.open_export()
        self.assertEqual(self.session.song.title, "Older")


class SongBarTest(ExportTouchCase):
    def test_artist_fades_and_how_loud_are_saved(self):
        self.open_export()
        song_bar = self.ids.song_bar
        song_bar.ids.artist_input.text = "MC Corridor"
        song_bar.save_artist()  # as a moment after the last key, or on leaving the screen
        self.tap(song_bar.ids.fade_in.ids.plus_button)
        for _ in range(2):
            self.tap(song_bar.ids.fade_out.ids.plus_button)
        self.tap(song_bar.ids.target_choice.button_for(-9.0))
        saved = self.saved_song()
        self.assertEqual((saved.artist, saved.fade_in_s, saved.fade_out_s, saved.target_lufs),
                         ("MC Corridor", 1.0, 2.0, -9.0))
        self.assertEqual((song_bar.fade_in_text, song_bar.fade_out_text), ("1 s", "2 s"))

    def test_a_song_that_cannot_be_saved_is_kept_on_screen_and_said(self):
        save_a_beat()
        self.open_export()
        full = SongFileError("The song could not be saved (No space left on device)")
        with mock.patch.object(self.session.store, "save", side_effect=full):
            self.session.add_pattern("A")
        self.assertTrue(self.session.unsaved)
        self.assertTrue(self.banner_says("The song could not be saved (No space left on device). Your change is "
                                         "kept on the screen; it is saved with the next one."))
        self.assertEqual(len(self.ids.arranger.blocks), 1, "the change stays on the screen")
        self.assertEqual(self.saved_song().lanes, [])
        self.session.step_fade("fade_in_s", 1)
        self.assertEqual(len(self.saved_song().lanes), 1, "saved with the next change")


class InTheStudioTest(ExportTouchCase):
    def test_the_tile_opens_it_back_returns_and_every_target_is_big_enough(self):
        save_a_beat()
        root = self.make_root()
        self.assertEqual(root.launcher.tile_for("export").badge, "")
        self.tap(root.launcher.tile_for("export"))
        self.assertEqual(root.screens.current, "export")
        screen = self.screen = root.export_screen
        self.ids = screen.ids
        screen.session.add_pattern("A")
        screen.session.add_audio("tracks/night-shift.ogg", "Night Shift")
        screen.refresh()
        self.advance_frames(2)
        for open_sheet in (lambda: None, screen.open_songs, screen.open_export, screen.open_set,
                           lambda: screen.open_picker("pattern")):
            open_sheet()
            self.advance_frames(2)
            for widget in root.walk():
                if isinstance(widget, ButtonBehavior) and widget.get_root_window() is not None:
                    self.assertGreaterEqual(min(widget.size), dp(48), f"{widget} is too small")
        screen.ids.sheets.close()
        self.tap_bar("back_button")
        self.assertEqual(root.screens.current, "launcher")
