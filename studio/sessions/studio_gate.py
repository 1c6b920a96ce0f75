"""The studio's one question to Sessions before a voice is recorded or a song leaves for a show.

Once a mentor has set Sessions up on a tablet (a PIN, so a store exists), a take is recorded
only for a participant who has agreed to it, and a song is exported for a performance only
with their consent to be played at one. Touch and MIDI both record through EngineClient.act,
so the gate sits there (EngineClient.add_guard); the Export screen asks before it exports.
On a tablet where Sessions was never set up, nothing is asked: the studio works as it always
has (a demo, a mentor trying it out).
"""

from __future__ import annotations

from collections.abc import Callable

from studio.controls import Action

# Actions that record someone's voice (the mix recording holds the decks' tracks, not a voice).
RECORDING_ACTIONS = {("mic", "recording")}
EXPORT_SCOPES = {"performance": "perform", "sharing": "share"}

NO_PARTICIPANT = ("Recordings are kept for a participant. Open Sessions, choose who is making music (or hand "
                  "them the tablet) and record their consent, then record.")
NO_PARTICIPANT_EXPORT = ("Songs are exported for a participant. Open Sessions and choose whose song this is, "
                         "then export.")


class StudioGate:
    def __init__(self, set_up: Callable[[], bool], store: Callable[[], object | None],
                 participant_id: Callable[[], int | None]):
        """set_up(): Sessions is in use on this tablet; store(): the open SessionStore (None while
        locked); participant_id(): whose work this is now (None: nobody chosen)."""
        self._set_up, self._store, self._participant_id = set_up, store, participant_id

    def refuse_action(self, action: Action) -> str:
        """"" to let the action through, else why not (for EngineClient.add_guard)."""
        if (action.group, action.control) not in RECORDING_ACTIONS or action.value < 0.5:
            return ""  # stopping a take is always allowed
        return self._refuse("record", NO_PARTICIPANT)

    def refuse_export(self, purpose: str = "performance") -> str:
        if purpose not in EXPORT_SCOPES:
            raise ValueError(f"purpose must be one of {', '.join(EXPORT_SCOPES)}, got {purpose!r}")
        return self._refuse(EXPORT_SCOPES[purpose], NO_PARTICIPANT_EXPORT)

    def _refuse(self, scope: str, nobody: str) -> str:
        if not self._set_up():
            return ""
        store, participant_id = self._store(), self._participant_id()
        if store is None or participant_id is None:
            return nobody
        from studio.sessions.consent import ConsentNeeded  # here: the app starts without the records' modules

        try:
            store.require_consent(scope, participant_id)
        except ConsentNeeded as refusal:
            return str(refusal)
        except Exception as problem:  # the records cannot be read (damaged, a full disk): say so, refuse
            return f"Sessions could not check the participant's consent: {problem}"
        return ""
