"""What each participant agreed to, checked before recording, keeping, performing and sharing.

    record_consent(records, participant, scopes, given_by, at_s, mode) -> Consent   replaces the one before
    current_consent(records, participant_id) -> Consent | None
    require(records, scope, participant) -> Consent       ConsentNeeded, in plain words, when not agreed
    withdraw(records, folder, participant, by, at_s, mode) -> [Item]   everything of theirs deleted
    finish_withdrawals(records, folder, at_s) -> [Item]   deletions a crash interrupted, finished

Scopes: record (being recorded at all), keep (recordings kept after the session), perform (played
at a performance), share (shared outside the ward). Each item keeps the id of the consent in force
when it was made.

Withdrawing consent marks it withdrawn and every item of the participant as doomed in one
transaction, then deletes the items (rows, then files: takes, beats, exports, songs, caches and
recovery files alike). If the app stops in between, finish_withdrawals (run when the store opens)
deletes what was doomed, so a withdrawal is never half done.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from studio.sessions.catalogue import Item, Participant, audit, check_label, delete_items, items
from studio.sessions.records import Records

SCOPES = ("record", "keep", "perform", "share")
MAX_GIVEN_BY_CHARACTERS = 80


class ConsentNeeded(Exception):
    """What the participant has not agreed to, and what to do, in words for the mentor."""

    def __init__(self, message: str, scope: str, participant_id: int):
        super().__init__(message)
        self.scope = scope
        self.participant_id = participant_id


@dataclass(frozen=True)
class Consent:
    id: int
    participant_id: int
    scopes: frozenset[str]
    given_by: str
    given_at_s: float
    withdrawn_at_s: float | None = None
    withdrawn_by: str | None = None

    def covers(self, scope: str) -> bool:
        return self.withdrawn_at_s is None and scope in self.scopes


def _consent(row) -> Consent:
    return Consent(row["id"], row["participant_id"], frozenset(scope for scope in SCOPES if row[scope]),
                   row["given_by"], row["given_at_s"], row["withdrawn_at_s"], row["withdrawn_by"])


def check_scopes(scopes) -> frozenset[str]:
    scopes = frozenset(scopes)
    unknown = sorted(scopes - set(SCOPES))
    if unknown:
        raise ValueError(f"consent can be for {', '.join(SCOPES)}; not {', '.join(unknown)}")
    return scopes


def record_consent(records: Records, participant: Participant, scopes, given_by: str, at_s: float,
                   mode: str) -> Consent:
    """given_by: who gave it, as the mentor writes it ("Maya", "Maya with her key worker")."""
    scopes = check_scopes(scopes)
    given_by = check_label("who gave consent", given_by, MAX_GIVEN_BY_CHARACTERS)
    with records.transaction() as connection:
        cursor = connection.execute(
            "INSERT INTO consents (participant_id, record, keep, perform, share, given_by, given_at_s) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (participant.id, *(scope in scopes for scope in SCOPES), given_by, at_s))
        audit(connection, at_s, "consent", mode, participant.id, None,
              f"given by {given_by} for: {', '.join(s for s in SCOPES if s in scopes) or 'nothing'}")
    return Consent(cursor.lastrowid, participant.id, scopes, given_by, at_s)


def current_consent(records: Records, participant_id: int) -> Consent | None:
    """The latest consent recorded, unless it was withdrawn."""
    found = records.rows("SELECT * FROM consents WHERE participant_id = ? ORDER BY id DESC LIMIT 1",
                         (participant_id,))
    if not found or found[0]["withdrawn_at_s"] is not None:
        return None
    return _consent(found[0])


def consents(records: Records, participant_id: int) -> list[Consent]:
    """Every consent recorded for the participant, newest first, withdrawn ones too."""
    rows = records.rows("SELECT * FROM consents WHERE participant_id = ? ORDER BY id DESC", (participant_id,))
    return [_consent(row) for row in rows]


def needed_message(participant: Participant, scope: str) -> str:
    name, their, them = participant.pseudonym, participant.possessive, participant.object_pronoun
    agreed, ask = f"{name} has not agreed to", f"Ask {them}, and record it in Sessions,"
    return {
        "record": f"{agreed} being recorded. {ask} before recording.",
        "keep": f"{agreed} {their} recordings being kept after the session. {ask} before saving this for later.",
        "perform": f"{agreed} {their} songs being played at a performance. {ask} before exporting for the show.",
        "share": f"{agreed} {their} songs being shared outside the ward. {ask} before sharing.",
    }[scope]


def require(records: Records, scope: str, participant: Participant) -> Consent:
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}, got {scope!r}")
    consent = current_consent(records, participant.id)
    if consent is None or not consent.covers(scope):
        raise ConsentNeeded(needed_message(participant, scope), scope, participant.id)
    return consent


def withdraw(records: Records, folder: Path, participant: Participant, by: str, at_s: float,
             mode: str) -> list[Item]:
    """Withdraws every consent of the participant and deletes all they made; returns what was deleted."""
    by = check_label("who withdrew consent", by, MAX_GIVEN_BY_CHARACTERS)
    with records.transaction() as connection:
        connection.execute("UPDATE consents SET withdrawn_at_s = ?, withdrawn_by = ? "
                           "WHERE participant_id = ? AND withdrawn_at_s IS NULL", (at_s, by, participant.id))
        connection.execute("UPDATE items SET doomed = 1 WHERE participant_id = ?", (participant.id,))
        audit(connection, at_s, "withdraw", mode, participant.id, None, f"consent withdrawn by {by}")
    return delete_items(records, folder, items(records, participant.id), at_s, mode, "consent was withdrawn")


def finish_withdrawals(records: Records, folder: Path, at_s: float) -> list[Item]:
    doomed_ids = {row[0] for row in records.rows("SELECT id FROM items WHERE doomed = 1")}
    doomed = [each for each in items(records) if each.id in doomed_ids]
    return delete_items(records, folder, doomed, at_s, "system", "consent was withdrawn (finished after a restart)")
