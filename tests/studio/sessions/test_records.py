"""The records database: encrypted, WAL, and plain words for a missing or damaged file, a wrong key, a full disk."""

import errno
import os

import pytest

from studio.sessions import records as records_module
from studio.sessions import sealed_files
from studio.sessions.records import DATABASE_NAME, SCHEMA_VERSION, Records, RecordsError, StorageFull
from studio.sessions.store import SessionStore
from studio.sessions.vault import Vault
from tests.studio.sessions.conftest import PIN, sine_wav

DAMAGED = (r"^The Sessions records could not be opened: the file is damaged, or it was locked with a different PIN\. "
           r"It was kept as \"sessions\.damaged-[0-9-]+\.db\" in .*, untouched\. Restore a backup, or start new "
           r"records\.$")


def reopen(folder, clock, **options):
    return SessionStore.open(folder, PIN, clock=clock, idle_clock=clock, **options)


def test_the_database_is_in_wal_mode_with_full_sync_and_a_schema_version(store):
    assert store.records.rows("PRAGMA journal_mode")[0][0] == "wal"
    assert store.records.rows("PRAGMA synchronous")[0][0] == 2
    assert store.records.rows("SELECT version FROM schema_version")[0][0] == SCHEMA_VERSION == 2
    assert store.integrity_check() == "ok"


def test_a_damaged_database_is_said_once_and_kept_aside_untouched(store, maya, folder, clock):
    store.close()
    garbage = os.urandom(8192)
    (folder / DATABASE_NAME).write_bytes(garbage)
    with pytest.raises(RecordsError, match=DAMAGED) as caught:
        reopen(folder, clock)
    assert caught.value.kept_aside.read_bytes() == garbage
    assert not (folder / DATABASE_NAME).exists()
    with pytest.raises(RecordsError, match="are missing") as caught:
        reopen(folder, clock)  # never a new empty file without the mentor choosing it
    assert caught.value.missing


def test_a_database_damaged_in_the_middle_is_caught_too(store, folder, clock):
    for number in range(300):
        store.add_participant(f"Artist {number}")
    store.close()
    raw = bytearray((folder / DATABASE_NAME).read_bytes())
    raw[len(raw) // 2: len(raw) // 2 + 64] = os.urandom(64)
    (folder / DATABASE_NAME).write_bytes(bytes(raw))
    with pytest.raises(RecordsError, match=DAMAGED):
        reopen(folder, clock)


def test_a_wrong_key_gives_the_same_plain_message(store, folder):
    store.close()
    with pytest.raises(RecordsError, match=DAMAGED) as caught:
        Records.open(folder, bytes(32))
    assert caught.value.kept_aside.exists()


def test_missing_records_are_said_and_new_ones_start_only_when_asked(store, maya, folder, clock):
    store.record_consent(maya.id, {"record", "keep"}, "Maya")
    store.save(maya.id, "take", sine_wav(0.1), "Take 1")
    store.close()
    (folder / DATABASE_NAME).unlink()
    with pytest.raises(RecordsError, match=r"^The Sessions records \(sessions\.db\) are missing from .*\. Restore a "
                                           r"backup, or start new records\.$"):
        reopen(folder, clock)
    fresh = reopen(folder, clock, new_records_if_missing=True)
    try:
        assert fresh.participants() == [] and fresh.integrity_check() == "ok"
        assert any("could not be matched" in note for note in fresh.notes)
        kept = [path for path in folder.iterdir() if path.name.startswith("media-unmatched-")]
        assert len(kept) == 1 and len(list(kept[0].iterdir())) == 1  # the old take, still sealed, kept aside
    finally:
        fresh.close()


def test_a_full_database_disk_is_said_and_nothing_saved_before_is_lost(store, maya):
    store.records.connection.execute("PRAGMA max_page_count = " + str(
        store.records.rows("PRAGMA page_count")[0][0]))  # the database may not grow: as on a full disk
    with pytest.raises(StorageFull) as caught:
        for number in range(200):
            store.add_participant(f"Artist {number} " + "x" * 30)
    assert str(caught.value).startswith("The tablet's storage is full: the new participant was not saved, and "
                                        "nothing saved before was lost.")
    assert maya in store.participants()
    assert store.integrity_check() == "ok"


def test_a_full_disk_while_sealing_a_take_is_said_and_leaves_nothing_half(store, maya, folder, monkeypatch):
    store.record_consent(maya.id, {"record", "keep"}, "Maya")
    first = store.save(maya.id, "take", sine_wav(0.5), "Take 1")

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(sealed_files.os, "write", full)
    with pytest.raises(StorageFull, match=r'^The tablet\'s storage is full: "Take 2" was not saved, and nothing '
                                          r'saved before was lost\. Make room'):
        store.save(maya.id, "take", sine_wav(0.5), "Take 2")
    monkeypatch.undo()
    assert store.items(maya.id) == [first]
    assert sorted(path.name for path in (folder / "media").iterdir()) == [first.path.split("/")[1]]
    assert store.open_item(first.id) == sine_wav(0.5)


def test_a_newer_schema_is_refused_in_plain_words(store, folder, clock):
    with store.records.transaction() as connection:
        connection.execute("UPDATE schema_version SET version = 99")
    store.close()
    with pytest.raises(RecordsError, match="made by a newer version of Ward Studio"):
        reopen(folder, clock)


def test_a_failed_transaction_leaves_nothing_behind(store, maya):
    with pytest.raises(ZeroDivisionError):
        with store.records.transaction() as connection:
            connection.execute("INSERT INTO participants (pseudonym, created_at_s) VALUES ('Half', 0)")
            1 / 0
    assert [each.pseudonym for each in store.participants()] == ["Maya"]


def test_the_keys_file_opens_nothing_without_the_pin(store, folder, clock):
    store.close()
    keys = Vault(folder, clock).unlock(PIN)
    assert Records.open(folder, keys.database_key).integrity_check() == "ok"


def test_records_held_by_another_copy_of_the_app_are_said_and_never_kept_aside(store, folder, monkeypatch):
    monkeypatch.setattr(records_module, "BUSY_TIMEOUT_S", 0.1)
    store.records.connection.execute("PRAGMA locking_mode = EXCLUSIVE")
    store.add_participant("Holds the lock")
    keys = Vault(folder, store.clock).unlock(PIN)
    with pytest.raises(RecordsError, match=r"^The Sessions records could not be opened \(another copy of the app "
                                           r"has it open\)\. Nothing was changed") as caught:
        Records.open(folder, keys.database_key)
    assert caught.value.kept_aside is None and (folder / DATABASE_NAME).exists()


def test_records_of_version_1_are_brought_up_to_date_when_opened(store, folder, clock, maya):
    with store.records.transaction() as connection:
        connection.execute("DROP TABLE exported_files")
        connection.execute("UPDATE schema_version SET version = 1")
    store.close()
    reopened = reopen(folder, clock)
    try:
        assert reopened.records.rows("SELECT version FROM schema_version")[0][0] == 2
        assert reopened.records.rows("SELECT COUNT(*) FROM exported_files")[0][0] == 0
        assert [person.pseudonym for person in reopened.participants()] == ["Maya"]
        assert reopened.integrity_check() == "ok"
    finally:
        reopened.close()
