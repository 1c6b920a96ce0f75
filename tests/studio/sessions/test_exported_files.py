"""Songs the Export app wrote for a participant are audited, and deleted when their consent is
withdrawn, but only while they are the very files exported; the others are named, never touched."""

import os

import pytest

from studio.sessions import catalogue
from studio.sessions.access import AccessDenied


def exported(tmp_path, name: str, data: bytes = b"ID3 a song") -> object:
    folder = tmp_path / "Music" / "Ward Studio"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def test_exports_are_audited_and_deleted_with_consent(store, maya, jay, tmp_path):
    store.record_consent(maya.id, {"record", "keep", "perform"}, "Maya")
    song, stem = exported(tmp_path, "Sunrise.mp3"), exported(tmp_path, "Sunrise - Vocals.wav")
    jays = exported(tmp_path, "Jay's tune.mp3")
    store.note_exported(maya.id, [song, stem], "a song")
    store.note_exported(jay.id, [jays], "a song")
    [entry] = [each for each in catalogue.audit_log(store.records, participant_id=maya.id) if each.action == "export"]
    assert "Sunrise.mp3" in entry.detail and "Ward Studio" in entry.detail

    cleanup = store.delete_exported(maya.id)
    assert sorted(path.name for path in cleanup.deleted) == ["Sunrise - Vocals.wav", "Sunrise.mp3"]
    assert cleanup.left == [] and not song.exists() and not stem.exists() and jays.exists()
    deletions = [each.detail for each in catalogue.audit_log(store.records, participant_id=maya.id)
                 if each.action == "delete"]
    assert len(deletions) == 2 and all("consent was withdrawn" in detail for detail in deletions)
    assert store.delete_exported(maya.id).deleted == []  # done with: nothing is tried twice


def test_a_file_changed_or_gone_since_its_export_is_left_and_named(store, maya, tmp_path):
    changed, gone = exported(tmp_path, "Sunrise.mp3"), exported(tmp_path, "Moonrise.mp3")
    store.note_exported(maya.id, [changed, gone], "a performance set")
    changed.write_bytes(b"ID3 someone else's song, saved over it")
    os.unlink(gone)
    cleanup = store.delete_exported(maya.id)
    assert cleanup.deleted == [] and changed.exists()
    assert len(cleanup.left) == 2
    assert any("Sunrise.mp3 has changed since it was exported" in line for line in cleanup.left)
    assert any("Moonrise.mp3 is no longer in" in line for line in cleanup.left)


def test_a_participant_cannot_note_exports_for_someone_else(store, maya, jay, tmp_path):
    store.hand_to(jay.id)
    with pytest.raises(AccessDenied):
        store.note_exported(maya.id, [exported(tmp_path, "x.mp3")], "a song")
    store.note_exported(jay.id, [exported(tmp_path, "y.mp3")], "a song")
