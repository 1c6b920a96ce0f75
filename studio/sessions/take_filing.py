"""Participants' takes kept sealed in Sessions while they are not the one making music.

    file_away(takes, store, keep=None) -> Filing        every owned take but keep's: sealed, then its plain files removed
    bring_back(takes, store, participant_id) -> Filing  their sealed takes back in the studio's takes folder

The engine records a take as a plain WAV in the studio's takes folder (it must be readable while
it is recorded, and by the engine's players). That folder is the working copy of the one
participant whose work the studio is making now. Everyone else's takes live only in the
encrypted store, as items of kind "take": the WAV with its details in a chunk of its own
(studio.mic.take_bundle), so a take comes back with its name, lyrics, trim and backing.

So at rest, with no session going on (the app closed, Sessions locked), no participant's voice
is readable on the tablet. Takes of nobody (recorded before Sessions was set up) stay where they
are. A take still being recorded is never touched; it is filed the next time round.

Each take is sealed and its item written before its plain files go; each is written back as a
whole WAV and details before its item goes. A crash between the two leaves the take in both
places, never in neither. A take in the studio's trash that is filed away is deleted for good:
its Undo ends with its owner's turn.

Take numbers are never given twice: the highest number filed away is left as an empty marker
file (take-0012.filed) that the engine counts when it numbers a new take.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from studio.atomic_file import fsync_folder, write_atomically
from studio.mic.take_bundle import bundle_chunks, unbundle
from studio.mic.take_owners import remove_take_files
from studio.mic.takes import TakeInfo, TakeStore, info_from_dict, info_to_text
from studio.mic.wav_stream import is_being_written

TAKE_KIND = "take"
FILED_MARK_SUFFIX = ".filed"


@dataclass
class Filing:
    moved: list[TakeInfo] = field(default_factory=list)
    deleted: list[TakeInfo] = field(default_factory=list)  # from the trash, for good (filing away only)
    problems: list[str] = field(default_factory=list)  # plain sentences; the takes named stay where they were

    def __bool__(self) -> bool:
        return bool(self.moved or self.deleted or self.problems)


def file_away(takes: TakeStore, store, keep: int | None = None) -> Filing:
    """Seal every take in the takes folder that belongs to a participant other than keep (all of
    them when keep is None); delete such takes left in the trash. Works with the store in any
    mode, locked too (SessionStore.put_away)."""
    filing = Filing()
    highest = 0
    for found in takes._scan(takes.folder):
        info = found.info
        if info is None or info.participant_id is None or info.participant_id == keep or found.wav is None:
            continue
        if info.recording or is_being_written(found.wav):
            continue  # filed once it is finished
        try:
            details = found.details.read_text(encoding="utf-8")
            store.put_away(info.participant_id, TAKE_KIND, bundle_chunks(found.wav, details), info.name)
        except Exception as error:  # the file's or the store's (a full disk, damaged records): in their words
            filing.problems.append(f"{info.name} could not be put away safely, so it stays in the studio: {error}")
            continue
        failed = remove_take_files(takes, info.take_id)
        if failed:
            filing.problems.append(f"{info.name} was put away, but its files could not all be removed: "
                                   f"{', '.join(path.name for path in failed)}")
        filing.moved.append(info)
        highest = max(highest, _number_of(info.take_id))
    for found in takes._scan(takes.trash_folder):
        info = found.info
        if info is not None and info.participant_id is not None and info.participant_id != keep:
            failed = remove_take_files(takes, info.take_id)
            if failed:
                filing.problems.append(f"{info.name}, deleted earlier, could not be removed from the trash: "
                                       f"{', '.join(path.name for path in failed)}")
            else:
                filing.deleted.append(info)
            highest = max(highest, _number_of(info.take_id))
    if highest:
        _mark_number(takes, highest)
    if filing.moved and takes.folder.is_dir():
        fsync_folder(takes.folder)
    return filing


def bring_back(takes: TakeStore, store, participant_id: int) -> Filing:
    """Write the participant's sealed takes back into the takes folder, oldest first, then remove
    them from the store. A take whose number is taken meanwhile gets a new one. The store must
    let whoever has it see the participant (the mentor, or the participant themselves)."""
    filing = Filing()
    items = [item for item in store.items(participant_id, TAKE_KIND)]
    if not items:
        return filing
    takes.check_folder()
    for item in reversed(items):  # oldest first: they keep their order when numbered anew
        partial = takes.folder / f".{secrets.token_hex(8)}.wav.tmp"
        try:
            details = json.loads(unbundle(store.item_chunks(item.id), partial))
            take_id = str(details.get("take_id", "")) if isinstance(details, dict) else ""
            if not take_id.startswith("take-") or _is_taken(takes, take_id):
                take_id = f"take-{_next_number(takes):04d}"
            info = info_from_dict(details, take_id)
            os.replace(partial, takes.wav_path(take_id))
            write_atomically(takes.folder / f"{take_id}.json", info_to_text(info))
            fsync_folder(takes.folder)
        except Exception as error:  # a damaged item, a full disk: it stays sealed, nothing is lost
            _remove_quietly(partial)
            filing.problems.append(f"{item.name} could not be brought back to the studio: {error}")
            continue
        try:
            store.delete_item(item.id, why="brought back to the studio for its participant's turn")
        except Exception as error:
            filing.problems.append(f"{item.name} is back in the studio, but its sealed copy stays too: {error}")
        filing.moved.append(info)
    return filing


def _number_of(take_id: str) -> int:
    digits = take_id.removeprefix("take-").split(".")[0]
    return int(digits) if digits.isdigit() else 0


def _numbers_in_use(takes: TakeStore) -> list[int]:
    folders = [takes.folder, takes.trash_folder]
    return [_number_of(path.name) for folder in folders if folder.is_dir() for path in folder.iterdir()
            if path.name.startswith("take-")]


def _next_number(takes: TakeStore) -> int:
    return 1 + max(_numbers_in_use(takes), default=0)


def _is_taken(takes: TakeStore, take_id: str) -> bool:
    return any((folder / f"{take_id}{suffix}").exists() for folder in (takes.folder, takes.trash_folder)
               for suffix in (".wav", ".json"))


def _mark_number(takes: TakeStore, number: int) -> None:
    """Leave take-NNNN.filed for the highest number filed (and only that one marker)."""
    if number < max(_numbers_in_use(takes), default=0):
        return  # a take or a marker with a higher number is there already
    marks = sorted(takes.folder.glob(f"take-*{FILED_MARK_SUFFIX}"))
    mark = takes.folder / f"take-{number:04d}{FILED_MARK_SUFFIX}"
    try:
        mark.touch()
    except OSError:
        return  # numbers may be given again: a song naming an old take may then find a new one
    for old in marks:
        if old != mark:
            _remove_quietly(old)


def _remove_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
