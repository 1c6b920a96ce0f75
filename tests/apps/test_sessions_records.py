"""Touching the Sessions session record and the mentor settings: start and end a session, note
which apps were used, tap the mood faces and the word scales, save, export the one-page PDF and
the CSV; keep recordings for longer or shorter, back up (a cloud folder refused with the
store's reason) and restore a backup after a question and its PIN."""

import csv

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from tests.apps.sessions_support import PIN, SessionsTouchCase  # noqa: E402

pytestmark = pytest.mark.ui


class SessionRecordTest(SessionsTouchCase):
    def test_a_session_is_started_noted_ended_and_exported(self):
        screen = self.set_pin()
        maya, = self.add_participants("Maya")
        store = screen.store
        page = self.open_page("Maya")
        card = page.ids.session_card
        assert not card.has_record and card.ids.save_notes_button.disabled
        assert not screen.note_use("beats")  # no session going on
        self.tap(card.ids.start_button)
        record, = store.session_records(maya.id)
        assert record.ended_at_s is None and card.running
        assert card.message == "Session started. Maya has not agreed to being recorded yet: record consent " \
                               "before recording."
        assert screen.note_use("beats", "Beat: Night bus") and screen.note_use("mic", "Take 1")

        self.tap_in_scroll(card.ids.mood_before_scale.face(2))
        self.tap_in_scroll(card.ids.engagement_scale.button_for("joined in most of the time"))
        self.tap_in_scroll(card.ids.communication_scale.button_for("good"))
        self.tap_in_scroll(card.ids.mood_after_scale.face(4))
        card.ids.incidents_input.text = "Left the room for five minutes; came back calmer."
        self.tap_in_scroll(card.ids.save_notes_button)
        record, = store.session_records(maya.id)
        assert (record.mood_before, record.mood_after, record.engagement, record.communication) == \
            (2, 4, "joined in most of the time", "good")
        assert record.incidents.startswith("Left the room") and record.apps == ("beats", "mic")
        assert card.message == "Notes saved." and card.use == "Apps used: Beats, Mic. Made: Beat: Night bus, Take 1."

        self.tap_in_scroll(card.ids.mood_after_scale.face(4))  # tapped again: not noted
        self.pass_time(40 * 60)
        self.scroll_to(card.ids.start_button)
        self.tap(card.ids.start_button)  # End session saves the notes with it
        record, = store.session_records(maya.id)
        assert record.ended_at_s == self.clock() and record.mood_after is None and not card.running
        assert card.message == "Session ended after 40 minutes. The notes were saved."

        self.tap_in_scroll(card.ids.pdf_button)
        pdf = self.folder / "exports" / f"session-{record.id}-Maya-{self.day()}.pdf"
        assert card.message == f"Saved: {pdf}" and self.last_message("info") == card.message
        assert pdf.read_bytes().startswith(b"%PDF") and b"/Count 1" in pdf.read_bytes()
        self.tap_in_scroll(card.ids.csv_button)
        table = self.folder / "exports" / f"session-records-Maya-{self.day()}.csv"
        assert card.message == f"Saved: {table}"
        rows = list(csv.DictReader(table.read_text(encoding="utf-8-sig").splitlines()))
        assert [(row["pseudonym"], row["minutes"], row["mood_before"], row["communication"]) for row in rows] == \
            [("Maya", "40", "2", "good")]

        self.tap_in_scroll(card.ids.start_button)  # the next session: the other apps note into it, unless locked
        assert screen.running_session_id == store.session_records(maya.id)[-1].id
        assert screen.working_participant_id == maya.id
        screen.lock()
        assert screen.running_session_id is None and not screen.note_use("decks")
        assert screen.unlocked_store is None and screen.working_participant_id is None

    def day(self) -> str:
        from datetime import datetime

        return datetime.fromtimestamp(self.clock()).strftime("%Y-%m-%d")


class MentorSettingsTest(SessionsTouchCase):
    def test_keeping_backing_up_and_restoring(self):
        screen = self.set_pin()
        self.add_participants("Maya", "Jay")
        store = screen.store
        self.tap(screen.ids.settings_button)
        panel = screen.settings_panel
        assert screen.view == "settings" and panel.retention_words == "Recordings are deleted after 90 days."
        self.tap(panel.ids.more_days_button)
        assert store.retention_days == 180 and panel.keeping_message == \
            "Saved. Recordings are deleted after 180 days."
        self.tap(panel.ids.fewer_days_button)
        self.tap(panel.ids.fewer_days_button)
        assert store.retention_days == 60
        assert 0 < len(panel.ids.audit_lines.children) <= 50
        assert any("recordings kept for 60 days" in line.text for line in panel.ids.audit_lines.children)

        cloud = self.folder / "Dropbox" / "ward"
        panel.ids.backup_folder_input.text = str(cloud)
        self.tap_in_scroll(panel.ids.backup_button)
        assert "Dropbox copies to the internet" in panel.backup_message and panel.backup_kind == "error"
        assert self.last_message("error") == panel.backup_message
        panel.ids.backup_folder_input.text = str(self.folder / "backups")
        self.tap_in_scroll(panel.ids.backup_button)
        made, = (self.folder / "backups").iterdir()
        assert panel.backup_message == f"Backed up to {made}"
        row, = panel.ids.backup_rows.children
        store.add_participant("Later")  # after the backup: the restore takes it away

        self.tap_in_scroll(row)
        sheet = screen.ids.sheets.sheet
        assert sheet.title == "Restore this backup?" and "Work saved since then is lost" in sheet.message
        self.tap(sheet.ids.confirm_button)
        assert screen.view == "restore_pin"
        self.type_pin(PIN)
        assert screen.view == "home" and screen.store is not store
        assert [person.pseudonym for person in screen.store.participants()] == ["Jay", "Maya"]
        assert self.last_message("info") == f"The backup {made.name} was restored."

        self.tap(screen.ids.settings_button)
        self.tap_in_scroll(panel.ids.export_all_button)
        assert panel.records_message.startswith("Saved: ") and panel.records_message.endswith(".csv")
        self.tap_in_scroll(panel.ids.lock_button)
        assert screen.view == "unlock" and screen.store.mode == "locked"

    def test_a_restore_with_the_wrong_pin_changes_nothing_and_asks_for_the_pin_again(self):
        screen = self.set_pin()
        self.add_participants("Maya")
        made = screen.store.backup_to(self.folder / "backups")
        self.tap(screen.ids.settings_button)
        screen.ask_restore(str(made))
        self.advance_frames(1)
        self.tap(screen.ids.sheets.sheet.ids.confirm_button)
        self.enter_pin("1111")
        assert screen.view == "unlock" and screen.store is None
        assert self.pad.message.startswith("That PIN is not right.") and \
            self.pad.message.endswith("Type the PIN to open Sessions again.")
        self.enter_pin(PIN)
        assert screen.view == "home" and [p.pseudonym for p in screen.store.participants()] == ["Maya"]
