"""The Sessions screen: the mentor's PIN, participants, consent, session records, backups, and
patient mode, on the encrypted store (studio.sessions.store.SessionStore).

    SessionsScreen(name="sessions", store_folder=None, clock=None, scrypt_n=SCRYPT_N,
                   export_folder=None, backup_folder=None)
        on_back, on_message(text, kind)        kind "info" or "error"
        on_withdrawn(participant_id, deleted_names)    consent was withdrawn (the studio deletes their takes)
        enter(), leave(), close()              the root calls them as for the other screens
        note_use(app, made=None) -> bool       from any app: noted in the running session's record
        running_session_id                     that session's id (for saving work into it), or None
        require_mentor(what) -> bool           e.g. "open the settings": refused in patient mode
        current_participant_id                 who holds the tablet in patient mode (else None)
        is_set_up, unlocked_store, working_participant_id      for the studio's recording gate

Views, one at a time in the body: set_pin (first use), unlock (locked, or Mentor in patient mode),
home (participants, mentor_home.py), participant (participant_page.py), settings
(mentor_settings.py), change_pin, restore_pin, patient (patient_view.py). Which are allowed
follows the store's mode; a Clock interval asks the store every IDLE_CHECK_S whether it locked for
idleness, and every touch on the screen counts as activity (store.touch()). The store's errors
are plain sentences: shown beside what was tapped and fired as on_message(text, "error").
The PIN: pin_actions.py; participants and session records: mentor_actions.py; settings:
settings_actions.py.
Looks: sessions_screen.kv.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.screenmanager import Screen

from apps.decks.sheet import SheetHost  # noqa: F401  (kv class)
from apps.sessions.mentor_actions import MentorActions
from apps.sessions.mentor_home import MentorHome
from apps.sessions.mentor_settings import MentorSettings
from apps.sessions.participant_page import ParticipantPage
from apps.sessions.patient_view import PatientView
from apps.sessions.pin_actions import IDLE_CHECK_S, PIN_VIEWS, PinActions
from apps.sessions.pin_pad import PinPad
from apps.sessions.settings_actions import SettingsActions
from apps.sessions.store_errors import STORE_ERRORS
from apps.sessions.words import minutes_text, sentence
from studio.sessions.access import AccessDenied
from studio.sessions.store import SessionStore, sessions_dir
from studio.sessions.vault import SCRYPT_N
VIEWS_FOR_MODE = {"mentor": ("home", "participant", "settings", "change_pin", "restore_pin"),
                  "patient": ("patient", "unlock"), "locked": ("unlock",)}
FIRST_VIEW = {"mentor": "home", "patient": "patient", "locked": "unlock"}


class SessionsScreen(PinActions, MentorActions, SettingsActions, Screen):
    part_title = StringProperty("Sessions")
    view = StringProperty("")
    title = StringProperty("Sessions")
    subtitle = StringProperty("")
    mentor_tools = BooleanProperty(False)  # Mentor settings and Lock now in the top bar

    __events__ = ("on_back", "on_message", "on_withdrawn")

    def __init__(self, store_folder=None, clock=None, scrypt_n: int = SCRYPT_N, export_folder=None,
                 backup_folder=None, **kwargs):
        """store_folder: None for sessions_dir(); clock: one function for the wall clock and the idle
        clock (tests hand in a fake); None for time.time and time.monotonic."""
        kwargs.setdefault("name", "sessions")
        self.store: SessionStore | None = None
        self.store_folder = Path(store_folder) if store_folder is not None else sessions_dir()
        self.clock = clock or time.time
        self.idle_clock = clock or time.monotonic
        self.scrypt_n = scrypt_n
        self.participant_id: int | None = None  # the participant page open
        self._running: dict[int, int] = {}  # participant id -> the id of their session going on
        self._last_started: int | None = None  # the participant whose session started last
        self._mode_shown: str | None = None
        self._pin_steps = None
        self._wait_until_s = 0.0
        self._wait_event = None
        self._idle_event = None
        self._restore_from: Path | None = None
        # work_in_studio(participant_id) -> the participant's work that is in the studio as plain
        # files now (their turn: takes in Mic, their beat, their songs); set by the studio's root.
        self.work_in_studio = None
        super().__init__(**kwargs)
        self._default_folders(export_folder, backup_folder)
        self.pin_pad = PinPad()
        self.pin_pad.bind(on_pin=lambda _pad, pin: self.pin_typed(pin), on_cancel=lambda *_: self.cancel_pin())
        self.home = MentorHome()
        self.home.bind(on_open=lambda _home, participant_id: self.open_participant(participant_id),
                       on_add=lambda _home, pseudonym, reference: self.add_participant(pseudonym, reference))
        self.page = ParticipantPage()
        self._bind_page(self.page)
        self.settings_panel = MentorSettings()
        self._bind_settings(self.settings_panel)
        self.patient = PatientView()
        self.patient.bind(on_mentor=lambda *_: self.ask_mentor_pin())
        self.show_for_mode()

    # ---- for the app ---------------------------------------------------------------------------
    def enter(self) -> None:
        """The screen is opened: the view the store's mode allows (the PIN pad before it is open)."""
        self.show_for_mode()

    def leave(self) -> None:
        """The screen is left: a question that was open is closed. The store stays as it is."""
        self.ids.sheets.close()

    def close(self) -> None:
        """The app is closing: stop the timers and close the store."""
        for event in (self._idle_event, self._wait_event):
            if event is not None:
                event.cancel()
        self._idle_event = self._wait_event = None
        if self.store is not None:
            self.store.close()
            self.store = None

    @property
    def current_participant_id(self) -> int | None:
        if self.store is None or self.store.mode != "patient":
            return None
        return self.store.access.participant_id

    def require_mentor(self, what: str) -> bool:
        """False (and the store's reason said) when the store refuses: patient mode or locked."""
        if self.store is None:
            return True
        try:
            self.store.require_mentor(what)
        except AccessDenied as error:
            self.fail(str(error))
            self.show_for_mode()
            return False
        return True

    @property
    def is_set_up(self) -> bool:
        """A mentor PIN was set on this tablet (so the studio asks Sessions before recording)."""
        return SessionStore.exists(self.store_folder)

    @property
    def unlocked_store(self) -> SessionStore | None:
        """The store while the mentor or a participant has it open; None before the PIN or locked."""
        return self.store if self.store is not None and self.store.mode != "locked" else None

    @property
    def working_participant_id(self) -> int | None:
        """Whose work the studio is making now: who holds the tablet in patient mode; for the
        mentor, the participant whose session is going on (started last), else whose page is open."""
        if self.unlocked_store is None:
            return None
        holder = self.current_participant_id
        if holder is not None:
            return holder
        if self._last_started in self._running:
            return self._last_started
        return self.participant_id

    @property
    def running_session_id(self) -> int | None:
        """The session going on for who holds the tablet (else the one started last), or None."""
        if self.store is None or self.store.mode == "locked":
            return None
        holder = self.current_participant_id
        return self._running.get(holder if holder is not None else self._last_started)

    def note_use(self, app: str, made: str | None = None) -> bool:
        """Which app was used (and what was made) in the session going on; False when none is
        (or Sessions is locked)."""
        session_id = self.running_session_id
        if session_id is None:
            return False
        try:
            self.store.note_use(session_id, app, made)
        except STORE_ERRORS as error:
            self.fail(str(error))
            return False
        return True

    # ---- telling ---------------------------------------------------------------------------------
    def tell(self, message: str, kind: str = "info") -> None:
        self.dispatch("on_message", message, kind)

    def fail(self, message: str, say=None) -> None:
        """An error: beside what was tapped (say), or in the view showing, and as on_message."""
        message = sentence(message)
        (say or self._say_in_view)(message, "error")
        self.tell(message, "error")

    def _say_in_view(self, message: str, kind: str) -> None:
        view = self.view
        if view in PIN_VIEWS:
            self.pin_pad.say(message, kind)
        elif view == "patient":
            self.patient.say(message, kind)
        elif view == "settings":
            self.settings_panel.say(message, kind, "pin")
        elif view == "participant":
            self.page.ids.session_card.say(message, kind)
        else:
            self.home.say(message, kind)

    def attempt(self, verb, *args, say=None):
        """(True, what verb returned), or (False, None) with the store's reason said."""
        try:
            return True, verb(*args)
        except STORE_ERRORS as error:
            self.fail(str(error), say)
            if isinstance(error, AccessDenied):
                self.show_for_mode()  # it may have locked for idleness just now
            return False, None

    # ---- which view --------------------------------------------------------------------------------
    def show_for_mode(self, note: str = "") -> None:
        store = self.store
        if store is None:
            self._mode_shown = None
            self._show("unlock" if SessionStore.exists(self.store_folder) else "set_pin")
            return
        mode = store.mode
        previous, self._mode_shown = self._mode_shown, mode
        if self.view not in VIEWS_FOR_MODE[mode] or (previous != mode and self.view in PIN_VIEWS):
            self.ids.sheets.close()
            self._show(FIRST_VIEW[mode])
        else:
            self._refresh_view()
        if note:
            self._say_in_view(note, "info")
            if self.manager is None or self.manager.current == self.name:
                self.tell(note, "info")  # not over another app's screen

    def _show(self, view: str) -> None:
        widgets = {"home": self.home, "participant": self.page, "settings": self.settings_panel,
                   "patient": self.patient}
        widget = widgets.get(view, self.pin_pad)
        body = self.ids.body
        if widget.parent is not body:
            body.clear_widgets()
            body.add_widget(widget)
        self.view = view
        if view in PIN_VIEWS:
            self._start_pin(view)
        self._refresh_view()

    def _refresh_view(self) -> None:
        view, store = self.view, self.store
        mode = store.mode if store is not None else None
        self.mentor_tools = mode == "mentor"
        if mode == "patient":
            self.subtitle = f"{store.participant(store.access.participant_id).pseudonym} has the tablet"
        else:
            self.subtitle = "Mentor" if mode == "mentor" else "Locked"
        if view == "home":
            self.show_home()
        elif view == "participant":
            self.show_participant()
        elif view == "settings":
            self.show_settings()
        elif view == "patient":
            person = store.participant(store.access.participant_id)
            self.patient.show(person.pseudonym, self.work_of(person.id), self.clock())

    def work_of(self, participant_id: int) -> list:
        """What the participant made, wherever it is now: sealed in Sessions, or in the studio."""
        items = list(self.store.items(participant_id))
        if self.work_in_studio is not None:
            items += self.work_in_studio(participant_id)
        return items

    def refresh_work(self) -> None:
        """Work moved between the studio and Sessions (a turn changed): the lists show it again."""
        if self.unlocked_store is None:
            return
        if self.view == "participant" and self.participant_id is not None:
            self.show_participant(fill=False)
        elif self.view in ("home", "patient"):
            self._refresh_view()

    def open_home(self) -> None:
        if self.require_mentor("see all participants"):
            self._show("home")

    def toggle_settings(self) -> None:
        if self.view == "settings":
            self.open_home()
        else:
            self.open_settings()

    def open_settings(self) -> None:
        if self.require_mentor("open the settings"):
            self._show("settings")

    def lock(self) -> None:
        if self.store is not None:
            self.store.lock()
        self.show_for_mode()

    # ---- idleness and touches --------------------------------------------------------------------
    def check_idle(self, _dt: float = 0.0) -> None:
        """Every IDLE_CHECK_S: when the store locked (or went back to patient mode) for idleness,
        the view follows."""
        store = self.store
        if store is None:
            return
        mode = store.mode
        if mode != self._mode_shown:
            self.show_for_mode(self._idle_note(mode))

    def _idle_note(self, mode: str) -> str:
        access = self.store.access
        if mode == "patient":
            person = self.store.participant(access.participant_id)
            return (f"No touch for {minutes_text(access.mentor_idle_lock_s)}, so Sessions went back to "
                    f"{person.pseudonym}'s view.")
        if mode == "locked":
            return "Sessions locked itself after a while without a touch. The mentor PIN opens it."
        return ""

    def on_touch_down(self, touch):
        store = self.store
        if store is not None and self.collide_point(*touch.pos):
            store.touch()
            mode = store.mode
            if mode != self._mode_shown:
                self.show_for_mode(self._idle_note(mode))
                return True  # the tap was meant for what showed before: it does nothing
        return super().on_touch_down(touch)

    # ---- events --------------------------------------------------------------------------------------
    def on_back(self):
        """Back was tapped."""

    def on_message(self, message: str, kind: str):
        """Something to tell the user: kind "info" or "error" (the root shows it in the banner)."""

    def on_withdrawn(self, participant_id: int, deleted_names: list):
        """A participant's consent was withdrawn and what Sessions kept of theirs deleted (the names
        of what went): the studio deletes what its apps keep of theirs."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "sessions_screen.kv"))
