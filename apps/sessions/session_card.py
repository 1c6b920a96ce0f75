"""The session record of a participant's latest session: Start a session / End session, which
apps were used and what was made, and the mentor's notes on fixed scales (mood before and after
as drawn faces, how they joined in, how they communicated), issues or incidents, other notes;
Save, Export PDF and Export CSV. Looks: session_card.kv.

    show(record, now_s, fill=True)    record: a SessionRecord or None; fill: put its notes in the form
    fields() -> dict                  the form, as SessionRecord fields
    on_start, on_end, on_save(fields), on_export(kind)     kind: "pdf" or "csv"
"""

from __future__ import annotations

import os

from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty

from apps.sessions.mood_faces import MoodScale  # noqa: F401  (kv classes)
from apps.sessions.sessions_widgets import SessionsCard, WordScale  # noqa: F401
from apps.sessions.words import session_status, session_use
from studio.sessions.session_record import COMMUNICATION_SCALE, ENGAGEMENT_SCALE


def _choices(scale) -> list[tuple[str, str]]:
    return [(word, word[0].upper() + word[1:]) for word in scale]


class SessionCard(SessionsCard):
    status = StringProperty("")
    use = StringProperty("")
    has_record = BooleanProperty(False)
    running = BooleanProperty(False)
    message = StringProperty("")
    message_kind = StringProperty("info")

    __events__ = ("on_start", "on_end", "on_save", "on_export")

    def on_kv_post(self, base_widget):
        self.ids.engagement_scale.choices = _choices(ENGAGEMENT_SCALE)
        self.ids.communication_scale.choices = _choices(COMMUNICATION_SCALE)

    def show(self, record, now_s: float, fill: bool = True) -> None:
        self.status, self.use = session_status(record, now_s), session_use(record)
        self.has_record = record is not None
        self.running = record is not None and record.ended_at_s is None
        if not fill:
            return
        ids = self.ids
        ids.mood_before_scale.selected = record.mood_before if record else None
        ids.mood_after_scale.selected = record.mood_after if record else None
        ids.engagement_scale.selected = (record.engagement or None) if record else None
        ids.communication_scale.selected = (record.communication or None) if record else None
        ids.incidents_input.text = record.incidents if record else ""
        ids.notes_input.text = record.notes if record else ""

    def fields(self) -> dict:
        ids = self.ids
        return {"mood_before": ids.mood_before_scale.selected, "mood_after": ids.mood_after_scale.selected,
                "engagement": ids.engagement_scale.selected or "",
                "communication": ids.communication_scale.selected or "",
                "incidents": ids.incidents_input.text, "notes": ids.notes_input.text}

    def start_or_end(self) -> None:
        self.dispatch("on_end" if self.running else "on_start")

    def say(self, message: str, kind: str = "info") -> None:
        self.message, self.message_kind = message, kind

    def on_start(self):
        """Start a session was tapped."""

    def on_end(self):
        """End session was tapped (the notes typed so far are saved with it)."""

    def on_save(self, fields):
        """Save notes was tapped."""

    def on_export(self, kind):
        """Export PDF ("pdf") or Export CSV ("csv") was tapped."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "session_card.kv"))
