"""Retention: recordings older than the set number of days are deleted, each deletion audited; recordings
without consent to keep them go when their session is over."""

import pytest

from studio.sessions.retention import DAY_S, DEFAULT_RETENTION_DAYS, UNKEPT_GRACE_S
from studio.sessions.store import SessionStore
from tests.studio.sessions.conftest import PIN, sine_wav


def later(store, clock, seconds: float) -> None:
    """Time passes; the mentor's mode locked itself meanwhile, so the mentor unlocks again."""
    clock.advance(seconds)
    store.unlock(PIN)


def files_in(folder):
    return sorted(path.name for path in (folder / "media").iterdir())


def test_recordings_older_than_the_retention_time_are_deleted_and_audited(store, maya, jay, folder, clock):
    assert store.retention_days == DEFAULT_RETENTION_DAYS
    store.set_retention_days(30)
    for person in (maya, jay):
        store.record_consent(person.id, {"record", "keep"}, person.pseudonym)
    old = store.save(maya.id, "take", sine_wav(0.1), "Old take")
    later(store, clock, 10 * DAY_S)
    newer = store.save(jay.id, "beat", b"{}", "Newer beat")
    later(store, clock, 20 * DAY_S)
    assert store.sweep() == []  # exactly 30 days: still kept
    later(store, clock, 1)
    assert store.sweep() == [old]
    assert files_in(folder) == [newer.path.split("/")[1]]
    deletion = [entry for entry in store.audit_log() if entry.action == "delete"]
    assert len(deletion) == 1 and deletion[0].item_id == old.id
    assert deletion[0].detail == 'take "Old take": older than 30 days'
    assert deletion[0].at_s == clock()
    later(store, clock, 10 * DAY_S)
    assert store.sweep() == [newer]


def test_the_retention_time_is_kept_in_the_records(store, folder, clock):
    store.set_retention_days(14)
    store.close()
    reopened = SessionStore.open(folder, PIN, clock=clock, idle_clock=clock)
    try:
        assert reopened.retention_days == 14
        assert [entry.detail for entry in reopened.audit_log() if entry.action == "setting"] == [
            "recordings kept for 14 days"]
    finally:
        reopened.close()


@pytest.mark.parametrize("days", [0, -1, 3651, 2.5, "30", True])
def test_a_retention_time_out_of_range_is_refused(store, days):
    with pytest.raises(ValueError, match=r"^recordings can be kept for 1 to 3650 days, got"):
        store.set_retention_days(days)


def test_without_consent_to_keep_recordings_last_only_for_their_session(store, maya, clock):
    store.record_consent(maya.id, {"record"}, "Maya")
    session = store.start_session(maya.id)
    in_session = store.save(maya.id, "take", sine_wav(0.1), "Take 1", session_id=session.id)
    loose = store.save(maya.id, "take", sine_wav(0.1), "Take 2")
    assert store.sweep() == []  # the session goes on
    clock.advance(60)
    store.end_session(session.id)
    assert store.sweep() == [in_session]
    later(store, clock, UNKEPT_GRACE_S)
    assert store.sweep() == [loose]
    assert {entry.detail.split(": ")[1] for entry in store.audit_log() if entry.action == "delete"} == {
        "not agreed to be kept after the session"}


def test_the_sweep_runs_when_the_store_opens(store, maya, folder, clock):
    store.set_retention_days(1)
    store.record_consent(maya.id, {"record", "keep"}, "Maya")
    store.save(maya.id, "take", sine_wav(0.1), "Take 1")
    store.close()
    clock.advance(2 * DAY_S)
    reopened = SessionStore.open(folder, PIN, clock=clock, idle_clock=clock)
    try:
        assert reopened.notes == ["1 recording(s) were deleted because their keeping time was over."]
        assert reopened.items(maya.id) == [] and files_in(folder) == []
    finally:
        reopened.close()
