"""Mentor and patient mode: a participant sees only their own work; settings, files and other people's work
are the mentor's; every refusal is audited; the mentor's mode locks itself when the tablet is left."""

import pytest

from studio.sessions.access import LOCKED, MENTOR, MENTOR_IDLE_LOCK_S, PATIENT, PATIENT_IDLE_LOCK_S, AccessDenied
from studio.sessions.vault import PinWait, WrongPin
from tests.studio.sessions.conftest import PIN, sine_wav

NOT_YOURS = "That belongs to someone else, so it cannot be opened here."
LOCKED_SAYS = "Sessions is locked. The mentor's PIN opens it."


@pytest.fixture
def takes(store, maya, jay):
    made = {}
    for person in (maya, jay):
        store.record_consent(person.id, {"record", "keep"}, person.pseudonym)
        made[person.pseudonym] = store.save(person.id, "take", sine_wav(0.1), "Take 1")
    return made


def test_patient_mode_shows_only_the_participants_own_work(store, maya, jay, takes):
    store.hand_to(maya.id)
    assert store.mode == PATIENT
    assert store.participants() == [maya]
    assert store.items(maya.id) == [takes["Maya"]]
    assert store.open_item(takes["Maya"].id) == sine_wav(0.1)
    assert b"".join(store.item_chunks(takes["Maya"].id)) == sine_wav(0.1)
    made = store.save(maya.id, "take", sine_wav(0.2), "Take 2")  # recording goes on as usual
    assert made.participant_id == maya.id


@pytest.mark.parametrize("attempt", [
    lambda store, jay, take: store.items(jay.id),
    lambda store, jay, take: store.open_item(take.id),
    lambda store, jay, take: store.item_chunks(take.id),
    lambda store, jay, take: store.delete_item(take.id),
    lambda store, jay, take: store.participant(jay.id),
    lambda store, jay, take: store.save(jay.id, "take", b"x", "Not mine"),
])
def test_patient_mode_cannot_reach_another_participants_work(store, maya, jay, takes, attempt):
    store.hand_to(maya.id)
    with pytest.raises(AccessDenied) as caught:
        attempt(store, jay, takes["Jay"])
    assert str(caught.value) == NOT_YOURS
    store.unlock(PIN)
    denied = [entry for entry in store.audit_log() if entry.action == "denied"]
    assert len(denied) == 1 and denied[0].mode == PATIENT and denied[0].participant_id == jay.id
    assert f"participant {maya.id} holds the tablet" in denied[0].detail
    assert store.items(jay.id) == [takes["Jay"]]  # the mentor can


@pytest.mark.parametrize("what, call", [
    ("open the settings", lambda store, maya: store.require_mentor("open the settings")),
    ("open the tablet's files", lambda store, maya: store.require_mentor("open the tablet's files")),
    ("change how long recordings are kept", lambda store, maya: store.set_retention_days(30)),
    ("make a backup", lambda store, maya: store.backup_to("/nowhere")),
    ("see the audit log", lambda store, maya: store.audit_log()),
    ("see session records", lambda store, maya: store.session_records()),
    ("record consent", lambda store, maya: store.record_consent(maya.id, {"perform"}, "Maya")),
    ("withdraw consent", lambda store, maya: store.withdraw_consent(maya.id, "Maya")),
    ("add a participant", lambda store, maya: store.add_participant("Someone")),
    ("change the PIN", lambda store, maya: store.change_pin(PIN, "1111")),
])
def test_settings_files_and_mentor_actions_are_refused_in_patient_mode_and_audited(store, maya, what, call):
    store.hand_to(maya.id)
    with pytest.raises(AccessDenied) as caught:
        call(store, maya)
    assert str(caught.value) == f"Only the mentor can {what}. Ask your mentor to unlock Sessions with the PIN."
    store.unlock(PIN)
    denied = [entry for entry in store.audit_log() if entry.action == "denied"]
    assert [entry.detail.split(":")[0] for entry in denied] == [what]


def test_locked_refuses_everything_until_the_pin(store, maya, takes):
    store.lock()
    assert store.mode == LOCKED and store.participants() == []
    for attempt in (lambda: store.items(maya.id), lambda: store.open_item(takes["Maya"].id),
                    lambda: store.require_mentor("open the settings")):
        with pytest.raises(AccessDenied, match=f"^{LOCKED_SAYS}$"):
            attempt()
    store.unlock(PIN)
    assert store.mode == MENTOR and len(store.participants()) == 2


def test_the_mentor_pin_backs_off_with_a_fake_clock(store, clock):
    store.lock()
    for _ in range(4):
        with pytest.raises(WrongPin):
            store.unlock("1357")
    with pytest.raises(WrongPin, match="Wait 30 seconds"):
        store.unlock("1357")
    clock.advance(29)
    with pytest.raises(PinWait, match=r"Wait 1 second before"):
        store.unlock(PIN)
    assert store.mode == LOCKED
    clock.advance(1)
    store.unlock(PIN)
    assert store.mode == MENTOR


def test_the_mentor_mode_locks_itself_when_left(store, maya, clock):
    store.touch()
    clock.advance(MENTOR_IDLE_LOCK_S - 1)
    assert store.mode == MENTOR
    store.touch()  # in use: the idle time starts again
    clock.advance(MENTOR_IDLE_LOCK_S - 1)
    assert store.mode == MENTOR
    clock.advance(1)
    assert store.mode == LOCKED  # nobody was handed the tablet
    with pytest.raises(AccessDenied, match=LOCKED_SAYS):
        store.require_mentor("open the settings")


def test_a_mentor_left_after_handing_over_drops_to_patient_mode_then_locks(store, maya, clock):
    store.hand_to(maya.id)
    store.unlock(PIN)  # the mentor steps in to help
    clock.advance(MENTOR_IDLE_LOCK_S)
    assert store.mode == PATIENT and store.participants() == [maya]
    clock.advance(PATIENT_IDLE_LOCK_S - 1)
    assert store.mode == PATIENT
    clock.advance(1)
    assert store.mode == LOCKED and store.participants() == []
    store.unlock(PIN)
    modes = [entry.detail for entry in store.audit_log() if entry.action == "mode"]
    assert modes[:3] == ["mentor (PIN)", "locked (idle)", "patient (idle)"]
