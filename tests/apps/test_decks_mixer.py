"""Touching the DJ mixer: band-off (kill) buttons, EQ, gain and filter knobs (their values said
in words while they turn, a double tap to the middle), headphones (cue), channel faders and the
crossfader; and the headphones sheet: loudness under the mentor's limit, what the headphones
hear, split cue with its plain explanation, and the crossfader's curve."""

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from kivy.tests.common import UnitTestTouch  # noqa: E402

from apps.decks.knob import FULL_TURN_DP  # noqa: E402
from tests.apps.test_decks_support import DecksTouchCase  # noqa: E402

pytestmark = pytest.mark.ui


class MixerTest(DecksTouchCase):
    def test_a_band_off_button_turns_that_part_of_the_sound_off_and_on(self):
        self.open_decks()
        kill = self.ids.mixer.kills[(1, "kill_high")]
        self.tap(kill)
        self.assertEqual(self.client.sent("deck1", "kill_high"), [1.0])
        self.assertTrue(kill.lit)
        self.assertTrue(self.banner_says("That part of deck 1's sound is off."))
        self.tap(kill)
        self.assertEqual(self.client.sent("deck1", "kill_high"), [1.0, 0.0])
        self.assertFalse(kill.lit)
        self.assertEqual(self.client.sent("deck2", "kill_high"), [])

    def test_an_eq_knob_turns_with_a_slide_says_its_value_and_a_double_tap_centres_it(self):
        self.open_decks()
        mixer = self.ids.mixer
        knob, row = mixer.knobs[(2, "eq_low_db")], mixer.rows["eq_low_db"]
        x, y = knob.to_window(*knob.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        for step in range(1, 6):
            touch.touch_move(x, y + FULL_TURN_DP * 0.25 * step / 5)
            self.advance_frames(1)
        self.assertEqual(row.label, "+3 dB")  # a quarter turn up from the middle: half of +6 dB
        touch.touch_up()
        self.advance_frames(2)
        self.assertEqual(row.label, "Low")
        sent = self.client.sent("deck2", "eq_low_db")
        self.assertEqual(sent, sorted(sent))
        self.assertAlmostEqual(sent[-1], 3.0, places=3)
        self.assertAlmostEqual(knob.position, 0.75)
        self.double_tap((x, y))
        self.assertEqual(self.client.sent("deck2", "eq_low_db")[-1], 0.0)

    def test_the_filter_says_muffled_one_way_and_thin_the_other(self):
        self.open_decks()
        mixer = self.ids.mixer
        knob, row = mixer.knobs[(1, "filter")], mixer.rows["filter"]
        x, y = knob.to_window(*knob.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        touch.touch_move(x, y - FULL_TURN_DP * 0.25)
        self.advance_frames(1)
        self.assertEqual(row.label, "Muffled 50%")
        self.assertAlmostEqual(self.client.sent("deck1", "filter")[-1], -0.5, places=3)
        touch.touch_move(x, y + FULL_TURN_DP * 0.1)
        self.advance_frames(1)
        self.assertEqual(row.label, "Thin 20%")
        touch.touch_up()
        self.advance_frames(1)

    def test_the_gain_knob_shows_the_gain_suggested_for_the_track(self):
        self.open_decks()
        self.put_track(1)
        knob = self.ids.mixer.knobs[(1, "gain_db")]
        self.assertAlmostEqual(knob.position, 0.5 - 2.0 / 24)  # -2 dB of -12..+12

    def test_headphones_cue_faders_and_the_crossfader(self):
        self.open_decks()
        mixer = self.ids.mixer
        self.tap(mixer.ids.cue2)
        self.assertEqual(self.client.sent("deck2", "headphones"), [1.0])
        self.assertTrue(mixer.ids.cue2.lit)
        self.assertTrue(self.banner_says("Deck 2 is in the headphones now"))
        fader = mixer.ids.fader2
        start = fader.to_window(*fader.thumb_centre())
        self.drag(start, (start[0], start[1] - fader.travel / 2))
        self.assertAlmostEqual(self.client.sent("deck2", "fader")[-1], 0.5, places=2)
        crossfader = mixer.ids.crossfader
        start = crossfader.to_window(*crossfader.thumb_centre())
        self.drag(start, (start[0] + crossfader.travel / 4, start[1]))
        sent = self.client.sent("mixer", "crossfader")
        self.assertEqual(sent, sorted(sent))
        self.assertAlmostEqual(sent[-1], 0.5, places=2)  # a quarter of the way: half towards deck 2
        self.double_tap(crossfader.to_window(*crossfader.center))
        self.assertEqual(self.client.sent("mixer", "crossfader")[-1], 0.0)


class HeadphonesSheetTest(DecksTouchCase):
    def test_split_cue_is_explained_and_switches(self):
        self.open_decks()
        self.tap(self.ids.headphones_button)
        sheet = self.ids.sheets.sheet
        self.assertIn("One headphone socket: the mix in your left ear, the deck you cue in your right.",
                      sheet.split_hint)
        self.tap(sheet.ids.split_switch)
        self.assertEqual(self.client.sent("mixer", "split_cue"), [1.0])
        self.assertTrue(sheet.ids.split_switch.active)

    def test_the_crossfader_curve_and_what_the_headphones_hear(self):
        self.open_decks()
        self.tap(self.ids.headphones_button)
        sheet = self.ids.sheets.sheet
        self.assertEqual(sheet.ids.curve_hint.text,
                         "Smooth: one deck fades as the other comes in, evenly loud all the way.")
        self.tap(sheet.ids.curve_choice.button_for(2))
        self.assertEqual(self.client.sent("mixer", "crossfader_curve"), [2.0])
        self.assertTrue(sheet.ids.curve_hint.text.startswith("Quick cut"))
        mix = sheet.ids.mix
        start = mix.to_window(*mix.thumb_centre())
        self.drag(start, (start[0] + mix.travel, start[1]))
        self.assertEqual(self.client.sent("mixer", "headphones_mix")[-1], 1.0)

    def test_the_headphones_never_go_above_the_mentors_limit(self):
        self.open_decks()
        self.tap(self.ids.headphones_button)
        volume = self.ids.sheets.sheet.ids.volume
        self.assertEqual(volume.cap_db, -6.0)
        for _ in range(3):
            self.tap(volume, at=volume.to_window(volume.right - 2, volume.center_y))
        sent = self.client.sent("mixer", "headphones_db")
        self.assertTrue(sent)
        self.assertLessEqual(max(sent), -6.0)

    def test_a_tap_beside_the_sheet_closes_it_and_touches_nothing_under_it(self):
        self.open_decks()
        self.tap(self.ids.headphones_button)
        self.assertIsNotNone(self.ids.sheets.sheet)
        stop = self.ids.stop_button
        self.tap(stop)
        self.assertIsNone(self.ids.sheets.sheet)
        self.assertEqual(self.client.actions, [])


class RecordMixTest(DecksTouchCase):
    def test_record_mix_records_the_master_and_says_where_the_mix_went(self):
        from studio.engine.messages import EngineEvent

        self.open_decks()
        button = self.screen.ids.record_mix_button
        self.assertEqual(button.text, "Record mix")
        self.tap(button)
        self.assertEqual(self.client.sent("mixer", "recording"), [1.0])
        self.client.state.mix_recording, self.client.state.mix_seconds = True, 75.4
        self.screen.refresh()
        self.assertEqual(button.text, "Recording 1:15")
        self.tap(button)
        self.assertEqual(self.client.sent("mixer", "recording"), [1.0, 0.0])
        self.client.state.mix_recording = False
        self.report(EngineEvent("take_saved", "Mix 4 was saved (75.4 s).", {"take": {"name": "Mix 4"}}))
        self.assertTrue(self.banner_says("Mix 4 was saved (75.4 s). It is with the takes on the Mic screen"))
