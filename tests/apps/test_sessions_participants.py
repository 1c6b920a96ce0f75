"""Touching the Sessions participants: adding one (no real names), recording consent with the big
toggles, withdrawing it after a question that says what will go (and then saying what went), and
handing the tablet to a participant: patient mode shows only their work, and what the store
refuses there is said in its words."""

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from studio.sessions.access import MENTOR_ONLY_MESSAGE, NOT_YOURS_MESSAGE  # noqa: E402
from tests.apps.sessions_support import PIN, SessionsTouchCase, sine_wav  # noqa: E402

pytestmark = pytest.mark.ui


class ParticipantsTest(SessionsTouchCase):
    def test_adding_a_participant_by_artist_name(self):
        screen = self.set_pin()
        home = screen.home
        self.tap(home.ids.add_button)  # no name typed: the store's reason, beside the button
        assert home.message == "An artist name cannot be empty." and home.message_kind == "error"
        assert self.last_message("error") == home.message
        home.ids.pseudonym_input.text = "  MC Corridor "
        home.ids.reference_input.text = "W12-004"
        self.tap(home.ids.add_button)
        person, = screen.store.participants()
        assert (person.pseudonym, person.reference) == ("MC Corridor", "W12-004")
        assert home.ids.pseudonym_input.text == "" and home.message.startswith("MC Corridor was added.")
        row = home.row_for("MC Corridor")
        assert (row.detail, row.aside) == ("No consent yet", "0 recordings")
        home.ids.pseudonym_input.text = "MC Corridor"
        self.tap(home.ids.add_button)
        assert home.message == "There is already a participant called MC Corridor. Choose another artist name."

    def test_consent_is_recorded_by_tapping_the_toggles(self):
        screen = self.set_pin()
        maya, = self.add_participants("Maya")
        page = self.open_page("Maya")
        card = page.ids.consent_card
        assert card.detail == "No consent recorded yet. Record it before Maya's first recording."
        self.tap(card.ids.giver_scale.button_for("carer"))
        for scope in ("record", "keep", "perform"):
            self.tap_in_scroll(card.toggle_for(scope))
        self.tap_in_scroll(card.toggle_for("perform"))  # changed their mind
        self.tap_in_scroll(card.ids.save_consent_button)
        consent = screen.store.consent(maya.id)
        assert consent.scopes == {"record", "keep"} and consent.given_by == "a parent or carer of Maya"
        assert card.message.startswith("Consent saved")
        assert card.detail.startswith("Given by a parent or carer of Maya, Today ") and \
            card.detail.endswith("for: being recorded, keeping recordings.")
        self.tap(page.ids.list_button)
        assert screen.home.row_for("Maya").detail == "Agreed to: record, keep"

    def test_withdrawing_consent_asks_first_says_what_will_go_and_what_went(self):
        screen = self.set_pin()
        maya, jay = self.add_participants("Maya", "Jay")
        store = screen.store
        for person in (maya, jay):
            store.record_consent(person.id, {"record", "keep"}, person.pseudonym)
        store.save(maya.id, "take", sine_wav(0.2), "Take 1")
        store.save(maya.id, "beat", b"{}", "Night bus")
        store.save(jay.id, "take", sine_wav(0.2), "Jay's take")
        page = self.open_page("Maya")
        assert page.ids.recordings.names == ["Night bus", "Take 1"]
        card = page.ids.consent_card
        self.tap_in_scroll(card.ids.withdraw_button)
        sheet = screen.ids.sheets.sheet
        assert sheet.title == "Withdraw Maya's consent?"
        assert sheet.message.startswith("Are you sure? These will be deleted for good (2 recordings): ")
        assert "Take 1" in sheet.message and "Night bus" in sheet.message
        self.tap(sheet.ids.cancel_button)
        assert screen.ids.sheets.sheet is None and len(store.items(maya.id)) == 2

        self.tap_in_scroll(card.ids.withdraw_button)
        self.tap(screen.ids.sheets.sheet.ids.confirm_button)
        assert store.items(maya.id) == [] and store.consent(maya.id) is None
        assert [item.name for item in store.items(jay.id)] == ["Jay's take"]
        assert card.message.startswith("Maya's consent was withdrawn. Deleted 2 recordings: ")
        assert "Take 1" in card.message and "Night bus" in card.message
        assert self.last_message("info") == card.message
        assert page.ids.recordings.names == [] and card.detail.startswith("No consent recorded yet.")

    def test_patient_mode_shows_only_their_work_and_says_what_is_refused(self):
        screen = self.set_pin()
        maya, jay, _ = self.add_participants("Maya", "Jay", "DJ Ward")
        store = screen.store
        store.record_consent(maya.id, {"record", "keep"}, "Maya")
        store.record_consent(jay.id, {"record", "keep"}, "Jay")
        store.save(maya.id, "take", sine_wav(0.2), "Take 1")
        store.save(jay.id, "take", sine_wav(0.2), "Jay's secret take")
        page = self.open_page("Maya")
        self.tap(page.ids.hand_button)
        assert screen.view == "patient" and store.mode == "patient"
        assert screen.current_participant_id == maya.id == screen.working_participant_id
        assert screen.is_set_up and screen.unlocked_store is store
        assert screen.patient.pseudonym == "Maya" and screen.patient.ids.recordings.names == ["Take 1"]
        assert screen.subtitle == "Maya has the tablet" and not screen.mentor_tools
        assert screen.ids.settings_button.disabled and screen.ids.lock_button.disabled
        self.tap(screen.ids.settings_button)  # folded away: a tap there does nothing
        assert screen.view == "patient"

        screen.open_settings()
        assert screen.view == "patient"
        assert screen.patient.message == MENTOR_ONLY_MESSAGE.format(what="open the settings")
        assert self.last_message("error") == screen.patient.message
        screen.open_participant(jay.id)
        assert screen.patient.message == NOT_YOURS_MESSAGE and screen.view == "patient"
        assert not screen.require_mentor("open the tablet's files")
        assert screen.patient.message == MENTOR_ONLY_MESSAGE.format(what="open the tablet's files")

        self.tap(screen.patient.ids.mentor_button)
        assert screen.view == "unlock"
        self.tap(self.pad.ids.cancel_button)
        assert screen.view == "patient"
        self.tap(screen.patient.ids.mentor_button)
        self.type_pin(PIN)
        assert screen.view == "home" and screen.require_mentor("open the settings")
