"""What the records hold besides consents and session notes: participants, items (the sealed files
each participant made), the audit log and the settings.

    add_participant(records, pseudonym, at_s, reference="", pronouns="they") -> Participant
    participants(records), participant(records, participant_id)
    add_item(connection, ...) -> Item, items(records, participant_id=None, kind=None), item(records, item_id)
    delete_items(records, folder, items, at_s, mode, why) -> [Item]   rows, then files; audited
    remove_unregistered_files(records, folder) -> [Path]               left by a crash between the two
    remove_items_without_files(records, folder, at_s) -> [Item]         the same, the other way round
    audit(connection, at_s, action, mode, ...), audit_log(records, limit=500)
    setting(records, name, default), set_setting(connection, name, value)

Each item's file is media/<random>.sealed: its name says nothing about whose it is. An item's row
is written before its file, and deleted before its file, so a file without a row can only be
left by a crash and is never anyone's kept work: remove_unregistered_files (run when the store
opens, never while something is being written) deletes it, and half-written temporary files too.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3

from studio.sessions.records import KINDS, Records

MEDIA_FOLDER = "media"
SEALED_SUFFIX = ".sealed"
PRONOUNS = {"they": ("their", "them"), "she": ("her", "her"), "he": ("his", "him")}
MAX_PSEUDONYM_CHARACTERS = 40
MAX_REFERENCE_CHARACTERS = 40
MAX_ITEM_NAME_CHARACTERS = 80


@dataclass(frozen=True)
class Participant:
    id: int
    pseudonym: str  # their artist name: the only name Sessions knows them by
    reference: str = ""  # optional: the ward's own reference for them, never on exports unless asked
    pronouns: str = "they"
    created_at_s: float = 0.0

    @property
    def possessive(self) -> str:
        return PRONOUNS.get(self.pronouns, PRONOUNS["they"])[0]

    @property
    def object_pronoun(self) -> str:
        return PRONOUNS.get(self.pronouns, PRONOUNS["they"])[1]


@dataclass(frozen=True)
class Item:
    id: int
    participant_id: int
    kind: str  # one of records.KINDS
    name: str
    path: str  # relative to the storage folder
    created_at_s: float
    consent_id: int | None = None
    session_id: int | None = None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at_s: float
    action: str  # view, export, delete, denied, consent, withdraw, backup, restore, pin-change, ...
    mode: str  # mentor, patient, locked or system
    participant_id: int | None
    item_id: int | None
    detail: str


def check_label(what: str, text: object, most: int, may_be_empty: bool = False) -> str:
    if not isinstance(text, str):
        raise ValueError(f"{what} must be text")
    text = " ".join(text.split())
    if not text and not may_be_empty:
        raise ValueError(f"{what} cannot be empty")
    if len(text) > most:
        raise ValueError(f"{what} can be at most {most} characters, got {len(text)}")
    if any(unicodedata.category(character) == "Cc" for character in text):
        raise ValueError(f"{what} cannot hold control characters")
    return text


def add_participant(records: Records, pseudonym: str, at_s: float, reference: str = "",
                    pronouns: str = "they") -> Participant:
    pseudonym = check_label("an artist name", pseudonym, MAX_PSEUDONYM_CHARACTERS)
    reference = check_label("a reference", reference, MAX_REFERENCE_CHARACTERS, may_be_empty=True)
    if pronouns not in PRONOUNS:
        raise ValueError(f"pronouns must be one of {', '.join(PRONOUNS)}, got {pronouns!r}")
    try:
        with records.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO participants (pseudonym, reference, pronouns, created_at_s) VALUES (?, ?, ?, ?)",
                (pseudonym, reference, pronouns, at_s))
    except sqlcipher3.IntegrityError:
        raise ValueError(f"There is already a participant called {pseudonym}. Choose another artist name.") from None
    return Participant(cursor.lastrowid, pseudonym, reference, pronouns, at_s)


def _participant(row) -> Participant:
    return Participant(row["id"], row["pseudonym"], row["reference"], row["pronouns"], row["created_at_s"])


def participants(records: Records) -> list[Participant]:
    return [_participant(row) for row in records.rows("SELECT * FROM participants ORDER BY pseudonym")]


def participant(records: Records, participant_id: int) -> Participant:
    found = records.rows("SELECT * FROM participants WHERE id = ?", (participant_id,))
    if not found:
        raise ValueError(f"There is no participant number {participant_id} in Sessions.")
    return _participant(found[0])


def new_item_path() -> str:
    return f"{MEDIA_FOLDER}/{secrets.token_hex(16)}{SEALED_SUFFIX}"


def add_item(connection, participant_id: int, kind: str, name: str, at_s: float,
             consent_id: int | None = None, session_id: int | None = None) -> Item:
    """Inside a transaction; the caller writes the file after the commit."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    name = check_label("a name", name, MAX_ITEM_NAME_CHARACTERS)
    path = new_item_path()
    cursor = connection.execute(
        "INSERT INTO items (participant_id, consent_id, session_id, kind, name, path, created_at_s) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)", (participant_id, consent_id, session_id, kind, name, path, at_s))
    return Item(cursor.lastrowid, participant_id, kind, name, path, at_s, consent_id, session_id)


def _item(row) -> Item:
    return Item(row["id"], row["participant_id"], row["kind"], row["name"], row["path"], row["created_at_s"],
                row["consent_id"], row["session_id"])


def items(records: Records, participant_id: int | None = None, kind: str | None = None) -> list[Item]:
    """Newest first."""
    sql, params = "SELECT * FROM items WHERE 1", []
    if participant_id is not None:
        sql, params = sql + " AND participant_id = ?", params + [participant_id]
    if kind is not None:
        sql, params = sql + " AND kind = ?", params + [kind]
    return [_item(row) for row in records.rows(sql + " ORDER BY created_at_s DESC, id DESC", tuple(params))]


def item(records: Records, item_id: int) -> Item:
    found = records.rows("SELECT * FROM items WHERE id = ?", (item_id,))
    if not found:
        raise ValueError(f"There is no recording number {item_id} in Sessions (it may have been deleted).")
    return _item(found[0])


def delete_items(records: Records, folder: Path, doomed: list[Item], at_s: float, mode: str, why: str) -> list[Item]:
    """Deletes the items' rows (each deletion audited, with why), then their files."""
    if not doomed:
        return []
    with records.transaction() as connection:
        for each in doomed:
            connection.execute("DELETE FROM items WHERE id = ?", (each.id,))
            audit(connection, at_s, "delete", mode, each.participant_id, each.id,
                  f"{each.kind} \"{each.name}\": {why}")
    for each in doomed:
        remove_file(folder / each.path)
    return doomed


def remove_file(path: Path) -> None:
    for candidate in (path, path.with_name(f".{path.name}.tmp")):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(candidate)


def remove_unregistered_files(records: Records, folder: Path) -> list[Path]:
    media = folder / MEDIA_FOLDER
    if not media.is_dir():
        return []
    known = {row[0] for row in records.rows("SELECT path FROM items")}
    removed = []
    for path in media.iterdir():
        if path.is_file() and f"{MEDIA_FOLDER}/{path.name}" not in known:
            path.unlink()
            removed.append(path)
    return removed


def remove_items_without_files(records: Records, folder: Path, at_s: float) -> list[Item]:
    """Items whose file never arrived: the app stopped between writing the row and the file."""
    missing = [each for each in items(records) if not (folder / each.path).is_file()]
    return delete_items(records, folder, missing, at_s, "system", "its file was never saved (the app stopped)")


def audit(connection, at_s: float, action: str, mode: str, participant_id: int | None = None,
          item_id: int | None = None, detail: str = "") -> None:
    connection.execute("INSERT INTO audit (at_s, action, mode, participant_id, item_id, detail) "
                       "VALUES (?, ?, ?, ?, ?, ?)", (at_s, action, mode, participant_id, item_id, detail))


def audit_log(records: Records, limit: int = 500, participant_id: int | None = None) -> list[AuditEntry]:
    """Newest first."""
    sql, params = "SELECT * FROM audit", ()
    if participant_id is not None:
        sql, params = sql + " WHERE participant_id = ?", (participant_id,)
    rows = records.rows(sql + " ORDER BY id DESC LIMIT ?", params + (limit,))
    return [AuditEntry(row["id"], row["at_s"], row["action"], row["mode"], row["participant_id"], row["item_id"],
                       row["detail"]) for row in rows]


def setting(records: Records, name: str, default: str) -> str:
    found = records.rows("SELECT value FROM settings WHERE name = ?", (name,))
    return found[0][0] if found else default


def set_setting(connection, name: str, value: str) -> None:
    connection.execute("INSERT INTO settings (name, value) VALUES (?, ?) "
                       "ON CONFLICT(name) DO UPDATE SET value = excluded.value", (name, value))
