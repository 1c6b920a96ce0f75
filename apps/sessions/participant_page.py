"""One participant's page for the mentor: their consent and recordings on the left, the session
record on the right, and "Hand the tablet to <name>" at the top. Looks: participant_page.kv.

    show(participant, consent, items, record, now_s, fill=True)
    on_list (back to all participants), on_hand (patient mode for this participant);
    ids.consent_card and ids.session_card fire their own events.
"""

from __future__ import annotations

import os

from kivy.lang import Builder
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from apps.sessions.consent_card import ConsentCard  # noqa: F401  (kv classes)
from apps.sessions.recordings_list import RecordingsList  # noqa: F401
from apps.sessions.session_card import SessionCard  # noqa: F401


class ParticipantPage(BoxLayout):
    participant_id = NumericProperty(0)
    pseudonym = StringProperty("")
    reference = StringProperty("")

    __events__ = ("on_list", "on_hand")

    def show(self, participant, consent, items, record, now_s: float, fill: bool = True) -> None:
        self.participant_id, self.pseudonym = participant.id, participant.pseudonym
        self.reference = participant.reference
        self.ids.consent_card.show(consent, participant.pseudonym, now_s)
        self.ids.recordings.show(items, now_s)
        self.ids.session_card.show(record, now_s, fill)

    def on_list(self):
        """Back to all participants."""

    def on_hand(self):
        """Hand the tablet to this participant was tapped."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "participant_page.kv"))
