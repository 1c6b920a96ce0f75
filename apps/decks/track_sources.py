"""Where tracks for the decks come from, as lists the track browser shows: the demo tracks that
ship with the studio, the tablet's music folder, and the Mic's recorded takes. No kivy here.

Bounced beats are not offered: the Beats app keeps one beat (current-beat.json) and renders to
audio only from the command line, so there is no folder of bounced beats to list yet.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from studio.decks.track_decode import SUPPORTED_SUFFIXES, is_track_file

DEMO_TRACKS_DIR = Path(__file__).resolve().parents[2] / "samples" / "tracks"
TRACKS_JSON = "tracks.json"
MAX_MUSIC_FILES = 2000  # a huge library is listed this far, in name order; the rest is not shown
MAX_FOLDER_DEPTH = 6


@dataclass(frozen=True)
class TrackChoice:
    path: str
    title: str
    detail: str = ""  # one line: "88 BPM · D minor · 1:19", a folder, or when a take was recorded


def minutes_text(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"


def demo_tracks(folder: Path = DEMO_TRACKS_DIR) -> list[TrackChoice]:
    """The demo tracks in the order tracks.json lists them (with their tempo, key and length);
    any other track file in the folder after them."""
    try:
        listed = json.loads((folder / TRACKS_JSON).read_text(encoding="utf-8"))
        if not isinstance(listed, list):
            listed = []
    except (OSError, ValueError):
        listed = []
    choices, seen = [], set()
    for entry in listed:
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            continue
        path = folder / entry["file"]
        if not is_track_file(path):
            continue
        seen.add(path.name)
        facts = []
        if isinstance(entry.get("bpm"), (int, float)):
            facts.append(f"{entry['bpm']:g} BPM")
        for key in ("key", "style"):
            if isinstance(entry.get(key), str) and entry[key]:
                facts.append(entry[key])
        if isinstance(entry.get("duration_s"), (int, float)):
            facts.append(minutes_text(entry["duration_s"]))
        choices.append(TrackChoice(str(path), str(entry.get("title") or path.stem), " \u00b7 ".join(facts)))
    others = sorted(p for p in _files_in(folder) if p.name not in seen and is_track_file(p))
    return choices + [TrackChoice(str(path), path.stem) for path in others]


def music_tracks(folder: Path, limit: int = MAX_MUSIC_FILES) -> tuple[list[TrackChoice], bool]:
    """Track files in a music folder and its folders (hidden ones skipped), in name order.
    Returns (tracks, cut_short): cut_short when there were more than limit."""
    folder = Path(folder)
    found: list[Path] = []
    cut_short = False
    for root, folders, files in os.walk(folder):
        depth = len(Path(root).relative_to(folder).parts)
        folders[:] = sorted(name for name in folders if not name.startswith(".")) if depth < MAX_FOLDER_DEPTH else []
        for name in sorted(files):
            if Path(name).suffix.lower() in SUPPORTED_SUFFIXES and not name.startswith("."):
                found.append(Path(root) / name)
        if len(found) > limit:
            cut_short = True
            break
    found = sorted(found, key=lambda path: (path.stem.lower(), str(path)))[:limit]
    choices = []
    for path in found:
        where = path.parent.relative_to(folder)
        choices.append(TrackChoice(str(path), path.stem, "" if where == Path(".") else str(where)))
    return choices, cut_short


def take_tracks(store) -> list[TrackChoice]:
    """The Mic's finished takes (a studio.mic.takes.TakeStore), newest first."""
    choices = []
    for take in store.list():
        if take.recording or take.frames <= 0:
            continue
        detail = minutes_text(take.length_s) + (" \u00b7 best take" if take.best else "")
        choices.append(TrackChoice(str(store.wav_path(take.take_id)), take.name, detail))
    return choices


def _files_in(folder: Path) -> list[Path]:
    try:
        return [entry for entry in folder.iterdir() if entry.is_file()]
    except OSError:
        return []
