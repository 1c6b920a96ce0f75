"""The selected pad's sound: volume, left/right, pitch, filter and choke group, each with - / +
and a slider. Changes are edits of the beat (undoable, saved). Looks: beat_panels.kv."""

from __future__ import annotations

from kivy.properties import ColorProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from apps import theme
from apps.beats.setting_row import PAD_SETTING_SPECS, SettingRow


class PadSettingsPanel(BoxLayout):
    title = StringProperty("")
    colour = ColorProperty(theme.OUTLINE)

    __events__ = ("on_preview", "on_commit")

    def on_kv_post(self, base_widget):
        self.rows: dict[str, SettingRow] = {}
        for spec in PAD_SETTING_SPECS:
            row = SettingRow(spec=spec)
            row.bind(on_preview=lambda _row, name, value: self.dispatch("on_preview", name, value),
                     on_commit=lambda _row, name, value: self.dispatch("on_commit", name, value))
            self.rows[spec.name] = row
            self.ids.rows.add_widget(row)

    def show(self, pad_name: str, colour, settings) -> None:
        self.title = f"{pad_name} sound" if pad_name else "This pad has no sound in this kit"
        self.colour = colour
        for name, row in self.rows.items():
            row.show_value(getattr(settings, name))

    def on_preview(self, name: str, value: float):
        """A slider moves: play the pad this way, without an edit yet."""

    def on_commit(self, name: str, value: float):
        """Set the pad's setting (an undoable edit)."""
