"""Loading tracks onto the decks through the track browser: a WAV from the music folder decoded and
analysed by the real TrackLoader and sent to the engine with the hot cues and grid kept for it; a
broken file said in plain words (the app keeps running); the demo tracks and the Mic's takes
listed; a playing deck asked about first; a later choice winning; an engine error ending the wait."""

import pytest
import soundfile

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

import numpy as np  # noqa: E402

from studio.decks.track_marks import TrackMarksStore  # noqa: E402
from studio.engine.messages import EngineEvent  # noqa: E402
from studio.mic.takes import TakeStore  # noqa: E402
from studio.mic.wav_stream import WavStreamWriter  # noqa: E402
from tests.apps.test_decks_support import DecksTouchCase, fake_track, loaded_event  # noqa: E402
from tests.studio.decks.track_audio import SAMPLE_RATE, drum_loop  # noqa: E402

pytestmark = pytest.mark.ui
LOAD_TIMEOUT_S = 60.0  # a worker process starts, decodes with ffmpeg and analyses: a few seconds


class BrowserCase(DecksTouchCase):
    def open_browser(self, deck: int = 1, source: str = "demo"):
        self.tap(self.deck(deck).ids.load_button)
        browser = self.ids.sheets.sheet
        self.assertEqual(browser.title, f"Load a track onto deck {deck}")
        if source != "demo":
            self.tap(browser.ids.source_choice.button_for(source))
        self.wait_for(lambda: browser.rows() or browser.note.startswith(("No ", "There is no")),
                      timeout_s=10, what="the list of tracks")
        return browser

    def row(self, browser, title: str):
        return next(row for row in browser.rows() if row.title == title)


class RealLoaderTest(BrowserCase):
    def test_a_track_from_my_music_is_analysed_and_sent_with_the_marks_kept_for_it(self):
        path = self.music_dir / "Party" / "loop 120.wav"
        path.parent.mkdir()
        soundfile.write(path, drum_loop(120.0, 8.0, first_downbeat_s=0.25), SAMPLE_RATE)
        (self.music_dir / "notes.txt").write_text("not a track")
        TrackMarksStore().set_hot_cue(path, 2, 1.25)
        screen = self.open_decks(real_loader=True)
        try:
            browser = self.open_browser(1, "music")
            self.assertEqual([(row.title, row.detail) for row in browser.rows()], [("loop 120", "Party")])
            self.tap(self.row(browser, "loop 120"))
            self.assertIsNone(self.ids.sheets.sheet)
            deck = self.deck(1)
            self.assertTrue(deck.loading_text.startswith("Analysing loop 120\u2026"), deck.loading_text)
            self.wait_for(lambda: self.client.loads, timeout_s=LOAD_TIMEOUT_S, what="the track to be analysed")
            load = self.client.loads[0]
            self.assertEqual((load.deck, load.sample_rate, load.frames), (1, 48000, 8 * 48000))
            self.assertEqual((load.title, load.source_path), ("loop 120", str(path)))
            self.assertAlmostEqual(load.bpm, 120.0, delta=0.5)
            self.assertEqual(load.hot_cues_s[:2], (None, 1.25))
            self.assertEqual(np.fromfile(load.audio_path, dtype="<f4").size, 2 * load.frames)
            self.assertEqual(deck.loading_text, "Loading\u2026")
            self.client.set_deck(1, loading=0.4)
            self.poll()
            self.assertEqual(deck.loading_text, "Loading 40%")
            self.client.set_deck(1, loading=-1.0, loaded=True, title=load.title, source_path=load.source_path,
                                 duration_s=8.0, bpm=load.bpm, track_bpm=load.bpm, first_beat_s=load.first_beat_s,
                                 hot_cues_s=load.hot_cues_s)
            self.report(loaded_event(1, load))
            self.assertEqual(deck.loading_text, "")
            self.assertEqual(deck.ids.title_label.text, "loop 120")
            self.assertEqual(len(deck.ids.detail._peaks), len(self.session.tracks[1].track.waveform.detail))
            self.assertTrue(deck.pads[1].is_set)
            self.assertEqual(self.client.sent("deck1", "gain_db"), [load.gain_db])
        finally:
            screen.close()

    def test_a_broken_file_is_said_in_plain_words_and_the_decks_carry_on(self):
        (self.music_dir / "broken.mp3").write_bytes(b"ID3" + bytes(range(256)) * 40)
        screen = self.open_decks(real_loader=True)
        try:
            self.client.set_deck(2, loaded=True, playing=True, title="Morning Round", duration_s=79.0)
            browser = self.open_browser(1, "music")
            self.tap(self.row(browser, "broken"))
            self.wait_for(lambda: self.banner_says("\u201cbroken.mp3\u201d is not an audio file we can read."),
                          timeout_s=LOAD_TIMEOUT_S, what="the loader to say what is wrong")
            self.assertEqual(self.deck(1).loading_text, "")
            self.assertEqual(self.client.loads, [])
            self.assertEqual(self.client.sent("deck2", "playing"), [])
            self.assertTrue(self.deck(2).playing)
        finally:
            screen.close()


class BrowserTest(BrowserCase):
    def test_the_demo_tracks_are_listed_with_their_tempo_key_and_length(self):
        self.open_decks()
        browser = self.open_browser(2)
        titles = [row.title for row in browser.rows()]
        self.assertEqual(titles[:2], ["Morning Round", "Window Seat"])
        self.assertEqual(len(titles), 6)
        self.assertEqual(self.row(browser, "Night Shift").detail, "123.5 BPM \u00b7 A minor \u00b7 house \u00b7 1:20")
        self.tap(self.row(browser, "Night Shift"))
        deck, path = self.loaders[-1].requests[1]
        self.assertEqual(deck, 2)
        self.assertTrue(path.endswith("night-shift.ogg"))
        self.assertEqual(self.deck(2).loading_text, "Analysing Night Shift\u2026")

    def test_the_mics_takes_and_an_empty_music_folder(self):
        store = TakeStore()
        info, wav = store.new_take(8000, 1)
        with WavStreamWriter(wav, 8000) as writer:
            writer.append(np.zeros(8000 * 3, dtype=np.float32))
        store.finish(info, 8000 * 3)
        self.open_decks()
        browser = self.open_browser(1, "takes")
        self.assertEqual([(row.title, row.detail) for row in browser.rows()], [("Take 1", "0:03")])
        self.tap(browser.ids.source_choice.button_for("music"))
        self.wait_for(lambda: browser.note.startswith("No tracks in"), timeout_s=10, what="the empty folder's note")
        self.assertEqual(browser.rows(), [])
        self.tap(browser.ids.close_button)
        self.assertIsNone(self.ids.sheets.sheet)

    def test_a_playing_deck_is_asked_about_first(self):
        self.open_decks()
        self.put_track(1, "Night Shift", playing=True)
        requests = len(self.loaders[-1].requests)
        browser = self.open_browser(1)
        self.tap(self.row(browser, "Tea Trolley"))
        question = self.ids.sheets.sheet
        self.assertIn("Deck 1 is playing. Load anyway?", question.message)
        self.tap(question.ids.cancel_button)
        self.assertEqual(len(self.loaders[-1].requests), requests)
        browser = self.open_browser(1)
        self.tap(self.row(browser, "Tea Trolley"))
        self.tap(self.ids.sheets.sheet.ids.confirm_button)
        self.assertEqual(len(self.loaders[-1].requests), requests + 1)
        self.assertEqual(self.deck(1).loading_text, "Analysing Tea Trolley\u2026")


class LoadingTest(DecksTouchCase):
    def test_a_later_choice_for_a_deck_wins_and_a_fixed_grid_goes_with_the_track(self):
        self.open_decks()
        first, second = self.music_dir / "first.wav", self.music_dir / "second.wav"
        for path in (first, second):
            path.write_bytes(path.name.encode() * 50)
        TrackMarksStore().set_beat_grid(second, 100.0, 0.3)
        self.screen.load(1, str(first), "first")
        self.screen.load(1, str(second), "second")
        loader = self.loaders[-1]
        loader.finish(1, fake_track(first, "first"))
        loader.finish(2, fake_track(second, "second", bpm=50.0))
        self.wait_for(lambda: self.client.loads, timeout_s=3, what="the loader to be polled")
        self.assertEqual([(load.title, load.bpm, load.first_beat_s) for load in self.client.loads],
                         [("second", 100.0, 0.3)])

    def test_an_engine_error_about_the_track_ends_the_wait(self):
        self.open_decks()
        path = self.music_dir / "long.wav"
        path.write_bytes(b"x" * 100)
        self.screen.load(2, str(path), "long")
        self.loaders[-1].finish(1, fake_track(path, "long"))
        self.session.poll_loads()
        self.assertEqual(self.deck(2).loading_text, "Loading\u2026")
        message = "\u201clong\u201d is longer than a deck holds (15 minutes)."
        self.report(EngineEvent("error", message))
        self.assertEqual(self.deck(2).loading_text, "")
        self.assertTrue(self.banner_says(message))

    def test_a_track_cut_short_says_so(self):
        self.open_decks()
        path = self.music_dir / "very long.mp3"
        path.write_bytes(b"x" * 100)
        self.screen.load(1, str(path), "very long")
        track = fake_track(path, "very long")
        track = track.__class__(**{**track.__dict__, "info": track.info.__class__("very long", truncated=True)})
        self.loaders[-1].finish(1, track)
        self.session.poll_loads()
        self.advance_frames(1)
        self.assertTrue(self.banner_says("Only the first 15 minutes are loaded."))
