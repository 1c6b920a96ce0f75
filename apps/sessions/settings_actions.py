"""The mentor settings of the Sessions screen: how long recordings are kept, backups and restoring
one (after a question, then the backup's PIN), exporting every session record, Change PIN, and
the audit log.

Mixed into SessionsScreen, whose store, clock, settings_panel, attempt(), fail(), tell(), _show()
and show_for_mode() it uses.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from apps.sessions.confirm_sheets import restore_sheet
from apps.sessions.mentor_actions import default_export_folder
from apps.sessions.mentor_settings import next_retention_days
from apps.sessions.store_errors import STORE_ERRORS
from apps.sessions.words import audit_line, retention_text, sentence, when_text
from studio.sessions.backup import BACKUP_PREFIX, MANIFEST_NAME
from studio.sessions.store import SessionStore

AUDIT_LINES = 50


def default_backup_folder() -> Path:
    from studio.beats.storage import data_dir  # here, not at the top: it loads the beat engine

    return data_dir() / "backups"


def backups_in(folder: Path) -> list[tuple[Path, str]]:
    """The whole backups in folder, newest first, each with when it was made in plain words."""
    try:
        found = [path for path in Path(folder).expanduser().iterdir()
                 if path.is_dir() and path.name.startswith(BACKUP_PREFIX)]
    except OSError:
        return []
    listed = []
    for path in found:
        try:
            made_at_s = float(json.loads((path / MANIFEST_NAME).read_text(encoding="utf-8"))["made_at_s"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not whole: restoring it would be refused
        listed.append((made_at_s, path))
    return [(path, f"Backup of {when_text(made_at_s)}") for made_at_s, path in sorted(listed, reverse=True)]


class SettingsActions:
    def _default_folders(self, export_folder, backup_folder) -> None:
        self._export_folder_given = export_folder
        self._backup_folder_given = backup_folder

    def _bind_settings(self, panel) -> None:
        panel.export_folder = str(self._export_folder_given or default_export_folder())
        panel.backup_folder = str(self._backup_folder_given or default_backup_folder())
        panel.bind(on_retention=lambda _panel, direction: self.step_retention(direction),
                   on_backup=lambda _panel, folder: self.back_up(folder),
                   on_list_backups=lambda *_: self.show_settings(),
                   on_restore=lambda _panel, backup: self.ask_restore(backup),
                   on_export_all=lambda _panel, folder: self.export_all_records(folder),
                   on_change_pin=lambda *_: self._show("change_pin"),
                   on_lock=lambda *_: self.lock())

    def _say(self, part: str):
        return lambda message, kind="info": self.settings_panel.say(message, kind, part)

    def show_settings(self) -> None:
        store, panel = self.store, self.settings_panel
        names = {person.id: person.pseudonym for person in store.participants()}
        lines = [audit_line(entry, names, self.clock()) for entry in store.audit_log(AUDIT_LINES)]
        panel.show(store.retention_days, backups_in(Path(panel.backup_folder)), lines)

    def step_retention(self, direction: int) -> None:
        days = next_retention_days(self.store.retention_days, direction)
        done, _ = self.attempt(self.store.set_retention_days, days, say=self._say("keeping"))
        if done:
            self.show_settings()
            self.settings_panel.say(f"Saved. {retention_text(days)}", "info", "keeping")

    def back_up(self, folder: str) -> None:
        say = self._say("backup")
        folder = folder.strip()
        if not folder:
            self.fail("Type the folder the backup goes into.", say)
            return
        done, made = self.attempt(self.store.backup_to, Path(folder).expanduser(), say=say)
        if done:
            self.settings_panel.backup_folder = folder
            self.show_settings()
            message = f"Backed up to {made}"
            say(message, "info")
            self.tell(message, "info")

    def ask_restore(self, backup: str) -> None:
        words = next((words for path, words in backups_in(Path(backup).parent) if str(path) == str(backup)),
                     "the backup")
        sheet = restore_sheet(words)
        sheet.bind(on_confirm=lambda *_: self._ask_restore_pin(Path(backup)))
        self.ids.sheets.open(sheet)

    def _ask_restore_pin(self, backup: Path) -> None:
        if self.require_mentor("restore a backup"):
            self._restore_from = backup
            self._show("restore_pin")

    def _restore(self, pin: str) -> None:
        """Called with the backup's PIN. The store is closed first; if the restore fails, the PIN
        opens the records as they were."""
        backup, self._restore_from = self._restore_from, None
        self.store.require_mentor("restore a backup")
        self.store.close()
        self.store = None
        self._running.clear()
        self._last_started = None
        try:
            self.store = SessionStore.restore(backup, self.store_folder, pin, clock=self.clock,
                                              idle_clock=self.idle_clock)
        except STORE_ERRORS as error:
            self._show("unlock")
            message = f"{sentence(str(error))} Type the PIN to open Sessions again."
            self.fail(message, self.pin_pad.say)
            wait_s = getattr(error, "wait_s", 0.0)
            if wait_s:
                self._start_wait(wait_s)
            return
        self._opened()
        self._show("home")
        self.show_for_mode(f"The backup {backup.name} was restored.")

    def export_all_records(self, folder: str) -> None:
        say = self._say("records")
        target = Path(folder.strip() or default_export_folder()).expanduser()
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            self.fail(f"The folder {target} could not be made ({error.strerror or error})", say)
            return
        day = datetime.fromtimestamp(self.clock()).strftime("%Y-%m-%d")
        done, path = self.attempt(self.store.export_records_csv, target / f"session-records-all-{day}.csv", say=say)
        if done:
            message = f"Saved: {path}"
            say(message, "info")
            self.tell(message, "info")

    def _change_pin(self, old_pin: str, new_pin: str, _again: str) -> None:
        self.store.change_pin(old_pin, new_pin)
        self._show("settings")
        self.settings_panel.say("The PIN was changed. Use the new one from now on.", "info", "pin")
        self.tell("The PIN was changed.", "info")
