"""The session-record half of SessionStore: start, note, end and export session records.

    start_session(participant_id) -> SessionRecord       mentor
    session(session_id)                                  the participant's own, or the mentor
    note_use(session_id, app=None, made=None)            from any app, either mode
    save_session(record), end_session(session_id)        mentor: the notes, with dataclasses.replace()
    session_records(participant_id=None)                 mentor
    export_records_csv(destination, participant_id=None, include_reference=False) -> Path
    export_record_pdf(session_id, destination) -> Path
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from studio.atomic_file import write_atomically
from studio.sessions import catalogue, record_export, session_record
from studio.sessions.records import saving
from studio.sessions.session_record import SessionRecord


class SessionRecordActions:
    """Mixed into SessionStore, whose access, records, clock, mode, participant(), _outside_store()
    and _audit() it uses."""

    def start_session(self, participant_id: int) -> SessionRecord:
        self.access.require_mentor("start a session record")
        self.participant(participant_id)
        with saving("the session record"):
            return session_record.start_session(self.records, participant_id, self.clock(), self.mode)

    def session(self, session_id: int) -> SessionRecord:
        found = session_record.session(self.records, session_id)
        self.access.require_participant(found.participant_id, "see a session record")
        return found

    def note_use(self, session_id: int, app: str | None = None, made: str | None = None) -> SessionRecord:
        """From any app, in either mode: which app was used, what was made."""
        found = self.session(session_id)
        found = replace(found, apps=found.apps + ((app,) if app and app not in found.apps else ()),
                        made=found.made + ((made,) if made else ()))
        with saving("the session record"):
            return session_record.save_session(self.records, found, self.clock(), self.mode)

    def save_session(self, record: SessionRecord) -> SessionRecord:
        """The mentor's notes (and end time): a record from start_session or session(), changed with replace()."""
        self.access.require_mentor("write session notes")
        with saving("the session record"):
            return session_record.save_session(self.records, record, self.clock(), self.mode)

    def end_session(self, session_id: int) -> SessionRecord:
        return self.save_session(replace(self.session(session_id), ended_at_s=self.clock()))

    def session_records(self, participant_id: int | None = None) -> list[SessionRecord]:
        self.access.require_mentor("see session records")
        return session_record.sessions(self.records, participant_id)

    def export_records_csv(self, destination: str | os.PathLike, participant_id: int | None = None,
                           include_reference: bool = False) -> Path:
        rows = [(each, catalogue.participant(self.records, each.participant_id))
                for each in self.session_records(participant_id)]
        destination = self._outside_store(destination)
        with saving("the CSV file"):
            write_atomically(destination, record_export.records_csv(rows, include_reference))
        self._audit("export", participant_id, None, f"{len(rows)} session record(s) as CSV")
        return destination

    def export_record_pdf(self, session_id: int, destination: str | os.PathLike) -> Path:
        self.access.require_mentor("print a session record")
        found = self.session(session_id)
        destination = self._outside_store(destination)
        with saving("the PDF file"):
            write_atomically(destination, record_export.record_pdf(
                found, catalogue.participant(self.records, found.participant_id)))
        self._audit("export", found.participant_id, None, f"session {session_id} as PDF")
        return destination
