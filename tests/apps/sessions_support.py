"""Shared set-up for the Sessions screen tests: the screen alone in Kivy's window, on a store in a
temporary folder, with a fake clock (wall clock and idle clock) and a cheap PIN.

Import only after skip_module_without_display()."""

from __future__ import annotations

import tempfile
from pathlib import Path

from kivy.graphics import Color, Rectangle
from kivy.tests.common import UnitTestTouch
from kivy.uix.floatlayout import FloatLayout

from apps import theme
from apps.sessions.sessions_screen import SessionsScreen
from tests.apps.studio_touch_case import StudioTouchCase
from tests.studio.sessions.conftest import PIN, TEST_SCRYPT_N, FakeClock, sine_wav

__all__ = ["PIN", "FakeClock", "SessionsTouchCase", "sine_wav"]


class OnBackground(FloatLayout):
    """The screen on the app's background colour, as the studio's root draws it (for screenshots)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.canvas.before:
            Color(*theme.BACKGROUND)
            self._background = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=lambda *_: setattr(self._background, "pos", self.pos),
                  size=lambda *_: setattr(self._background, "size", self.size))


class SessionsTouchCase(StudioTouchCase):
    def setUp(self):
        super().setUp()
        self.folder = Path(tempfile.mkdtemp(prefix="ward-studio-sessions-"))
        self.clock = FakeClock()
        self.messages: list[tuple[str, str]] = []
        self.screen = None

    def tearDown(self, fake=False):
        if self.screen is not None:
            self.screen.close()
        super().tearDown(fake)

    def make_screen(self) -> SessionsScreen:
        self.screen = SessionsScreen(store_folder=self.folder / "sessions", clock=self.clock,
                                     scrypt_n=TEST_SCRYPT_N, export_folder=self.folder / "exports",
                                     backup_folder=self.folder / "backups")
        self.screen.bind(on_message=lambda _screen, text, kind: self.messages.append((text, kind)))
        self.root = OnBackground()
        self.root.add_widget(self.screen)
        self.Window.add_widget(self.root)
        self.screen.enter()
        self.advance_frames(3)
        return self.screen

    @property
    def store(self):
        return self.screen.store

    @property
    def pad(self):
        return self.screen.pin_pad

    def tap(self, widget, at=None):
        """A one-finger tap on the middle of a widget, then a frame. (A frame costs 80 ms here with
        software rendering, and taps act on release without waiting for one.)"""
        x, y = at if at is not None else widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        touch.touch_up()
        self.advance_frames(1)

    def type_pin(self, pin: str) -> None:
        """Tap the digits on the PIN pad, then OK."""
        for digit in pin:
            self.tap(self.pad.key_button(digit))
        self.tap(self.pad.key_button("ok"))

    def enter_pin(self, pin: str) -> None:
        """The PIN given to the pad as its keys would (for tests about something else)."""
        for key in (*pin, "ok"):
            self.pad.press(key)
        self.advance_frames(1)

    def set_pin(self) -> SessionsScreen:
        """A new screen on no store, and the PIN set."""
        screen = self.make_screen()
        self.enter_pin(PIN)
        self.enter_pin(PIN)
        assert screen.view == "home", screen.pin_pad.message
        return screen

    def add_participants(self, *pseudonyms: str) -> list:
        """Added through the store, as if typed (typing is tested once)."""
        people = [self.store.add_participant(name) for name in pseudonyms]
        self.screen.show_for_mode()
        self.advance_frames(1)
        return people

    def pass_time(self, seconds: float) -> None:
        """Time goes by while the mentor keeps using the tablet (a touch a minute)."""
        while seconds > 0:
            step = min(60.0, seconds)
            self.clock.advance(step)
            self.store.touch()
            seconds -= step

    def open_page(self, pseudonym: str):
        self.tap(self.screen.home.row_for(pseudonym))
        assert self.screen.view == "participant"
        return self.screen.page

    def scroll_to(self, widget) -> None:
        """Scroll the ScrollView holding widget so that it shows (a finger would swipe)."""
        parent = widget.parent
        while parent is not None and not hasattr(parent, "scroll_to"):
            parent = parent.parent
        parent.scroll_to(widget, padding=20, animate=False)
        self.advance_frames(1)

    def tap_in_scroll(self, widget) -> None:
        self.scroll_to(widget)
        self.tap(widget)

    def save_screenshot(self, name: str) -> Path:
        self.advance_frames(3)
        return super().save_screenshot(name)

    def last_message(self, kind: str | None = None) -> str:
        found = [text for text, each_kind in self.messages if kind is None or each_kind == kind]
        return found[-1] if found else ""


class TwoParticipants:
    """A mixin for a touch case with the studio's root (self.root): Sessions set up with a mentor
    PIN and two participants, Maya and Jay, who agreed to the scopes given; turn_of() makes it one's
    turn, as a mentor opening their page does."""

    def set_up_two_participants(self, scopes=("record", "keep")) -> None:
        self.root.open_screen("sessions")
        self.sessions = sessions = self.root.sessions_screen
        for _ in range(2):  # a new mentor PIN, typed twice
            sessions.pin_typed(PIN)
        store = sessions.store
        self.maya = store.add_participant("Maya", pronouns="she")
        self.jay = store.add_participant("Jay", pronouns="he")
        for person in (self.maya, self.jay):
            store.record_consent(person.id, set(scopes), "the participant")

    def turn_of(self, person, screen: str) -> None:
        """The mentor opens the person's page, then the screen; the root's poll moves the work."""
        self.root.open_screen("sessions")
        self.sessions.open_participant(person.id)
        self.root.poll()
        self.root.open_screen(screen)
        self.root.poll()
