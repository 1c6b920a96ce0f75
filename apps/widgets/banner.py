"""A banner that tells the user what happened, in plain words, for a few seconds.

Messages queue up (a repeat of the one showing is dropped) and each stays long enough to be
read at arm's length; errors stay longer. A tap anywhere on the banner closes it. Looks:
widgets.kv.
"""

from __future__ import annotations

import collections

from kivy.animation import Animation
from kivy.clock import Clock
from kivy.properties import BooleanProperty, ColorProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from apps import theme

SHOW_FOR_S = {"error": 10.0, "warning": 7.0, "notice": 5.0, "done": 4.0}
KIND_COLOURS = {"error": theme.BAD, "warning": theme.WARN, "notice": theme.PRIMARY, "done": theme.GOOD}
MAX_WAITING = 4


class Banner(ButtonBehavior, BoxLayout):
    message = StringProperty("")
    kind = StringProperty("notice")  # error, warning, notice or done
    stripe = ColorProperty(theme.PRIMARY)
    showing = BooleanProperty(False)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.opacity = 0
        self._waiting: collections.deque[tuple[str, str]] = collections.deque(maxlen=MAX_WAITING)
        self._hide_event = None

    def show(self, message: str, kind: str = "notice") -> None:
        if not message or (self.showing and message == self.message):
            return
        if self.showing:
            if (message, kind) not in self._waiting:
                self._waiting.append((message, kind))
            return
        self.message, self.kind = message, kind
        self.stripe = KIND_COLOURS.get(kind, theme.PRIMARY)
        self.showing = True
        Animation.cancel_all(self, "opacity")
        Animation(opacity=1, duration=0.2).start(self)
        self._hide_event = Clock.schedule_once(lambda _dt: self.hide(), SHOW_FOR_S.get(kind, 5.0))

    def hide(self) -> None:
        if self._hide_event is not None:
            self._hide_event.cancel()
            self._hide_event = None
        if not self.showing:
            return
        self.showing = False
        Animation.cancel_all(self, "opacity")
        fade = Animation(opacity=0, duration=0.2)
        fade.bind(on_complete=lambda *_: self._show_next())
        fade.start(self)

    def _show_next(self) -> None:
        if self._waiting and not self.showing:
            self.show(*self._waiting.popleft())

    def on_release(self):
        self.hide()

    # A hidden banner must never swallow a tap meant for what is under it.
    def on_touch_down(self, touch):
        return super().on_touch_down(touch) if self.showing else False

    def on_touch_move(self, touch):
        return super().on_touch_move(touch) if self.showing else False

    def on_touch_up(self, touch):
        return super().on_touch_up(touch) if self.showing else False
