"""Keeps the studio's takes folder holding only the takes of whoever's turn it is.

The studio root asks follow() on every poll; it does something only when Sessions (its store) or
whose work the studio makes (the working participant) changed since the last time, or when a
take was just saved for someone else. Everyone else's takes are then filed away, sealed in
Sessions, and the working participant's come back (studio.sessions.take_filing). With Sessions
locked nobody is working, so every participant's take is sealed; with the app closed the same
(file_everything_away).
"""

from __future__ import annotations

from studio.sessions.take_filing import Filing, bring_back, file_away


class TakesAtRest:
    def __init__(self):
        self._filed_for: tuple[int, int | None] | None = None  # (the store's id, the working participant)
        self._stale = False

    def take_saved_for_someone_else(self) -> None:
        """A take was saved for a participant whose turn it no longer is: file it at the next follow()."""
        self._stale = True

    def follow(self, store, working: int | None, takes) -> tuple[Filing, Filing] | None:
        """(filed away, brought back), or None when nothing changed. store: the open SessionStore
        (any mode) or None before Sessions is open; takes: the studio's TakeStore."""
        if store is None:
            self._filed_for = None
            return None
        key = (id(store), working)
        if key == self._filed_for and not self._stale:
            return None
        self._filed_for, self._stale = key, False
        away = file_away(takes, store, keep=working)
        back = bring_back(takes, store, working) if working is not None else Filing()
        return away, back

    def file_everything_away(self, store, takes) -> Filing:
        """The app closes: every participant's take sealed (none is working any more)."""
        self._filed_for = None
        return file_away(takes, store, keep=None) if store is not None else Filing()
