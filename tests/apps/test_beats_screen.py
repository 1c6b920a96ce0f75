"""Touching the Beats screen: pads play, steps edit the selected row, the transport, patterns,
mute and solo, undo and redo, all checked in the beat and in what the engine was sent."""

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from apps import theme  # noqa: E402
from studio.beats.model import Beat  # noqa: E402
from studio.kits.library import load_kit  # noqa: E402
from tests.apps.test_beats_support import BeatsTouchCase  # noqa: E402

pytestmark = pytest.mark.ui


class PadsTouchTest(BeatsTouchCase):
    def test_pads_show_the_kits_sounds_in_their_colours(self):
        self.open_beats()
        kit = load_kit("boom-bap")
        for pad, sound in enumerate(kit.sounds):
            button = self.ids.pads.pads[pad]
            self.assertEqual(button.sound_name, sound.name)
            self.assertEqual(tuple(button.fill), theme.rgba(sound.colour))
        self.assertEqual(self.ids.pads.pads[len(kit.sounds)].sound_name, "")  # no sound: said, not faked

    def test_a_pad_plays_at_once_louder_higher_up_and_is_selected(self):
        self.open_beats()
        self.tap_pad(2, fraction_up=0.95)
        self.tap_pad(2, fraction_up=0.05)
        top, bottom = self.client.hits(2)
        self.assertGreater(top, 0.9)
        self.assertLess(bottom, 0.4)
        self.assertEqual(self.session.pad, 2)
        self.assertTrue(self.ids.pads.pads[2].selected)
        self.assertFalse(self.ids.pads.pads[0].selected)
        self.assertEqual(self.ids.steps.pad_name, "Snare")

    def test_fixed_loudness_plays_every_hit_full(self):
        self.open_beats()
        self.open_panel("record")
        self.tap(self.ids.record_panel.ids.fixed_switch)
        self.tap_pad(0, fraction_up=0.05)
        self.assertEqual(self.client.hits(0), [1.0])

    def test_a_pad_with_no_sound_is_selected_but_plays_nothing(self):
        self.open_beats()
        self.tap_pad(15)
        self.assertEqual(self.client.hits(15), [])
        self.assertEqual(self.session.pad, 15)
        self.assertEqual(self.ids.steps.pad_name, "")

    def test_the_overview_selects_a_pad_without_playing_it(self):
        self.open_beats()
        self.tap(self.ids.overview.rows_by_pad[9])
        self.assertEqual(self.session.pad, 9)
        self.assertEqual(self.client.actions, [])


class StepsTouchTest(BeatsTouchCase):
    def test_steps_edit_the_selected_row_and_the_engine_plays_it(self):
        self.open_beats()
        self.tap_pad(2)
        for step in (4, 12):
            self.tap_step(step)
        row = self.beat.patterns["A"].rows[2]
        self.assertEqual([s for s, v in enumerate(row.velocities) if v], [4, 12])
        self.assertEqual(self.client.playing_beat.patterns["A"].rows[2].velocities, row.velocities)
        self.assertEqual(self.client.playing_beat.chain, ["A"])
        self.assertEqual(self.ids.steps.step_button(4).velocity, 1.0)
        self.tap_step(4)
        self.assertEqual(self.beat.patterns["A"].rows[2].velocities[4], 0.0)
        self.assertEqual(self.ids.overview.rows_by_pad[2].ids.dots.velocities, row.velocities[:4] + [0.0] + row.velocities[5:])

    def test_a_lit_step_is_heard_when_put_there_while_stopped(self):
        self.open_beats()
        self.tap_step(0)
        self.assertEqual(self.client.hits(0), [1.0])
        self.tap_step(0)  # turning it off plays nothing
        self.assertEqual(self.client.hits(0), [1.0])

    def test_loudness_mode_cycles_loud_medium_soft(self):
        self.open_beats()
        self.tap(self.ids.steps.ids.mode_choice.button_for(True))
        seen = []
        for _ in range(4):
            self.tap_step(3)
            seen.append(self.beat.patterns["A"].rows[0].velocities[3])
        self.assertEqual(seen, [1.0, 0.7, 0.4, 1.0])
        self.tap_step(3)
        self.assertEqual(self.ids.steps.step_button(3).velocity, 0.7)  # the fill height shows it

    def test_32_steps_show_in_two_pages(self):
        beat = Beat()
        beat.patterns["A"].rows[0].velocities[0] = 1.0
        self.open_beats(beat)
        self.open_panel("song")
        self.tap(self.ids.song_panel.ids.length_choice.button_for(32))
        self.assertEqual(self.beat.patterns["A"].step_count, 32)
        self.assertEqual(self.beat.patterns["A"].rows[0].velocities[16], 1.0)  # the first 16 repeated
        page_choice = self.ids.steps.page_choice
        self.assertIsNotNone(page_choice.parent)
        self.tap(page_choice.button_for(1))
        self.assertEqual(self.ids.steps.steps[0].step, 16)
        self.tap(self.ids.steps.steps[15])
        self.assertEqual(self.beat.patterns["A"].rows[0].velocities[31], 1.0)
        self.tap(self.ids.song_panel.ids.length_choice.button_for(16))
        self.assertIsNone(page_choice.parent)
        self.assertEqual(self.ids.steps.steps[0].step, 0)

    def test_mute_and_solo_change_the_row_and_what_plays(self):
        self.open_beats()
        self.tap_pad(1)
        self.tap(self.ids.steps.ids.mute_button)
        self.assertTrue(self.beat.patterns["A"].rows[1].mute)
        self.assertTrue(self.client.playing_beat.patterns["A"].rows[1].mute)
        self.assertEqual(self.ids.pads.pads[1].badge, "Muted")
        self.assertEqual(self.ids.steps.ids.mute_button.text, "Muted")
        self.tap_pad(4)
        self.tap(self.ids.steps.ids.solo_button)
        self.assertTrue(self.client.playing_beat.patterns["A"].rows[4].solo)
        self.assertEqual(self.ids.pads.pads[4].badge, "Solo")
        self.tap(self.ids.steps.ids.solo_button)
        self.assertFalse(self.beat.patterns["A"].rows[4].solo)


class TransportTouchTest(BeatsTouchCase):
    def test_play_and_stop_and_the_playhead(self):
        beat = Beat()
        beat.patterns["A"].rows[0].velocities[4] = 1.0
        self.open_beats(beat)
        transport = self.ids.transport
        self.tap(transport.ids.play_button)
        self.assertEqual(self.client.sent("beats", "playing"), [1.0])
        self.assertEqual(transport.play_text, "Stop")
        state = self.client.state
        state.beats_playing, state.beat_step = True, 4
        self.root.poll()
        self.assertTrue(self.ids.steps.step_button(4).playhead)
        self.assertEqual(self.ids.overview.rows_by_pad[0].ids.dots.playhead_step, 4)
        self.assertGreater(self.ids.pads.pads[0].flash, 0.5)  # the sequencer played the kick
        self.assertEqual(self.ids.pads.pads[1].flash, 0)
        state.beat_step = 16 + 5  # the pattern looped
        self.root.poll()
        self.assertTrue(self.ids.steps.step_button(5).playhead)
        self.tap(transport.ids.play_button)
        self.assertEqual(self.client.sent("beats", "playing"), [1.0, 0.0])
        state.beats_playing, state.beat_step = False, -1
        self.root.poll()
        self.assertFalse(any(button.playhead for button in self.ids.steps.steps))
        self.assertEqual(transport.play_text, "Play A")

    def test_leaving_the_screen_stops_the_beat(self):
        self.open_beats()
        self.tap(self.ids.transport.ids.play_button)
        self.tap(self.ids.transport.ids.back_button)
        self.assertEqual(self.root.screens.current, "launcher")
        self.assertEqual(self.client.sent("beats", "playing"), [1.0, 0.0])

    def test_tempo_plus_minus_and_tap(self):
        self.open_beats()
        transport = self.ids.transport
        self.tap(transport.ids.tempo_up)
        self.assertEqual(self.beat.bpm, 91.0)
        self.tap(transport.ids.tempo_down)
        self.tap(transport.ids.tempo_down)
        self.assertEqual(self.beat.bpm, 89.0)
        self.assertEqual(transport.bpm_text, "89")
        self.assertEqual(self.client.playing_beat.bpm, 89.0)
        times = iter([100.0, 100.5, 101.0, 101.5])
        self.session.clock_s = lambda: next(times)
        for _ in range(4):
            self.tap(transport.ids.tap_button)
        self.assertEqual(self.beat.bpm, 120.0)
        self.assertEqual(transport.bpm_text, "120")
        self.tap(self.ids.pattern_bar.ids.undo_button)  # a whole run of taps is one undo step
        self.assertEqual(self.beat.bpm, 89.0)

    def test_swing_goes_from_off_to_75_percent(self):
        self.open_beats()
        transport = self.ids.transport
        self.assertEqual(transport.swing_text, "Off")
        for _ in range(7):
            self.tap(transport.ids.swing_up)
        self.assertEqual(self.beat.swing, 0.75)
        self.assertEqual(transport.swing_text, "75%")
        self.tap(transport.ids.swing_down)
        self.assertEqual(self.client.playing_beat.swing, 0.7)

    def test_undo_and_redo_restore_each_change(self):
        self.open_beats()
        transport = self.ids.pattern_bar
        self.assertTrue(transport.ids.undo_button.disabled)
        before = Beat(**{**self.beat.__dict__})
        self.tap_step(0)
        self.tap(self.ids.transport.ids.tempo_up)
        self.tap_pad(6)
        self.tap(self.ids.steps.ids.mute_button)
        after = self.client.playing_beat
        for _ in range(3):
            self.tap(transport.ids.undo_button)
        self.assertEqual(self.beat, before)
        self.assertTrue(transport.ids.undo_button.disabled)
        self.assertEqual(self.ids.steps.step_button(0).velocity, 0.0)
        for _ in range(3):
            self.tap(transport.ids.redo_button)
        self.assertEqual(self.beat.patterns, after.patterns)
        self.assertEqual(self.beat.bpm, 91.0)
        self.assertTrue(transport.ids.redo_button.disabled)
