"""Each participant's work in progress in Beats and Export, kept sealed in Sessions while it is
not their turn.

    beats_work() / songs_work() -> WorkFolder     the current beat (and its .bak); the songs (and their trash)
    words_work() -> WorkFolder                    the words typed in Mic for the next take
    folder_owner(work) -> int | None              whose the files are now (None: nobody's)
    hand_over(store, working, work) -> Handover   the working participant's files in the folder
    forget_work_of(participant_id, work) -> bool  consent withdrawn: their plain files go

Beats works on one file (the current beat), Export on a folder of songs, and Mic keeps the words
typed for the next take in a file of their own. Those files are the
working participant's: when the turn changes they are sealed in Sessions together, as one item
of the owner's (a JSON object of file names and texts, kind "beat" or "song"), their plain
copies are removed, and the new participant's are written in their place (or none are: Beats
starts a new beat, Export a new song). Work made in nobody's turn (before Sessions was set up,
or while it is locked) is nobody's: it waits in the folder's nobodys/ subfolder and is back at
nobody's next turn. Whose the files are is written beside them (.owner), so a restart after a
crash still knows.

The order makes a crash lose nothing: the files are sealed before they are removed, and the
owner is written before the next participant's files are, whose sealed copy goes last. Saving
what the screen has pending first is the caller's (BeatsScreen.save_now, ExportScreen.hand_over).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from studio.atomic_file import fsync_folder, write_atomically
from studio.beats.storage import CURRENT_BEAT_NAME, beats_dir, data_dir
from studio.export.song_store import TRASH_FOLDER, songs_dir

OWNER_NAME = ".owner"
NOBODYS_FOLDER = "nobodys"
WORDS_FILE_NAME = "next-take-words.txt"
BUNDLE_FORMAT = "ward-studio-work"
MAX_FILES = 10_000


@dataclass(frozen=True)
class WorkFolder:
    folder: Path
    kind: str  # the sealed item's kind in Sessions
    item_name: str  # and its name
    patterns: tuple[str, ...]  # the work's files, relative to the folder (glob patterns)

    def files(self, folder: Path | None = None) -> list[Path]:
        folder = folder or self.folder
        found = {path for pattern in self.patterns for path in folder.glob(pattern)}
        return sorted(path for path in found if path.is_file() and not path.name.startswith("."))


def beats_work(folder: Path | None = None) -> WorkFolder:
    return WorkFolder(folder or beats_dir(), "beat", "Beat in progress",
                      (CURRENT_BEAT_NAME, f"{CURRENT_BEAT_NAME}.bak"))


def songs_work(folder: Path | None = None) -> WorkFolder:
    return WorkFolder(folder or songs_dir(), "song", "Songs in progress", ("*.json", f"{TRASH_FOLDER}/*.json"))


def words_work(folder: Path | None = None) -> WorkFolder:
    return WorkFolder(folder or data_dir() / "mic", "cache", "Words for the next take", (WORDS_FILE_NAME,))


@dataclass
class Handover:
    changed: bool = False  # the folder holds someone else's files now: the screen loads them again
    problems: list[str] = field(default_factory=list)  # plain sentences


def folder_owner(work: WorkFolder) -> int | None:
    try:
        text = (work.folder / OWNER_NAME).read_text(encoding="ascii").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() and int(text) > 0 else None


def hand_over(store, working: int | None, work: WorkFolder) -> Handover:
    """Make the folder's files the working participant's (see the module's notes). Sealing works
    in any mode (SessionStore.put_away); bringing files back needs the store to let whoever has
    it see the working participant."""
    handover = Handover()
    owner = folder_owner(work)
    if owner == working:
        return handover
    try:
        _put_away(store, owner, work)
    except Exception as error:  # the disk's or the store's: the files stay, with their owner
        handover.problems.append(f"The {work.item_name.lower()} could not be put away safely, so they stay: {error}")
        return handover
    handover.changed = True
    try:
        _set_owner(work.folder, working)
        if working is None:
            _bring_back_nobodys(work)
            return handover
        items = [item for item in store.items(working, work.kind) if item.name == work.item_name]
        if items:  # newest first; older ones are left by a crash between sealing and removing
            _write_bundle(work.folder, store.open_item(items[0].id))
            for item in items:
                store.delete_item(item.id, why="brought back to the studio for its participant's turn")
    except Exception as error:
        handover.problems.append(f"Their {work.item_name.lower()} could not be brought back (they stay kept in "
                                 f"Sessions): {error}")
    return handover


def forget_work_of(participant_id: int, work: WorkFolder) -> bool:
    """Consent withdrawn: if the folder's files are theirs, they go (their sealed work goes with
    their other items in Sessions). True when there were files of theirs."""
    if folder_owner(work) != participant_id:
        return False
    files = work.files()
    _remove(files)
    _set_owner(work.folder, None)
    return bool(files)


def _put_away(store, owner: int | None, work: WorkFolder) -> None:
    files = work.files()
    if not files:
        return
    if owner is None:  # nobody's work waits for nobody's next turn
        stash = work.folder / NOBODYS_FOLDER
        if stash.exists():  # left by a crash mid-handover: kept under a name of its own, not mixed
            os.replace(stash, work.folder / f"{NOBODYS_FOLDER}-earlier-{time.strftime('%Y-%m-%d-%H%M%S')}")
        for path in files:
            target = stash / path.relative_to(work.folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
        fsync_folder(work.folder)
        return
    bundle = {"format": BUNDLE_FORMAT, "version": 1,
              "files": {path.relative_to(work.folder).as_posix(): path.read_text(encoding="utf-8") for path in files}}
    store.put_away(owner, work.kind, [json.dumps(bundle, ensure_ascii=False).encode("utf-8")], work.item_name)
    _remove(files)


def _bring_back_nobodys(work: WorkFolder) -> None:
    stash = work.folder / NOBODYS_FOLDER
    if not stash.is_dir():
        return
    for path in work.files(stash):
        target = work.folder / path.relative_to(stash)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
    fsync_folder(work.folder)
    with contextlib.suppress(OSError):
        for folder in sorted((p for p in stash.rglob("*") if p.is_dir()), reverse=True):
            folder.rmdir()
        stash.rmdir()


def _write_bundle(folder: Path, raw: bytes) -> None:
    data = json.loads(raw.decode("utf-8"))
    files = data.get("files") if isinstance(data, dict) and data.get("format") == BUNDLE_FORMAT else None
    if not isinstance(files, dict) or len(files) > MAX_FILES:
        raise ValueError("the kept work is not in a form this app knows")
    for name, text in files.items():
        relative = Path(name)
        if relative.is_absolute() or ".." in relative.parts or not isinstance(text, str):
            raise ValueError(f"the kept work names a file outside its folder: {name}")
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, text)


def _remove(files: list[Path]) -> None:
    for path in files:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    for folder in {path.parent for path in files}:
        fsync_folder(folder)


def _set_owner(folder: Path, owner: int | None) -> None:
    path = folder / OWNER_NAME
    if owner is None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        if folder.is_dir():
            fsync_folder(folder)
    else:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(path, f"{owner}\n")

