"""The Keys tab of the Beats screen: note pads in the beat's key, played beside the drum pads;
the key, scale and sound are edits of the beat (undoable, saved) and reach the engine."""

import pytest

from tests.apps.apps_test_support import png_facts, skip_module_without_display

skip_module_without_display()

from studio.beats.beat_file import load_beat  # noqa: E402
from studio.beats.storage import current_beat_path  # noqa: E402
from tests.apps.test_beats_support import BeatsTouchCase  # noqa: E402

pytestmark = pytest.mark.ui


class KeysTouchTest(BeatsTouchCase):
    def test_note_pads_play_and_let_go_through_the_engine(self):
        self.open_beats()
        self.open_panel("keys")
        panel = self.ids.keys_panel
        self.assertEqual(panel.pads[0].note_text, "A3")  # a new beat is in A minor pentatonic
        touch = self.touch_down(panel.pads[5])
        self.assertEqual(len(self.client.sent("keys", "note_6")), 1)
        self.assertGreater(self.client.sent("keys", "note_6")[0], 0)
        self.touch_up(touch)
        self.assertEqual(self.client.sent("keys", "note_6")[-1], 0.0)

    def test_the_keys_tab_takes_the_drum_pads_room_and_gives_it_back(self):
        self.open_beats()
        drum_pads = self.ids.pads
        self.open_panel("keys")
        self.assertIsNone(drum_pads.parent)
        self.assertGreater(self.ids.keys_panel.width, 700)
        self.open_panel("overview")
        self.assertIsNotNone(drum_pads.parent)
        self.assertLess(drum_pads.x, self.ids.overview.x)  # on the left again
        self.tap_pad(0)
        self.assertEqual(len(self.client.hits(0)), 1)

    def test_the_key_is_saved_with_the_beat_and_undoes(self):
        self.open_beats()
        self.open_panel("keys")
        ids = self.ids.keys_panel.ids
        self.tap(ids.key_choice.button_for(2))  # D
        self.tap(ids.scale_choice.button_for("blues"))
        self.tap(ids.sound_choice.button_for("bass"))
        keys = self.beat.keys
        self.assertEqual((keys.root, keys.scale, keys.sound, keys.octave), (2, "blues", "bass", 3))
        self.assertEqual(self.client.sent("keys", "root")[-1], 2.0)
        self.assertEqual(self.client.sent("keys", "scale")[-1], 4.0)
        self.assertEqual(self.client.sent("keys", "sound")[-1], 0.0)
        self.assertEqual(self.ids.keys_panel.pads[0].note_text, "D3")
        self.screen.save_now()
        self.assertEqual(load_beat(current_beat_path()).keys, keys)
        self.tap(self.ids.pattern_bar.ids.undo_button)
        self.assertEqual(self.beat.keys.sound, "keys")
        self.assertEqual(self.client.sent("keys", "sound")[-1], 1.0)

    def test_screenshot_of_the_keys_tab(self):
        self.open_beats()
        self.open_panel("keys")
        held = self.touch_down(self.ids.keys_panel.pads[4])
        self.advance_frames(2)
        path = self.save_screenshot("beats-keys-1280x800")
        self.touch_up(held)
        width, height, distinct_values = png_facts(path)
        self.assertEqual((width, height), (1280, 800))
        self.assertGreater(distinct_values, 64)
