"""Touching the Decks screen: opening it, Play/Pause and Cue (held), Sync, the tempo fader and its
range, key lock, nudge, scratching on the waveform and seeking on the overview, hot cues (set,
jump, delete and Undo, kept with the track), loops, roll and beat jumps, the beat grid (x2, /2,
tap tempo, beat 1 here), and leaving while the decks play."""

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from studio.decks.track_decode import MAX_DECK_SECONDS  # noqa: E402
from studio.decks.track_marks import TrackMarksStore  # noqa: E402
from tests.apps.test_decks_support import DecksTouchCase, FakeDecksClient, hot_cue_event  # noqa: E402

pytestmark = pytest.mark.ui


class OpeningTest(DecksTouchCase):
    def test_the_decks_tile_opens_the_decks_and_the_engine_makes_room_once(self):
        root = self.make_root(client=FakeDecksClient())
        tile = root.launcher.tile_for("decks")
        self.assertEqual(tile.badge, "")
        self.tap(tile)
        self.assertEqual(root.screens.current, "decks")
        self.assertEqual(self.client.prepared, [float(MAX_DECK_SECONDS)])
        self.assertEqual(self.client.actions, [], "opening the decks must not play anything")
        self.tap(root.decks_screen.ids.back_button)
        self.assertEqual(root.screens.current, "launcher")
        self.tap(tile)
        self.assertEqual(self.client.prepared, [float(MAX_DECK_SECONDS)])

    def test_empty_decks_say_what_to_do(self):
        self.open_decks()
        deck = self.deck(1)
        self.assertEqual(deck.ids.title_label.text, "Deck 1")
        self.assertEqual(deck.ids.artist_label.text, "No track yet")
        self.tap(deck.ids.play_button)
        self.assertEqual(self.client.sent("deck1", "playing"), [])
        self.assertTrue(self.banner_says("deck 1 has no track yet: tap Load first"))

    def test_a_loaded_track_shows_its_name_tempo_key_and_times(self):
        self.open_decks()
        self.put_track(1, "Night Shift", duration_s=90.0, bpm=123.5, position_s=62.0)
        deck = self.deck(1)
        self.assertEqual(deck.ids.title_label.text, "Night Shift")
        self.assertEqual(deck.ids.artist_label.text, "Ward Studio")
        self.assertEqual(deck.ids.bpm_button.text, "123.5 BPM")
        self.assertEqual(deck.ids.key_label.text, "A minor")
        self.assertEqual((deck.played_text, deck.left_text), ("1:02", "\u22120:28"))
        self.assertIsNotNone(deck.ids.detail._peaks)
        self.assertEqual(self.client.sent("deck1", "gain_db"), [-2.0])  # the analysis's suggested gain


class TouchTargetTest(DecksTouchCase):
    def test_every_touch_target_is_at_least_48_dp_at_1280x800_and_1024x768(self):
        from kivy.metrics import dp
        from kivy.uix.behaviors import ButtonBehavior

        from apps.decks.faders import Fader
        from apps.decks.knob import Knob
        from apps.widgets import VolumeSlider

        self.open_decks()
        self.put_track(1, hot_cues_s=(1.0,) * 8)
        for size in ((1280, 800), (1024, 768)):
            self.Window.size = size
            self.advance_frames(3)
            for opened in (None, self.ids.headphones_button, self.deck(1).ids.bpm_button,
                           self.deck(2).ids.load_button):
                if opened is not None:
                    self.ids.sheets.close()
                    self.tap(opened)
                targets = [w for w in self.root.walk()
                           if isinstance(w, (ButtonBehavior, VolumeSlider, Knob, Fader)) and w.opacity > 0]
                self.assertGreater(len(targets), 40)
                for widget in targets:
                    self.assertGreaterEqual(min(widget.size), dp(48), f"{widget} at {size} is too small")
                    self.assertTrue(self.root.collide_point(*widget.to_window(*widget.center)), f"{widget} is off screen")


class TransportTest(DecksTouchCase):
    def test_play_and_pause_act_as_the_finger_lands(self):
        self.open_decks()
        self.put_track(1)
        play = self.deck(1).ids.play_button
        touch = self.touch_down(play)
        self.assertEqual(self.client.sent("deck1", "playing"), [1.0])
        self.touch_up(touch)
        self.client.set_deck(1, playing=True)
        self.poll()
        self.assertEqual(play.icon, "pause")
        self.tap(play)
        self.assertEqual(self.client.sent("deck1", "playing"), [1.0, 0.0])

    def test_cue_sounds_only_while_held_even_when_the_finger_slides_off(self):
        self.open_decks()
        self.put_track(1)
        cue = self.deck(1).ids.cue_button
        touch = self.touch_down(cue)
        self.assertEqual(self.client.sent("deck1", "cue"), [1.0])
        touch.touch_move(cue.to_window(cue.right + 200, cue.center_y)[0], cue.to_window(cue.x, cue.center_y)[1])
        self.advance_frames(1)
        self.touch_up(touch)
        self.assertEqual(self.client.sent("deck1", "cue"), [1.0, 0.0])

    def test_sync_follows_and_letting_go_keeps_the_tempo_reached(self):
        self.open_decks()
        self.put_track(1)
        self.put_track(2, "Morning Round", bpm=88.0)
        sync = self.deck(1).ids.sync_button
        self.tap(sync)
        self.assertEqual(self.client.sent("deck1", "sync"), [1.0])
        self.client.set_deck(1, synced=True, rate=1.04, bpm=124.8)
        self.poll()
        self.assertTrue(sync.lit)
        self.assertAlmostEqual(self.deck(1).ids.tempo_fader.value, 0.75)  # +4 % of +-8 %
        self.tap(sync)
        self.assertEqual(self.client.sent("deck1", "sync"), [1.0, 0.0])
        self.assertEqual(self.client.sent("deck1", "tempo"), [0.5])

    def test_the_tempo_fader_moves_from_where_it_is_and_a_double_tap_centres_it(self):
        self.open_decks()
        self.put_track(1)
        fader = self.deck(1).ids.tempo_fader
        x, y = fader.to_window(*fader.thumb_centre())
        start = fader.to_window(fader.center_x, fader.y + 4)  # anywhere on it: no jump where it lands
        self.drag(start, (start[0], start[1] + fader.travel * 0.25))
        sent = self.client.sent("deck1", "tempo")
        self.assertGreater(len(sent), 3)
        self.assertEqual(sent, sorted(sent))
        self.assertAlmostEqual(sent[-1], 0.5, places=2)
        self.assertEqual(self.deck(1).tempo_text, "0.0%")  # the engine has not said yet
        self.client.set_deck(1, rate=1.04)
        self.poll()
        self.assertEqual(self.deck(1).tempo_text, "+4.0%")
        self.double_tap((x, y))
        self.assertEqual(self.client.sent("deck1", "tempo")[-1], 0.0)

    def test_the_tempo_range_keeps_the_speed_and_key_lock_switches(self):
        self.open_decks()
        self.put_track(1)
        deck = self.deck(1)
        self.session.set_tempo(1, 0.5)  # +4 %
        self.tap(deck.ids.range_button)
        self.assertEqual(self.client.sent("deck1", "tempo_range"), [1.0])
        self.assertEqual(self.client.sent("deck1", "tempo")[-1], 0.25)  # +4 % of +-16 %
        self.assertEqual(deck.range_text, "\u00b116%")
        self.assertTrue(deck.key_lock)
        self.tap(deck.ids.key_lock_button)
        self.assertEqual(self.client.sent("deck1", "key_lock"), [0.0])
        self.assertFalse(deck.ids.key_lock_button.lit)

    def test_slower_and_faster_nudge_only_while_held(self):
        self.open_decks()
        self.put_track(2, "Morning Round")
        deck = self.deck(2)
        touch = self.touch_down(deck.ids.slower_button)
        self.assertEqual(self.client.sent("deck2", "nudge"), [-1.0])
        self.touch_up(touch)
        self.tap(deck.ids.faster_button)
        self.assertEqual(self.client.sent("deck2", "nudge"), [-1.0, 0.0, 1.0, 0.0])

    def test_stop_both_stops_what_plays(self):
        self.open_decks()
        self.put_track(1, playing=True)
        self.put_track(2, "Morning Round", playing=True)
        self.tap(self.ids.stop_button)
        self.assertEqual(self.client.sent("deck1", "playing"), [0.0])
        self.assertEqual(self.client.sent("deck2", "playing"), [0.0])

    def test_the_decks_play_on_when_the_screen_is_left(self):
        self.open_decks()
        self.put_track(1, playing=True)
        self.tap(self.ids.back_button)
        self.assertEqual(self.root.screens.current, "launcher")
        self.assertEqual(self.client.sent("deck1", "playing"), [])
        self.assertTrue(self.banner_says("The decks play on"))


class WaveformTest(DecksTouchCase):
    def test_dragging_the_waveform_scratches_and_letting_go_lets_it_run(self):
        self.open_decks()
        self.put_track(1, position_s=30.0)
        detail = self.deck(1).ids.detail
        self.assertEqual(detail.position_s, 30.0)
        start = detail.to_window(*detail.center)
        one_second_px = detail.pixels_per_s
        self.drag(start, (start[0] - one_second_px, start[1]), steps=8)  # to the left: on, as a record turns
        self.assertEqual(self.client.sent("deck1", "scratch"), [1.0, 0.0])
        positions = self.client.sent("deck1", "scratch_s")
        self.assertEqual(len(positions), 8)
        self.assertEqual(positions, sorted(positions))
        self.assertAlmostEqual(positions[-1], 31.0, places=2)
        self.drag(start, (start[0] + 2 * one_second_px, start[1]), steps=4)  # back
        self.assertAlmostEqual(self.client.sent("deck1", "scratch_s")[-1], 29.0, places=1)

    def test_a_tap_on_the_overview_goes_there(self):
        self.open_decks()
        self.put_track(2, "Morning Round", duration_s=80.0)
        overview = self.deck(2).ids.overview
        self.tap(overview, at=overview.to_window(overview.x + overview.width * 0.25, overview.center_y))
        self.assertAlmostEqual(self.client.sent("deck2", "seek_s")[0], 20.0, delta=0.2)

    def test_the_waveform_moves_between_engine_states(self):
        self.open_decks()
        self.put_track(1, position_s=10.0, playing=True)
        detail = self.deck(1).ids.detail
        first = detail.position_s
        self.wait_for(lambda: detail.position_s > first + 0.1, timeout_s=3, what="the waveform to move on its own")


class HotCueTest(DecksTouchCase):
    def test_set_jump_delete_and_undo_a_hot_cue_kept_with_the_track(self):
        self.open_decks()
        load = self.put_track(1, position_s=12.2)
        deck = self.deck(1)
        pad = deck.pads[0]
        self.assertFalse(pad.is_set)
        self.tap(pad)
        self.assertEqual(self.client.sent("deck1", "hot_cue_1"), [1.0])
        self.client.set_deck(1, hot_cues_s=(12.0,) + (None,) * 7)
        self.report(hot_cue_event(1, 1, 12.0))  # the engine put it on the nearest beat
        self.assertTrue(pad.is_set)
        self.assertEqual(self.client.hot_cues_noted, [(1, 1, 12.0)])
        self.assertEqual(TrackMarksStore().marks_for(load.source_path).hot_cues_s[0], 12.0)
        self.tap(pad)  # set: jump there and play
        self.assertEqual(self.client.sent("deck1", "hot_cue_1"), [1.0, 1.0])

        self.tap(deck.ids.delete_cues_button)
        self.assertTrue(self.banner_says("Tap a hot cue to delete it"))
        self.assertEqual(pad.mode, "delete")
        self.tap(deck.pads[1])  # an empty pad: nothing to delete (and no cue set), deleting ends
        self.assertEqual(self.client.sent("deck1", "hot_cue_2"), [])
        self.assertEqual(pad.mode, "play")
        self.tap(deck.ids.delete_cues_button)
        self.tap(pad)
        self.assertEqual(self.client.sent("deck1", "clear_hot_cue_1"), [1.0])
        self.assertTrue(self.banner_says("Hot cue 1 on deck 1 was deleted. Tap Undo on its pad"))
        self.client.set_deck(1, hot_cues_s=(None,) * 8)
        self.report(hot_cue_event(1, 1, None, was_s=12.0))
        self.assertEqual(pad.mode, "undo")
        self.assertIsNone(TrackMarksStore().marks_for(load.source_path).hot_cues_s[0])
        self.tap(pad)
        self.assertEqual(self.client.hot_cues_set, [(1, 1, 12.0)])
        self.assertEqual(self.client.sent("deck1", "hot_cue_1"), [1.0, 1.0])  # Undo is no tap on the pad
        self.assertEqual(TrackMarksStore().marks_for(load.source_path).hot_cues_s[0], 12.0)
        self.assertTrue(self.banner_says("Hot cue 1 on deck 1 is back."))
        self.client.set_deck(1, hot_cues_s=(12.0,) + (None,) * 7)
        self.poll()
        self.assertEqual((pad.mode, pad.is_set), ("play", True))


class LoopTest(DecksTouchCase):
    def test_loop_size_loop_roll_and_beat_jumps(self):
        self.open_decks()
        self.put_track(1, position_s=20.0)
        deck = self.deck(1)
        self.assertEqual(deck.loop_text, "Loop 4")
        self.tap(deck.ids.loop_longer)
        self.tap(deck.ids.loop_shorter)
        self.tap(deck.ids.loop_shorter)
        self.assertEqual(self.client.sent("deck1", "loop_size"), [5.0, 4.0, 3.0])
        self.assertEqual(deck.loop_text, "Loop 2")
        self.tap(deck.ids.loop_button)
        self.assertEqual(self.client.sent("deck1", "loop"), [1.0])
        self.client.set_deck(1, loop_s=(20.0, 21.0))
        self.poll()
        self.assertTrue(deck.ids.loop_button.lit)
        self.tap(deck.ids.loop_button)
        self.assertEqual(self.client.sent("deck1", "loop"), [1.0, 0.0])
        self.tap(deck.ids.jump_forward)
        self.tap(deck.ids.jump_back)
        self.assertEqual(self.client.sent("deck1", "beat_jump"), [2.0, -2.0])
        touch = self.touch_down(deck.ids.roll_button)
        self.assertEqual(self.client.sent("deck1", "roll"), [1.0])
        self.touch_up(touch)
        self.assertEqual(self.client.sent("deck1", "roll"), [1.0, 0.0])
        for _ in range(4):
            self.tap(deck.ids.loop_shorter)
        self.assertEqual(deck.loop_text, "Loop 1/4")
        self.assertEqual(deck.jump_text, "1")
        self.assertTrue(self.banner_says("1/4 is the shortest loop"))


class BeatGridTest(DecksTouchCase):
    def open_grid(self, **track):
        self.open_decks()
        self.load = self.put_track(1, **track)
        self.tap(self.deck(1).ids.bpm_button)
        return self.ids.sheets.sheet

    def test_twice_and_half_as_fast_fix_the_grid_and_are_kept(self):
        sheet = self.open_grid(bpm=62.0, first_beat_s=0.25)
        self.assertEqual(sheet.bpm_text, "62.0 BPM")
        self.tap(sheet.ids.double_button)
        self.assertEqual(self.client.grids, [(1, 124.0, 0.25)])
        grid = TrackMarksStore().marks_for(self.load.source_path).beat_grid
        self.assertEqual((grid.bpm, grid.first_beat_s), (124.0, 0.25))
        self.client.set_deck(1, bpm=124.0, track_bpm=124.0)
        self.poll()
        self.tap(sheet.ids.halve_button)
        self.assertEqual(self.client.grids[-1], (1, 62.0, 0.25))

    def test_tapping_along_sets_the_tempo_heard_at_the_decks_rate(self):
        sheet = self.open_grid(bpm=120.0, rate=1.04)
        now = [10.0]
        self.screen.clock = lambda: now[0]
        for _ in range(3):
            self.tap(sheet.ids.tap_button)
            now[0] += 0.5
        self.assertEqual(self.client.grids, [])
        self.assertEqual(sheet.tap_text, "Keep tapping: 1 more")
        self.tap(sheet.ids.tap_button)
        deck, bpm, first_beat_s = self.client.grids[-1]
        self.assertEqual((deck, first_beat_s), (1, 0.5))
        self.assertAlmostEqual(bpm, 120.0 / 1.04, places=2)  # 120 heard at +4 % is 115.4 in the track

    def test_beat_one_here_moves_the_grid_to_the_play_position(self):
        sheet = self.open_grid(bpm=120.0, position_s=33.3)
        self.tap(sheet.ids.beat_one_button)
        deck, bpm, first_beat_s = self.client.grids[-1]
        self.assertEqual((deck, bpm), (1, 120.0))
        self.assertAlmostEqual(first_beat_s, 33.3, places=2)
        self.tap(sheet.ids.close_button)
        self.assertIsNone(self.ids.sheets.sheet)
