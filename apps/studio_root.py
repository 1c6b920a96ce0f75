"""The whole touch studio in one widget: status bar, screens and banner, wired to the engine.

It reads the engine's state and events about 20 times a second (poll) and turns taps into
actions on named controls. It never waits on the engine: every EngineClient call it makes
returns at once. Tests build it with a fake client and call poll() themselves.
"""

from __future__ import annotations

import time
from dataclasses import replace

from kivy.clock import Clock
from kivy.graphics import Color, InstructionGroup, Rectangle
from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import FadeTransition, NoTransition, ScreenManager

from apps import theme
from apps.catalogue import STUDIO_PARTS, part_named
from apps.coming_soon.coming_soon_screen import ComingSoonScreen
from apps.launcher.launcher_screen import LauncherScreen
from apps.preferences import Preferences, save_preferences
from apps.settings.settings_screen import SettingsScreen
from apps.widgets import Banner, StatusBar
from apps.work_at_rest import WorkAtRest
from studio.sessions.studio_gate import RECORDING_ACTIONS, StudioGate
from studio.settings import AudioSettings, save_settings

POLL_HZ = 20
# Engine event kinds and how loud the banner should be about them.
EVENT_BANNER_KINDS = {"error": "error", "device_lost": "error", "restarted": "warning",
                      "notice": "notice", "started": "notice", "take_recovered": "warning"}
# What the MIDI controllers say (studio.midi.controller_messages.ControllerEvent) and how it shows.
SESSIONS_BANNER_KINDS = {"info": "done"}  # the Sessions screen's own kinds, as the banner shows them
CONTROLLER_BANNER_KINDS = {"plugged_in": "notice", "unplugged": "notice", "learned": "done", "problem": "error"}
LAZY_SCREENS = ("beats", "decks", "mic", "export", "sessions")  # built the first time they open (see beats_screen below)
DECKS_PLAY_ON = "The decks play on. Open Decks and tap Stop both to stop them."


class StudioRoot(FloatLayout):
    def __init__(self, client, settings: AudioSettings, preferences: Preferences,
                 first_screen: str = "launcher", transition_s: float = 0.15, notes=(), controllers=None,
                 **kwargs):
        """controllers: the MIDI controllers (studio.midi.controller_client.ControllerClient), or None."""
        super().__init__(**kwargs)
        self.client = client
        self.controllers = controllers
        self.settings = settings
        self.preferences = preferences
        self.started_at = time.monotonic()
        self._poll_event = None
        self._first_start_seen = False  # the first "started" is shown by the status bar, not a banner
        # The window is cleared to the background colour; a screenshot (export_as_image) gets
        # this rectangle under it instead. Drawn on every frame it cost a software renderer
        # about 10 ms a frame, for pixels the clearing had already painted.
        self._background = Rectangle(pos=self.pos, size=self.size)
        self._screenshot_background = InstructionGroup()
        self._screenshot_background.add(Color(*theme.BACKGROUND))
        self._screenshot_background.add(self._background)

        column = BoxLayout(orientation="vertical")
        self.status_bar = StatusBar()
        self.status_bar.bind(on_settings=lambda *_: self.open_settings(),
                             on_device_details=lambda *_: self.show_device_details(),
                             on_volume=lambda _bar, volume_db: self.set_volume(volume_db))
        column.add_widget(self.status_bar)

        transition = FadeTransition(duration=transition_s) if transition_s > 0 else NoTransition()
        self.screens = ScreenManager(transition=transition)
        self.launcher = LauncherScreen(name="launcher")
        self.launcher.bind(on_open_part=lambda _screen, name: self.open_screen(name),
                           on_sound_check=lambda *_: self.toggle_sound_check())
        self.screens.add_widget(self.launcher)
        # The Beats screen has hundreds of widgets: it is built the first time it opens, so the
        # launcher comes up fast (see beats_screen below).
        self._beats_screen = None
        self._mic_screen = None
        self._decks_screen = None
        self._export_screen = None
        self._sessions_screen = None
        # Once Sessions is set up, a take records only for a participant who agreed to it (touch
        # and MIDI alike: both act through the client), and a song is exported for a show only
        # with their consent (see studio.sessions.studio_gate).
        self.gate = StudioGate(self._sessions_set_up, self._sessions_store, self._working_participant)
        self._recording_for = None  # whose turn it was when the take being recorded started
        if hasattr(client, "add_guard"):
            client.add_guard(self._refuse_action)
        # Only the working participant's takes and beat are plain files; the others' are sealed in Sessions.
        self.work_at_rest = WorkAtRest()
        for part in STUDIO_PARTS:
            if part.name in LAZY_SCREENS:
                continue
            screen = ComingSoonScreen.for_part(part)
            screen.bind(on_back=lambda *_: self.open_screen("launcher"))
            self.screens.add_widget(screen)
        self.settings_screen = SettingsScreen(name="settings")
        panel = self.settings_screen.controllers_panel
        panel.controllers = controllers
        panel.show_sync(preferences.midi_clock_out, preferences.midi_clock_in, preferences.link)
        panel.bind(on_sync=lambda _panel, clock_out, clock_in, link: self.save_sync(clock_out, clock_in, link))
        self.settings_screen.bind(
            on_apply=lambda _screen, settings, cap_db: self.apply_settings(settings, cap_db),
            on_back=lambda *_: self.leave_settings())
        self.screens.add_widget(self.settings_screen)
        column.add_widget(self.screens)
        self.add_widget(column)

        self.banner = Banner(pos_hint={"center_x": 0.5})
        self.add_widget(self.banner)
        for name in ("pos", "size"):
            self.fbind(name, self._fit_background)
            self.fbind(name, self._place_banner)
        self.banner.fbind("height", self._place_banner)

        self.open_screen(first_screen, animate=False)
        self.poll()
        for note in notes:
            self.banner.show(note, "warning")

    @property
    def beats_screen(self):
        if self._beats_screen is None:
            from apps.beats.beats_screen import BeatsScreen  # its .kv files load with it

            screen = BeatsScreen(name="beats", client=self.client)
            screen.bind(on_message=lambda _screen, message, kind: self.banner.show(message, kind),
                        on_back=lambda *_: self.open_screen("launcher"))
            self.screens.add_widget(screen)
            self._beats_screen = screen
        return self._beats_screen

    @property
    def mic_screen(self):
        if self._mic_screen is None:
            from apps.mic.mic_screen import MicScreen  # its .kv files load with it

            screen = MicScreen(self.client, name="mic", only_participant=self._tablet_holder)
            screen.bind(on_message=lambda _screen, message, kind: self.banner.show(message, kind),
                        on_back=lambda *_: self.open_screen("launcher"))
            self.screens.add_widget(screen)
            self._mic_screen = screen
        return self._mic_screen

    @property
    def decks_screen(self):
        if self._decks_screen is None:
            from apps.decks.decks_screen import DecksScreen  # its .kv files load with it

            screen = DecksScreen(self.client, name="decks")
            screen.bind(on_message=lambda _screen, message, kind: self.banner.show(message, kind),
                        on_back=lambda *_: self.open_screen("launcher"))
            self.screens.add_widget(screen)
            self._decks_screen = screen
        return self._decks_screen

    @property
    def export_screen(self):
        if self._export_screen is None:
            from apps.export.export_screen import ExportScreen  # its .kv files load with it

            screen = ExportScreen(client=self.client, name="export")
            screen.export_gate = self.gate.refuse_export
            screen.on_files_exported = self._note_exported
            screen.bind(on_message=lambda _screen, message, kind: self.banner.show(message, kind),
                        on_back=lambda *_: self.open_screen("launcher"))
            self.screens.add_widget(screen)
            self._export_screen = screen
        return self._export_screen

    @property
    def sessions_screen(self):
        if self._sessions_screen is None:
            from apps.sessions.sessions_screen import SessionsScreen  # its .kv files load with it

            screen = SessionsScreen(name="sessions")
            screen.bind(on_message=lambda _screen, message, kind: self.banner.show(
                            message, SESSIONS_BANNER_KINDS.get(kind, kind)),
                        on_withdrawn=lambda _screen, participant_id, _names: self._delete_takes_of(participant_id),
                        on_back=lambda *_: self.open_screen("launcher"))
            screen.work_in_studio = lambda participant_id: self.work_at_rest.work_in_studio(
                participant_id, self._take_store())
            self.screens.add_widget(screen)
            self._sessions_screen = screen
        return self._sessions_screen

    # --- Sessions, as the rest of the studio sees it -----------------------------------------
    def _sessions_set_up(self) -> bool:
        if self._sessions_screen is not None:
            return self._sessions_screen.is_set_up
        from studio.sessions.store import SessionStore, sessions_dir

        return SessionStore.exists(sessions_dir())

    def _sessions_store(self):
        return self._sessions_screen.unlocked_store if self._sessions_screen is not None else None

    def _working_participant(self):
        return self._sessions_screen.working_participant_id if self._sessions_screen is not None else None

    def _tablet_holder(self):
        """Who holds the tablet in patient mode (Mic shows only their takes), else None."""
        return self._sessions_screen.current_participant_id if self._sessions_screen is not None else None

    def _take_store(self):
        if self._mic_screen is not None:
            return self._mic_screen.session.store
        from studio.mic.takes import TakeStore

        return TakeStore()

    def _refuse_action(self, action) -> str:
        """The recording gate (EngineClient.add_guard); a take let through is remembered as the
        working participant's, whoever's turn it is when it is saved."""
        refusal = self.gate.refuse_action(action)
        if not refusal and (action.group, action.control) in RECORDING_ACTIONS and action.value >= 0.5:
            self._recording_for = self._working_participant()
            if hasattr(self.client, "set_take_owner"):  # sent before the action: the take is theirs from its start
                self.client.set_take_owner(self._recording_for)
        return refusal

    def _own_takes(self, events) -> None:
        """A saved take belongs to whose turn it was when it started: the engine wrote it into its
        details (TakeOwner); one without is marked here (before Mic lists it, so a participant
        holding the tablet sees their new take). A take saved or recovered for someone whose
        turn it is not is filed away at once."""
        if any(event.kind == "take_recovered" for event in events):
            self.work_at_rest.take_saved_for_someone_else()
        saved = [event.data.get("take", {}) for event in events if event.kind == "take_saved"]
        saved = [take for take in saved if take.get("take_id")]
        if not saved:
            return
        fallback = self._recording_for if self._recording_for is not None else self._working_participant()
        self._recording_for = None
        from studio.mic.take_writer import TakeError

        store = self._take_store()
        for take in saved:
            owner = take.get("participant_id") or fallback
            if owner is None:
                continue
            if owner != take.get("participant_id"):
                try:
                    store.set_participant(take["take_id"], owner)
                except (TakeError, ValueError, OSError) as error:
                    self.banner.show(f"A take could not be marked as the participant's: {error}", "error")
            if owner != self._working_participant():
                self.work_at_rest.take_saved_for_someone_else()

    def _keep_work_at_rest(self, closing: bool = False) -> None:
        """File away the work (takes, beat, songs, words) of whoever's turn it is not, bring back
        that of whose it is (apps/work_at_rest.py); closing: the app closes, everyone's is filed away."""
        store = self._sessions_screen.store if self._sessions_screen is not None else None
        working = None if closing else self._working_participant()
        if not closing and not self.work_at_rest.due(store, working):
            return
        if store is None:
            return
        export = self._export_screen
        if export is not None and export.exporting and not closing:
            return  # the song's takes stay until its export is done (asked again at the next poll)
        if self._beats_screen is not None:
            self._beats_screen.save_now()  # the beat's last edits go with it, not into the next one's
        if self._mic_screen is not None:
            self._mic_screen.save_words()  # and the words typed last
        if export is not None and self.work_at_rest.songs_change_hands(working):
            export.put_songs_down()
        moves = self.work_at_rest.follow(store, working, self._take_store())
        if moves.takes_away or closing:
            self._forget_decoded_takes()
        if moves.takes_away and not closing:
            self._eject_gone_takes()
        if self._mic_screen is not None and (moves.takes_away or moves.takes_back.moved):
            # no Undo for a take gone from the trash; takes_gone lists again, those back too
            away = moves.takes_away
            self._mic_screen.takes_gone([take.take_id for take in away.moved + away.deleted])
        if moves.beat.changed and self._beats_screen is not None and not closing:
            self._beats_screen.reload_beat()
        if moves.songs.changed and export is not None and not closing:
            export.songs_changed_hands()
        if moves.words.changed and self._mic_screen is not None and not closing:
            self._mic_screen.session.reload_draft()
        for problem in moves.problems:
            self.banner.show(problem, "error")
        if not closing:
            self._sessions_screen.refresh_work()  # the participant's page lists where their work is
            if hasattr(self.client, "set_take_owner"):
                self.client.set_take_owner(working)  # a mix recorded from now on is theirs

    @staticmethod
    def _forget_decoded_takes() -> None:
        """The Decks' copies of takes decoded for a deck (studio.decks.track_cache) go: a take
        filed away or deleted leaves no readable copy there. A take on a deck plays on from memory."""
        from apps.decks.deck_loads import track_cache_dir
        from studio.decks.private_tracks import forget_private_tracks

        forget_private_tracks(track_cache_dir())

    def _eject_gone_takes(self) -> None:
        """A deck holding a take that is no longer in the studio (filed away with its owner's turn,
        or deleted) is emptied: nobody else can play it."""
        if not hasattr(self.client, "eject_track"):
            return
        from pathlib import Path

        takes_folder = self._take_store().folder.resolve()
        for number, deck in enumerate(self.client.state.decks, start=1):
            source = Path(deck.source_path) if deck.source_path else None
            if deck.loaded and source is not None and source.parent.resolve() == takes_folder and not source.exists():
                self.client.eject_track(number)

    def _note_exported(self, paths, what: str) -> None:
        """An export was saved: Sessions remembers it for the participant whose turn it is (audited,
        and deleted with their consent)."""
        store, working = self._sessions_store(), self._working_participant()
        if store is None or working is None:
            return
        try:
            store.note_exported(working, paths, what)
        except Exception as error:  # the records' (a full disk): the export itself is done and kept
            self.banner.show(f"Sessions could not note this export for the participant: {error}", "error")

    def _delete_takes_of(self, participant_id: int) -> None:
        """Consent was withdrawn: their takes and beat go too, for good (no trash, no undo).
        (What Sessions held of theirs, sealed, the store has deleted already.)"""
        from apps.sessions.words import count_text
        from studio.mic.take_writer import TakeError
        try:
            if self._export_screen is not None and not self.work_at_rest.songs_change_hands(participant_id):
                self._export_screen.put_songs_down()  # theirs: nothing of them is saved again
            beat, songs, words = self.work_at_rest.forget_work_of(participant_id)
            if beat:
                if self._beats_screen is not None:
                    self._beats_screen.reload_beat()  # a new beat: nothing of theirs is left to save
                self.banner.show("Also deleted: their beat in Beats.", "done")
            if songs:
                if self._export_screen is not None:
                    self._export_screen.songs_changed_hands()
                self.banner.show("Also deleted: their songs in Export.", "done")
            if words and self._mic_screen is not None:
                self._mic_screen.session.reload_draft()  # their words for the next take
        except OSError as error:
            self.banner.show(f"Their beat, songs or words could not all be deleted: {error}", "error")

        sessions = self._sessions_store()
        if sessions is not None:
            try:
                cleanup = sessions.delete_exported(participant_id)
            except Exception as error:
                self.banner.show(f"Their exported songs could not be deleted: {error}", "error")
            else:
                if cleanup.deleted:
                    self.banner.show(f"Also deleted: {count_text(len(cleanup.deleted), 'exported file')} "
                                     f"({', '.join(path.name for path in cleanup.deleted[:4])}"
                                     f"{', ...' if len(cleanup.deleted) > 4 else ''}).", "done")
                for line in cleanup.left:
                    self.banner.show(line, "warning")

        self._forget_decoded_takes()
        store = self._take_store()
        try:
            deleted = store.delete_for_participant(participant_id)
        except (TakeError, OSError) as error:
            self.banner.show(f"Their takes in Mic could not be deleted: {error}", "error")
            return
        self._eject_gone_takes()
        if self._mic_screen is not None:
            self._mic_screen.takes_gone([take.take_id for take in deleted])
        if deleted:
            self.banner.show(f"Also deleted from Mic: {count_text(len(deleted), 'take')}.", "done")
        for problem in store.problems:
            self.banner.show(problem, "error")

    def _note_use(self, app: str, made: str | None = None) -> None:
        """Into the session record going on (if there is one): which app was used, what was made."""
        if self._sessions_screen is not None:
            self._sessions_screen.note_use(app, made)

    # --- what the user does -------------------------------------------------------------
    def open_settings(self) -> None:
        """The mentor's settings: refused (with the reason) while a participant holds the tablet."""
        if self._sessions_screen is not None and not self._sessions_screen.require_mentor("open the settings"):
            return
        self.open_screen("settings")

    def open_screen(self, name: str, animate: bool = True) -> None:
        if self.screens.current == "beats" and name != "beats":
            self.beats_screen.leave()  # stops the beat and saves it
        if self.screens.current == "mic" and name != "mic":
            self.mic_screen.leave()  # stops recording and playback, saves the words
        if self.screens.current == "decks" and name != "decks":
            self.decks_screen.leave()  # the decks play on, as in other DJ apps: Stop both stops them
            if self.decks_screen.session.anything_playing:
                self.banner.show(DECKS_PLAY_ON, "notice")
        if self.screens.current == "export" and name != "export":
            self.export_screen.leave()  # saves what was typed; an export runs on
        if self.screens.current == "sessions" and name != "sessions":
            self.sessions_screen.leave()
        if name == "sessions":
            self.sessions_screen.enter()  # the PIN pad, or the view the mode allows
        elif name in LAZY_SCREENS:
            self._note_use(part_named(name).title)
        if name == "beats":
            self.beats_screen.enter()  # the first time, loads the saved beat
        if name == "mic":
            self.mic_screen.enter()
        if name == "decks":
            self.decks_screen.enter()  # the first time, the engine makes room for the tracks
        if name == "export":
            self.export_screen.enter()  # the first time, opens the song changed last
        if name == "settings":
            self.settings_screen.show_settings(self.settings, self.preferences.headphone_cap_db)
            self.settings_screen.show_state(self.client.state)
        if not animate:
            transition, self.screens.transition = self.screens.transition, NoTransition()
            self.screens.current = name
            self.screens.transition = transition
        else:
            self.screens.current = name

    def save_sync(self, clock_out: bool, clock_in: str, link: bool) -> None:
        """The mentor's MIDI sync choices (already in effect): kept for the next session."""
        self.preferences = replace(self.preferences, midi_clock_out=clock_out, midi_clock_in=clock_in, link=link)
        try:
            save_preferences(self.preferences)
        except (OSError, ValueError) as error:
            self.banner.show(f"The MIDI choices could not be saved ({error}); they are used until the app "
                             "closes.", "error")

    def leave_settings(self) -> None:
        if self.settings_screen.has_changes():
            self.banner.show("Your changes were not applied. The settings are as before.", "notice")
        self.open_screen("launcher")

    def toggle_sound_check(self) -> None:
        click_on = self.client.value("transport", "playing") >= 0.5
        if not click_on:
            self.client.act("metronome", "enabled", 1.0)  # the click is what we want to hear
        self.client.act("transport", "playing", 0.0 if click_on else 1.0)
        self.poll()

    def set_volume(self, volume_db: float) -> None:
        cap_db = self.client.value("master", "headphone_cap_db")
        self.client.act("master", "volume_db", min(volume_db, cap_db))
        self._show_volume()

    def show_device_details(self) -> None:
        self.banner.show(self.client.state.device_message, "notice")

    def apply_settings(self, settings: AudioSettings, cap_db: float) -> None:
        """Save the mentor's choices and put them into effect."""
        problems = []
        try:
            save_settings(settings)
        except (OSError, ValueError) as error:
            problems.append(f"The audio settings could not be saved ({error}).")
        preferences = replace(self.preferences, headphone_cap_db=cap_db)
        try:
            save_preferences(preferences)
        except (OSError, ValueError) as error:
            problems.append(f"The volume limit could not be saved ({error}).")
        self.preferences = preferences
        self.client.act("master", "headphone_cap_db", cap_db)
        if self.client.value("master", "volume_db") > cap_db:
            # Lower the volume itself too, so raising the limit later never makes a sudden jump.
            self.client.act("master", "volume_db", cap_db)
        self._show_volume()
        restarting = settings != self.settings
        self.settings = settings
        self.settings_screen.show_settings(settings, cap_db)
        if restarting:
            self.client.change_settings(settings)
        if problems:
            self.banner.show(" ".join(problems) + " They are used until the app closes.", "error")
        elif restarting:
            self.banner.show("Saved. The sound restarts with the new settings.", "done")
        else:
            self.banner.show("Saved.", "done")

    # --- reading the engine -------------------------------------------------------------
    def start_polling(self) -> None:
        if self._poll_event is None:
            self._poll_event = Clock.schedule_interval(self.poll, 1.0 / POLL_HZ)

    def stop_polling(self) -> None:
        """The app is closing (or a test is done): stop reading the engine, save the beat now."""
        if self._beats_screen is not None:
            self._beats_screen.save_now()
        if self._mic_screen is not None:
            self._mic_screen.save_words()
        if self._decks_screen is not None:
            self._decks_screen.close()  # the track loader's worker process ends
        if self._export_screen is not None:
            self._export_screen.close()  # saves the song; a running export is cancelled
        if self._sessions_screen is not None:
            self._keep_work_at_rest(closing=True)  # no participant's work left readable on the tablet
            self._sessions_screen.close()  # stops its timers, closes the encrypted store
        if self._poll_event is not None:
            self._poll_event.cancel()
            self._poll_event = None

    def poll(self, _dt: float = 0.0) -> None:
        state = self.client.state
        self.status_bar.show_state(state, self.settings.backend)
        self.status_bar.show_session_time(time.monotonic() - self.started_at)
        self._show_volume()
        self.launcher.sound_check.show_state(state, self.client.value("transport", "playing") >= 0.5)
        if self.screens.current == "settings":
            self.settings_screen.show_state(state)
        elif self.screens.current == "beats":
            self.beats_screen.show_state(state)
        elif self.screens.current == "mic":
            self.mic_screen.show_state(state)
        elif self.screens.current == "decks":
            self.decks_screen.show_state(state)
        events = self.client.drain_events()
        self._own_takes(events)
        self._keep_work_at_rest()
        hits = [event.data for event in events if event.kind == "pad_hit"]
        if hits and self._beats_screen is not None:
            self._beats_screen.take_hits(hits)
        if self._mic_screen is not None:  # not built yet: it reads the takes when it opens
            self._mic_screen.take_events(events)
        if self._decks_screen is not None:  # not built yet: no track can be loading
            self._decks_screen.take_events(events)
        for event in events:
            self.show_event(event)
            if event.kind == "take_saved":
                self._note_use("Mic", event.data["take"].get("name"))
        self._take_controller_events()

    def _take_controller_events(self) -> None:
        controllers = self.controllers
        if controllers is None:
            return
        while controllers.events:
            event = controllers.events.popleft()
            if event.kind == "tempo":
                self.beats_screen.follow_tempo(event.data["bpm"])
                continue
            self.settings_screen.controllers_panel.take_event(event)
            if event.kind == "learned" and self.screens.current == "settings":
                continue  # the settings' own MIDI panel says it, beside the control
            kind = CONTROLLER_BANNER_KINDS.get(event.kind)
            if kind is not None:
                self.banner.show(event.message, kind)

    def show_event(self, event) -> None:
        if event.kind == "started" and not self._first_start_seen:
            self._first_start_seen = True
            return
        if event.kind == "take_recovered" and self._mic_screen is not None:
            return  # the Mic screen says it, with its list
        kind = EVENT_BANNER_KINDS.get(event.kind)
        if kind is not None:
            self.banner.show(event.message, kind)

    def _show_volume(self) -> None:
        self.status_bar.show_volume(self.client.value("master", "volume_db"),
                                    self.client.value("master", "headphone_cap_db"))

    def export_as_image(self, *args, **kwargs):
        """As Kivy's, with the window's background under the studio (an Fbo starts transparent)."""
        self.canvas.before.insert(0, self._screenshot_background)
        try:
            return super().export_as_image(*args, **kwargs)
        finally:
            self.canvas.before.remove(self._screenshot_background)

    def _fit_background(self, *_):
        self._background.pos, self._background.size = self.pos, self.size

    def _place_banner(self, *_):
        self.banner.top = self.top - self.status_bar.height - dp(16)
