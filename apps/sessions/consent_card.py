"""A participant's consent: who gives it, the four things they may agree to (big toggles with a
plain line each), Save consent, and Withdraw consent (the screen asks first). Looks: consent_card.kv.

    show(consent, pseudonym, now_s)
    on_save(scopes, giver), on_withdraw(giver)      giver: one of words.GIVERS
"""

from __future__ import annotations

import os

from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from apps.sessions.sessions_widgets import BigToggle, SessionsCard  # noqa: F401  (kv classes)
from apps.sessions.words import GIVER_CHOICES, GIVERS, SCOPE_WORDS, consent_detail, giver_of
from studio.sessions.consent import SCOPES


class ConsentCard(SessionsCard):
    detail = StringProperty("")
    message = StringProperty("")
    message_kind = StringProperty("info")

    __events__ = ("on_save", "on_withdraw")

    def on_kv_post(self, base_widget):
        self.ids.giver_scale.choices = [(giver, GIVER_CHOICES[giver]) for giver in GIVERS]
        self.ids.giver_scale.selected = "participant"
        toggles = self.ids.scope_toggles
        for scope in SCOPES:
            title, explanation = SCOPE_WORDS[scope]
            toggles.add_widget(BigToggle(title=title, explanation=explanation, value=scope))

    def toggle_for(self, scope: str) -> BigToggle:
        return next(toggle for toggle in self.ids.scope_toggles.children if toggle.value == scope)

    @property
    def scopes(self) -> set[str]:
        return {toggle.value for toggle in self.ids.scope_toggles.children if toggle.state == "down"}

    @property
    def giver(self) -> str:
        return self.ids.giver_scale.selected or "participant"

    def show(self, consent, pseudonym: str, now_s: float | None = None) -> None:
        self.detail = consent_detail(consent, pseudonym, now_s)
        for toggle in self.ids.scope_toggles.children:
            toggle.state = "down" if consent is not None and consent.covers(toggle.value) else "normal"
        self.ids.giver_scale.selected = giver_of(consent.given_by, pseudonym) if consent else "participant"

    def say(self, message: str, kind: str = "info") -> None:
        self.message, self.message_kind = message, kind

    def on_save(self, scopes, giver):
        """Save consent was tapped."""

    def on_withdraw(self, giver):
        """Withdraw consent was tapped (the screen asks before anything is deleted)."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "consent_card.kv"))
