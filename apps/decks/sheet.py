"""Sheets: cards that open over the Decks screen (the track browser, the beat grid, the
headphones, a question), on a dimmed screen. While one is open nothing under it can be touched;
a tap on the dimmed part closes it, as Close does. They are widgets of the screen (not Kivy
popups on the window), so screenshots of the studio show them. Looks: sheet.kv.
"""

from __future__ import annotations

import os

from kivy.lang import Builder
from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout


class Sheet(BoxLayout):
    title = StringProperty("")

    __events__ = ("on_close",)

    def close(self) -> None:
        self.dispatch("on_close")

    def on_close(self):
        """The sheet asks to be closed (the host closes it)."""


class ConfirmSheet(Sheet):
    """A question with two answers: "Deck 1 is playing. Load anyway?" [Load anyway] [Cancel]."""

    message = StringProperty("")
    confirm_text = StringProperty("Yes")

    __events__ = ("on_confirm",)

    def confirm(self) -> None:
        self.close()
        self.dispatch("on_confirm")

    def on_confirm(self):
        """The first answer was chosen."""


class SheetHost(FloatLayout):
    """Lies over the whole screen; holds at most one sheet at a time."""

    sheet = ObjectProperty(None, allownone=True)

    def open(self, sheet: Sheet) -> None:
        self.close()
        sheet.bind(on_close=self._closed)
        self.sheet = sheet
        self.add_widget(sheet)

    def close(self) -> None:
        if self.sheet is not None:
            self.sheet.close()

    def _closed(self, sheet) -> None:
        sheet.unbind(on_close=self._closed)
        if sheet.parent is self:
            self.remove_widget(sheet)
        if self.sheet is sheet:
            self.sheet = None

    def on_touch_down(self, touch):
        if self.sheet is None:
            return False
        if not self.sheet.collide_point(*touch.pos):
            self.close()  # a tap beside the sheet closes it
            return True
        self.sheet.on_touch_down(touch)
        return True  # nothing under an open sheet can be touched

    def on_touch_move(self, touch):
        if self.sheet is None:
            return False
        self.sheet.on_touch_move(touch)
        return True

    def on_touch_up(self, touch):
        if self.sheet is None:
            return False
        self.sheet.on_touch_up(touch)
        return True


Builder.load_file(os.path.join(os.path.dirname(__file__), "sheet.kv"))
