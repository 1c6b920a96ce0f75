"""The Decks screen with the real engine process in silent mode and the real track loader: a demo
track chosen in the browser is analysed, copied into the deck, and plays; the time on screen and
the deck's level meter move because the engine says so."""

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from studio.engine.client import EngineClient  # noqa: E402
from studio.settings import AudioSettings  # noqa: E402
from tests.apps.test_decks_loading import BrowserCase  # noqa: E402

pytestmark = pytest.mark.ui


class DecksRealEngineTest(BrowserCase):
    def test_a_demo_track_loads_plays_and_moves_the_meter(self):
        client = EngineClient(AudioSettings(backend="none"))
        client.start()
        screen = None
        try:
            self.make_root(client=client)
            self.root.start_polling()
            self.wait_for(lambda: client.state.backend != "starting", timeout_s=15, what="the engine's first state")
            self.root.open_screen("decks", animate=False)
            screen = self.root.decks_screen
            self.screen, self.ids = screen, screen.ids
            self.advance_frames(3)
            browser = self.open_browser(1)
            self.tap(self.row(browser, "Night Shift"))
            deck = self.deck(1)
            self.wait_for(lambda: screen.session.track_on(1) is not None, timeout_s=60,
                          what="the track to be analysed and copied into deck 1")
            status = client.state.decks[0]
            self.assertEqual(status.title, "Night Shift")
            self.assertAlmostEqual(status.track_bpm, 123.5, delta=0.2)
            self.assertAlmostEqual(status.duration_s, 80.2, delta=0.5)
            self.wait_for(lambda: deck.ids.title_label.text == "Night Shift", timeout_s=2, what="the deck to show it")
            self.assertEqual(deck.loading_text, "")
            self.assertEqual(deck.ids.key_label.text, "A minor")
            self.tap(deck.ids.play_button)
            self.wait_for(lambda: client.state.decks[0].playing, timeout_s=5, what="deck 1 to play")
            started_s = client.state.decks[0].position_s
            self.wait_for(lambda: client.state.decks[0].position_s > started_s + 1.0, timeout_s=10,
                          what="the track to play on for a second")
            self.wait_for(lambda: client.state.decks[0].meter_db > -40.0, timeout_s=5, what="the deck's meter to move")
            self.wait_for(lambda: deck.played_text not in ("", "0:00"), timeout_s=5, what="the time on screen to move")
            self.assertGreater(self.ids.mixer.ids.meter1.level_db, -60.0)
            self.save_screenshot("decks-real-engine-1280x800")  # a real track's waveform, to look at
            self.tap(self.ids.stop_button)
            self.wait_for(lambda: not client.state.decks[0].playing, timeout_s=5, what="deck 1 to stop")
        finally:
            if screen is not None:
                screen.close()
            self.root.stop_polling()
            client.stop()
