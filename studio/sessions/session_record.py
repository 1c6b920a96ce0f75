"""The record of one session: when, which apps, what was made, and the mentor's structured notes.

    SessionRecord(participant_id, started_at_s, ...)    check_record(record) -> the record, or ValueError
    start_session(records, participant_id, at_s, mode) -> SessionRecord
    save_session(records, record, at_s, mode) -> SessionRecord    new (id None) or changed; audited
    session(records, session_id), sessions(records, participant_id=None)   oldest first

The notes use fixed scales so that the clinical team can compare sessions: engagement and
communication are words from ENGAGEMENT_SCALE and COMMUNICATION_SCALE, mood before and after
is 1 to 5 on a picture scale (MOOD_WORDS says what each face means); incidents and notes are
free text. "" or None means "not noted".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from studio.sessions.catalogue import audit, check_label
from studio.sessions.records import Records

APPS = ("beats", "decks", "mic", "export", "sessions")
ENGAGEMENT_SCALE = ("did not join in", "joined in a little", "joined in some of the time",
                    "joined in most of the time", "joined in all the way through")
COMMUNICATION_SCALE = ("none", "a little", "some", "good", "very good")
MOOD_WORDS = {1: "very low", 2: "low", 3: "okay", 4: "good", 5: "very good"}
MAX_TEXT_CHARACTERS = 4000
MAX_MADE_ENTRIES = 50
MAX_MADE_CHARACTERS = 80


@dataclass(frozen=True)
class SessionRecord:
    participant_id: int
    started_at_s: float  # seconds since 1970 (time.time())
    ended_at_s: float | None = None  # None while the session goes on
    apps: tuple[str, ...] = ()  # from APPS, in the order first used
    made: tuple[str, ...] = ()  # "Take 3", "Beat: Night bus"...
    engagement: str = ""
    communication: str = ""
    mood_before: int | None = None
    mood_after: int | None = None
    incidents: str = ""
    notes: str = ""
    id: int | None = None

    @property
    def length_s(self) -> float | None:
        return None if self.ended_at_s is None else self.ended_at_s - self.started_at_s


def _check_text(what: str, text: object) -> str:
    if not isinstance(text, str):
        raise ValueError(f"{what} must be text")
    text = text.strip().replace("\r\n", "\n")
    if len(text) > MAX_TEXT_CHARACTERS:
        raise ValueError(f"{what} can be at most {MAX_TEXT_CHARACTERS} characters, got {len(text)}")
    return text


def _check_mood(what: str, mood: object) -> int | None:
    if mood is None:
        return None
    if isinstance(mood, bool) or not isinstance(mood, int) or mood not in MOOD_WORDS:
        raise ValueError(f"{what} must be 1 to 5 (1 very low, 5 very good), got {mood!r}")
    return mood


def _check_word(what: str, word: object, scale: tuple[str, ...]) -> str:
    if word != "" and word not in scale:
        raise ValueError(f"{what} must be one of: {'; '.join(scale)} (or not noted), got {word!r}")
    return word


def check_record(record: SessionRecord) -> SessionRecord:
    if not isinstance(record.started_at_s, (int, float)) or isinstance(record.started_at_s, bool):
        raise ValueError("the start time must be a number of seconds")
    if record.ended_at_s is not None and record.ended_at_s < record.started_at_s:
        raise ValueError("a session cannot end before it starts")
    apps = tuple(record.apps)
    unknown = [app for app in apps if app not in APPS]
    if unknown:
        raise ValueError(f"apps must be from {', '.join(APPS)}; not {', '.join(map(str, unknown))}")
    made = tuple(check_label("what was made", each, MAX_MADE_CHARACTERS) for each in record.made)
    if len(made) > MAX_MADE_ENTRIES:
        raise ValueError(f"a session can list at most {MAX_MADE_ENTRIES} things made, got {len(made)}")
    return replace(
        record, apps=tuple(dict.fromkeys(apps)), made=made,
        engagement=_check_word("engagement", record.engagement, ENGAGEMENT_SCALE),
        communication=_check_word("communication", record.communication, COMMUNICATION_SCALE),
        mood_before=_check_mood("mood before", record.mood_before),
        mood_after=_check_mood("mood after", record.mood_after),
        incidents=_check_text("incidents", record.incidents), notes=_check_text("notes", record.notes))


def start_session(records: Records, participant_id: int, at_s: float, mode: str) -> SessionRecord:
    return save_session(records, SessionRecord(participant_id, at_s), at_s, mode)


def save_session(records: Records, record: SessionRecord, at_s: float, mode: str) -> SessionRecord:
    record = check_record(record)
    values = (record.participant_id, record.started_at_s, record.ended_at_s, json.dumps(list(record.apps)),
              json.dumps(list(record.made), ensure_ascii=False), record.engagement, record.communication,
              record.mood_before, record.mood_after, record.incidents, record.notes)
    columns = ("participant_id, started_at_s, ended_at_s, apps, made, engagement, communication, mood_before, "
               "mood_after, incidents, notes")
    with records.transaction() as connection:
        if record.id is None:
            cursor = connection.execute(f"INSERT INTO sessions ({columns}) VALUES ({', '.join('?' * 11)})", values)
            record = replace(record, id=cursor.lastrowid)
            audit(connection, at_s, "session", mode, record.participant_id, None, f"session {record.id} started")
        else:
            assignments = ", ".join(f"{name.strip()} = ?" for name in columns.split(","))
            cursor = connection.execute(f"UPDATE sessions SET {assignments} WHERE id = ?", values + (record.id,))
            if cursor.rowcount != 1:
                raise ValueError(f"There is no session number {record.id} in Sessions.")
            audit(connection, at_s, "session", mode, record.participant_id, None, f"session {record.id} noted")
    return record


def _record(row) -> SessionRecord:
    return SessionRecord(row["participant_id"], row["started_at_s"], row["ended_at_s"], tuple(json.loads(row["apps"])),
                         tuple(json.loads(row["made"])), row["engagement"], row["communication"], row["mood_before"],
                         row["mood_after"], row["incidents"], row["notes"], row["id"])


def session(records: Records, session_id: int) -> SessionRecord:
    found = records.rows("SELECT * FROM sessions WHERE id = ?", (session_id,))
    if not found:
        raise ValueError(f"There is no session number {session_id} in Sessions.")
    return _record(found[0])


def sessions(records: Records, participant_id: int | None = None) -> list[SessionRecord]:
    if participant_id is None:
        rows = records.rows("SELECT * FROM sessions ORDER BY started_at_s, id")
    else:
        rows = records.rows("SELECT * FROM sessions WHERE participant_id = ? ORDER BY started_at_s, id",
                            (participant_id,))
    return [_record(row) for row in rows]
