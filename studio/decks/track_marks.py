"""What a DJ marks on a track, kept for the next time it is loaded: its hot cues, and the beat
grid when the user fixed it (x2, /2, tap tempo, "beat 1 is here").

    marks_path()                 data_dir()/decks/track-marks.json (WARD_STUDIO_DATA_DIR: tests)
    TrackMarksStore(path=None)
        marks_for(track_path) -> TrackMarks        empty marks for a track never marked
        set_hot_cue(track_path, index, position_s or None) -> TrackMarks    index 1..8
        set_beat_grid(track_path, bpm, first_beat_s) -> TrackMarks
        clear_beat_grid(track_path) -> TrackMarks  back to the analysis's grid
        problems                                   what the user should be told (a damaged file)

One JSON file for every track, written atomically after each change. A track is known by its
sound file's content (its size and its first and last 64 KiB), not its name or folder: a track
moved, renamed or copied to a USB stick keeps its cues. A file that cannot be read is kept
aside (never overwritten) and the store starts empty; one damaged entry costs only that track's
marks, and is written back as it was.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass, replace
from pathlib import Path

from studio.atomic_file import write_atomically
from studio.beats.storage import data_dir, keep_aside
from studio.decks.deck_controls import HOT_CUES

FORMAT_NAME = "ward-studio-track-marks"
FORMAT_VERSION = 1
FINGERPRINT_BYTES = 64 * 1024
MIN_GRID_BPM, MAX_GRID_BPM = 20.0, 400.0
MAX_POSITION_S = 24 * 3600.0


def marks_path() -> Path:
    return data_dir() / "decks" / "track-marks.json"


class TrackMarksError(ValueError):
    """Marks that could not be kept; str(error) is one plain sentence for the screen."""


@dataclass(frozen=True)
class BeatGrid:
    bpm: float
    first_beat_s: float


@dataclass(frozen=True)
class TrackMarks:
    hot_cues_s: tuple = (None,) * HOT_CUES  # seconds into the track, None for an empty cue
    beat_grid: BeatGrid | None = None  # fixed by the user; None: use the analysis's grid


def track_key(track_path: str | os.PathLike) -> str:
    """What a track is known by: a hash of its size and its first and last 64 KiB. A file that
    cannot be read is known by its full path instead (it cannot be loaded anyway)."""
    path = Path(track_path)
    try:
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            digest = hashlib.sha1(str(size).encode("ascii"))
            digest.update(file.read(FINGERPRINT_BYTES))
            if size > FINGERPRINT_BYTES:
                file.seek(max(FINGERPRINT_BYTES, size - FINGERPRINT_BYTES))
                digest.update(file.read(FINGERPRINT_BYTES))
    except OSError:
        return "path:" + os.path.abspath(path)
    return "sha1:" + digest.hexdigest()


def marks_from_dict(data: object) -> TrackMarks:
    """Marks from one entry of the file, or ValueError naming what is wrong."""
    if not isinstance(data, dict):
        raise ValueError("an entry is not a set of marks")
    cues = data.get("hot_cues_s", [])
    if not isinstance(cues, list) or len(cues) > HOT_CUES:
        raise ValueError(f"hot_cues_s must be a list of at most {HOT_CUES} positions")
    checked = [None if cue is None else _number("a hot cue", cue, 0.0, MAX_POSITION_S) for cue in cues]
    grid = data.get("beat_grid")
    if grid is not None:
        if not isinstance(grid, dict):
            raise ValueError("beat_grid must hold bpm and first_beat_s")
        grid = BeatGrid(_number("bpm", grid.get("bpm"), MIN_GRID_BPM, MAX_GRID_BPM),
                        _number("first_beat_s", grid.get("first_beat_s"), -MAX_POSITION_S, MAX_POSITION_S))
    return TrackMarks(tuple(checked + [None] * (HOT_CUES - len(checked))), grid)


def marks_to_dict(marks: TrackMarks, name: str) -> dict:
    grid = marks.beat_grid
    return {"name": name, "hot_cues_s": list(marks.hot_cues_s),
            "beat_grid": None if grid is None else {"bpm": grid.bpm, "first_beat_s": grid.first_beat_s}}


def _number(what: str, value: object, minimum: float, maximum: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{what} must be a number, got {value!r}")
    if not minimum <= value <= maximum:
        raise ValueError(f"{what} must be in range {minimum:g}..{maximum:g}, got {value:g}")
    return float(value)


class TrackMarksStore:
    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else marks_path()
        self.problems: list[str] = []
        self._entries: dict[str, object] | None = None  # key -> the entry as read (parsed on use)
        self._file_stuck = False  # a damaged file that could not be moved aside: never write over it

    # ---- reading -------------------------------------------------------------------------------
    def marks_for(self, track_path: str | os.PathLike) -> TrackMarks:
        entry = self._read().get(track_key(track_path))
        if entry is None:
            return TrackMarks()
        try:
            return marks_from_dict(entry)
        except ValueError as error:
            self._say(f"The hot cues kept for {Path(track_path).name} could not be read ({error}), "
                      "so it starts without them.")
            return TrackMarks()

    # ---- changing ------------------------------------------------------------------------------
    def set_hot_cue(self, track_path: str | os.PathLike, index: int, position_s: float | None) -> TrackMarks:
        if not 1 <= index <= HOT_CUES:
            raise ValueError(f"hot cue must be in range 1..{HOT_CUES}, got {index}")
        if position_s is not None:
            position_s = _number("a hot cue", position_s, 0.0, MAX_POSITION_S)
        marks = self.marks_for(track_path)
        cues = list(marks.hot_cues_s)
        cues[index - 1] = position_s
        return self._save(track_path, replace(marks, hot_cues_s=tuple(cues)), "hot cue")

    def set_beat_grid(self, track_path: str | os.PathLike, bpm: float, first_beat_s: float) -> TrackMarks:
        grid = BeatGrid(_number("bpm", bpm, MIN_GRID_BPM, MAX_GRID_BPM),
                        _number("first_beat_s", first_beat_s, -MAX_POSITION_S, MAX_POSITION_S))
        return self._save(track_path, replace(self.marks_for(track_path), beat_grid=grid), "beat grid")

    def clear_beat_grid(self, track_path: str | os.PathLike) -> TrackMarks:
        return self._save(track_path, replace(self.marks_for(track_path), beat_grid=None), "beat grid")

    # ---- inside --------------------------------------------------------------------------------
    def _read(self) -> dict[str, object]:
        if self._entries is not None:
            return self._entries
        self._entries = {}
        try:
            text = self.path.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return self._entries  # nothing kept yet (a save says why it cannot write there)
        except OSError as error:  # not damaged, only unreadable now: never written over
            self._file_stuck = True
            self._say(f"The hot cues and beat grids kept for your tracks could not be read "
                      f"({error.strerror or error}). Tracks start without them.")
            return self._entries
        except UnicodeDecodeError as error:
            self._damaged(str(error))
            return self._entries
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
                raise ValueError("it is not Ward Studio's list of track marks")
            if not isinstance(data.get("version"), int) or data["version"] > FORMAT_VERSION:
                raise ValueError("it was made by a newer version of Ward Studio")
            tracks = data.get("tracks")
            if not isinstance(tracks, dict):
                raise ValueError("its list of tracks is missing")
        except ValueError as error:
            self._damaged(str(error))
            return self._entries
        self._entries = dict(tracks)
        return self._entries

    def _damaged(self, problem: str) -> None:
        kept = keep_aside(self.path)
        where = f"it was kept as {kept.name}" if kept else "it was left as it is"
        self._say(f"The hot cues and beat grids kept for your tracks could not be read ({problem}); "
                  f"{where}. Tracks start without them, and new ones are kept from now on.")
        self._file_stuck = kept is None

    def _save(self, track_path, marks: TrackMarks, what: str) -> TrackMarks:
        entries = self._read()
        key = track_key(track_path)
        entries[key] = marks_to_dict(marks, Path(track_path).name)
        if self._file_stuck:
            raise TrackMarksError(f"The {what} could not be saved: the saved marks could not be read, so "
                                  "they are not written over. It is kept while the app is open.")
        document = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "tracks": entries}
        try:
            write_atomically(self.path, json.dumps(document, indent=1, ensure_ascii=False) + "\n")
        except OSError as error:
            raise TrackMarksError(f"The {what} could not be saved ({error.strerror or error}). "
                                  "It is kept while the app is open.") from None
        return marks

    def _say(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)
