"""The encrypted records database (SQLCipher): sessions.db in the storage folder.

    Records.open(folder, database_key, create=False, other_key=None) -> Records
        transaction()            a context: BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error
        rows(sql, params)        a read
        rekey(new_key), integrity_check() -> "ok" or what is wrong, backup_into(path), close()
    storage_full_message(what), saving_failed(error, what) -> RecordsError in plain words
    saving(what)                 a context that turns OSError and database errors into that

The database key is the vault's random key, given raw (x'...'), so SQLCipher does no key
derivation of its own. WAL mode with synchronous=FULL: a commit is on the disk when commit
returns, and a kill or power cut at any moment leaves the last committed state.

A file that does not open with the key (damaged, not a database, or locked with another key)
is renamed to sessions.damaged-<date>.db (with its -wal and -shm files) and never written to;
RecordsError says so once, in plain words, and `kept_aside` holds where it went.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from pathlib import Path

import sqlcipher3

DATABASE_NAME = "sessions.db"
SCHEMA_VERSION = 2  # 2: exported_files
BUSY_TIMEOUT_S = 10.0  # how long to wait for another connection's write before giving up
KINDS = ("take", "beat", "export", "song", "cache", "recovery")
_DISK_FULL = {errno.ENOSPC, errno.EDQUOT}
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_NOMEM, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, \
    SQLITE_CANTOPEN = 3, 5, 6, 7, 8, 10, 13, 14
_NOT_DAMAGE = {SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_NOMEM, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL,
               SQLITE_CANTOPEN}

SCHEMA = f"""
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE participants (
    id INTEGER PRIMARY KEY,
    pseudonym TEXT NOT NULL UNIQUE COLLATE NOCASE,
    reference TEXT NOT NULL DEFAULT '',
    pronouns TEXT NOT NULL DEFAULT 'they',
    created_at_s REAL NOT NULL);
CREATE TABLE consents (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    record INTEGER NOT NULL, keep INTEGER NOT NULL, perform INTEGER NOT NULL, share INTEGER NOT NULL,
    given_by TEXT NOT NULL,
    given_at_s REAL NOT NULL,
    withdrawn_at_s REAL,
    withdrawn_by TEXT);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    started_at_s REAL NOT NULL,
    ended_at_s REAL,
    apps TEXT NOT NULL DEFAULT '[]',
    made TEXT NOT NULL DEFAULT '[]',
    engagement TEXT NOT NULL DEFAULT '',
    communication TEXT NOT NULL DEFAULT '',
    mood_before INTEGER,
    mood_after INTEGER,
    incidents TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '');
CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    consent_id INTEGER REFERENCES consents(id),
    session_id INTEGER REFERENCES sessions(id),
    kind TEXT NOT NULL CHECK (kind IN ({", ".join(repr(kind) for kind in KINDS)})),
    name TEXT NOT NULL,
    path TEXT NOT NULL UNIQUE,
    created_at_s REAL NOT NULL,
    doomed INTEGER NOT NULL DEFAULT 0);
CREATE INDEX items_by_participant ON items(participant_id);
CREATE TABLE exported_files (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    path TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    modified_ns INTEGER NOT NULL,
    at_s REAL NOT NULL);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at_s REAL NOT NULL,
    action TEXT NOT NULL,
    mode TEXT NOT NULL,
    participant_id INTEGER,
    item_id INTEGER,
    detail TEXT NOT NULL DEFAULT '');
"""


def _statement_creating(table: str) -> str:
    return next(statement for statement in SCHEMA.split(";") if f"CREATE TABLE {table} (" in statement)


class RecordsError(Exception):
    def __init__(self, message: str, kept_aside: Path | None = None, missing: bool = False):
        super().__init__(message)
        self.kept_aside = kept_aside
        self.missing = missing


class StorageFull(RecordsError):
    pass


def is_disk_full(error: BaseException) -> bool:
    if isinstance(error, OSError):
        return error.errno in _DISK_FULL
    return isinstance(error, sqlcipher3.OperationalError) and (
        getattr(error, "sqlite_errorcode", None) == SQLITE_FULL or "disk is full" in str(error))


def storage_full_message(what: str) -> str:
    return (f"The tablet's storage is full: {what} was not saved, and nothing saved before was lost. "
            "Make room (make a backup, then delete old recordings) and try again.")


def saving_failed(error: BaseException, what: str) -> RecordsError:
    """The plain-words error for a save that failed (the transaction was rolled back)."""
    if is_disk_full(error):
        return StorageFull(storage_full_message(what))
    why = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return RecordsError(f"{what[0].upper()}{what[1:]} could not be saved ({why}). Nothing saved before was lost.")


@contextlib.contextmanager
def saving(what: str):
    """OSError and database errors inside, as RecordsError (StorageFull for a full disk) in plain words."""
    try:
        yield
    except (OSError, sqlcipher3.Error) as error:
        raise saving_failed(error, what) from error


def _is_damage(error: BaseException) -> bool:
    """Damaged, not a database, or another key (SQLCipher says a page that fails its check is an SQL
    error); not a lock, a full disk or an I/O error, for which the file is never kept aside."""
    return getattr(error, "sqlite_errorcode", None) not in _NOT_DAMAGE


def _raw_key(key: bytes) -> str:
    if len(key) != 32:
        raise ValueError(f"the database key must be 32 bytes, got {len(key)}")
    return f"PRAGMA key = \"x'{key.hex()}'\""


class Records:
    def __init__(self, connection, path: Path):
        self.connection = connection
        self.path = path
        self._in_transaction = False
        self.is_new = False  # made by this open()

    @classmethod
    def open(cls, folder: str | os.PathLike, database_key: bytes, create: bool = False,
             other_key: bytes | None = None) -> "Records":
        """other_key: a key the file may still have after a PIN change that did not finish;
        when it is the one that works, the file is re-keyed to database_key."""
        path = Path(folder) / DATABASE_NAME
        if not path.exists() and not create:
            raise RecordsError(f"The Sessions records ({DATABASE_NAME}) are missing from {path.parent}. "
                               "Restore a backup, or start new records.", missing=True)
        is_new = not path.exists()
        records = None
        for key in (database_key, other_key):
            if key is None:
                continue
            records = cls._try_key(path, key)
            if records is not None:
                if key is not database_key:
                    records.rekey(database_key)
                break
        if records is None:
            kept = keep_aside(path)
            where = (f'It was kept as "{kept.name}" in {kept.parent}, untouched.' if kept else
                     "It could not be moved aside, so it was left as it is.")
            raise RecordsError("The Sessions records could not be opened: the file is damaged, or it was locked "
                               f"with a different PIN. {where} Restore a backup, or start new records.", kept)
        records.is_new = is_new
        try:
            records._prepare()
        except sqlcipher3.Error as error:
            records.close()
            raise saving_failed(error, "the new records") from error
        return records

    @classmethod
    def _try_key(cls, path: Path, key: bytes) -> "Records | None":
        connection = sqlcipher3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_S)
        try:
            connection.execute("PRAGMA cipher_log_level = NONE")  # its own messages would go to stderr
            connection.execute(_raw_key(key))
            connection.execute("SELECT count(*) FROM sqlite_master").fetchall()
            if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlcipher3.DatabaseError("quick_check failed")
        except sqlcipher3.DatabaseError as error:
            connection.close()
            if _is_damage(error):
                return None
            why = "another copy of the app has it open" if getattr(error, "sqlite_errorcode", None) in (
                SQLITE_BUSY, SQLITE_LOCKED) else str(error)
            raise RecordsError(f"The Sessions records could not be opened ({why}). Nothing was changed: close the "
                               "other app, or restart the tablet, and try again.") from error
        connection.row_factory = sqlcipher3.Row
        return cls(connection, path)

    def _prepare(self) -> None:
        for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON", "secure_delete = ON",
                       "temp_store = MEMORY"):
            self.connection.execute(f"PRAGMA {pragma}")
        has_schema = self.rows("SELECT 1 FROM sqlite_master WHERE name = 'schema_version'")
        if not has_schema:
            with self.transaction():
                for statement in SCHEMA.split(";"):  # not executescript: it would COMMIT on its own
                    if statement.strip():
                        self.connection.execute(statement)
                self.connection.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
        version = self.rows("SELECT version FROM schema_version")[0][0]
        if version == 1:  # records from before exported songs were remembered
            with self.transaction():
                self.connection.execute(_statement_creating("exported_files"))
                self.connection.execute("UPDATE schema_version SET version = 2")
            version = 2
        if version > SCHEMA_VERSION:
            self.close()
            raise RecordsError("These Sessions records were made by a newer version of Ward Studio. "
                               "Update the app to open them.")

    @contextlib.contextmanager
    def transaction(self):
        if self._in_transaction:
            raise RuntimeError("transactions do not nest")
        self.connection.execute("BEGIN IMMEDIATE")
        self._in_transaction = True
        try:
            yield self.connection
        except BaseException:
            with contextlib.suppress(sqlcipher3.Error):
                self.connection.execute("ROLLBACK")
            raise
        else:
            try:
                self.connection.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlcipher3.Error):
                    self.connection.execute("ROLLBACK")
                raise
        finally:
            self._in_transaction = False

    def rows(self, sql: str, params: tuple | dict = ()) -> list:
        return self.connection.execute(sql, params).fetchall()

    def rekey(self, new_key: bytes) -> None:
        self.connection.execute(_raw_key(new_key).replace("PRAGMA key", "PRAGMA rekey", 1))

    def integrity_check(self) -> str:
        found = [row[0] for row in self.rows("PRAGMA integrity_check")]
        return "ok" if found == ["ok"] else "; ".join(found)

    def backup_into(self, path: Path, key: bytes) -> None:
        """An encrypted copy through SQLite's backup API (the same key: SQLCipher copies pages as they are)."""
        target = sqlcipher3.connect(str(path), isolation_level=None)
        try:
            target.execute("PRAGMA cipher_log_level = NONE")
            target.execute(_raw_key(key))
            self.connection.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")  # one file, nothing beside it
        finally:
            target.close()

    def close(self) -> None:
        with contextlib.suppress(sqlcipher3.Error):
            self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.connection.close()


def keep_aside(path: Path) -> Path | None:
    """Rename sessions.db (and its -wal and -shm) to sessions.damaged-<date>[-n].db; None if it cannot."""
    if not path.exists():
        return None
    stamp = time.strftime("%Y-%m-%d-%H%M%S")
    for number in range(1, 1000):
        target = path.with_name(f"{path.stem}.damaged-{stamp}{'' if number == 1 else f'-{number}'}{path.suffix}")
        if any(Path(f"{target}{extra}").exists() for extra in ("", "-wal", "-shm")):
            continue
        try:
            os.rename(path, target)
        except OSError:
            return None
        for extra in ("-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.rename(f"{path}{extra}", f"{target}{extra}")
        return target
    return None
