"""Touching the Sessions PIN pad: setting the mentor PIN on first use (typed twice), a wrong PIN
and the wait after too many (the pad does nothing while a countdown shows), Lock now, the idle
lock (a fake idle clock), and changing the PIN."""

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from apps.sessions.pin_steps import NOT_THE_SAME  # noqa: E402
from apps.sessions.sessions_screen import IDLE_CHECK_S  # noqa: E402
from studio.sessions.access import MENTOR_IDLE_LOCK_S  # noqa: E402
from studio.sessions.store import SessionStore  # noqa: E402
from studio.sessions.vault import FIRST_WAIT_S, WAIT_AFTER_TRIES  # noqa: E402
from tests.apps.sessions_support import PIN, SessionsTouchCase  # noqa: E402
from tests.studio.sessions.conftest import TEST_SCRYPT_N  # noqa: E402

pytestmark = pytest.mark.ui


class PinTest(SessionsTouchCase):
    def test_the_first_use_sets_a_pin_typed_twice_on_the_pad(self):
        screen = self.make_screen()
        assert screen.view == "set_pin" and self.pad.title == "Set a mentor PIN"
        assert "cannot be recovered" in self.pad.explanation and "protects patients' recordings" in \
            self.pad.explanation
        self.type_pin("12")  # too short: OK says so
        assert self.pad.message == "A PIN has 4 to 8 digits."
        self.tap(self.pad.key_button("delete"))
        self.tap(self.pad.key_button("delete"))
        assert self.pad.typed_count == 0
        self.type_pin("1357")
        assert self.pad.prompt == "Type the same PIN again." and self.pad.typed_count == 0
        self.type_pin("1358")
        assert self.pad.message == NOT_THE_SAME and self.pad.prompt.startswith("Type a new PIN")
        assert not SessionStore.exists(screen.store_folder)
        self.type_pin("1357")
        self.type_pin("1357")
        assert screen.view == "home" and screen.store.mode == "mentor"
        assert screen.subtitle == "Mentor" and screen.mentor_tools
        screen.close()
        SessionStore.open(screen.store_folder, "1357", clock=self.clock, idle_clock=self.clock).close()

    def test_a_wrong_pin_says_so_and_after_too_many_the_pad_waits_with_a_countdown(self):
        SessionStore.create(self.folder / "sessions", PIN, scrypt_n=TEST_SCRYPT_N, clock=self.clock,
                            idle_clock=self.clock).close()
        screen = self.make_screen()
        assert screen.view == "unlock" and screen.store is None
        self.type_pin("1111")
        assert self.pad.message == "That PIN is not right. 4 more tries before the tablet asks you to wait."
        assert self.last_message("error") == self.pad.message
        for _ in range(WAIT_AFTER_TRIES - 1):
            self.enter_pin("1111")
        assert self.pad.message == "That PIN is not right. Wait 30 seconds before trying again."
        assert self.pad.waiting and self.pad.ids.key_grid.disabled
        assert self.pad.countdown == "Try again in 30 seconds."
        self.tap(self.pad.key_button("2"))  # nothing happens while the pad waits
        assert self.pad.typed_count == 0
        self.clock.advance(12)
        screen.update_wait()  # what the half-second Clock tick does
        assert self.pad.countdown == "Try again in 18 seconds." and self.pad.waiting
        self.clock.advance(FIRST_WAIT_S - 12)
        screen.update_wait()
        assert not self.pad.waiting and self.pad.countdown == ""
        self.type_pin(PIN)
        assert screen.view == "home" and screen.store.mode == "mentor"

    def test_a_wait_left_from_before_is_counted_down_when_the_screen_opens(self):
        store = SessionStore.create(self.folder / "sessions", PIN, scrypt_n=TEST_SCRYPT_N, clock=self.clock,
                                    idle_clock=self.clock)
        store.lock()
        for _ in range(WAIT_AFTER_TRIES):
            with pytest.raises(Exception):
                store.unlock("0000")
        store.close()
        self.make_screen()
        assert self.pad.waiting and self.pad.countdown == "Try again in 30 seconds."

    def test_lock_now_and_the_idle_lock(self):
        screen = self.set_pin()
        maya, = self.add_participants("Maya")
        assert screen._idle_event is not None and screen._idle_event.timeout == IDLE_CHECK_S
        self.tap(screen.ids.lock_button)
        assert screen.view == "unlock" and screen.store.mode == "locked" and not screen.mentor_tools
        assert not self.pad.can_cancel  # locked: nothing to go back to
        self.type_pin(PIN)
        assert screen.view == "home"

        # Every touch counts as activity...
        self.clock.advance(MENTOR_IDLE_LOCK_S - 10)
        self.tap(screen.home.ids.pseudonym_input)
        self.clock.advance(MENTOR_IDLE_LOCK_S - 10)
        screen.check_idle()
        assert screen.view == "home"
        # ...and with none for the idle time, the check every IDLE_CHECK_S locks the view.
        self.clock.advance(20)
        screen.check_idle()
        assert screen.view == "unlock" and screen.store.mode == "locked"
        assert "locked itself" in self.last_message("info")
        self.enter_pin(PIN)

        # A tap after the idle time locks first, and does not do what it touched.
        self.clock.advance(MENTOR_IDLE_LOCK_S + 1)
        self.tap(screen.home.row_for("Maya"))
        assert screen.view == "unlock" and screen.participant_id is None

    def test_the_idle_mentor_view_goes_back_to_the_participant_who_has_the_tablet(self):
        screen = self.set_pin()
        self.add_participants("Maya")
        page = self.open_page("Maya")
        self.tap(page.ids.hand_button)
        assert screen.view == "patient"
        self.tap(screen.patient.ids.mentor_button)
        assert screen.view == "unlock" and self.pad.can_cancel and self.pad.title == "Mentor PIN"
        self.enter_pin(PIN)
        assert screen.view == "home"
        self.clock.advance(MENTOR_IDLE_LOCK_S)
        screen.check_idle()
        assert screen.view == "patient" and "went back to Maya's view" in self.last_message("info")

    def test_change_pin_asks_for_the_old_one_and_the_new_one_twice(self):
        screen = self.set_pin()
        self.tap(screen.ids.settings_button)
        assert screen.view == "settings"
        self.tap_in_scroll(screen.settings_panel.ids.change_pin_button)
        assert screen.view == "change_pin" and self.pad.prompt == "Type the PIN you use now."
        self.type_pin("9999")
        self.type_pin("8642")
        self.type_pin("8642")
        assert screen.view == "change_pin"
        assert self.pad.message.startswith("That PIN is not right.")
        self.enter_pin(PIN)
        self.enter_pin("8642")
        self.enter_pin("8642")
        assert screen.view == "settings"
        assert screen.settings_panel.pin_message == "The PIN was changed. Use the new one from now on."
        screen.lock()
        self.enter_pin("8642")
        assert screen.view == "home"
