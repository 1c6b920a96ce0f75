"""Touching the Export screen's arranger: adding beat patterns, vocal takes and audio clips,
dragging clips along the bar grid, selecting, making longer and shorter, deleting with Undo,
and the lanes' Mute, volume and pan. Every change is checked in the saved song file."""

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from kivy.metrics import dp  # noqa: E402

from apps.export.arranger import BAR_DP  # noqa: E402
from tests.apps.test_export_support import ExportTouchCase, make_take, save_a_beat  # noqa: E402

pytestmark = pytest.mark.ui


class AddingClipsTest(ExportTouchCase):
    def test_tap_add_beat_pattern_and_see_a_clip(self):
        save_a_beat(bpm=96.0, patterns="AB")
        self.open_export()
        self.assertEqual((self.session.song.title, self.ids.bar.title), ("My song", "My song"),
                         "the first visit makes a song")
        self.assertTrue(self.songs.song_path(self.session.song.song_id).exists())
        self.assertTrue(self.ids.arranger.empty)
        self.tap(self.ids.tools.ids.add_pattern_button)
        sheet = self.sheet
        self.assertIn("96 BPM", sheet.note)
        self.assertFalse(sheet.buttons["A"].disabled)
        self.assertTrue(sheet.buttons["C"].disabled, "an empty pattern cannot be added")
        self.tap(sheet.buttons["B"])
        self.assertIsNone(self.sheet, "the picker closes")
        block = self.block(0, 0)
        self.assertIn("Pattern B", block.text)
        self.assertTrue(block.selected, "the new clip is selected")
        self.assertGreater(block.width, 3 * dp(BAR_DP))
        self.assertEqual(self.ids.arranger.headers[0].name, "Beat")
        saved = self.saved_song()
        self.assertEqual(saved.bpm, 96.0)
        self.assertEqual(saved.beat.patterns["B"].rows[0].velocities[0], 1.0)
        self.assertEqual([(c.kind, c.source, c.start_bar, c.length_bars) for c in saved.lanes[0].clips],
                         [("pattern", "B", 0, 4)])
        self.assertTrue(self.banner_says("Pattern B was added at bars 1\u20134. Drag it along the bars"))
        self.add_pattern("A")
        self.assertEqual([(c.source, c.start_bar) for c in self.saved_song().lanes[0].clips], [("B", 0), ("A", 4)])

    def test_a_vocal_take_best_first_and_an_audio_clip_on_its_own_lane(self):
        save_a_beat(bpm=120.0)
        make_take(self.takes, 4.0)
        best = make_take(self.takes, 9.0)
        self.takes.rename(best.take_id, "Chorus")
        self.takes.set_best(best.take_id)
        mix = make_take(self.takes, 3.0, channels=2, name_prefix="Mix")
        self.open_export()
        self.tap(self.ids.tools.ids.add_take_button)
        values = list(self.sheet.buttons)
        self.assertEqual(values[0], best.take_id, "the best take first")
        self.assertNotIn(mix.take_id, values, "a mix is an audio clip, not a vocal take")
        self.tap(self.sheet.buttons[best.take_id])
        self.assertIn("Chorus", self.block(0, 0).text)
        self.assertEqual(self.ids.arranger.headers[0].name, "Vocals")
        self.tap(self.ids.tools.ids.add_audio_button)
        self.assertIn(str(self.takes.wav_path(mix.take_id)), self.sheet.buttons)
        self.assertIn("tracks/morning-round.ogg", self.sheet.buttons)
        self.tap(self.sheet.buttons["tracks/morning-round.ogg"])
        lanes = self.saved_song().lanes
        self.assertEqual([(lane.name, lane.kind) for lane in lanes], [("Vocals", "vocal"), ("Morning Round", "audio")])
        self.assertEqual(lanes[1].clips[0].source, "tracks/morning-round.ogg")
        self.assertIn("Morning Round", self.block(1, 0).text)
        self.assertFalse(self.ids.tools.can_resize, "only beat patterns are made longer or shorter")


class MovingClipsTest(ExportTouchCase):
    def test_drag_a_clip_two_bars_right_snaps_and_saves(self):
        save_a_beat()
        self.open_export()
        self.session.add_pattern("A")
        self.settle()
        block = self.block(0, 0)
        start = block.to_window(block.x + dp(30), block.center_y)
        self.drag(start, (start[0] + 2 * dp(BAR_DP) + dp(9), start[1]), steps=4)
        self.assertEqual(self.saved_song().lanes[0].clips[0].start_bar, 2)
        block = self.block(0, 0)
        grid = self.ids.arranger.ids.grid
        self.assertAlmostEqual(block.x, grid.bar_x(2) + dp(1), delta=1)
        self.assertIn("bars 3\u20136", self.ids.tools.clip_text)
        # a drag past the song's start stops at bar 1
        start = block.to_window(block.x + dp(30), block.center_y)
        self.drag(start, (start[0] - 5 * dp(BAR_DP), start[1]), steps=4)
        self.assertEqual(self.saved_song().lanes[0].clips[0].start_bar, 0)
        # a drag on the bar numbers scrolls a long song; the clip goes with the grid
        self.session.change_length(0, 0, 20)
        self.settle()
        ruler = (grid.to_window(grid.center_x, grid.top - dp(20)))
        self.drag(ruler, (ruler[0] - 3 * dp(BAR_DP), ruler[1]), steps=4)
        self.assertAlmostEqual(grid.scroll_x, 3 * dp(BAR_DP), delta=1)
        self.assertAlmostEqual(self.block(0, 0).x, grid.bar_x(0) + dp(1), delta=1)
        self.assertLess(self.block(0, 0).x, grid.x)
        self.assertEqual(self.saved_song().lanes[0].clips[0].start_bar, 0, "scrolling moves no clip")

    def test_a_tap_selects_and_a_tap_on_the_empty_grid_lets_go(self):
        save_a_beat()
        self.open_export()
        self.session.add_pattern("A")
        self.settle()
        self.tap(self.block(0, 0))  # the selected clip again: let go
        self.assertIsNone(self.session.selected)
        self.tap(self.block(0, 0))
        self.assertEqual(self.session.selected, (0, 0))
        self.assertEqual(self.ids.tools.clip_text, "Pattern A, bars 1\u20134")
        grid = self.ids.arranger.ids.grid
        self.tap(None, at=(grid.to_window(grid.bar_x(8) + dp(20), grid.lane_y(0) + dp(40))))
        self.assertIsNone(self.session.selected)
        self.assertEqual(self.ids.tools.clip_text, "")

    def test_longer_shorter_delete_and_undo(self):
        save_a_beat()
        self.open_export()
        self.session.add_pattern("A")
        self.settle()
        tools = self.ids.tools
        self.tap(tools.ids.longer_button)
        self.assertEqual(self.saved_song().lanes[0].clips[0].length_bars, 5)
        for _ in range(5):
            self.session.change_length(0, 0, -1)
        self.settle()
        self.tap(tools.ids.shorter_button)
        self.assertEqual(self.saved_song().lanes[0].clips[0].length_bars, 1, "never shorter than a bar")
        self.tap(tools.ids.delete_clip_button)
        self.assertEqual(self.saved_song().lanes, [], "the emptied lane goes with its last clip")
        self.assertTrue(self.banner_says("Pattern A was deleted. Undo brings it back."))
        self.assertIsNone(tools.ids.delete_clip_button.parent, "nothing is selected now")
        self.tap(tools.ids.undo_button)
        lanes = self.saved_song().lanes
        self.assertEqual([(c.source, c.length_bars) for c in lanes[0].clips], [("A", 1)])
        self.assertEqual(lanes[0].name, "Beat")
        self.assertIsNone(tools.ids.undo_button.parent)


class LaneHeaderTest(ExportTouchCase):
    def test_mute_volume_and_pan(self):
        save_a_beat()
        self.open_export()
        self.session.add_pattern("A")
        self.settle()
        self.tap(self.ids.arranger.headers[0].ids.mute_button)
        self.assertTrue(self.saved_song().lanes[0].mute)
        header = self.ids.arranger.headers[0]
        self.assertEqual(header.ids.mute_button.text, "Muted")
        self.tap(header.ids.volume_down_button)
        self.tap(self.ids.arranger.headers[0].ids.pan_left_button)
        lane = self.saved_song().lanes[0]
        self.assertEqual((lane.volume_db, lane.pan), (-3.0, -0.5))
        header = self.ids.arranger.headers[0]
        self.assertEqual((header.volume_text, header.pan_text), ("\u22123 dB", "Half left"))
        for _ in range(4):
            self.session.step_volume(0, 1)
        self.assertEqual(self.saved_song().lanes[0].volume_db, 6.0, "at most +6 dB")
        self.settle()
        self.tap(self.ids.arranger.headers[0].ids.mute_button)
        self.assertFalse(self.saved_song().lanes[0].mute)
