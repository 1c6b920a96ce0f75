"""A participant's recordings, newest first: name, what it is and when. Looks: recordings_list.kv."""

from __future__ import annotations

import os

from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from apps.sessions.sessions_widgets import ListRow
from apps.sessions.words import item_line


class RecordingsList(BoxLayout):
    empty_text = StringProperty("No recordings yet.")

    def show(self, items, now_s: float | None = None) -> None:
        rows = self.ids.rows
        rows.clear_widgets()
        for item in sorted(items, key=lambda each: (each.created_at_s, str(each.id)), reverse=True):
            rows.add_widget(ListRow(title=item.name, detail=item_line(item, now_s), value=item.id, tappable=False))
        self.ids.empty_label.text = "" if items else self.empty_text

    @property
    def names(self) -> list[str]:
        return [row.title for row in reversed(self.ids.rows.children)]


Builder.load_file(os.path.join(os.path.dirname(__file__), "recordings_list.kv"))
