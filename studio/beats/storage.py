"""Where the beat being made lives on disk, so that reopening the app brings it back exactly.

    beats_dir()          <user data dir>/beats (WARD_STUDIO_DATA_DIR overrides the data dir: tests)
    current_beat_path()  beats_dir()/current-beat.json, saved by beat_file.Autosaver after every change
    load_or_new()        the saved beat, or a new one; a damaged file is kept aside, never overwritten

A file that cannot be opened (damaged, cut short, made by a newer app) is renamed to
current-beat.damaged-<date>.json next to it, so a mentor can still send it to someone who can
mend it, and save_beat() (which refuses to replace what it cannot read) has a free place to
save the new work. When the previous good save (current-beat.json.bak) can be opened, that one
is used instead of a blank beat.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

import platformdirs

from studio.beats.beat_file import BeatFileError, backup_path, load_beat
from studio.beats.model import Beat, PadSettings
from studio.kits.errors import KitError
from studio.kits.library import DEFAULT_KIT, load_kit

CURRENT_BEAT_NAME = "current-beat.json"


@dataclass(frozen=True)
class LoadedBeat:
    beat: Beat
    message: str = ""  # "" when all was well; otherwise one plain paragraph to show the user
    kept_aside: Path | None = None  # where a file that could not be opened was moved


def data_dir() -> Path:
    """The app's own data folder; WARD_STUDIO_DATA_DIR overrides it (tests use a temporary folder)."""
    override = os.environ.get("WARD_STUDIO_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir("ward-studio"))


def beats_dir() -> Path:
    return data_dir() / "beats"


def current_beat_path() -> Path:
    return beats_dir() / CURRENT_BEAT_NAME


def new_beat(kit: str = DEFAULT_KIT) -> Beat:
    """An empty beat on a kit, with the kit's choke groups (a closed hat cuts the open hat off)."""
    beat = Beat(kit=kit)
    try:
        sounds = load_kit(kit).sounds
    except (KitError, OSError):
        return beat  # the engine says plainly that the kit cannot be loaded
    beat.pads = [replace(PadSettings(), choke_group=min(sound.choke_group, 8)) for sound in sounds[:16]]
    beat.pads += [PadSettings() for _ in range(16 - len(beat.pads))]
    return beat


def load_or_new(path: Path | None = None) -> LoadedBeat:
    """The beat saved at path (default: current_beat_path()), or a new beat when there is none.

    Never raises for a bad file and never deletes or overwrites one: see the module's notes.
    """
    path = Path(path) if path is not None else current_beat_path()
    if not path.exists():
        return LoadedBeat(new_beat())
    try:
        return LoadedBeat(load_beat(path))
    except BeatFileError as error:
        problem = str(error)
    kept_aside = keep_aside(path)
    where = (f'It was kept as "{kept_aside.name}" in {kept_aside.parent}.' if kept_aside else
             "It could not be moved aside, so it was left as it is.")
    try:
        earlier = load_beat(backup_path(path))
    except BeatFileError:
        earlier = None
    if earlier is not None:
        message = (f"Your last beat could not be opened: {problem}. {where} "
                   "The save from just before it was opened instead.")
        return LoadedBeat(earlier, message, kept_aside)
    message = f"Your last beat could not be opened: {problem}. {where} A new beat was started."
    return LoadedBeat(new_beat(), message, kept_aside)


def keep_aside(path: Path) -> Path | None:
    """Rename a file that cannot be opened to <stem>.damaged-<date>[-n]<suffix>, next to it.

    Returns the new path, or None when it could not be renamed (a read-only folder)."""
    stamp = time.strftime("%Y-%m-%d-%H%M%S")
    stem, suffix = path.name.removesuffix(".json"), ".json"
    for number in range(1, 1000):
        extra = "" if number == 1 else f"-{number}"
        target = path.with_name(f"{stem}.damaged-{stamp}{extra}{suffix}")
        if target.exists():
            continue
        try:
            # link + unlink instead of rename: rename would silently replace a file that
            # appeared in between; link refuses to.
            os.link(path, target)
            os.unlink(path)
            return target
        except FileExistsError:
            continue
        except OSError:
            try:  # a file system without hard links (FAT on a USB stick): rename it, checked above
                os.rename(path, target)
                return target
            except OSError:
                return None
    return None
