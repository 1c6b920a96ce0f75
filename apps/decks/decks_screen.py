"""The Decks screen: two DJ decks a beginner can mix on, and a mixer between them.

    top bar     Back, what a finger can do, Headphones (and the crossfader's curve), Stop both
    deck 1      (deck_panel.py) the track, its tempo and key, the scrolling waveform to scratch,
                the overview, tempo fader, Cue, Play, Sync, hot cues, loops, jumps, nudge
    mixer       (mixer_panel.py) gain, EQ with band-off buttons, filter, headphones (cue),
                channel faders with level meters, crossfader
    deck 2      mirrored
    sheets      the track browser, the beat grid, headphones, "load anyway?" (sheet.py)

What the decks do lives in DecksSession (no kivy); this module turns taps into its verbs and draws
what the engine says. The root calls enter() and leave() when the screen is opened and left (the
decks keep playing when it is left, as in other DJ apps; Stop both stops them), show_state()
about 20 times a second while it shows, and take_events() with the engine's events whenever they
come. The waveforms are moved every frame (60 a second) while the screen shows, from where the
engine last said each deck was, its rate and the clock (playhead.py). Looks: decks.kv.
"""

from __future__ import annotations

import os
import time

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import StringProperty

from apps.decks.deck_loads import make_track_loader
from apps.decks.deck_panel import DeckPanel  # noqa: F401  (kv classes)
from apps.decks.decks_session import DECKS, DecksSession, loop_words
from apps.decks.grid_sheet import GridSheet
from apps.decks.headphones_sheet import HeadphonesSheet
from apps.decks.mixer_panel import MixerPanel  # noqa: F401
from apps.decks.playhead import Playhead
from apps.decks.sheet import ConfirmSheet, SheetHost  # noqa: F401
from apps.decks.snapshot_layout import SnapshotLayout  # noqa: F401
from apps.decks.track_browser import TrackBrowser, default_music_folder
from apps.part_screen import PartScreen
from studio.mic.takes import TakeStore

LOADER_POLL_S = 0.1
HINTS = {  # said the first time each is used, so a beginner learns what it did
    "headphones": "Deck {deck} is in the headphones now: hear it there before the room does.",
    "kill": "That part of deck {deck}'s sound is off. Tap the button again to bring it back.",
    "delete_mode": "Tap a hot cue to delete it (Undo brings it back). Tap the cross again to stop deleting.",
    "key_lock_on": "Key lock is on: the song keeps its pitch when you change its tempo.",
    "key_lock_off": "Key lock is off: the pitch goes up and down with the tempo, like a record.",
}


class DecksScreen(PartScreen):
    part_title = StringProperty("Decks")
    record_mix_text = StringProperty("Record mix")

    def __init__(self, client, marks=None, make_loader=make_track_loader, music_folder=None, take_store=None,
                 **kwargs):
        self.client = client
        self.session: DecksSession | None = None
        self.playheads = {deck: Playhead() for deck in DECKS}
        self.music_folder = music_folder if music_folder is not None else default_music_folder()
        self.take_store = take_store
        self._frame_event = None
        self._loader_event = None
        self._hinted: set[str] = set()
        self._shown_tracks: dict[int, object] = {}
        self.clock = time.monotonic  # for tapped tempos (tests tap in time with a clock of their own)
        super().__init__(**kwargs)
        self.session = DecksSession(client, marks, make_loader, on_change=self._changed,
                                    on_message=lambda message, kind: self.tell(message, kind))
        self.refresh()

    def on_kv_post(self, base_widget):
        ids = self.ids
        self.decks = {1: ids.deck1, 2: ids.deck2}
        for deck, panel in self.decks.items():
            panel.bind(on_do=lambda _panel, verb, *args, deck=deck: self.deck_do(deck, verb, *args))
        # The panels are drawn once into snapshots, and again only when something in them changes;
        # what moves while the decks play is drawn live over them (snapshot_layout.py).
        for snapshot, panel in ((ids.deck1_snapshot, ids.deck1), (ids.mixer_snapshot, ids.mixer),
                                (ids.deck2_snapshot, ids.deck2)):
            for widget in panel.live_widgets():
                snapshot.draw_live(widget)
        ids.mixer.bind(on_set=lambda _mixer, group, control, value: self._do(self.session.set_mixer, group, control,
                                                                              value),
                       on_toggle=lambda _mixer, group, control: self.toggle(group, control))

    # ---- opening and leaving ------------------------------------------------------------------------
    def enter(self) -> None:
        """The screen is opened: the engine makes room for tracks (the first time), waveforms move."""
        self.session.prepare()
        if self._frame_event is None:
            self._frame_event = Clock.schedule_interval(self._draw_frame, 0)
        self.show_state(self.client.state)

    def leave(self) -> None:
        """The screen is left: the decks play on (Stop both stops them); a held button lets go."""
        if self._frame_event is not None:
            self._frame_event.cancel()
            self._frame_event = None
        self.ids.sheets.close()
        for deck in DECKS:
            panel = self.decks[deck]
            if panel.ids.detail.scratching:
                panel.ids.detail.scratching = False
                self.session.scratch(deck, False)
            panel.delete_mode = False

    def close(self) -> None:
        """The app is closing: the track loader's process ends (the engine stops the decks)."""
        self.leave()
        if self._loader_event is not None:
            self._loader_event.cancel()
            self._loader_event = None
        self.session.loads.close()

    def stop_both(self) -> None:
        self._do(self.session.stop_both)

    def toggle_record_mix(self) -> None:
        self._do(self.session.toggle_record_mix)

    # ---- what a finger does --------------------------------------------------------------------------
    def deck_do(self, deck: int, verb: str, *args) -> None:
        """A deck's button, fader or waveform (see DeckPanel for the verbs)."""
        session, panel = self.session, self.decks[deck]
        verbs = {
            "load": lambda: self.open_browser(deck),
            "play": lambda: session.toggle_play(deck),
            "cue": lambda held: session.press_cue(deck, held),
            "sync": lambda: session.toggle_sync(deck),
            "key_lock": lambda: self._toggle_key_lock(deck),
            "tempo": lambda tempo: session.set_tempo(deck, tempo),
            "tempo_range": lambda: session.next_tempo_range(deck),
            "grid": lambda: self.open_grid(deck),
            "hot_cue": lambda index: self.hot_cue(deck, index),
            "delete_mode": lambda: self._toggle_delete_mode(deck),
            "loop": lambda: session.toggle_loop(deck),
            "loop_size": lambda direction: session.change_loop_size(deck, direction),
            "roll": lambda held: session.roll(deck, held),
            "beat_jump": lambda direction: session.beat_jump(deck, direction),
            "nudge": lambda direction: session.nudge(deck, direction),
            "seek": lambda position_s: session.seek(deck, position_s),
            "scratch_start": lambda position_s: session.scratch(deck, True),
            "scratch": lambda position_s: session.scratch_to(deck, position_s),
            "scratch_end": lambda: session.scratch(deck, False),
        }
        self._do(verbs[verb], *args)
        if verb in ("scratch", "scratch_start"):
            self.playheads[deck].jump(panel.ids.detail.position_s, time.monotonic())

    def hot_cue(self, deck: int, index: int) -> None:
        """A hot cue pad: jump (or set); in delete mode, delete; just after a delete, Undo."""
        session, panel = self.session, self.decks[deck]
        undo = session.undo_target(deck)
        if panel.delete_mode:
            panel.delete_mode = False  # one at a time: a slip never deletes two
            if session.hot_cue(deck, index) is not None:
                session.delete_hot_cue(deck, index)
                self.tell(f"Hot cue {index} on deck {deck} was deleted. Tap Undo on its pad to bring it back.",
                          "done")
        elif undo is not None and undo.index == index:
            session.undo_delete(deck)
            self.tell(f"Hot cue {index} on deck {deck} is back.", "done")
        else:
            session.press_hot_cue(deck, index)

    def _toggle_key_lock(self, deck: int) -> None:
        self.session.toggle_key_lock(deck)
        self._hint("key_lock_on" if self.session.key_lock(deck) else "key_lock_off", deck)

    def _toggle_delete_mode(self, deck: int) -> None:
        panel = self.decks[deck]
        panel.delete_mode = not panel.delete_mode
        if panel.delete_mode:
            self._hint("delete_mode", deck)

    def toggle(self, group: str, control: str) -> None:
        """A band-off or headphones button on the mixer."""
        on = False
        try:
            on = self.session.toggle(group, control)
        except ValueError as error:
            self.tell(f"That could not be done: {error}.", "notice")
        if on:
            self._hint("headphones" if control == "headphones" else "kill", int(group.removeprefix("deck")))
        self.refresh()

    def _hint(self, name: str, deck: int) -> None:
        if name not in self._hinted:
            self._hinted.add(name)
            self.tell(HINTS[name].format(deck=deck), "notice")

    # ---- sheets ---------------------------------------------------------------------------------------
    def open_browser(self, deck: int) -> TrackBrowser:
        store = self.take_store if self.take_store is not None else TakeStore()
        browser = TrackBrowser(self.music_folder, store, deck=deck)
        browser.bind(on_choose=lambda _browser, path, title: self.choose_track(deck, path, title))
        self.ids.sheets.open(browser)
        browser.show_source(browser.source)
        return browser

    def choose_track(self, deck: int, path: str, title: str) -> None:
        """A track was tapped in the browser: load it, after asking when the deck is playing."""
        self.ids.sheets.close()
        if self.session.status(deck).playing:
            question = ConfirmSheet(title=f"Deck {deck} is playing", confirm_text="Load anyway",
                                    message=f"Deck {deck} is playing. Load anyway? “{title}” takes its place "
                                            "and the music on it stops.")
            question.bind(on_confirm=lambda *_: self.load(deck, path, title))
            self.ids.sheets.open(question)
        else:
            self.load(deck, path, title)

    def load(self, deck: int, path: str, title: str) -> None:
        self._do(self.session.load, deck, path, title)
        if self._loader_event is None:
            self._loader_event = Clock.schedule_interval(self._poll_loader, LOADER_POLL_S)

    def _poll_loader(self, _dt) -> None:
        self.session.poll_loads()
        if not self.session.loads.analysing:
            self._loader_event.cancel()
            self._loader_event = None
        self.refresh()

    def open_grid(self, deck: int) -> GridSheet:
        sheet = GridSheet(deck=deck, title=f"The beat of deck {deck}")
        sheet.bind(on_grid=lambda _sheet, verb: self.grid(deck, verb))
        self.ids.sheets.open(sheet)
        self.refresh()
        return sheet

    def grid(self, deck: int, verb: str) -> None:
        session, now = self.session, self.clock()
        position_s = self.playheads[deck].position_at(time.monotonic())
        if verb == "double":
            self._do(session.double_tempo, deck)
        elif verb == "halve":
            self._do(session.halve_tempo, deck)
        elif verb == "beat_one":
            self._do(session.beat_one_here, deck, position_s)
            self.tell("The beat grid now starts a bar here.", "done")
        elif verb == "tap":
            self._do(session.tap_tempo, deck, now, position_s)

    def open_headphones(self) -> HeadphonesSheet:
        sheet = HeadphonesSheet()
        sheet.bind(on_set=lambda _sheet, control, value: self._set_headphones(control, value))
        self.ids.sheets.open(sheet)
        sheet.show(self.client.value)
        return sheet

    def _set_headphones(self, control: str, value: float) -> None:
        if control == "headphones_db":
            value = min(value, self.client.value("master", "headphone_cap_db"))
        self._do(self.session.set_mixer, "mixer", control, value)

    # ---- what the engine says ------------------------------------------------------------------------
    def take_events(self, events) -> None:
        """The engine's events (any kinds): tracks loaded, hot cues set or deleted, load errors,
        a recorded mix saved."""
        for event in events:
            if event.kind == "take_saved" and event.data["take"]["name"].startswith("Mix "):
                self.tell(f"{event.message} It is with the takes on the Mic screen, and under Mic takes "
                          "when you load a deck.", "notice")
        if any(event.kind in ("track_loaded", "hot_cue", "error") for event in events):
            self.session.handle_events(events)
            self.refresh()

    def show_state(self, state) -> None:
        """The engine's state, about 20 times a second."""
        session, now = self.session, time.monotonic()
        for deck, panel in self.decks.items():
            status = session.status(deck)
            # speed: the actual rate, with nudge, scratching and a cue held (0 when stopped).
            self.playheads[deck].update(status.position_s, status.speed != 0.0, status.speed, status.duration_s, now,
                                        status.loop_s)
            self._show_deck(deck, panel, status)
        self.ids.mixer.show(self.client.value)
        self.record_mix_text = (f"Recording {int(state.mix_seconds) // 60}:{int(state.mix_seconds) % 60:02d}"
                                if state.mix_recording else "Record mix")
        self.ids.mixer.show_levels(tuple(session.status(deck).meter_db for deck in DECKS))
        sheet = self.ids.sheets.sheet
        if isinstance(sheet, GridSheet):
            self._show_grid_sheet(sheet)
        elif isinstance(sheet, HeadphonesSheet):
            sheet.show(self.client.value)

    def refresh(self, *_):
        if self.session is not None:
            self.show_state(self.client.state)

    def _show_deck(self, deck: int, panel, status) -> None:
        session = self.session
        track = session.track_on(deck)
        panel.loaded = status.loaded
        panel.title, panel.artist = (status.title, status.artist) if status.loaded else ("", "")
        panel.loading_text = session.loading_text(deck)
        panel.bpm_text = f"{status.bpm:.1f} BPM" if status.loaded and status.bpm > 0 else ""
        panel.key_text = track.track.analysis.key if track is not None else ""
        panel.playing, panel.synced, panel.rolling = status.playing, status.synced, status.rolling
        panel.key_lock = session.key_lock(deck)
        panel.looping = session.looping(deck)
        panel.range_text = f"\u00b1{session.tempo_range(deck) * 100:.0f}%"
        percent = (status.rate - 1.0) * 100 if status.loaded else session.tempo(deck) * session.tempo_range(deck) * 100
        panel.tempo_text = f"{percent:+.1f}%".replace("-", "\u2212") if abs(percent) >= 0.05 else "0.0%"
        panel.loop_text = "Loop " + loop_words(session.loop_beats(deck))
        panel.jump_text = str(session.jump_beats(deck))
        undo = session.undo_target(deck)
        panel.show_cues(status.hot_cues_s, undo.index if undo else None)
        panel.show_tempo(session.tempo(deck))
        detail, overview = panel.ids.detail, panel.ids.overview
        if self._shown_tracks.get(deck) is not track:
            self._shown_tracks[deck] = track
            waveform = track.track.waveform if track is not None else None
            detail.show_track(waveform.detail if waveform else None,
                              waveform.detail_columns_per_s if waveform else 1.0, status.duration_s)
            overview.show_track(waveform.overview if waveform else None, status.duration_s)
        detail.duration_s = overview.duration_s = status.duration_s if status.loaded else 0.0
        detail.show_grid(status.track_bpm, status.first_beat_s)
        detail.show_marks(status.hot_cues_s, status.loop_s, status.cue_s)
        overview.show_marks(status.hot_cues_s, status.loop_s)

    def _show_grid_sheet(self, sheet: GridSheet) -> None:
        status = self.session.status(sheet.deck)
        if status.track_bpm > 0:
            sheet.bpm_text = f"{status.track_bpm:.1f} BPM" + (
                f" ({status.bpm:.1f} as it plays)" if abs(status.bpm - status.track_bpm) >= 0.05 else "")
        else:
            sheet.bpm_text = "No beat found yet"
        taps = self.session.taps[sheet.deck]
        to_go = taps.taps_to_go(self.clock())
        if to_go == 0:
            sheet.tap_text = f"Tapped {status.track_bpm * (status.rate or 1):.1f} BPM: keep tapping"
        elif to_go < 4:
            sheet.tap_text = f"Keep tapping: {to_go} more"
        else:
            sheet.tap_text = "Tap along with the beat"

    def _draw_frame(self, _dt) -> None:
        """Every frame while the screen shows: the waveforms at where each track is now."""
        now = time.monotonic()
        for deck, panel in self.decks.items():
            detail = panel.ids.detail
            if detail.scratching:
                self.playheads[deck].jump(detail.position_s, now)
            panel.show_position(self.playheads[deck].position_at(now), self.session.status(deck).duration_s)


Builder.load_file(os.path.join(os.path.dirname(__file__), "decks.kv"))
