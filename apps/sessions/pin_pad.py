"""The PIN pad: a big on-screen number pad (never the system keyboard), dots for what was typed,
what to type, what went wrong, and a countdown while the tablet asks to wait. Looks: pin_pad.kv.

    PinPad(title=..., explanation=..., prompt=...)
        on_pin(pin)     OK was tapped with 4 to 8 digits typed (the typed digits are then cleared)
        on_cancel()     Cancel was tapped (shown when can_cancel)
        waiting         while the tablet asks to wait after wrong PINs: no key does anything
"""

from __future__ import annotations

import os

from kivy.graphics import Color, Ellipse, Line
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from apps import theme

from apps.sessions import sessions_widgets  # noqa: F401  (MessageLine and the shared looks)

MAX_DIGITS = 8
MIN_DIGITS = 4


class PinDots(Widget):
    """A filled dot for each digit typed; rings for the four a PIN needs at least."""

    count = NumericProperty(0)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for name in ("pos", "size", "count"):
            self.fbind(name, self._redraw)
        self._redraw()

    def _redraw(self, *_):
        self.canvas.clear()
        side, step = dp(22), dp(34)
        y = self.center_y - side / 2
        with self.canvas:
            for index in range(max(MIN_DIGITS, int(self.count))):
                x = self.x + index * step
                Color(*theme.TEXT)
                if index < self.count:
                    Ellipse(pos=(x, y), size=(side, side))
                else:
                    Line(ellipse=(x + dp(1), y + dp(1), side - dp(2), side - dp(2)), width=dp(1.5))


class PinPad(BoxLayout):
    title = StringProperty("")
    explanation = StringProperty("")
    prompt = StringProperty("")
    message = StringProperty("")
    message_kind = StringProperty("error")
    countdown = StringProperty("")
    typed_count = NumericProperty(0)
    can_cancel = BooleanProperty(False)
    waiting = BooleanProperty(False)  # after wrong PINs: the keys do nothing until the wait is over

    __events__ = ("on_pin", "on_cancel")

    def __init__(self, **kwargs):
        self._typed = ""
        super().__init__(**kwargs)

    def press(self, key: str) -> None:
        if self.waiting:
            return
        if key == "delete":
            self._typed = self._typed[:-1]
        elif key == "ok":
            if len(self._typed) >= MIN_DIGITS:
                pin, self._typed = self._typed, ""
                self.typed_count = 0
                self.dispatch("on_pin", pin)
                return
            self.say(f"A PIN has {MIN_DIGITS} to {MAX_DIGITS} digits.", "error")
        elif key.isdigit() and len(self._typed) < MAX_DIGITS:
            self._typed += key
        self.typed_count = len(self._typed)

    def clear(self) -> None:
        self._typed = ""
        self.typed_count = 0

    def say(self, message: str, kind: str = "error") -> None:
        self.message, self.message_kind = message, kind

    def show(self, title: str, explanation: str, prompt: str, can_cancel: bool = False) -> None:
        self.title, self.explanation, self.prompt, self.can_cancel = title, explanation, prompt, can_cancel
        self.message = ""
        self.clear()

    def key_button(self, key: str):
        """The button of a key ("0".."9", "delete", "ok"), for tests that tap it."""
        return self.ids[f"key_{key}"]

    def on_pin(self, pin: str):
        """OK was tapped with a PIN typed."""

    def on_cancel(self):
        """Cancel was tapped."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "pin_pad.kv"))
