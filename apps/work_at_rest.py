"""When the studio's working files (Mic's takes and words for the next take, Beats' current beat,
Export's songs) change hands: the studio root asks due() on every poll, and follow() when it says so.

due() is True only when Sessions (its store) or whose work the studio makes (the working
participant) changed since the last follow(), or when a take was saved or recovered for someone
whose turn it is not. follow() then files everyone else's work away, sealed in Sessions, and
brings the working participant's back (studio.sessions.turns). With Sessions locked nobody is
working, so every participant's work is sealed; the same when the app closes (follow with nobody).

Light on purpose: it is imported as the app starts, and the filing modules (numpy among them) only
when a turn first changes.
"""

from __future__ import annotations


class WorkAtRest:
    def __init__(self):
        self._followed: tuple[int, int | None] | None = None  # (the store's id, the working participant)
        self._stale = False

    def take_saved_for_someone_else(self) -> None:
        """A take was saved or recovered for a participant whose turn it is not: due() says so."""
        self._stale = True

    def due(self, store, working: int | None) -> bool:
        """store: the open SessionStore (any mode), or None before Sessions is open (nothing is due)."""
        if store is None:
            self._followed = None
            return False
        return self._stale or (id(store), working) != self._followed

    def follow(self, store, working: int | None, takes):
        """The turn's moves (studio.sessions.turns.Moves); takes: the studio's TakeStore. Save what
        Beats, Export and Mic's words have pending before."""
        from studio.sessions.turns import change_turn

        self._followed, self._stale = (id(store), working), False
        return change_turn(store, working, takes)

    @staticmethod
    def songs_change_hands(working: int | None) -> bool:
        """follow() would put the songs in Export away (the screen lets go of its song first)."""
        from studio.sessions.work_folders import folder_owner, songs_work

        return folder_owner(songs_work()) != working

    @staticmethod
    def work_in_studio(participant_id: int, takes) -> list:
        from studio.sessions.turns import work_in_studio

        return work_in_studio(participant_id, takes)

    @staticmethod
    def forget_work_of(participant_id: int) -> tuple[bool, bool, bool]:
        """Consent withdrawn: their beat, songs and words in the studio go, if the folders hold
        theirs; whether each did (studio.sessions.work_folders.forget_work_of)."""
        from studio.sessions.work_folders import beats_work, forget_work_of, songs_work, words_work

        return tuple(forget_work_of(participant_id, work) for work in (beats_work(), songs_work(), words_work()))
