"""Sessions for the screens: one object that opens the encrypted store with the PIN and does every
action through the access policy, the consent checks and the audit log.

    sessions_dir()                      data_dir()/sessions, the default storage folder
    SessionStore.exists(folder) -> bool
    SessionStore.create(folder, pin) / .open(folder, pin, new_records_if_missing=False)
    SessionStore.restore(backup_folder, folder, pin)      the store closed first; returns the restored one
        close(), notes
        mode, unlock(pin), lock(), hand_to(participant_id), touch(), require_mentor(what), change_pin(old, new)
        add_participant(pseudonym, reference="", pronouns="they"), participants(), participant(id)
        record_consent(participant_id, scopes, given_by), consent(participant_id),
        require_consent(scope, participant_id), withdraw_consent(participant_id, by) -> [Item] deleted
        save(participant_id, kind, data, name, session_id=None) -> Item, save_file(..., source, ...),
        put_away(participant_id, kind, chunks, name) -> Item   the studio's own safekeeping, in any mode
        start_take(participant_id, name, session_id=None) -> (Item, SealedWriter)
        items(participant_id, kind=None), open_item(item_id, salvage=False) -> bytes, item_chunks(...),
        delete_item(item_id, why="deleted by hand"), export_item(item_id, "performance" | "sharing", destination) -> Path
        note_exported(participant_id, paths, what), delete_exported(participant_id) -> Cleanup   (the Export app's files)
        start_session, session, note_use, save_session, end_session, session_records,
        export_records_csv, export_record_pdf                 (store_sessions.py)
        retention_days, set_retention_days(days), sweep() -> [Item] deleted
        backup_to(target_parent) -> Path, audit_log(limit=500, participant_id=None), integrity_check()

Errors are exceptions whose str() is one plain paragraph for the mentor: PinError (WrongPin,
PinWait), VaultError, RecordsError (StorageFull), AccessDenied, ConsentNeeded, SealedFileError
(SealedFileCutShort), StorageFolderRefused, BackupError, and ValueError for bad input.
`notes` holds, after open(), what the mentor should be told about what happened while closed
(withdrawals finished, recordings deleted by the retention sweep, a restore that did not finish).

The connection belongs to the thread that opened the store: call it from the UI thread, or
give a worker thread its own SessionStore.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

import sqlcipher3

from studio.atomic_file import write_atomically
from studio.sessions import catalogue, consent, exported_files, retention
from studio.sessions.access import MENTOR, AccessPolicy
from studio.sessions.backup import check_storage_folder, finish_interrupted_restore, make_backup, restore_backup
from studio.sessions.catalogue import Item, Participant
from studio.sessions.records import DATABASE_NAME, Records, saving, saving_failed
from studio.sessions.sealed_files import SealedWriter, open_sealed, read_chunks, seal_bytes, seal_chunks, seal_file
from studio.sessions.store_sessions import SessionRecordActions
from studio.sessions.vault import SCRYPT_N, VAULT_NAME, Keys, Vault, VaultError, create_vault

RECORDED_KINDS = ("take", "recovery")  # someone's voice: only with consent to record
EXPORT_PURPOSES = {"performance": "perform", "sharing": "share"}


def sessions_dir() -> Path:
    from studio.beats.storage import data_dir  # here, not at the top: it loads the beat engine (0.2 s)

    return data_dir() / "sessions"


class SessionStore(SessionRecordActions):
    def __init__(self, folder: Path, records: Records, keys: Keys, vault: Vault, clock: Callable[[], float],
                 idle_clock: Callable[[], float]):
        self.folder = folder
        self.records = records
        self._keys = keys
        self.vault = vault
        self.clock = clock
        self.access = AccessPolicy(records, clock, idle_clock)
        self.notes: list[str] = []

    # ---- opening -----------------------------------------------------------------------------------

    @staticmethod
    def exists(folder: str | os.PathLike | None = None) -> bool:
        return (Path(folder or sessions_dir()) / VAULT_NAME).exists()

    @classmethod
    def create(cls, folder: str | os.PathLike | None, pin: str, *, scrypt_n: int = SCRYPT_N,
               clock: Callable[[], float] = time.time, idle_clock: Callable[[], float] = time.monotonic):
        folder = check_storage_folder(Path(folder or sessions_dir()))
        if (folder / DATABASE_NAME).exists() or (folder / VAULT_NAME).exists():
            raise VaultError(f"There are Sessions records in {folder} already; open them with the PIN.")
        with saving("the new records"):
            folder.mkdir(parents=True, exist_ok=True)
            keys = create_vault(folder, pin, scrypt_n, clock)
        store = cls(folder, Records.open(folder, keys.database_key, create=True), keys, Vault(folder, clock), clock,
                    idle_clock)
        store.access.as_mentor()
        return store

    @classmethod
    def open(cls, folder: str | os.PathLike | None, pin: str, *, new_records_if_missing: bool = False,
             clock: Callable[[], float] = time.time, idle_clock: Callable[[], float] = time.monotonic):
        """new_records_if_missing: start empty records when sessions.db is missing (the mentor chose to)."""
        folder = Path(folder or sessions_dir())
        restore_note = finish_interrupted_restore(folder)
        check_storage_folder(folder)
        vault = Vault(folder, clock)
        keys = vault.unlock(pin)
        records = Records.open(folder, keys.database_key, create=new_records_if_missing,
                               other_key=keys.other_database_key)
        if keys.change_pending:
            vault.settle_change(keys)
            keys = replace(keys, other_database_key=None, pin_is_new=False)
        store = cls(folder, records, keys, vault, clock, idle_clock)
        store.notes += [restore_note] if restore_note else []
        if records.is_new:
            store._keep_unmatched_media_aside()
        with saving("tidying up"):
            catalogue.remove_unregistered_files(records, folder)
            unsaved = catalogue.remove_items_without_files(records, folder, clock())
            finished = consent.finish_withdrawals(records, folder, clock())
            swept = retention.sweep(records, folder, clock())
        if unsaved:
            store.notes.append(f"{len(unsaved)} recording(s) were being saved when the app stopped and were not "
                               f"saved: {', '.join(item.name for item in unsaved[:5])}.")
        if finished:
            store.notes.append(f"A withdrawal of consent was finished: {len(finished)} recording(s) deleted.")
        if swept:
            store.notes.append(f"{len(swept)} recording(s) were deleted because their keeping time was over.")
        store.access.as_mentor()
        return store

    def _keep_unmatched_media_aside(self) -> None:
        """New records: files from before belong to no one in them; kept (still sealed), never deleted."""
        media = self.folder / catalogue.MEDIA_FOLDER
        if media.is_dir() and any(media.iterdir()):
            aside = self.folder / f"media-unmatched-{time.strftime('%Y-%m-%d-%H%M%S')}"
            with saving("the new records"):
                os.rename(media, aside)
            self.notes.append(f"{sum(1 for _ in aside.iterdir())} recording(s) from before could not be matched "
                              f"to anyone in the new records. They were kept, still encrypted, in {aside}.")

    @classmethod
    def restore(cls, backup_folder: str | os.PathLike, folder: str | os.PathLike | None, pin: str, **options):
        """Replaces the store in folder (closed by the caller) with the backup, opened with the backup's PIN."""
        folder = Path(folder or sessions_dir())
        restore_backup(backup_folder, folder, pin, options.get("clock", time.time))
        store = cls.open(folder, pin, **options)
        with saving("the audit log"), store.records.transaction() as connection:
            catalogue.audit(connection, store.clock(), "restore", MENTOR, detail=f"from {Path(backup_folder).name}")
        return store

    def close(self) -> None:
        self.records.close()

    # ---- who holds the tablet ----------------------------------------------------------------------

    @property
    def mode(self) -> str:
        return self.access.mode

    def unlock(self, pin: str) -> None:
        self.vault.unlock(pin)
        self.access.as_mentor()

    def lock(self) -> None:
        self.access.lock()

    def hand_to(self, participant_id: int) -> None:
        self.participant(participant_id)
        self.access.hand_to(participant_id)

    def touch(self) -> None:
        self.access.touch()

    def require_mentor(self, what: str) -> None:
        """For screens: "open the settings", "open the tablet's files"... AccessDenied, audited."""
        self.access.require_mentor(what)

    def change_pin(self, old_pin: str, new_pin: str) -> None:
        self.access.require_mentor("change the PIN")
        keys = self.vault.begin_change(old_pin, new_pin)
        with saving("the new PIN"):
            self.records.rekey(keys.database_key)
            self.vault.settle_change(keys)
            self._audit("pin-change", detail="PIN changed")
        self._keys = replace(keys, other_database_key=None, pin_is_new=False)

    # ---- participants and consent ------------------------------------------------------------------

    def add_participant(self, pseudonym: str, reference: str = "", pronouns: str = "they") -> Participant:
        self.access.require_mentor("add a participant")
        with saving("the new participant"):
            return catalogue.add_participant(self.records, pseudonym, self.clock(), reference, pronouns)

    def participants(self) -> list[Participant]:
        return [each for each in catalogue.participants(self.records) if self.access.may_see(each.id)]

    def participant(self, participant_id: int) -> Participant:
        self.access.require_participant(participant_id, "see a participant")
        return catalogue.participant(self.records, participant_id)

    def record_consent(self, participant_id: int, scopes, given_by: str) -> consent.Consent:
        self.access.require_mentor("record consent")
        with saving("the consent"):
            return consent.record_consent(self.records, self.participant(participant_id), scopes, given_by,
                                          self.clock(), self.mode)

    def consent(self, participant_id: int) -> consent.Consent | None:
        self.participant(participant_id)
        return consent.current_consent(self.records, participant_id)

    def require_consent(self, scope: str, participant_id: int) -> consent.Consent:
        return consent.require(self.records, scope, self.participant(participant_id))

    def withdraw_consent(self, participant_id: int, by: str) -> list[Item]:
        """Deletes everything the participant made; returns what was deleted (to show the mentor)."""
        self.access.require_mentor("withdraw consent")
        with saving("the withdrawal"):
            return consent.withdraw(self.records, self.folder, self.participant(participant_id), by, self.clock(),
                                    self.mode)

    # ---- what participants make --------------------------------------------------------------------

    def _new_item(self, participant_id: int, kind: str, name: str, session_id: int | None) -> Item:
        person = self.participant(participant_id)
        current = (consent.require(self.records, "record", person) if kind in RECORDED_KINDS
                   else consent.current_consent(self.records, participant_id))
        with saving(f'"{name}"'), self.records.transaction() as connection:
            return catalogue.add_item(connection, participant_id, kind, name, self.clock(),
                                      current.id if current else None, session_id)

    def _write_item(self, item: Item, write: Callable[[Path], None]) -> Item:
        try:
            (self.folder / catalogue.MEDIA_FOLDER).mkdir(exist_ok=True)
            write(self.folder / item.path)
        except Exception as error:  # the disk's, the records', or the source's (a take cut short): no item is left
            with contextlib.suppress(OSError, sqlcipher3.Error), self.records.transaction() as connection:
                connection.execute("DELETE FROM items WHERE id = ?", (item.id,))
            catalogue.remove_file(self.folder / item.path)
            if isinstance(error, (OSError, sqlcipher3.Error)):
                raise saving_failed(error, f'"{item.name}"') from error
            raise
        return item

    def save(self, participant_id: int, kind: str, data: bytes, name: str, session_id: int | None = None) -> Item:
        item = self._new_item(participant_id, kind, name, session_id)
        return self._write_item(item, lambda path: seal_bytes(data, path, self._keys.files_key))

    def save_file(self, participant_id: int, kind: str, source: str | os.PathLike, name: str,
                  session_id: int | None = None) -> Item:
        item = self._new_item(participant_id, kind, name, session_id)
        return self._write_item(item, lambda path: seal_file(source, path, self._keys.files_key))

    def put_away(self, participant_id: int, kind: str, chunks: Iterable[bytes], name: str) -> Item:
        """Seal a participant's work the studio holds in plain files (a take, when their turn
        ends), from an iterator of bytes. Allowed in every mode, locked too: it reveals nothing,
        it only takes a readable file off the tablet. Linked to their current consent, if any."""
        catalogue.participant(self.records, participant_id)  # ValueError for nobody known
        current = consent.current_consent(self.records, participant_id)
        with saving(f'"{name}"'), self.records.transaction() as connection:
            item = catalogue.add_item(connection, participant_id, kind, name, self.clock(),
                                      current.id if current else None, None)
        return self._write_item(item, lambda path: seal_chunks(chunks, path, self._keys.files_key))

    def start_take(self, participant_id: int, name: str, session_id: int | None = None) -> tuple[Item, SealedWriter]:
        """A take written as it is sung: write(), flush() often, close() at the end."""
        item = self._new_item(participant_id, "take", name, session_id)
        writers: list[SealedWriter] = []
        self._write_item(item, lambda path: writers.append(SealedWriter(path, self._keys.files_key)))
        return item, writers[0]

    def items(self, participant_id: int, kind: str | None = None) -> list[Item]:
        self.access.require_participant(participant_id, "list recordings")
        return catalogue.items(self.records, participant_id, kind)

    def _item(self, item_id: int, what: str) -> Item:
        found = catalogue.item(self.records, item_id)
        self.access.require_participant(found.participant_id, what)
        return found

    def open_item(self, item_id: int, salvage: bool = False) -> bytes:
        found = self._item(item_id, "open a recording")
        self._audit("view", found.participant_id, found.id, f'{found.kind} "{found.name}"')
        return open_sealed(self.folder / found.path, self._keys.files_key, salvage=salvage)

    def item_chunks(self, item_id: int, salvage: bool = False) -> Iterator[bytes]:
        """The item's bytes a chunk (64 KiB) at a time, for playing a long take without holding it all."""
        found = self._item(item_id, "open a recording")
        self._audit("view", found.participant_id, found.id, f'{found.kind} "{found.name}"')
        return read_chunks(self.folder / found.path, self._keys.files_key, salvage=salvage)

    def delete_item(self, item_id: int, why: str = "deleted by hand") -> None:
        """why: the audit log's reason for the deletion."""
        found = self._item(item_id, "delete a recording")
        with saving("the deletion"):
            catalogue.delete_items(self.records, self.folder, [found], self.clock(), self.mode, why)

    def note_exported(self, participant_id: int, paths, what: str) -> None:
        """The Export app wrote these files for the participant (what: "a song", "a performance set"):
        audited, and remembered for a withdrawal of consent (studio.sessions.exported_files)."""
        self.access.require_participant(participant_id, "export a song")
        paths = [Path(path) for path in paths]
        names = ", ".join(path.name for path in paths)
        mode = self.access.mode
        with saving("the note of the export"), self.records.transaction() as connection:
            exported_files.remember(connection, participant_id, paths, self.clock())
            catalogue.audit(connection, self.clock(), "export", mode, participant_id, None,
                            f"{what} exported to {paths[0].parent if paths else '?'}: {names}")

    def delete_exported(self, participant_id: int) -> exported_files.Cleanup:
        """Consent withdrawn: their exported files that are as they were go too (audited)."""
        self.access.require_mentor("delete exported songs")
        cleanup, rows = exported_files.delete_for(self.records, participant_id)
        mode = self.access.mode
        with saving("the deletion of exported songs"), self.records.transaction() as connection:
            for path in cleanup.deleted:
                catalogue.audit(connection, self.clock(), "delete", mode, participant_id, None,
                                f"exported file {path} (consent was withdrawn)")
            connection.executemany("DELETE FROM exported_files WHERE id = ?", [(row,) for row in rows])
        return cleanup

    def export_item(self, item_id: int, purpose: str, destination: str | os.PathLike) -> Path:
        """The item's plain bytes written to destination (a file outside the storage folder), for a
        performance or for sharing; ConsentNeeded when the participant has not agreed to that."""
        if purpose not in EXPORT_PURPOSES:
            raise ValueError(f"purpose must be one of {', '.join(EXPORT_PURPOSES)}, got {purpose!r}")
        found = self._item(item_id, "export a recording")
        try:
            consent.require(self.records, EXPORT_PURPOSES[purpose],
                            catalogue.participant(self.records, found.participant_id))
        except consent.ConsentNeeded:
            self._audit("denied", found.participant_id, found.id, f"export for {purpose}: no consent to "
                                                                  f"{EXPORT_PURPOSES[purpose]}")
            raise
        destination = self._outside_store(destination)
        data = open_sealed(self.folder / found.path, self._keys.files_key)
        with saving("the export"):
            write_atomically(destination, data)
        self._audit("export", found.participant_id, found.id, f'{found.kind} "{found.name}" for {purpose}')
        return destination

    def _outside_store(self, destination: str | os.PathLike) -> Path:
        destination = Path(destination)
        if destination.resolve().is_relative_to(self.folder.resolve()):
            raise ValueError("Exports are saved outside Sessions' own folder, which holds only encrypted files. "
                             "Choose another folder.")
        return destination

    # ---- keeping, backups, the audit log -----------------------------------------------------------

    @property
    def retention_days(self) -> int:
        return retention.retention_days(self.records)

    def set_retention_days(self, days: int) -> None:
        self.access.require_mentor("change how long recordings are kept")
        with saving("the setting"):
            retention.set_retention_days(self.records, days, self.clock(), self.mode)

    def sweep(self) -> list[Item]:
        with saving("the clean-up"):
            return retention.sweep(self.records, self.folder, self.clock())

    def backup_to(self, target_parent: str | os.PathLike) -> Path:
        self.access.require_mentor("make a backup")
        made = make_backup(self.records, self._keys, self.folder, target_parent, self.clock())
        self._audit("backup", detail=f"to {made.name}")
        return made

    def audit_log(self, limit: int = 500, participant_id: int | None = None) -> list[catalogue.AuditEntry]:
        self.access.require_mentor("see the audit log")
        return catalogue.audit_log(self.records, limit, participant_id)

    def integrity_check(self) -> str:
        return self.records.integrity_check()

    def _audit(self, action: str, participant_id: int | None = None, item_id: int | None = None,
               detail: str = "") -> None:
        mode = self.access.mode  # outside the transaction: reading it may lock for idleness, which is audited
        with saving("the audit log"), self.records.transaction() as connection:
            catalogue.audit(connection, self.clock(), action, mode, participant_id, item_id, detail)
