"""Choosing a track for a deck, in a sheet opened by the deck's Load button: the demo tracks
that come with the studio, the tablet's music folder, and the takes recorded on the Mic. A tap
on a track loads it (the screen asks first when the deck is playing). Only files a deck can
play are listed (studio.decks.track_decode.SUPPORTED_SUFFIXES); the music folder is read in the
background, so a big one never stops the screen. Looks: track_browser.kv.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import platformdirs
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from apps.decks.sheet import Sheet
from apps.decks.track_sources import MAX_MUSIC_FILES, demo_tracks, music_tracks, take_tracks
from studio.mic.take_writer import TakeError

SOURCES = [("demo", "Demo tracks"), ("music", "My music"), ("takes", "Mic takes")]
FORMATS = "MP3, WAV, FLAC, OGG or M4A"


class TrackRow(ButtonBehavior, BoxLayout):
    path = StringProperty("")
    title = StringProperty("")
    detail = StringProperty("")
    chooser = ObjectProperty(None, allownone=True)  # called with the row when it is tapped

    def on_release(self):
        if self.chooser is not None:
            self.chooser(self)


class TrackBrowser(Sheet):
    deck = NumericProperty(1)
    source = StringProperty("demo")
    note = StringProperty("")  # above the list: where these come from, or why there are none

    __events__ = ("on_choose",)

    def __init__(self, music_folder: Path, take_store, **kwargs):
        self.music_folder = Path(music_folder)
        self.take_store = take_store
        self._listing = 0  # the music folder's newest listing; older ones are dropped
        super().__init__(**kwargs)

    def on_kv_post(self, base_widget):
        tabs = self.ids.source_choice
        tabs.choices = SOURCES
        tabs.selected = self.source
        tabs.bind(selected=lambda _row, name: self.show_source(name) if name else None)

    def show_source(self, name: str) -> None:
        self.source = name
        self.ids.source_choice.selected = name
        self._listing += 1
        if name == "demo":
            tracks = demo_tracks()
            self._show(tracks, "Made for Ward Studio: free to play anywhere." if tracks else
                       "The demo tracks are missing from this copy of the studio.")
        elif name == "takes":
            try:
                tracks = take_tracks(self.take_store)
            except (OSError, TakeError) as error:
                self._show([], f"The takes could not be read: {error}")
                return
            self._show(tracks, "Your recordings from the Mic." if tracks else
                       "No takes yet: record one on the Mic and it shows here.")
        else:
            self._show([], "Looking in your music folder\u2026")
            listing = self._listing
            threading.Thread(target=self._read_music, args=(listing,), name="music-folder", daemon=True).start()

    def _read_music(self, listing: int) -> None:
        """In a thread of its own: the music folder's tracks, handed to the screen's thread."""
        tracks, note = read_music_folder(self.music_folder)
        Clock.schedule_once(lambda _dt: self._music_read(listing, tracks, note))

    def _music_read(self, listing: int, tracks, note: str) -> None:
        if listing == self._listing and self.source == "music":
            self._show(tracks, note)

    def _show(self, tracks, note: str) -> None:
        self.note = note
        self.ids.track_list.data = [{"path": t.path, "title": t.title, "detail": t.detail, "chooser": self._chosen}
                                    for t in tracks]
        self.ids.track_list.scroll_y = 1.0

    def _chosen(self, row: TrackRow) -> None:
        self.dispatch("on_choose", row.path, row.title)

    def rows(self) -> list[TrackRow]:
        """The rows drawn now (for tests)."""
        return list(reversed(self.ids.track_rows.children))

    def on_choose(self, path: str, title: str):
        """A track was tapped."""


def read_music_folder(folder: Path) -> tuple[list, str]:
    """(tracks, the note above them) for a music folder, in plain words when there are none."""
    if not folder.is_dir():
        return [], f"There is no music folder ({folder}) yet. Put tracks ({FORMATS}) there and they show here."
    try:
        tracks, cut_short = music_tracks(folder)
    except OSError as error:
        return [], f"The music folder could not be read ({error.strerror or error})."
    if not tracks:
        return [], f"No tracks in {folder} yet. Put tracks ({FORMATS}) there and they show here."
    if cut_short:
        return tracks, f"From {folder}: the first {MAX_MUSIC_FILES} tracks by name."
    return tracks, f"From {folder}."


def default_music_folder() -> Path:
    """The tablet's music folder (WARD_STUDIO_MUSIC_DIR overrides it: tests)."""
    return Path(os.environ.get("WARD_STUDIO_MUSIC_DIR") or platformdirs.user_music_dir())


Builder.load_file(os.path.join(os.path.dirname(__file__), "track_browser.kv"))
