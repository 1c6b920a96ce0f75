"""Exporting from the Export screen: the Export sheet (one song) and the Performance set sheet.

A mixin of ExportScreen: the exports run in processes of their own (export_runner.py) and the
screen polls them a few times a second, so it never waits. Only one export runs at a time; the
top bar's Export button says "Exporting" meanwhile and opens the sheet with its progress.
"""

from __future__ import annotations

from pathlib import Path

from kivy.clock import Clock

from apps.export.export_bars import TARGET_CHOICES
from apps.export.export_runner import SetExport, SongExport, export_options
from apps.export.export_sheet import DONE, FAILED, IDLE, RUNNING, ExportSheet, SetSheet
from apps.export.export_sources import default_export_folder
from apps.mic.mic_screen import _sentence
from studio.export.audio_files import FORMAT_LABELS
from studio.export.song import SongFileError

EXPORT_POLL_S = 0.1


class Exporting:
    """Needs of the screen: session, ids (bar, song_bar, sheets), tell(), stop_listening(), make_process,
    choices, out_dir_chosen, export, export_sheet, set_sheet and _export_event (set in its __init__)."""

    # export_gate(purpose) -> "" or why the song may not be exported now (no consent to perform):
    # set by the studio (studio.sessions.studio_gate); None asks nobody.
    export_gate = None
    # on_files_exported(paths, what) after an export is saved ("a song" or "a performance set"):
    # set by the studio, which notes them in Sessions for the participant; None: nobody is told.
    on_files_exported = None

    # ---- exporting -----------------------------------------------------------------------------
    def open_export(self) -> ExportSheet:
        self.ids.song_bar.save_artist()
        sheet = ExportSheet(title=f"Export \u201c{self.session.song.title}\u201d" if self.session.song else "Export")
        sheet.bind(on_export=lambda *_: self.start_export(), on_cancel=lambda *_: self.cancel_export(),
                   on_choices=lambda _sheet, *choices: setattr(self, "choices", choices))
        self.ids.sheets.open(sheet)
        sheet.show_choices(*self.choices)
        song = self.session.song
        if song is not None:
            loudness = dict(TARGET_CHOICES).get(song.target_lufs, "its own")
            seconds = round(song.length_s(self.session.takes))
            sheet.show_status(IDLE, 0.0, f"The song is {seconds // 60}:{seconds % 60:02d} long. It is saved at "
                                         f"{loudness} loudness ({song.target_lufs:g} LUFS), and never clips.")
        self.export_sheet = sheet
        if isinstance(self.export, SongExport) and self._export_event is not None:
            self._show_export(self.export.poll())
        return sheet

    def _out_dir(self, folder: str) -> Path:
        path = Path(folder).expanduser()
        if not self.out_dir_chosen and path == default_export_folder():
            try:  # the studio's own folder in Music is made when it is first used
                path.mkdir(parents=True, exist_ok=True)
            except OSError:
                pass  # the export says plainly why it cannot save there
        return path

    def start_export(self) -> None:
        song, sheet = self.session.song, self.export_sheet
        if self._export_event is not None:
            self.tell("An export is running. Wait for it, or cancel it first.", "notice")
            return
        if song is None or not any(lane.clips for lane in song.lanes):
            sheet.show_status(FAILED, 0.0, "The song is empty. Add a beat pattern, a take or an audio clip first.")
            return
        refusal = self.export_gate("performance") if self.export_gate is not None else ""
        if refusal:
            sheet.show_status(FAILED, 0.0, refusal)
            return
        self.ids.song_bar.save_artist()
        self.stop_listening()  # the export is what is wanted now
        self.choices = sheet.choices()
        fmt, stems, midi, folder = self.choices
        replace_files, sheet.can_replace = sheet.can_replace, False
        self.export = SongExport(self.make_process)
        try:
            self.export.start(song, self._out_dir(folder), export_options(song, fmt, stems, midi,
                                                                          overwrite=replace_files))
        except Exception as error:  # the process could not even start: said, never a crash
            self.export = None
            sheet.show_status(FAILED, 0.0, f"The export could not start ({error}).")
            return
        sheet.show_status(RUNNING, 0.0, "Starting")
        self._watch_export()

    def cancel_export(self) -> None:
        if self.export is not None and self._export_event is not None:
            self.export.cancel()
            self.poll_export()

    def _watch_export(self) -> None:
        self.ids.bar.exporting = True
        self._export_event = Clock.schedule_interval(lambda _dt: self.poll_export(), EXPORT_POLL_S)

    def poll_export(self) -> None:
        """A few times a second while an export runs: its progress, then what came of it."""
        if self.export is None:
            return
        status = self.export.poll()
        if isinstance(self.export, SetExport):
            self._show_set(status)
        else:
            self._show_export(status)
        if status.done:
            self._export_event.cancel()
            self._export_event = None
            self.ids.bar.exporting = False
            if status.error:
                self.tell(_sentence(status.error), "notice" if status.cancelled else "error")
            else:
                self.tell(self._saved_words(status.result), "done")
                if self.on_files_exported is not None:
                    self.on_files_exported(*_files_of(status.result))

    def _saved_words(self, result) -> str:
        if hasattr(result, "playlist_path"):
            songs = len(result.song_paths)
            return f"Saved: the set \u201c{result.folder.name}\u201d with {songs} songs and a playlist."
        extra = []
        if getattr(result, "stem_paths", None):
            extra.append(f"{len(result.stem_paths)} lane files")
        if getattr(result, "midi_path", None):
            extra.append("the beat as MIDI")
        notes = "".join(f" {_sentence(note)}" for note in getattr(result, "notes", None) or ())
        also = f" (and {' and '.join(extra)})" if extra else ""
        return f"Saved: {Path(result.song_path).name}{also}.{notes}"

    def _show_export(self, status) -> None:
        sheet = self.export_sheet
        if sheet is None or sheet.parent is None:
            return
        if not status.done:
            sheet.show_status(RUNNING, status.fraction, status.words or "Exporting")
        elif status.error:
            sheet.show_status(FAILED, status.fraction, _sentence(status.error))
            sheet.can_replace = status.exists
        else:
            folder = Path(status.result.song_path).parent
            sheet.show_status(DONE, 1.0, f"{self._saved_words(status.result)} It is in {folder}.")

    # ---- performance set -----------------------------------------------------------------------
    def open_set(self) -> SetSheet:
        self.ids.song_bar.save_artist()
        sheet = SetSheet()
        sheet.bind(on_export=lambda *_: self.start_set(), on_cancel=lambda *_: self.cancel_export())
        self.ids.sheets.open(sheet)
        sheet.show_songs(self.session.songs())
        fmt, _stems, _midi, folder = self.choices
        sheet.where_text = (f"Saved as {FORMAT_LABELS[fmt]} in {folder}. "
                            "Change the file type and folder with Export.")
        self.set_sheet = sheet
        if isinstance(self.export, SetExport) and self._export_event is not None:
            self._show_set(self.export.poll())
        return sheet

    def start_set(self) -> None:
        sheet = self.set_sheet
        if self._export_event is not None:
            self.tell("An export is running. Wait for it, or cancel it first.", "notice")
            return
        songs = []
        try:
            for song_id in sheet.chosen:
                current = self.session.song
                songs.append(current if current is not None and current.song_id == song_id
                             else self.session.store.load(song_id))
        except SongFileError as error:
            sheet.show_status(FAILED, 0.0, _sentence(str(error)))
            return
        refusal = self.export_gate("performance") if self.export_gate is not None else ""
        if refusal:
            sheet.show_status(FAILED, 0.0, refusal)
            return
        fmt, _stems, _midi, folder = self.choices
        self.stop_listening()
        self.export = SetExport(self.make_process)
        # A set is the songs and their playlist, ready for a show: no lane files or MIDI among them.
        self.export.start(songs, self._out_dir(folder), fmt, False, False, sheet.set_name)
        sheet.show_status(RUNNING, 0.0, "Starting the set")
        self._watch_export()

    def _show_set(self, status) -> None:
        sheet = self.set_sheet
        if sheet is None or sheet.parent is None:
            return
        if not status.done:
            sheet.show_status(RUNNING, status.fraction, status.words or "Exporting the set")
        elif status.error:
            sheet.show_status(FAILED, status.fraction, _sentence(status.error))
        else:
            sheet.show_status(DONE, 1.0, f"{self._saved_words(status.result)} It is in {status.result.folder}.")


def _files_of(result) -> tuple[list[Path], str]:
    """Every file an export wrote, and what it was."""
    if hasattr(result, "playlist_path"):
        return [*result.song_paths, result.playlist_path], "a performance set"
    extra = [result.midi_path] if getattr(result, "midi_path", None) else []
    return [Path(result.song_path), *getattr(result, "stem_paths", []), *extra], "a song"
