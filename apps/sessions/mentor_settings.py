"""The mentor's settings inside Sessions (not the app's Settings screen): how long recordings are
kept, backups (Back up now, and the backups in the folder to restore from), where session records
are exported, Change PIN, Lock now, and the audit log's last entries. Looks: mentor_settings.kv.

    show(retention_days, backups, audit_lines)      backups: [(folder Path, plain words)]
    say(message, kind, part)                        part: "keeping", "backup", "records" or "pin"
    on_retention(direction), on_backup(folder), on_restore(backup_folder), on_list_backups(folder),
    on_export_all(folder), on_change_pin, on_lock
"""

from __future__ import annotations

import os
from pathlib import Path

from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from apps.sessions.sessions_widgets import ListRow
from apps.sessions.words import retention_text
from studio.sessions.retention import MAX_RETENTION_DAYS, MIN_RETENTION_DAYS

RETENTION_STEPS_DAYS = (7, 14, 30, 60, 90, 180, 365, 730, 1095)
PARTS = ("keeping", "backup", "records", "pin")


def next_retention_days(days: int, direction: int) -> int:
    """The next step up (direction 1) or down (-1) from days; days itself at either end."""
    if direction > 0:
        return next((step for step in RETENTION_STEPS_DAYS if step > days), max(days, MIN_RETENTION_DAYS))
    return next((step for step in reversed(RETENTION_STEPS_DAYS) if step < days),
                min(days, MAX_RETENTION_DAYS))


class MentorSettings(BoxLayout):
    retention_words = StringProperty("")
    backup_folder = StringProperty("")
    export_folder = StringProperty("")
    keeping_message = StringProperty("")
    backup_message = StringProperty("")
    records_message = StringProperty("")
    pin_message = StringProperty("")
    keeping_kind = StringProperty("info")
    backup_kind = StringProperty("info")
    records_kind = StringProperty("info")
    pin_kind = StringProperty("info")

    __events__ = ("on_retention", "on_backup", "on_restore", "on_list_backups", "on_export_all",
                  "on_change_pin", "on_lock")

    def show(self, retention_days: int, backups, audit_lines) -> None:
        self.retention_words = retention_text(retention_days)
        self.show_backups(backups)
        log = self.ids.audit_lines
        log.clear_widgets()
        for line in audit_lines:
            log.add_widget(Factory.AuditLine(text=line))
        self.ids.no_audit_label.text = "" if audit_lines else "Nothing in the log yet."

    def show_backups(self, backups) -> None:
        rows = self.ids.backup_rows
        rows.clear_widgets()
        for folder, words in backups:
            row = ListRow(title=words, detail=Path(folder).name, value=str(folder))
            row.bind(on_release=lambda tapped: self.dispatch("on_restore", tapped.value))
            rows.add_widget(row)
        self.ids.no_backups_label.text = "" if backups else "No backups in this folder yet."

    def folder_typed(self, text: str) -> None:
        if text.strip() and text != self.backup_folder:
            self.backup_folder = text
            self.dispatch("on_list_backups", text)

    def say(self, message: str, kind: str = "info", part: str = "backup") -> None:
        if part not in PARTS:
            raise ValueError(f"part must be one of {', '.join(PARTS)}, got {part!r}")
        setattr(self, f"{part}_message", message)
        setattr(self, f"{part}_kind", kind)

    def on_retention(self, direction):
        """- (direction -1) or + (1) beside how long recordings are kept."""

    def on_backup(self, folder):
        """Back up now was tapped."""

    def on_restore(self, backup_folder):
        """A backup was tapped: the screen asks before restoring it."""

    def on_list_backups(self, folder):
        """The backup folder was typed: list the backups in it."""

    def on_export_all(self, folder):
        """Export all session records (CSV) was tapped."""

    def on_change_pin(self):
        """Change PIN was tapped."""

    def on_lock(self):
        """Lock now was tapped."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "mentor_settings.kv"))
