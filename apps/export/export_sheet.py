"""The Export sheet and the Performance set sheet.

    ExportSheet   the file type (WAV 16-bit, WAV 24-bit, FLAC, MP3 192, MP3 320, OGG, M4A), stems
                  on or off, the beat as MIDI on or off, the folder; Export, then a progress bar
                  with what is being done and Cancel; then "Saved: <file name>" or what went wrong
    SetSheet      songs tapped in show order, the set's name; Export set, with the same progress

Both show what they are given and say what a finger did through events; the screen runs the
export. Looks: export_sheet.kv.
"""

from __future__ import annotations

import os

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from apps import theme
from apps.decks.sheet import Sheet
from apps.export.song_sheets import PickButton
from apps.mic.mic_widgets import keep_in_tree  # and MicSwitch, for the kv rules
from studio.export.audio_files import FORMAT_LABELS

LOSSLESS_CHOICES = [(fmt, FORMAT_LABELS[fmt]) for fmt in ("wav-16", "wav-24", "flac")]
SMALLER_CHOICES = [(fmt, FORMAT_LABELS[fmt]) for fmt in ("mp3-192", "mp3-320", "ogg", "m4a")]
IDLE, RUNNING, DONE, FAILED = "idle", "running", "done", "failed"


class ExportProgressBar(Widget):
    fraction = NumericProperty(0.0)  # 0..1


class ExportStatus(BoxLayout):
    """Where an export's progress and outcome are shown: a bar and words while it runs, then the
    outcome in plain words (green when saved, red when it could not be)."""

    phase = StringProperty(IDLE)
    fraction = NumericProperty(0.0)
    words = StringProperty("")
    words_colour = ColorProperty(theme.MUTED_TEXT)

    def show(self, phase: str, fraction: float = 0.0, words: str = "") -> None:
        self.phase, self.fraction, self.words = phase, max(0.0, min(1.0, fraction)), words
        self.words_colour = {DONE: theme.GOOD, FAILED: theme.BAD}.get(phase, theme.MUTED_TEXT)


class FormatChooser(BoxLayout):
    """The seven file types in two rows (lossless; smaller files), one chosen."""

    selected = StringProperty("mp3-320")

    def on_kv_post(self, base_widget):
        ids = self.ids
        ids.lossless_choice.choices = LOSSLESS_CHOICES
        ids.smaller_choice.choices = SMALLER_CHOICES
        for row in (ids.lossless_choice, ids.smaller_choice):
            row.bind(selected=self._chosen)
        self.fbind("selected", self._show)
        self._show()

    def _chosen(self, _row, value) -> None:
        if value is not None:
            self.selected = value

    def _show(self, *_):
        ids = self.ids
        for row in (ids.lossless_choice, ids.smaller_choice):
            row.selected = self.selected if self.selected in (value for value, _ in row.choices) else None


class RunningSheet(Sheet):
    """A sheet with an export to run: Cancel is there only while it runs."""

    phase = StringProperty(IDLE)

    def on_kv_post(self, base_widget):
        self.cancel_button = self.ids.cancel_button.__self__  # out of the tree unless running
        self.fbind("phase", self._show_cancel)
        self._show_cancel()

    def _show_cancel(self, *_):
        keep_in_tree(self.cancel_button, self.ids.buttons, self.phase == RUNNING)

    def show_status(self, phase: str, fraction: float = 0.0, words: str = "") -> None:
        self.phase = phase
        self.ids.status.show(phase, fraction, words)


class ExportSheet(RunningSheet):
    can_replace = BooleanProperty(False)  # the file is already there: Export becomes "Replace it"

    __events__ = ("on_export", "on_cancel", "on_choices")

    def on_kv_post(self, base_widget):
        super().on_kv_post(base_widget)
        ids = self.ids
        ids.format_chooser.bind(selected=lambda *_: self._choices_changed())
        for switch in (ids.stems_switch, ids.midi_switch):
            switch.bind(on_switch=lambda *_: self._choices_changed())
        ids.folder_input.bind(focus=lambda _input, focused: None if focused else self._choices_changed())

    def show_choices(self, fmt: str, stems: bool, midi: bool, folder: str) -> None:
        ids = self.ids
        ids.format_chooser.selected = fmt
        ids.stems_switch.active, ids.midi_switch.active = stems, midi
        ids.folder_input.text = folder

    def choices(self) -> tuple[str, bool, bool, str]:
        ids = self.ids
        return (ids.format_chooser.selected, ids.stems_switch.active, ids.midi_switch.active,
                ids.folder_input.text.strip())

    def _choices_changed(self) -> None:
        self.can_replace = False
        self.dispatch("on_choices", *self.choices())

    def on_export(self):
        """Export was tapped (the choices are read with choices())."""

    def on_cancel(self):
        """Cancel was tapped while the export runs."""

    def on_choices(self, fmt: str, stems: bool, midi: bool, folder: str):
        """A choice changed (the screen keeps them for the next export)."""


class SetRow(BoxLayout):
    number = NumericProperty(1)
    title = StringProperty("")

    __events__ = ("on_remove",)

    def on_remove(self):
        """Take this song out of the set."""


class SetSheet(RunningSheet):
    where_text = StringProperty("")  # the file type and folder the set is saved in
    has_songs = BooleanProperty(False)

    __events__ = ("on_export", "on_cancel")

    def __init__(self, **kwargs):
        self.chosen: list[str] = []  # song ids, in show order
        self._titles: dict[str, str] = {}
        super().__init__(**kwargs)

    def show_songs(self, songs) -> None:
        """The songs that can go in the set (tap adds one at the end of the set)."""
        self._titles = {song.song_id: song.title for song in songs}
        box = self.ids.song_rows
        box.clear_widgets()
        self.song_buttons: dict[str, PickButton] = {}
        for song in songs:
            button = PickButton(value=song.song_id, title=song.title, detail="Tap to add it to the set")
            button.bind(on_release=lambda button: self.add(button.value))
            self.song_buttons[song.song_id] = button
            box.add_widget(button)
        self.chosen = [song_id for song_id in self.chosen if song_id in self._titles]
        self._show_set()

    def add(self, song_id: str) -> None:
        self.chosen.append(song_id)
        self._show_set()

    def remove(self, index: int) -> None:
        del self.chosen[index]
        self._show_set()

    def _show_set(self) -> None:
        box = self.ids.set_rows
        box.clear_widgets()
        self.set_rows: list[SetRow] = []
        for index, song_id in enumerate(self.chosen):
            row = SetRow(number=index + 1, title=self._titles.get(song_id, song_id))
            row.bind(on_remove=lambda _row, index=index: self.remove(index))
            self.set_rows.append(row)
            box.add_widget(row)
        self.has_songs = bool(self.chosen)

    @property
    def set_name(self) -> str:
        return self.ids.name_input.text.strip() or "Performance set"

    def on_export(self):
        """Export set was tapped."""

    def on_cancel(self):
        """Cancel was tapped while the set is exported."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "export_sheet.kv"))
