"""The PIN part of the Sessions screen: the pad for each task (set, unlock, change, restore), what
is done with the PINs typed, and the countdown while the tablet asks to wait after wrong PINs.

Mixed into SessionsScreen, whose store, store_folder, clock, pin_pad, _show(), show_for_mode(),
fail() and tell() it uses.
"""

from __future__ import annotations

from kivy.clock import Clock

from apps.sessions.pin_steps import PinSteps
from apps.sessions.store_errors import STORE_ERRORS
from studio.sessions.store import SessionStore
from studio.sessions.vault import PinError, Vault, VaultError, wait_words

IDLE_CHECK_S = 5.0
WAIT_TICK_S = 0.5
PIN_VIEWS = {"set_pin": "set", "unlock": "unlock", "change_pin": "change", "restore_pin": "restore"}
SET_PIN_EXPLANATION = ("The PIN protects patients' recordings: only mentors should know it. It cannot be "
                       "recovered, so keep it somewhere safe. Without it the recordings cannot be opened.")


class PinActions:
    # ---- the PIN -----------------------------------------------------------------------------------
    def _start_pin(self, view: str) -> None:
        task = PIN_VIEWS[view]
        self._pin_steps = PinSteps(task)
        patient = self.store is not None and self.store.mode == "patient"
        restoring = self._restore_from.name if self._restore_from else "the backup"
        title, explanation = {
            "set": ("Set a mentor PIN", SET_PIN_EXPLANATION),
            "unlock": ("Mentor PIN" if patient else "Sessions is locked",
                       "Type the mentor PIN to see every participant and change settings." if patient else
                       "Type the mentor PIN to open participants' recordings and session records."),
            "change": ("Change the PIN", "The new PIN cannot be recovered either: keep it somewhere safe."),
            "restore": ("Restore a backup", f"Restoring {restoring}: everything in Sessions now is replaced."),
        }[task]
        self.pin_pad.show(title, explanation, self._pin_steps.prompt, can_cancel=task != "set" and (
            task != "unlock" or patient))
        self._check_wait()

    def ask_mentor_pin(self) -> None:
        """Mentor was tapped in patient mode."""
        self._show("unlock")

    def cancel_pin(self) -> None:
        view = self.view
        self._restore_from = None
        if view in ("change_pin", "restore_pin"):
            self._show("settings")
        elif self.store is not None and self.store.mode == "patient":
            self._show("patient")

    def pin_typed(self, pin: str) -> None:
        steps, pad = self._pin_steps, self.pin_pad
        try:
            typed = steps.give(pin)
        except PinError as error:
            pad.prompt = steps.prompt
            self.fail(str(error), pad.say)
            return
        pad.prompt = steps.prompt
        if typed is None:
            pad.say("")
            return
        try:
            {"set": self._create, "unlock": self._unlock, "change": self._change_pin,
             "restore": self._restore}[steps.task](*typed)
        except PinError as error:
            steps.restart()
            pad.prompt = steps.prompt
            self.fail(str(error), pad.say)
            if error.wait_s > 0:
                self._start_wait(error.wait_s)
        except STORE_ERRORS as error:
            steps.restart()
            pad.prompt = steps.prompt
            self.fail(str(error), pad.say)

    def _create(self, pin: str, _again: str) -> None:
        self.store = SessionStore.create(self.store_folder, pin, scrypt_n=self.scrypt_n, clock=self.clock,
                                         idle_clock=self.idle_clock)
        self._opened()
        self.show_for_mode("The PIN is set. Add a participant to begin.")

    def _unlock(self, pin: str) -> None:
        if self.store is None:
            self.store = SessionStore.open(self.store_folder, pin, clock=self.clock, idle_clock=self.idle_clock)
            self._opened()
            for note in self.store.notes:
                self.tell(note, "info")
        else:
            self.store.unlock(pin)
        self.show_for_mode()

    def _opened(self) -> None:
        """The store was just opened: sessions still going on are picked up, the idle check starts."""
        for record in self.store.session_records():
            if record.ended_at_s is None:
                self._running[record.participant_id] = record.id
                self._last_started = record.participant_id
        if self._idle_event is None:
            self._idle_event = Clock.schedule_interval(self.check_idle, IDLE_CHECK_S)

    # ---- waiting after wrong PINs ----------------------------------------------------------------
    def _check_wait(self) -> None:
        """On showing the pad: a wait left from before (the app may have restarted) is counted down."""
        if self.store is not None or SessionStore.exists(self.store_folder):
            vault = self.store.vault if self.store is not None else Vault(self.store_folder, self.clock)
            try:
                wait_s = vault.seconds_to_wait()
            except VaultError as error:
                self.pin_pad.say(str(error), "error")
                return
            if wait_s > 0:
                self._start_wait(wait_s)
                return
        self.update_wait()

    def _start_wait(self, wait_s: float) -> None:
        self._wait_until_s = self.clock() + wait_s
        if self._wait_event is None:
            self._wait_event = Clock.schedule_interval(self.update_wait, WAIT_TICK_S)
        self.update_wait()

    def update_wait(self, _dt: float = 0.0) -> None:
        left_s = self._wait_until_s - self.clock()
        pad = self.pin_pad
        pad.waiting = left_s > 0
        pad.countdown = f"Try again in {wait_words(left_s)}." if left_s > 0 else ""
        if left_s <= 0 and self._wait_event is not None:
            self._wait_event.cancel()
            self._wait_event = None
