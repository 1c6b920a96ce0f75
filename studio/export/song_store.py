"""Where songs live: one readable JSON file each, in data_dir()/songs, with a trash folder.

    SongStore(folder=None)
        list() -> [Song]          newest first; files that cannot be opened are in `problems`
        new(title) -> Song        saved at once as "song-<n>"
        load(song_id) / save(song) / song_path(song_id)
        delete(song_id)           into the trash folder; undelete(song_id) brings it back
    load_song_file(path) -> Song  SongFileError in plain words for a missing or damaged file

Saving is atomic (studio.atomic_file): a crash leaves the old song or the new one. A file that
cannot be read is never written over: save() keeps it aside first (<name>.damaged-<date>.json).
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path

from studio.atomic_file import write_atomically
from studio.beats.storage import data_dir, keep_aside
from studio.export.song import Song, SongFileError, check_song, song_from_dict, song_to_dict
from studio.versioned_json import damaged_message, read_versioned_json

FORMAT_NAME = "ward-studio-song"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 5_000_000
TRASH_FOLDER = "trash"
_SONG_NUMBER = re.compile(r"^song-(\d+)$")

__all__ = ["FORMAT_NAME", "SongFileError", "SongStore", "load_song_file", "save_song_file", "song_to_text",
           "songs_dir"]


def songs_dir() -> Path:
    return data_dir() / "songs"


def song_to_text(song: Song) -> str:
    check_song(song)  # never write a song that could not be read back
    data = {"format": FORMAT_NAME, "version": FORMAT_VERSION, **song_to_dict(song)}
    return json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def load_song_file(path: str | os.PathLike) -> Song:
    """The song saved at path; its song_id is the file's name without .json."""
    path = Path(path)
    try:
        with open(path, "rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise SongFileError(f"There is no song file at {path}") from None
    except IsADirectoryError:
        raise SongFileError(f"{path} is a folder, not a song file") from None
    except OSError as error:
        raise SongFileError(f"This song file could not be read ({error.strerror or error}): {path}") from None
    return _song_from_bytes(raw, path.stem)


def _song_from_bytes(raw: bytes, song_id: str) -> Song:
    data = read_versioned_json(raw, what="song", format_name=FORMAT_NAME, format_version=FORMAT_VERSION,
                               max_bytes=MAX_FILE_BYTES, error=SongFileError)
    try:
        return song_from_dict(data, song_id)
    except ValueError as error:
        raise SongFileError(damaged_message("song").format(error)) from None


def save_song_file(song: Song, path: str | os.PathLike) -> None:
    """Save atomically; ValueError for a value out of range (nothing written), SongFileError when
    the disk refuses. A damaged file already at path is kept aside, never written over."""
    path = Path(path)
    text = song_to_text(song)
    if path.exists():
        try:
            load_song_file(path)
        except SongFileError:
            keep_aside(path)
    try:
        write_atomically(path, text)
    except OSError as error:
        raise SongFileError(f"The song could not be saved ({error.strerror or error})") from None


def _now_text() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _created_key(song: Song) -> tuple:
    try:
        moment = datetime.fromisoformat(song.created).astimezone().timestamp() if song.created else 0.0
    except ValueError:
        moment = 0.0
    return moment, _number_of(song.song_id), song.song_id


def _number_of(song_id: str) -> int:
    match = _SONG_NUMBER.match(song_id)
    return int(match.group(1)) if match else 0


class SongStore:
    def __init__(self, folder: str | os.PathLike | None = None):
        self.folder = Path(folder) if folder is not None else songs_dir()
        self.problems: list[str] = []  # after list(): songs that could not be opened, in plain words

    @property
    def trash_folder(self) -> Path:
        return self.folder / TRASH_FOLDER

    def song_path(self, song_id: str) -> Path:
        if not song_id or "/" in song_id or "\\" in song_id or song_id.startswith("."):
            raise ValueError(f"a song's id must be a plain file name, got {song_id!r}")
        return self.folder / f"{song_id}.json"

    def list(self) -> list[Song]:
        """Every song that can be opened, newest first."""
        self.problems = []
        songs = []
        for path in self._song_files(self.folder):
            try:
                songs.append(load_song_file(path))
            except SongFileError as error:
                self.problems.append(f"{path.name} could not be opened: {error}")
        return sorted(songs, key=_created_key, reverse=True)

    def list_trash(self) -> list[Song]:
        songs = []
        for path in self._song_files(self.trash_folder):
            try:
                songs.append(load_song_file(path))
            except SongFileError:
                continue
        return sorted(songs, key=_created_key, reverse=True)

    def new(self, title: str = "My song") -> Song:
        """A new empty song, saved at once (SongFileError when the folder cannot be written)."""
        taken = [_number_of(path.stem) for folder in (self.folder, self.trash_folder) if folder.is_dir()
                 for path in folder.glob("song-*.json")]
        song = Song(song_id=f"song-{1 + max(taken, default=0)}", title=title, created=_now_text())
        self.save(song)
        return song

    def load(self, song_id: str) -> Song:
        return load_song_file(self.song_path(song_id))

    def save(self, song: Song) -> None:
        save_song_file(song, self.song_path(song.song_id))

    def delete(self, song_id: str) -> None:
        """Move the song into the trash folder; undelete(song_id) brings it back."""
        path = self.song_path(song_id)
        if not path.exists():
            raise SongFileError("This song is no longer there; it may have been deleted already.")
        try:
            self.trash_folder.mkdir(parents=True, exist_ok=True)
            os.replace(path, self.trash_folder / path.name)
        except OSError as error:
            raise SongFileError(f"The song could not be deleted ({error.strerror or error})") from None

    def undelete(self, song_id: str) -> Song:
        trashed = self.trash_folder / self.song_path(song_id).name
        if not trashed.exists():
            raise SongFileError("This song is not in the trash any more; it may have been emptied.")
        path = self.song_path(song_id)
        if path.exists():
            raise SongFileError(f"A song with the same file name is already there: {path}")
        try:
            os.replace(trashed, path)
        except OSError as error:
            raise SongFileError(f"The song could not be brought back ({error.strerror or error})") from None
        return self.load(song_id)

    @staticmethod
    def _song_files(folder: Path) -> list[Path]:
        if not folder.is_dir():
            return []
        return sorted(path for path in folder.glob("*.json")
                      if path.is_file() and not path.name.startswith(".") and ".damaged-" not in path.name)
