"""Whose takes: when a participant withdraws their consent, every file of their takes goes, for good.

    delete_for_participant(store, participant_id) -> [TakeInfo]     (TakeStore.delete_for_participant)
    remove_take_files(store, take_id) -> [Path] not removed          one take's files, wherever they are

A take belongs to whoever its details name (TakeInfo.participant_id). Its files are, in the takes
folder and in its trash: <take_id>.wav and <take_id>.json, details kept aside as damaged
(<take_id>.damaged-<date>.json) and a details file cut short while being written
(.<take_id>.json.tmp). Nothing goes to the trash here: a withdrawal leaves no way back.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from studio.atomic_file import fsync_folder
from studio.mic.wav_stream import is_being_written

if TYPE_CHECKING:
    from studio.mic.takes import TakeInfo, TakeStore


def delete_for_participant(store: TakeStore, participant_id: int) -> list[TakeInfo]:
    """Delete every take of the participant (see the module's docstring); returns them, each once.
    What could not be deleted is said in store.problems (and the rest is deleted all the same)."""
    store.problems = []
    owned: dict[str, TakeInfo] = {}
    for folder in (store.trash_folder, store.folder):  # the take itself wins over its copy in the trash
        for found in store._scan(folder):
            if found.info is not None and found.info.participant_id == participant_id:
                owned[found.take_id] = found.info
    for take_id, info in owned.items():
        failed = remove_take_files(store, take_id)
        if failed:
            store.problems.append(f"{info.name} could not be deleted completely: {', '.join(map(str, failed))}")
    for folder in (store.folder, store.trash_folder):
        if folder.is_dir():
            fsync_folder(folder)  # the deletions survive a power cut
    return list(owned.values())


def remove_take_files(store: TakeStore, take_id: str) -> list[Path]:
    """Remove every file of one take (see files_of); returns those that could not be removed."""
    paths = files_of(store, take_id)
    details = [path for path in paths if path.name == f"{take_id}.json"]
    # The details last, and only once the rest is gone: until then they say whose take it is.
    failed = [path for path in paths if path not in details and not _remove(path)]
    if not failed:
        failed = [path for path in details if not _remove(path)]
    return failed


def files_of(store: TakeStore, take_id: str) -> list[Path]:
    """Every file of one take, in the takes folder and in its trash."""
    names = (f"{take_id}.", f".{take_id}.")  # the dot: take-0001 is not take-00012
    return [path for folder in (store.folder, store.trash_folder) if folder.is_dir()
            for path in sorted(folder.iterdir(), key=lambda path: (path.suffix != ".wav", path.name))
            if path.name.startswith(names) and path.is_file()]


def _remove(path: Path) -> bool:
    """True when the file is gone. A take still being recorded is not deleted."""
    if path.suffix == ".wav" and is_being_written(path):
        return False
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError:
        return False
    return True
