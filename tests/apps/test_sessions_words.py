"""What the Sessions screens say and count, without a display: the PIN steps (set twice, change
as old + new twice), the retention stepper's steps, consent in plain words, and file names."""

import pytest

from apps.sessions.mentor_settings import next_retention_days
from apps.sessions.pin_steps import NOT_THE_SAME, PinSteps
from apps.sessions.words import consent_summary, file_name_part, given_by_text, giver_of, retention_text
from studio.sessions.consent import Consent
from studio.sessions.vault import PinError

pytestmark = pytest.mark.ui


def test_setting_a_pin_asks_twice_and_starts_again_when_they_differ():
    steps = PinSteps("set")
    with pytest.raises(PinError, match=r"^A PIN is 4 to 8 digits, numbers only\.$"):
        steps.give("123456789")
    assert steps.give("2468") is None and steps.prompt == "Type the same PIN again."
    with pytest.raises(PinError, match=NOT_THE_SAME):
        steps.give("2469")
    assert steps.prompt == "Type a new PIN: 4 to 8 digits."
    assert steps.give("2468") is None and steps.give("2468") == ("2468", "2468")


def test_changing_a_pin_keeps_the_old_one_when_the_new_ones_differ():
    steps = PinSteps("change")
    assert steps.give("0000") is None and steps.give("1357") is None
    with pytest.raises(PinError, match=NOT_THE_SAME):
        steps.give("1358")
    assert steps.prompt == "Type the new PIN: 4 to 8 digits."
    assert steps.give("8642") is None and steps.give("8642") == ("0000", "8642", "8642")
    assert PinSteps("unlock").give("0000") == ("0000",)


def test_the_retention_stepper_moves_between_plain_steps():
    assert [next_retention_days(90, 1), next_retention_days(90, -1)] == [180, 60]
    assert [next_retention_days(45, 1), next_retention_days(45, -1)] == [60, 30]
    assert [next_retention_days(7, -1), next_retention_days(1095, 1)] == [7, 1095]
    assert retention_text(1) == "Recordings are deleted after 1 day."


def test_consent_in_plain_words():
    assert consent_summary(None) == "No consent yet"
    given = Consent(1, 1, frozenset({"share", "record"}), "Maya", 0.0)
    assert consent_summary(given) == "Agreed to: record, share"
    assert consent_summary(Consent(1, 1, frozenset(), "Maya", 0.0)) == "Agreed to nothing yet"
    for giver in ("participant", "carer", "mentor"):
        assert giver_of(given_by_text(giver, "MC Corridor"), "MC Corridor") == giver
    assert file_name_part(" MC Corridor/../x ") == "MC-Corridor-x" and file_name_part("!!") == "participant"
