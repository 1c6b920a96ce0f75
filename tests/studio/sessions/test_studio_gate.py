"""The gate the studio asks before recording a voice or exporting for a show: touch and MIDI
both record through EngineClient.act, so a guard there refuses either, with the store's words."""

from __future__ import annotations

import pytest

from studio.controls import Action
from studio.engine.client import ActionRefused, EngineClient
from studio.sessions.studio_gate import NO_PARTICIPANT, NO_PARTICIPANT_EXPORT, StudioGate
from studio.settings import AudioSettings

RECORD = Action("mic", "recording", 1.0)


def gate_for(store, participant, set_up=True):
    return StudioGate(lambda: set_up, lambda: store, lambda: participant.id if participant else None)


def test_recording_needs_a_participant_who_agreed_to_it(store, maya):
    gate = gate_for(store, maya)
    refusal = gate.refuse_action(RECORD)
    assert "Maya" in refusal and "record" in refusal.lower()
    assert gate.refuse_action(Action("mic", "recording", 0.0)) == ""  # stopping is always allowed
    assert gate.refuse_action(Action("deck1", "playing", 1.0)) == ""
    store.record_consent(maya.id, {"record", "keep"}, "the participant")
    assert gate.refuse_action(RECORD) == ""


def test_exporting_for_a_show_needs_consent_to_perform(store, maya):
    gate = gate_for(store, maya)
    store.record_consent(maya.id, {"record", "keep"}, "the participant")
    assert "Maya" in gate.refuse_export("performance")
    store.record_consent(maya.id, {"record", "keep", "perform"}, "the participant")
    assert gate.refuse_export("performance") == ""
    assert gate.refuse_export("sharing") != ""  # sharing outside the ward is its own consent
    with pytest.raises(ValueError, match="purpose must be one of"):
        gate.refuse_export("radio")


def test_nobody_chosen_or_sessions_locked_is_refused_and_a_tablet_without_sessions_is_not(store, maya):
    assert gate_for(store, None).refuse_action(RECORD) == NO_PARTICIPANT
    assert gate_for(None, maya).refuse_export() == NO_PARTICIPANT_EXPORT  # locked: no open store
    assert gate_for(None, None, set_up=False).refuse_action(RECORD) == ""


def test_the_engine_client_refuses_a_guarded_action_and_keeps_nothing_of_it(store, maya):
    client = EngineClient(AudioSettings(backend="none"))  # not started: nothing is sent anywhere
    client.add_guard(gate_for(store, maya).refuse_action)
    with pytest.raises(ActionRefused, match="Maya"):
        client.act("mic", "recording", 1)
    client.act("mic", "gain_db", 6)  # others go through
    assert client.value("mic", "gain_db") == 6.0
