"""The mentor's actions of the Sessions screen: participants, consent (withdrawing it after a
question), session records and their export, and handing the tablet to a participant.

Mixed into SessionsScreen, whose store, clock, page, home, participant_id, attempt(), fail(),
tell() and show_for_mode() it uses; a withdrawal fires its on_withdrawn.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from apps.sessions.confirm_sheets import withdraw_sheet
from apps.sessions.words import (consent_summary, count_text, file_name_part, given_by_text, minutes_text,
                                 names_text, when_text)

RECORDS_FOLDER = ("exports", "session-records")


def default_export_folder() -> Path:
    from studio.beats.storage import data_dir  # here, not at the top: it loads the beat engine

    return data_dir().joinpath(*RECORDS_FOLDER)


class MentorActions:
    def _bind_page(self, page) -> None:
        page.bind(on_list=lambda *_: self.open_home(), on_hand=lambda *_: self.hand_to_participant())
        page.ids.consent_card.bind(on_save=lambda _card, scopes, giver: self.save_consent(scopes, giver),
                                   on_withdraw=lambda _card, giver: self.ask_withdraw(giver))
        page.ids.session_card.bind(on_start=lambda *_: self.start_session(), on_end=lambda *_: self.end_session(),
                                   on_save=lambda _card, fields: self.save_notes(fields),
                                   on_export=lambda _card, kind: self.export_record(kind))

    # ---- participants --------------------------------------------------------------------------
    def show_home(self) -> None:
        store = self.store
        self.home.show([(person, consent_summary(store.consent(person.id)), len(self.work_of(person.id)))
                        for person in store.participants()])

    def add_participant(self, pseudonym: str, reference: str = ""):
        done, person = self.attempt(self.store.add_participant, pseudonym, reference.strip(), say=self.home.say)
        if done:
            self.home.added()
            message = f"{person.pseudonym} was added. Tap their name to record consent before their first recording."
            self.home.say(message, "info")
            self.tell(message, "info")
            self.show_home()
        return person

    def open_participant(self, participant_id: int) -> None:
        done, _person = self.attempt(self.store.participant, participant_id)
        if done and self.require_mentor("open another participant's page"):
            self.participant_id = participant_id
            for card in (self.page.ids.consent_card, self.page.ids.session_card):
                card.say("")
            self.page.ids.left_scroll.scroll_y = self.page.ids.right_scroll.scroll_y = 1
            self._show("participant")

    def latest_record(self, participant_id: int):
        records = self.store.session_records(participant_id)
        return records[-1] if records else None

    def show_participant(self, fill: bool = True) -> None:
        store, participant_id = self.store, self.participant_id
        person = store.participant(participant_id)
        self.page.show(person, store.consent(participant_id), self.work_of(participant_id),
                       self.latest_record(participant_id), self.clock(), fill)

    def _person(self):
        return self.store.participant(self.participant_id)

    # ---- consent -------------------------------------------------------------------------------------
    def save_consent(self, scopes, giver: str) -> None:
        card, person = self.page.ids.consent_card, self._person()
        done, _consent = self.attempt(self.store.record_consent, person.id, set(scopes),
                                      given_by_text(giver, person.pseudonym), say=card.say)
        if done:
            self.show_participant(fill=False)
            card.say(f"Consent saved, {when_text(self.clock(), self.clock()).lower()}.", "info")

    def ask_withdraw(self, giver: str) -> None:
        person = self._person()
        done, items = self.attempt(self.work_of, person.id, say=self.page.ids.consent_card.say)
        if not done:
            return
        sheet = withdraw_sheet(person.pseudonym, items)
        sheet.bind(on_confirm=lambda *_: self.withdraw(giver))
        self.ids.sheets.open(sheet)

    def withdraw(self, giver: str) -> None:
        card, person = self.page.ids.consent_card, self._person()
        done, deleted = self.attempt(self.store.withdraw_consent, person.id, given_by_text(giver, person.pseudonym),
                                     say=card.say)
        if not done:
            return
        went = (f"Deleted {count_text(len(deleted), 'recording')}: {names_text(deleted)}." if deleted
                else "Nothing had been saved, so nothing was deleted.")
        message = f"{person.pseudonym}'s consent was withdrawn. {went}"
        self.show_participant(fill=False)
        card.say(message, "info")
        self.tell(message, "info")
        self.dispatch("on_withdrawn", person.id, [item.name for item in deleted])

    # ---- the session record --------------------------------------------------------------------------
    def start_session(self) -> None:
        card, person = self.page.ids.session_card, self._person()
        done, record = self.attempt(self.store.start_session, person.id, say=card.say)
        if not done:
            return
        self._running[person.id] = record.id
        self._last_started = person.id
        self.show_participant()
        consent = self.store.consent(person.id)
        later = "" if consent is not None and consent.covers("record") else \
            f" {person.pseudonym} has not agreed to being recorded yet: record consent before recording."
        card.say(f"Session started.{later}", "info")

    def _save_form(self):
        """The form's notes saved into the latest record: the record, or None (said)."""
        card, record = self.page.ids.session_card, self.latest_record(self.participant_id)
        if record is None:
            self.fail("Start a session first: the notes belong to a session.", card.say)
            return None
        done, saved = self.attempt(self.store.save_session, replace(record, **card.fields()), say=card.say)
        return saved if done else None

    def save_notes(self, _fields=None) -> None:
        if self._save_form() is not None:
            self.show_participant(fill=False)
            self.page.ids.session_card.say("Notes saved.", "info")

    def end_session(self) -> None:
        card = self.page.ids.session_card
        record = self._save_form()
        if record is None:
            return
        done, ended = self.attempt(self.store.end_session, record.id, say=card.say)
        if done:
            self._running.pop(ended.participant_id, None)
            self.show_participant(fill=False)
            card.say(f"Session ended after {minutes_text(ended.length_s)}. The notes were saved.", "info")

    def export_record(self, kind: str) -> None:
        card, person = self.page.ids.session_card, self._person()
        record = self._save_form()
        if record is None:
            return
        folder = Path(self.settings_panel.export_folder or default_export_folder()).expanduser()
        day = datetime.fromtimestamp(self.clock()).strftime("%Y-%m-%d")
        name = file_name_part(person.pseudonym)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            self.fail(f"The folder {folder} could not be made ({error.strerror or error})", card.say)
            return
        if kind == "pdf":
            done, path = self.attempt(self.store.export_record_pdf, record.id,
                                      folder / f"session-{record.id}-{name}-{day}.pdf", say=card.say)
        else:
            done, path = self.attempt(self.store.export_records_csv, folder / f"session-records-{name}-{day}.csv",
                                      person.id, say=card.say)
        if done:
            self.show_participant(fill=False)
            message = f"Saved: {path}"
            card.say(message, "info")
            self.tell(message, "info")

    # ---- patient mode ----------------------------------------------------------------------------------
    def hand_to_participant(self) -> None:
        person = self._person()
        done, _ = self.attempt(self.store.hand_to, person.id, say=self.page.ids.session_card.say)
        if done:
            self.show_for_mode(f"{person.pseudonym} has the tablet: only {person.possessive} own work shows. "
                               "Mentor and the PIN bring everything back.")
