"""Backups: made with SQLite's backup API into an encrypted copy, restored only after every check passed,
and never into (or from within) a folder a cloud service copies to the internet."""

import json
import os
import shutil

import pytest

from studio.sessions import backup as backup_module
from studio.sessions.backup import BackupError, StorageFolderRefused, check_storage_folder, finish_interrupted_restore
from studio.sessions.records import Records
from studio.sessions.store import SessionStore
from studio.sessions.vault import Vault, WrongPin
from tests.studio.sessions.conftest import PIN, TEST_SCRYPT_N, sine_wav


@pytest.fixture
def filled(store, maya, jay):
    for person in (maya, jay):
        store.record_consent(person.id, {"record", "keep"}, person.pseudonym)
    made = [store.save(maya.id, "take", sine_wav(1.5), "Take 1"), store.save(jay.id, "beat", b"{beat}", "Beat 1")]
    session = store.start_session(maya.id)
    store.note_use(session.id, "mic", "Take 1")
    return made


def test_a_backup_then_restore_brings_everything_back(store, filled, folder, tmp_path, clock):
    made = store.backup_to(tmp_path / "stick")
    assert made.name.startswith("ward-studio-backup-") and not list((tmp_path / "stick").glob(".*"))
    manifest = json.loads((made / "manifest.json").read_text())
    assert set(manifest["files"]) == {"sessions.db", "vault.json", *(item.path for item in filled)}
    raw_db = (made / "sessions.db").read_bytes()
    assert not raw_db.startswith(b"SQLite format 3") and not (made / "sessions.db-wal").exists()
    for item in filled:  # the sealed files are copied as they are
        assert (made / item.path).read_bytes() == (folder / item.path).read_bytes()
    before = (store.participants(), store.session_records())
    store.withdraw_consent(filled[0].participant_id, "Maya")  # then something changes
    store.add_participant("Later")
    store.close()

    restored = SessionStore.restore(made, folder, PIN, clock=clock, idle_clock=clock)
    try:
        assert restored.audit_log()[0].action == "restore"
        assert (restored.participants(), restored.session_records()) == before
        assert restored.open_item(filled[0].id) == sine_wav(1.5)
        assert restored.open_item(filled[1].id) == b"{beat}"
        assert restored.integrity_check() == "ok"
    finally:
        restored.close()
    assert sorted(path.name for path in folder.parent.iterdir() if path.name.startswith(".")) == []


def test_a_restore_checks_everything_before_it_changes_anything(store, filled, folder, tmp_path, clock):
    made = store.backup_to(tmp_path / "stick")
    store.close()
    before = {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    damaged = tmp_path / "damaged"
    shutil.copytree(made, damaged)
    (damaged / filled[0].path).write_bytes(b"changed")
    with pytest.raises(BackupError, match=r"^This backup is incomplete or damaged \(media/.*\.sealed is missing or "
                                          r"changed\)\. Nothing was changed\.$"):
        SessionStore.restore(damaged, folder, PIN, clock=clock, idle_clock=clock)
    with pytest.raises(WrongPin):
        SessionStore.restore(made, folder, "1111", clock=clock, idle_clock=clock)
    (tmp_path / "empty").mkdir()
    with pytest.raises(BackupError, match="is not a whole Ward Studio backup"):
        SessionStore.restore(tmp_path / "empty", folder, PIN, clock=clock, idle_clock=clock)
    assert {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()} == before
    assert not list(folder.parent.glob(".sessions.*"))


def test_a_backup_with_damaged_records_is_refused_by_the_integrity_check(store, filled, folder, tmp_path, clock):
    made = store.backup_to(tmp_path / "stick")
    store.close()
    raw = bytearray((made / "sessions.db").read_bytes())
    raw[-500:-400] = os.urandom(100)  # the last page: a table's contents
    (made / "sessions.db").write_bytes(bytes(raw))
    manifest = json.loads((made / "manifest.json").read_text())  # as if it had been damaged before the backup
    manifest["files"]["sessions.db"]["sha256"] = backup_module._sha256(made / "sessions.db")
    (made / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match=r"^The records in this backup (are damaged|cannot be opened).*Nothing was "
                                          r"changed\.$"):
        SessionStore.restore(made, folder, PIN, clock=clock, idle_clock=clock)
    reopened = SessionStore.open(folder, PIN, clock=clock, idle_clock=clock)
    reopened.close()


def test_a_restore_the_app_stopped_in_keeps_the_store_from_before(store, filled, folder, tmp_path, clock,
                                                                  monkeypatch):
    made = store.backup_to(tmp_path / "stick")
    store.add_participant("After the backup")
    store.close()
    real_rename, renames = os.rename, []

    def stop_after_first_rename(source, target):
        renames.append(target)
        if len(renames) == 2:
            raise KeyboardInterrupt  # between moving the old store aside and moving the new one in
        return real_rename(source, target)

    monkeypatch.setattr(backup_module.os, "rename", stop_after_first_rename)
    with pytest.raises(KeyboardInterrupt):
        SessionStore.restore(made, folder, PIN, clock=clock, idle_clock=clock)
    monkeypatch.undo()
    assert not folder.exists()
    reopened = SessionStore.open(folder, PIN, clock=clock, idle_clock=clock)
    try:
        assert reopened.notes[0].startswith("A restore from a backup did not finish")
        assert "After the backup" in [each.pseudonym for each in reopened.participants()]
    finally:
        reopened.close()
    assert finish_interrupted_restore(folder) == "" and not list(folder.parent.glob(".sessions.*"))


@pytest.mark.parametrize("path, service", [
    ("~/Dropbox/ward", "Dropbox"), ("~/Dropbox (Trust)/ward", "Dropbox"), ("~/OneDrive - NHS Trust/music", "OneDrive"),
    ("~/Google Drive/My Drive/x", "Google Drive"), ("~/Library/Mobile Documents/com~apple~CloudDocs/x", "iCloud"),
    ("~/Library/CloudStorage/Box-Box/x", "Box"), ("~/Library/CloudStorage/Other/x", "a cloud storage service"), ("~/iCloud Drive/x", "iCloud"),
    ("~/Nextcloud/x", "Nextcloud"), ("~/ownCloud/x", "ownCloud"), ("~/pCloudDrive/x", "pCloud"),
    ("~/MEGA/x", "MEGA"), ("~/Box/x", "Box"), ("~/Box Sync/x", "Box"),
])
def test_cloud_synced_folders_are_refused_with_the_reason(path, service):
    with pytest.raises(StorageFolderRefused) as caught:
        check_storage_folder(path)
    assert f"which {service} copies to the internet" in str(caught.value)
    assert "Participants' recordings must stay on the tablet or on the ward's own drive" in str(caught.value)


@pytest.mark.parametrize("path", ["~/ward-studio/sessions", "/media/stick/backups", "~/Megan/music", "~/boxes/x",
                                  "~/Inbox/x"])
def test_ordinary_folders_are_not_taken_for_cloud_ones(path):
    check_storage_folder(path)


def test_a_sync_clients_marker_file_gives_a_folder_away(tmp_path):
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / ".dropbox").write_text("{}")
    with pytest.raises(StorageFolderRefused, match="Dropbox"):
        check_storage_folder(tmp_path / "work" / "sessions")


def test_a_link_into_a_cloud_folder_is_followed(tmp_path):
    (tmp_path / "Dropbox").mkdir()
    (tmp_path / "innocent").symlink_to(tmp_path / "Dropbox")
    with pytest.raises(StorageFolderRefused, match="Dropbox"):
        check_storage_folder(tmp_path / "innocent" / "sessions")


def test_the_store_and_its_backups_refuse_cloud_folders(tmp_path, clock, store):
    with pytest.raises(StorageFolderRefused):
        SessionStore.create(tmp_path / "OneDrive" / "sessions", PIN, scrypt_n=TEST_SCRYPT_N, clock=clock)
    with pytest.raises(StorageFolderRefused, match="cannot be used for a backup"):
        store.backup_to(tmp_path / "Dropbox")
    assert not (tmp_path / "OneDrive").exists()


def test_a_backup_opens_only_with_the_pin_of_its_day(store, filled, tmp_path, clock):
    made = store.backup_to(tmp_path / "stick")
    store.change_pin(PIN, "97531")
    keys = Vault(made, clock).unlock(PIN)
    Records.open(made, keys.database_key).close()
