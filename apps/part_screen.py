"""What every studio part's screen (Beats, Mic...) shares: Back, telling the user something,
and running one of its session's verbs so that a value out of range is said, never a crash."""

from __future__ import annotations

from kivy.uix.screenmanager import Screen

from studio.engine.client import ActionRefused


class PartScreen(Screen):
    __events__ = ("on_back", "on_message")

    def tell(self, message: str, kind: str = "notice") -> None:
        self.dispatch("on_message", message, kind)

    def _do(self, verb, *args) -> bool:
        """Run one of the session's verbs, then draw again; a ValueError is said in the banner
        (and False returned)."""
        done = False
        try:
            verb(*args)
            done = True
        except ActionRefused as refusal:  # not allowed now: the reason is already a sentence
            self.tell(str(refusal), "error")
        except ValueError as error:
            self.tell(f"That could not be done: {error}.", "notice")
        self.refresh()
        return done

    def refresh(self, *_):
        """Draw what the session holds (each screen has its own)."""

    def _changed(self, what: str) -> None:
        self.refresh()

    def on_back(self):
        """Back was tapped."""

    def on_message(self, message: str, kind: str):
        """Something to tell the user (the root shows it in the banner)."""
