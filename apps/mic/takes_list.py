"""The Mic screen's takes, newest first: each a big row with its name, length, when it was
recorded, a star for the best take, Play/Stop (with what played along) and Delete.

Tapping a row selects the take (the screen shows its words); tapping it again lets it go.
Rename (in the header, for the selected take) opens a big text field above the list; Delete
asks nothing, and Undo in the header brings the take back. The list shows what it is given
(show) and says what a finger did through events; the screen decides. Looks: takes_list.kv.
"""

from __future__ import annotations

import os
from datetime import datetime

from kivy.core.text import Label as CoreLabel
from kivy.lang import Builder
from kivy.metrics import dp, sp
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from apps import theme
from apps.mic.mic_widgets import MicCard, keep_in_tree
from studio.mic.take_writer import clock_text

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
UNDO_NAME_CHARACTERS = 14  # a longer name is shortened on the Undo button


def when_text(created: str, now: datetime | None = None) -> str:
    """When a take was recorded, the way people say it: "Today 14:32", "Yesterday 09:05",
    "Monday 16:10" (this week), "3 March 14:32" (this year), "3 March 2025"."""
    try:
        moment = datetime.fromisoformat(created).astimezone()
    except ValueError:
        return ""
    now = (now or datetime.now()).astimezone()
    time_of_day = f"{moment.hour:02d}:{moment.minute:02d}"
    days_ago = (now.date() - moment.date()).days
    if days_ago == 0:
        return f"Today {time_of_day}"
    if days_ago == 1:
        return f"Yesterday {time_of_day}"
    if 1 < days_ago < 7:
        return f"{DAYS[moment.weekday()]} {time_of_day}"
    date = f"{moment.day} {MONTHS[moment.month - 1]}"
    return f"{date} {time_of_day}" if moment.year == now.year else f"{date} {moment.year}"


def take_detail(take, now: datetime | None = None) -> str:
    """The line under a take's name: "0:42 · Today 14:32" (the best take says so beside its name)."""
    parts = [clock_text(take.length_s), when_text(take.created, now)]
    if take.recovered:
        parts.append("saved after a stop")
    return " \u00b7 ".join(part for part in parts if part)


def short_name(name: str, characters: int = UNDO_NAME_CHARACTERS) -> str:
    return name if len(name) <= characters else name[:characters - 1].rstrip() + "\u2026"


class TakeRow(ButtonBehavior, BoxLayout):
    take_id = StringProperty("")
    name = StringProperty("")
    detail = StringProperty("")
    best = BooleanProperty(False)
    selected = BooleanProperty(False)
    playing = BooleanProperty(False)
    can_play = BooleanProperty(True)


class TakesList(MicCard):
    selected_id = StringProperty("")  # "" when no take is selected
    undo_text = StringProperty("")  # the Undo button's words; "" hides it
    undo_width = NumericProperty(0)
    renaming = BooleanProperty(False)
    rename_title = StringProperty("")

    __events__ = ("on_select", "on_play", "on_best", "on_delete", "on_rename", "on_undo")

    def __init__(self, **kwargs):
        self.rows: dict[str, TakeRow] = {}
        self._shown_keys: list[tuple] = []
        self._renaming_id = ""
        super().__init__(**kwargs)

    def on_kv_post(self, base_widget):
        ids = self.ids
        ids.name_input.bind(on_text_validate=lambda *_: self.finish_rename(True))
        # Strong references (ids are weak): these are out of the tree while they are not shown.
        self.rename_button, self.undo_button = ids.rename_button.__self__, ids.undo_button.__self__
        self.rename_bar = ids.rename_bar.__self__
        for name in ("selected_id", "renaming", "undo_text"):
            self.fbind(name, self._show_buttons)
        self._show_buttons()

    def _show_buttons(self, *_):
        ids = self.ids
        keep_in_tree(self.rename_button, ids.rename_slot, bool(self.selected_id) and not self.renaming)
        keep_in_tree(self.undo_button, ids.undo_slot, bool(self.undo_text))
        keep_in_tree(self.rename_bar, self, self.renaming, index=1)  # between the header and the list

    # ---- what is shown -------------------------------------------------------------------------
    def show(self, takes, selected_id: str | None, playing_id: str | None, can_play: bool = True) -> None:
        keys = [(t.take_id, t.name, t.frames, t.sample_rate, t.best, t.created, t.recovered) for t in takes]
        if keys != self._shown_keys:
            self._shown_keys = keys
            self._rebuild(takes)
        self.selected_id = selected_id or ""
        for take_id, row in self.rows.items():
            row.selected = take_id == self.selected_id
            row.playing = take_id == playing_id
            row.can_play = can_play
        if self.renaming and self._renaming_id not in self.rows:
            self.finish_rename(False)  # the take went away (deleted, or its file is gone)

    def show_undo(self, name: str) -> None:
        """The take deleted last, which Undo brings back; "" when there is none."""
        self.undo_text = f"Bring back {short_name(name)}" if name else ""
        if self.undo_text:
            words = CoreLabel(text=self.undo_text, font_size=sp(theme.BODY_SP), bold=True)
            words.refresh()
            self.undo_width = words.texture.size[0] + dp(28 + 12 + 32)  # icon, gap, ends

    def _rebuild(self, takes) -> None:
        box = self.ids.rows
        box.clear_widgets()
        self.rows = {}
        for take in takes:
            row = TakeRow(take_id=take.take_id, name=take.name, detail=take_detail(take), best=take.best)
            row.bind(on_release=lambda row: self.dispatch("on_select", "" if row.selected else row.take_id))
            row.ids.star_button.bind(on_release=lambda _b, row=row: self.dispatch("on_best", row.take_id))
            row.ids.play_button.bind(on_release=lambda _b, row=row: self.dispatch("on_play", row.take_id))
            row.ids.delete_button.bind(on_release=lambda _b, row=row: self.dispatch("on_delete", row.take_id))
            self.rows[take.take_id] = row
            box.add_widget(row)
        self.ids.empty_note.opacity = 0 if takes else 1

    # ---- renaming ------------------------------------------------------------------------------
    def start_rename(self) -> None:
        row = self.rows.get(self.selected_id)
        if row is None:
            return
        self._renaming_id = row.take_id
        self.rename_title = f"A new name for {short_name(row.name, 24)}"
        field = self.ids.name_input
        field.text = row.name
        self.renaming = True
        field.focus = True
        field.select_all()

    def finish_rename(self, save: bool) -> None:
        if not self.renaming:
            return
        field = self.ids.name_input
        self.renaming = False
        field.focus = False
        take_id, name = self._renaming_id, field.text
        self._renaming_id = ""
        row = self.rows.get(take_id)
        if save and row is not None and name.strip() != row.name:
            self.dispatch("on_rename", take_id, name.strip())

    # ---- events --------------------------------------------------------------------------------
    def on_select(self, take_id: str):
        """A take was tapped: select it ("" lets the selected one go)."""

    def on_play(self, take_id: str):
        """Play (or Stop) on a take's row."""

    def on_best(self, take_id: str):
        """The star on a take's row: make it the best take, or not."""

    def on_delete(self, take_id: str):
        """Delete on a take's row (no question asked: Undo brings it back)."""

    def on_rename(self, take_id: str, name: str):
        """A new name was saved."""

    def on_undo(self):
        """Bring back the take deleted last."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "takes_list.kv"))
