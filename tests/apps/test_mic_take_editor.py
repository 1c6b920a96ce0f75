"""The take editor on the Mic screen: trim and fades are kept with the selected take and sent
with it when it plays; "Sing it again" starts a punch-in over it."""

import pytest

from tests.apps.apps_test_support import png_facts, skip_module_without_display

skip_module_without_display()

from tests.apps.test_mic_screen import MicTouchCase, make_take  # noqa: E402

pytestmark = pytest.mark.ui


class TakeEditorTouchTest(MicTouchCase):
    def open_editor(self, **details):
        take = make_take(self.store, seconds=4.0, backing="beat", align_frames=4800, **details)
        self.open_mic()
        self.tap(self.row(take))
        self.tap(self.ids.lyric_pad.ids.shape_button)
        editor = self.screen.editor
        self.assertIsNotNone(editor.parent)
        self.assertIsNone(self.ids.lyric_pad.parent)  # in the words' place
        return take, editor

    def test_trim_and_fades_are_kept_and_played(self):
        take, editor = self.open_editor()
        self.tap(editor.ids.start_stepper.ids.plus_button)
        self.tap(editor.ids.end_stepper.ids.minus_button)
        self.tap(editor.ids.fade_out_stepper.ids.plus_button)
        kept = self.store.list()[0]
        self.assertEqual((kept.kept_span_s(), kept.fade_out_s), ((0.5, 3.5), 0.25))
        self.assertEqual(editor.start_s, 0.5)
        self.tap(self.row(take).ids.play_button)
        self.assertEqual(self.client.takes_played[-1][1:], (4800, "beat"))
        path = self.save_screenshot("mic-shape-1280x800")
        self.assertEqual(png_facts(path)[:2], (1280, 800))
        self.Window.size = (1024, 768)  # the same room in dp as a 2048x1536 tablet at density 2
        self.advance_frames(3)
        self.save_screenshot("mic-shape-1024x768dp")
        button = editor.ids.punch_button
        self.assertLessEqual(button.right, editor.right)  # nothing pushed off the card
        self.tap(editor.ids.done_button)
        self.assertIsNotNone(self.ids.lyric_pad.parent)

    def test_sing_it_again_starts_a_punch_in_over_the_take(self):
        take, editor = self.open_editor()
        for _ in range(2):
            self.tap(editor.ids.punch_from_stepper.ids.plus_button)
        self.tap(editor.ids.punch_button)
        path, skip, backing, keep = self.client.takes_recorded_over[-1]
        self.assertEqual((skip, backing, keep), (4800, "beat", (0.0, 4800 / take.sample_rate + 2.0)))
        self.assertTrue(self.screen.session.punching_in)


class InputChoiceTouchTest(MicTouchCase):
    def test_with_several_inputs_a_button_goes_to_the_next_and_round_again(self):
        self.open_mic()
        button = self.ids.input_panel.input_button
        self.assertIsNone(button.parent)  # one input (or silent mode): nothing to choose
        self.client.state.mic_inputs = 2
        self.poll()
        self.assertIsNotNone(button.parent)
        self.assertEqual(button.text, "Input 1 of 2")
        self.tap(button)
        self.assertEqual(self.client.sent("mic", "input"), [2.0])
        self.assertEqual(button.text, "Input 2 of 2")
        self.tap(button)
        self.assertEqual(self.client.sent("mic", "input"), [2.0, 1.0])
        self.save_screenshot("mic-inputs-1280x800")
