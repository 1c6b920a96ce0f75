"""Recording pads live on the Beats screen: Record, the Record panel's choices, note repeat,
and hits reported by the engine landing in the pattern, quantised, as one undo step."""

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from studio.beats.model import TICKS_PER_STEP  # noqa: E402
from studio.engine.messages import EngineEvent  # noqa: E402
from tests.apps.test_beats_support import BeatsTouchCase  # noqa: E402

pytestmark = pytest.mark.ui
T = TICKS_PER_STEP


def pad_hit(pad: int, song_position: float, velocity: float = 1.0) -> EngineEvent:
    return EngineEvent("pad_hit", "", {"pad": pad, "velocity": velocity, "song_position": song_position})


class RecordingTouchTest(BeatsTouchCase):
    def report(self, *events):
        """The engine reports hits: the root hands them to the Beats screen on its next poll."""
        self.client.events.extend(events)
        self.root.poll()
        self.advance_frames(1)

    def test_record_starts_and_stops_recording_and_says_so(self):
        self.open_beats()
        record = self.ids.transport.ids.record_button
        self.tap(record)
        self.assertEqual(self.client.sent("beats", "recording"), [1.0])
        self.client.state.counting_in = True
        self.root.poll()
        self.assertEqual(self.ids.transport.record_text, "Count-in")
        self.client.state.counting_in = False
        self.root.poll()
        self.assertEqual(self.ids.transport.record_text, "Recording")
        self.tap(record)
        self.assertEqual(self.client.sent("beats", "recording"), [1.0, 0.0])
        self.assertEqual(self.ids.transport.record_text, "Record")

    def test_stop_also_stops_recording(self):
        self.open_beats()
        self.tap(self.ids.transport.ids.record_button)
        self.tap(self.ids.transport.ids.play_button)  # Play, as the engine starts it after the count-in
        self.tap(self.ids.transport.ids.play_button)  # Stop
        self.assertEqual(self.client.sent("beats", "recording")[-1], 0.0)
        self.assertEqual(self.ids.transport.record_text, "Record")

    def test_hits_go_into_the_pattern_on_the_chosen_grid_and_undo_as_one(self):
        self.open_beats()
        self.open_panel("record")
        panel = self.ids.record_panel
        self.tap(panel.ids.quantise_choice.button_for("1/32"))
        self.assertEqual(self.session.quantise, "1/32")
        self.tap(self.ids.transport.ids.record_button)
        self.report(pad_hit(0, 0.1), pad_hit(2, 4.02, 0.8), pad_hit(6, 6.45, 0.5))
        self.report(pad_hit(0, 8.05))
        rows = self.beat.patterns["A"].rows
        self.assertEqual(rows[0].hits(), {0: 1.0, 8 * T: 1.0})
        self.assertEqual(rows[2].hits(), {4 * T: 0.8})
        self.assertEqual(rows[6].hits(), {6 * T + T // 2: 0.5})  # a thirty-second after step 7
        # the step grid of the selected pad shows where a hit between steps falls
        self.tap(self.ids.transport.ids.record_button)  # stop recording
        self.tap_pad(6)
        self.assertEqual(self.ids.steps.step_button(6).between, [0.5])
        self.assertEqual(self.ids.steps.step_button(6).velocity, 0.5)
        self.tap(self.ids.pattern_bar.ids.undo_button)  # the whole take
        self.assertEqual([row.hits() for row in self.beat.patterns["A"].rows], [{}] * 16)

    def test_triplets_and_quantise_off(self):
        self.open_beats()
        self.open_panel("record")
        self.tap(self.ids.record_panel.ids.quantise_choice.button_for("1/8 triplets"))
        self.tap(self.ids.transport.ids.record_button)
        self.report(pad_hit(1, 1.2))
        self.tap(self.ids.record_panel.ids.quantise_choice.button_for("Off"))
        self.report(pad_hit(3, 5.3))
        rows = self.beat.patterns["A"].rows
        self.assertEqual(rows[1].hits(), {32: 1.0})  # the second eighth-note triplet of the beat
        self.assertEqual(rows[3].hits(), {round(5.3 * T): 1.0})

    def test_count_in_metronome_and_note_repeat_reach_the_engine(self):
        self.open_beats()
        self.open_panel("record")
        ids = self.ids.record_panel.ids
        self.tap(ids.count_in_choice.button_for(2))
        self.tap(ids.metronome_switch)
        self.tap(ids.repeat_choice.button_for("1/32"))
        self.assertEqual(self.client.sent("beats", "count_in_bars"), [2.0])
        self.assertEqual(self.client.sent("beats", "metronome"), [1.0])
        self.assertEqual(self.client.sent("pads", "repeat"), [3.0])

    def test_a_held_pad_repeats_only_with_note_repeat_on(self):
        self.open_beats()
        self.tap_pad(1)
        self.assertEqual(self.client.sent("pads", "hold_2"), [])  # note repeat is off
        self.open_panel("record")
        self.tap(self.ids.record_panel.ids.repeat_choice.button_for("1/16"))
        button = self.ids.pads.pads[1]
        touch = self.touch_down(button)
        self.assertEqual(self.client.sent("pads", "hold_2"), [1.0])
        self.touch_up(touch)
        self.assertEqual(self.client.sent("pads", "hold_2"), [1.0, 0.0])

    def test_hits_early_in_the_count_in_are_left_out(self):
        self.open_beats()
        self.tap(self.ids.transport.ids.record_button)
        self.report(pad_hit(0, -6.0), pad_hit(0, -0.2))
        self.assertEqual(self.beat.patterns["A"].rows[0].hits(), {0: 1.0})  # just before the song: on step 1


class RowLengthAndPagesTouchTest(BeatsTouchCase):
    def test_a_row_can_loop_sooner_than_its_pattern(self):
        self.open_beats()
        self.open_panel("song")
        for _ in range(4):
            self.tap(self.ids.song_panel.ids.row_shorter)
        self.assertEqual(self.beat.patterns["A"].rows[0].length, 12)
        self.assertEqual(self.client.playing_beat.patterns["A"].rows[0].length, 12)
        self.assertFalse(self.ids.steps.step_button(12).active)  # drawn faded: never plays
        self.assertTrue(self.ids.steps.step_button(11).active)
        self.tap(self.ids.pattern_bar.ids.undo_button)
        self.assertEqual(self.beat.patterns["A"].rows[0].length, 13)

    def test_a_32_step_pattern_turns_to_the_playheads_page_unless_a_page_was_just_chosen(self):
        self.open_beats()
        self.open_panel("song")
        self.tap(self.ids.song_panel.ids.length_choice.button_for(32))
        steps, state = self.ids.steps, self.client.state
        self.tap(self.ids.transport.ids.play_button)
        state.beats_playing, state.beat_step = True, 20
        self.root.poll()
        self.assertEqual(steps.page, 1)
        state.beat_step = 3
        self.root.poll()
        self.assertEqual(steps.page, 0)
        self.tap(steps.page_choice.button_for(1))  # the mentor turns to steps 17-32 to edit there
        state.beat_step = 5
        self.root.poll()
        self.assertEqual(steps.page, 1)  # stays where it was turned
