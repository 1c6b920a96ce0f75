"""Patterns A-H, copy and clear (undo instead of confirmation dialogs), the song chain, the
pad sound settings and the kit chooser, by touch."""

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from studio.beats.model import Beat  # noqa: E402
from tests.apps.test_beats_support import BeatsTouchCase  # noqa: E402

pytestmark = pytest.mark.ui


def beat_with_a_groove() -> Beat:
    beat = Beat()
    beat.patterns["A"].rows[0].velocities[::4] = [1.0, 1.0, 1.0, 1.0]
    beat.patterns["A"].rows[2].velocities[4] = 0.7
    return beat


class PatternTouchTest(BeatsTouchCase):
    def letter(self, name):
        return self.ids.pattern_bar.buttons[name]

    def test_switching_pattern_edits_and_plays_that_pattern(self):
        self.open_beats(beat_with_a_groove())
        self.tap(self.letter("B"))
        self.assertEqual(self.session.pattern, "B")
        self.assertEqual(self.client.playing_beat.chain, ["B"])
        self.assertTrue(self.letter("B").selected)
        self.assertEqual(self.ids.steps.velocities, [0.0] * 16)
        self.tap_step(2)
        self.assertEqual(self.beat.patterns["B"].rows[0].velocities[2], 1.0)
        self.assertEqual(self.beat.patterns["A"].rows[0].velocities[2], 0.0)
        self.assertEqual(self.ids.transport.play_text, "Play B")
        self.assertEqual(self.ids.pattern_bar.filled, ["A", "B"])

    def test_copy_onto_another_pattern_and_undo(self):
        self.open_beats(beat_with_a_groove())
        bar = self.ids.pattern_bar
        self.tap(bar.ids.copy_button)
        self.assertTrue(bar.copying)
        self.assertEqual(bar.ids.copy_button.text, "Cancel")
        self.tap(self.letter("C"))
        self.assertFalse(bar.copying)
        self.assertEqual(self.beat.patterns["C"].rows, self.beat.patterns["A"].rows)
        self.assertEqual(self.session.pattern, "C")
        self.assertIn("copied onto C", self.root.banner.message)
        self.tap(self.ids.pattern_bar.ids.undo_button)
        self.assertEqual(self.beat.patterns["C"], Beat().patterns["C"])

    def test_copy_can_be_cancelled(self):
        self.open_beats(beat_with_a_groove())
        bar = self.ids.pattern_bar
        self.tap(bar.ids.copy_button)
        self.tap(bar.ids.copy_button)
        self.tap(self.letter("D"))
        self.assertEqual(self.session.pattern, "D")
        self.assertEqual(self.beat.patterns["D"], Beat().patterns["D"])

    def test_clear_and_undo_brings_it_back(self):
        self.open_beats(beat_with_a_groove())
        groove = self.beat.patterns["A"]
        self.tap(self.ids.pattern_bar.ids.clear_button)
        self.assertFalse(any(v for row in self.beat.patterns["A"].rows for v in row.velocities))
        self.assertFalse(any(v for row in self.client.playing_beat.patterns["A"].rows for v in row.velocities))
        self.assertIn("Undo brings it back", self.root.banner.message)
        self.tap(self.ids.pattern_bar.ids.undo_button)
        self.assertEqual(self.beat.patterns["A"], groove)

    def test_the_song_chain_and_song_mode(self):
        self.open_beats(beat_with_a_groove())
        self.open_panel("song")
        song = self.ids.song_panel
        self.tap(song.ids.add_button)
        self.tap(self.letter("B"))
        self.tap(song.ids.add_button)
        self.tap(song.ids.add_button)
        self.assertEqual(self.beat.chain, ["A", "A", "B", "B"])
        self.assertEqual([chip.text for chip in song.ids.chain_chips.children[::-1]], ["A", "A", "B", "B"])
        self.tap(song.ids.remove_button)
        self.assertEqual(self.beat.chain, ["A", "A", "B"])
        self.assertEqual(self.client.playing_beat.chain, ["B"])  # editing B: B plays alone
        self.tap(song.ids.mode_choice.button_for(True))
        self.assertTrue(self.session.song_mode)
        self.assertEqual(self.client.playing_beat.chain, ["A", "A", "B"])
        self.assertEqual(self.ids.transport.play_text, "Play song")
        state = self.client.state
        state.beats_playing, state.beat_step = True, 16 + 3  # the second A of the song
        self.root.poll()
        self.assertEqual(song.playing_index, 1)
        self.assertEqual(self.ids.pattern_bar.playing_pattern, "A")
        self.assertEqual(self.ids.steps.playhead_step, -1)  # B is being edited, A plays
        self.tap(song.ids.remove_button)
        self.tap(song.ids.remove_button)
        self.assertEqual(self.beat.chain, ["A"])
        self.assertTrue(song.ids.remove_button.disabled)  # a song keeps one pattern


class PadSoundTouchTest(BeatsTouchCase):
    def test_plus_and_minus_change_the_selected_pad(self):
        self.open_beats()
        self.tap_pad(3)
        self.open_panel("sound")
        panel = self.ids.pad_settings
        self.assertEqual(panel.title, "Rimshot Snare sound")
        volume, pitch = panel.rows["volume_db"], panel.rows["pitch_semitones"]
        for _ in range(3):
            self.tap(volume.ids.minus_button)
        self.tap(pitch.ids.plus_button)
        self.tap(panel.rows["choke_group"].ids.plus_button)
        self.tap(panel.rows["cutoff_hz"].ids.minus_button)
        pad = self.beat.pads[3]
        self.assertEqual((pad.volume_db, pad.pitch_semitones, pad.choke_group), (-3.0, 1.0, 1))
        self.assertEqual(pad.cutoff_hz, 15900.0)  # a third of an octave down, 3 figures
        self.assertEqual(self.client.playing_beat.pads[3], pad)
        self.assertEqual(volume.value_text, "-3 dB")
        self.assertEqual(pitch.value_text, "+1 semitone")

    def test_a_slide_is_heard_as_it_moves_and_is_one_undo_step(self):
        self.open_beats()
        self.open_panel("sound")
        row = self.ids.pad_settings.rows["pan"]
        slider = row.ids.slider
        sent_before = len(self.client.beats)
        self.drag(slider.to_window(slider.x_for(0.5), slider.center_y),
                  slider.to_window(slider.x_for(0.0), slider.center_y))
        self.assertEqual(self.beat.pads[0].pan, -1.0)
        self.assertEqual(row.value_text, "Left 100%")
        self.assertGreater(len(self.client.beats) - sent_before, 3)  # heard while sliding
        self.tap(self.ids.pattern_bar.ids.undo_button)
        self.assertEqual(self.beat.pads[0].pan, 0.0)
        self.assertEqual(row.value_text, "Middle")
        self.assertFalse(self.session.editor.can_undo)


class KitTouchTest(BeatsTouchCase):
    def test_choosing_a_kit_changes_the_pads_and_undo_goes_back(self):
        self.open_beats()
        self.open_panel("kit")
        chooser = self.ids.kit_chooser
        self.assertTrue(chooser.button_for("boom-bap").chosen)
        self.tap(chooser.button_for("trap"))
        self.assertEqual(self.beat.kit, "trap")
        self.assertEqual(self.client.playing_beat.kit, "trap")
        self.assertEqual(self.ids.pads.pads[0].sound_name, "808")
        self.assertTrue(chooser.button_for("trap").chosen)
        self.tap(self.ids.pattern_bar.ids.undo_button)
        self.assertEqual(self.ids.pads.pads[0].sound_name, "Kick")

    def test_a_kit_that_cannot_be_read_is_said(self):
        self.open_beats(Beat(kit="/nowhere/my-kit"))
        self.assertIn("could not be loaded", self.root.banner.message)
        self.assertEqual({pad.sound_name for pad in self.ids.pads.pads}, {""})
        self.tap_pad(0)
        self.assertEqual(self.client.hits(0), [])
