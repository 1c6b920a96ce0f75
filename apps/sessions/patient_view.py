"""Patient mode: the participant who holds the tablet sees their own name and recordings, and a
Mentor button that asks for the PIN; nothing else. Looks: patient_view.kv."""

from __future__ import annotations

import os

from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from apps.sessions.recordings_list import RecordingsList  # noqa: F401  (kv class)


class PatientView(BoxLayout):
    pseudonym = StringProperty("")
    message = StringProperty("")
    message_kind = StringProperty("error")

    __events__ = ("on_mentor",)

    def show(self, pseudonym: str, items, now_s: float | None = None) -> None:
        self.pseudonym = pseudonym
        self.ids.recordings.show(items, now_s)

    def say(self, message: str, kind: str = "error") -> None:
        self.message, self.message_kind = message, kind

    def on_mentor(self):
        """Mentor was tapped: the screen asks for the PIN."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "patient_view.kv"))
