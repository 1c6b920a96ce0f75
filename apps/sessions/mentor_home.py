"""The mentor's home in Sessions: every participant (artist name, what they agreed to, how many
recordings) and a card to add one. Looks: mentor_home.kv.

    show(rows)    rows: [(Participant, consent summary, number of recordings)]
    on_open(participant_id), on_add(pseudonym, reference)
"""

from __future__ import annotations

import os

from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from apps.sessions.sessions_widgets import ListRow
from apps.sessions.words import count_text


class MentorHome(BoxLayout):
    message = StringProperty("")
    message_kind = StringProperty("info")

    __events__ = ("on_open", "on_add")

    def show(self, rows) -> None:
        listed = self.ids.participant_rows
        listed.clear_widgets()
        for person, summary, recordings in rows:
            row = ListRow(title=person.pseudonym, detail=summary, aside=count_text(recordings, "recording"),
                          value=person.id)
            row.bind(on_release=lambda tapped: self.dispatch("on_open", tapped.value))
            listed.add_widget(row)
        self.ids.empty_label.text = "" if rows else "No participants yet. Add one on the right."

    def row_for(self, pseudonym: str) -> ListRow:
        return next(row for row in self.ids.participant_rows.children if row.title == pseudonym)

    def add(self) -> None:
        self.dispatch("on_add", self.ids.pseudonym_input.text, self.ids.reference_input.text)

    def added(self) -> None:
        self.ids.pseudonym_input.text = ""
        self.ids.reference_input.text = ""

    def say(self, message: str, kind: str = "info") -> None:
        self.message, self.message_kind = message, kind

    def on_open(self, participant_id: int):
        """A participant's row was tapped."""

    def on_add(self, pseudonym: str, reference: str):
        """Add participant was tapped."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "mentor_home.kv"))
