"""Changing the PIN re-keys the records and keeps the sealed files as they are; stopped at any step, the
store still opens, with whichever of the two PINs the mentor types next."""

import pytest

from studio.sessions.records import Records
from studio.sessions.store import SessionStore
from studio.sessions.vault import WrongPin
from tests.studio.sessions.conftest import PIN, sine_wav

NEW_PIN = "97531"


@pytest.fixture
def take(store, maya):
    store.record_consent(maya.id, {"record", "keep"}, "Maya")
    return store.save(maya.id, "take", sine_wav(0.5), "Take 1")


def opened(folder, pin, clock):
    return SessionStore.open(folder, pin, clock=clock, idle_clock=clock)


def test_a_new_pin_opens_the_same_records_and_files(store, take, folder, clock):
    sealed_before = (folder / take.path).read_bytes()
    store.change_pin(PIN, NEW_PIN)
    assert store.open_item(take.id) == sine_wav(0.5)  # the open store carries on
    store.close()
    assert (folder / take.path).read_bytes() == sealed_before  # audio was not encrypted again
    with pytest.raises(WrongPin):
        opened(folder, PIN, clock)
    reopened = opened(folder, NEW_PIN, clock)
    try:
        assert reopened.open_item(take.id) == sine_wav(0.5) and reopened.integrity_check() == "ok"
        assert "pin-change" in [entry.action for entry in reopened.audit_log()]
    finally:
        reopened.close()


def test_a_wrong_old_pin_changes_nothing(store, take, folder, clock):
    with pytest.raises(WrongPin):
        store.change_pin("1111", NEW_PIN)
    store.close()
    opened(folder, PIN, clock).close()


@pytest.mark.parametrize("stopped", ["before re-keying", "after re-keying"])
@pytest.mark.parametrize("typed", [PIN, NEW_PIN])
def test_a_pin_change_stopped_part_way_opens_with_either_pin(store, take, folder, clock, monkeypatch, stopped, typed):
    real_rekey = Records.rekey

    def rekey_then_stop(self, new_key):
        if stopped == "after re-keying":
            real_rekey(self, new_key)
        raise KeyboardInterrupt

    monkeypatch.setattr(Records, "rekey", rekey_then_stop)
    with pytest.raises(KeyboardInterrupt):
        store.change_pin(PIN, NEW_PIN)
    monkeypatch.undo()
    store.close()
    reopened = opened(folder, typed, clock)
    try:
        assert reopened.open_item(take.id) == sine_wav(0.5) and reopened.integrity_check() == "ok"
    finally:
        reopened.close()
    other = NEW_PIN if typed == PIN else PIN
    with pytest.raises(WrongPin):
        opened(folder, other, clock)
    opened(folder, typed, clock).close()  # the PIN typed is the PIN now
