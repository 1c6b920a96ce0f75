"""Sheets over the Export screen for the songs and for what can be added to one.

    SongsSheet   the songs, newest first: tap one to open it; New song; Rename and Delete on each
                 row (no question asked: Bring back undoes the delete)
    PickSheet    a list to choose from: the beat's patterns, the vocal takes, the audio clips
                 (a row is one tap; a caption row says where the next ones come from)

They are apps.decks.sheet Sheets: a tap beside one closes it. Looks: song_sheets.kv.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from apps.decks.sheet import Sheet
from apps.mic.mic_widgets import keep_in_tree
from apps.mic.takes_list import short_name, when_text


@dataclass(frozen=True)
class PickRow:
    value: str  # what is picked ("" for a caption row)
    title: str
    detail: str = ""
    enabled: bool = True


class SongRow(ButtonBehavior, BoxLayout):
    song_id = StringProperty("")
    title = StringProperty("")
    detail = StringProperty("")
    current = BooleanProperty(False)


class PickButton(ButtonBehavior, BoxLayout):
    value = StringProperty("")
    title = StringProperty("")
    detail = StringProperty("")


class PickCaption(Label):
    pass


def song_detail(song, now=None) -> str:
    """The line under a song's name: "3 lanes · made Today 14:32"."""
    lanes = len(song.lanes)
    parts = ["No clips yet" if lanes == 0 else f"{lanes} lane" + ("" if lanes == 1 else "s")]
    if song.artist:
        parts.insert(0, song.artist)
    made = when_text(song.created, now) if song.created else ""
    if made:
        parts.append(f"made {made}")
    return " \u00b7 ".join(parts)


class SongsSheet(Sheet):
    undo_text = StringProperty("")  # "Bring back My song"; "" hides it
    renaming = BooleanProperty(False)
    rename_title = StringProperty("")

    __events__ = ("on_open", "on_new", "on_rename", "on_delete", "on_undo")

    def __init__(self, **kwargs):
        self.rows: dict[str, SongRow] = {}
        self._renaming_id = ""
        super().__init__(**kwargs)

    def on_kv_post(self, base_widget):
        self.rename_bar = self.ids.rename_bar.__self__
        self.undo_button = self.ids.undo_button.__self__
        self.ids.name_input.bind(on_text_validate=lambda *_: self.finish_rename(True))
        self.fbind("renaming", self._show_parts)
        self.fbind("undo_text", self._show_parts)
        self._show_parts()

    def _show_parts(self, *_):
        keep_in_tree(self.rename_bar, self, self.renaming, index=len(self.children) - 1)
        keep_in_tree(self.undo_button, self.ids.undo_slot, bool(self.undo_text))

    def show(self, songs, current_id: str, undo_title: str = "") -> None:
        box = self.ids.rows
        box.clear_widgets()
        self.rows = {}
        for song in songs:
            row = SongRow(song_id=song.song_id, title=song.title, detail=song_detail(song),
                          current=song.song_id == current_id)
            row.bind(on_release=lambda row: self.dispatch("on_open", row.song_id))
            row.ids.rename_button.bind(on_release=lambda _b, row=row: self.start_rename(row.song_id))
            row.ids.delete_button.bind(on_release=lambda _b, row=row: self.dispatch("on_delete", row.song_id))
            self.rows[song.song_id] = row
            box.add_widget(row)
        self.undo_text = f"Bring back {short_name(undo_title)}" if undo_title else ""
        if self.renaming and self._renaming_id not in self.rows:
            self.finish_rename(False)

    def start_rename(self, song_id: str) -> None:
        row = self.rows[song_id]
        self._renaming_id = song_id
        self.rename_title = f"A new name for {short_name(row.title, 24)}"
        field = self.ids.name_input
        field.text = row.title
        self.renaming = True
        field.focus = True
        field.select_all()

    def finish_rename(self, save: bool) -> None:
        if not self.renaming:
            return
        field = self.ids.name_input
        self.renaming = False
        field.focus = False
        song_id, title = self._renaming_id, field.text.strip()
        self._renaming_id = ""
        row = self.rows.get(song_id)
        if save and row is not None and title != row.title:
            self.dispatch("on_rename", song_id, title)

    def on_open(self, song_id: str):
        """A song was tapped: open it."""

    def on_new(self):
        """New song."""

    def on_rename(self, song_id: str, title: str):
        """A new name was saved."""

    def on_delete(self, song_id: str):
        """Delete on a song's row (Bring back undoes it)."""

    def on_undo(self):
        """Bring back the song deleted last."""


class PickSheet(Sheet):
    note = StringProperty("")  # under the title: what a tap does, or why the list is empty

    __events__ = ("on_pick",)

    def show(self, rows: list[PickRow], note: str = "") -> None:
        self.note = note
        box = self.ids.rows
        box.clear_widgets()
        self.buttons: dict[str, PickButton] = {}
        for row in rows:
            if not row.value:
                box.add_widget(PickCaption(text=row.title))
                continue
            button = PickButton(value=row.value, title=row.title, detail=row.detail, disabled=not row.enabled)
            button.bind(on_release=lambda button: self._picked(button))
            self.buttons[row.value] = button
            box.add_widget(button)

    def _picked(self, button: PickButton) -> None:
        self.close()
        self.dispatch("on_pick", button.value, button.title)

    def on_pick(self, value: str, title: str):
        """A row was tapped (the sheet closes)."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "song_sheets.kv"))
