"""Who may see what: the mentor (after the PIN), a participant (patient mode), or nobody (locked).

    AccessPolicy(records, clock=time.time, idle_clock=time.monotonic, mentor_idle_lock_s=..., patient_idle_lock_s=...)
        mode                          "mentor", "patient" or "locked" (checked for idleness first)
        as_mentor()                   after the store checked the PIN
        hand_to(participant_id)       mentor only: patient mode, for that participant's work alone
        lock(), touch()               touch() on every tap: it keeps the mode from locking while in use
        may_see(participant_id) -> bool
        require_participant(participant_id, what), require_mentor(what)   AccessDenied, audited
                                      (what: a verb phrase, "open the settings")

Patient mode shows only the current participant's work: their items, their recording. Settings,
the file system, the other participants, the audit log, backups and the session notes are the
mentor's. Every refused attempt is written to the audit log.

Idle: after mentor_idle_lock_s without a touch the mentor mode drops to patient mode when a
participant was handed the tablet (else to locked); after patient_idle_lock_s patient mode locks,
so the next person to pick the tablet up sees nobody's work.
"""

from __future__ import annotations

import time
from typing import Callable

from studio.sessions.catalogue import audit
from studio.sessions.records import Records

MENTOR, PATIENT, LOCKED = "mentor", "patient", "locked"
MENTOR_IDLE_LOCK_S = 5 * 60.0
PATIENT_IDLE_LOCK_S = 20 * 60.0

LOCKED_MESSAGE = "Sessions is locked. The mentor's PIN opens it."
NOT_YOURS_MESSAGE = "That belongs to someone else, so it cannot be opened here."
MENTOR_ONLY_MESSAGE = "Only the mentor can {what}. Ask your mentor to unlock Sessions with the PIN."


class AccessDenied(Exception):
    """Something this mode may not do, in words for whoever holds the tablet."""


class AccessPolicy:
    def __init__(self, records: Records, clock: Callable[[], float] = time.time,
                 idle_clock: Callable[[], float] = time.monotonic,
                 mentor_idle_lock_s: float = MENTOR_IDLE_LOCK_S, patient_idle_lock_s: float = PATIENT_IDLE_LOCK_S):
        if mentor_idle_lock_s <= 0 or patient_idle_lock_s <= 0:
            raise ValueError("idle lock times must be more than 0 seconds")
        self.records = records
        self.clock = clock
        self.idle_clock = idle_clock
        self.mentor_idle_lock_s = mentor_idle_lock_s
        self.patient_idle_lock_s = patient_idle_lock_s
        self._mode = LOCKED
        self.participant_id: int | None = None
        self._last_touch_s = idle_clock()

    @property
    def mode(self) -> str:
        self._lock_if_idle()
        return self._mode

    def _lock_if_idle(self) -> None:
        idle_s = self.idle_clock() - self._last_touch_s
        if self._mode == MENTOR and idle_s >= self.mentor_idle_lock_s:
            self._set(PATIENT if self.participant_id is not None else LOCKED, "idle")
            self._last_touch_s = self.idle_clock()  # patient mode's own idle time starts now
        elif self._mode == PATIENT and idle_s >= self.patient_idle_lock_s:
            self._set(LOCKED, "idle")

    def _set(self, mode: str, why: str) -> None:
        if mode == LOCKED:
            self.participant_id = None
        if mode != self._mode:
            with self.records.transaction() as connection:
                audit(connection, self.clock(), "mode", self._mode, self.participant_id, None, f"{mode} ({why})")
        self._mode = mode

    def as_mentor(self) -> None:
        self._set(MENTOR, "PIN")
        self._last_touch_s = self.idle_clock()

    def hand_to(self, participant_id: int) -> None:
        self.require_mentor("choose who uses the tablet")
        self.participant_id = participant_id
        self._set(PATIENT, f"handed to participant {participant_id}")
        self._last_touch_s = self.idle_clock()

    def lock(self) -> None:
        self._set(LOCKED, "locked by hand")

    def touch(self) -> None:
        self._lock_if_idle()
        self._last_touch_s = self.idle_clock()

    def may_see(self, participant_id: int) -> bool:
        mode = self.mode
        return mode == MENTOR or (mode == PATIENT and participant_id == self.participant_id)

    def require_participant(self, participant_id: int, what: str) -> None:
        if self.may_see(participant_id):
            return
        message = LOCKED_MESSAGE if self._mode == LOCKED else NOT_YOURS_MESSAGE
        self._denied(what, participant_id, message)

    def require_mentor(self, what: str) -> None:
        mode = self.mode
        if mode == MENTOR:
            return
        message = LOCKED_MESSAGE if mode == LOCKED else MENTOR_ONLY_MESSAGE.format(what=what)
        self._denied(what, None, message)

    def _denied(self, what: str, participant_id: int | None, message: str) -> None:
        with self.records.transaction() as connection:
            detail = f"{what}: refused" + (f" (participant {self.participant_id} holds the tablet)"
                                          if self._mode == PATIENT else "")
            audit(connection, self.clock(), "denied", self._mode, participant_id, None, detail)
        raise AccessDenied(message)
