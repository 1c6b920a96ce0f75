"""The Mic app's takes: each a WAV file and a small JSON file of its details, side by side in one folder.

    takes_dir()                  data_dir()/takes (WARD_STUDIO_DATA_DIR overrides the data dir: tests)
    TakeStore(folder=None)
        check_folder()                      TakeError, in plain words, when no take can be recorded there
        new_take(sample_rate, channels, **details) -> (TakeInfo, wav_path)    named "Take 1", "Take 2"...
        finish(info, frames) -> TakeInfo    the take is whole: recording=False
        list() -> [TakeInfo]                newest first
        rename, set_best (one best take a participant), set_lyrics, set_align_frames
        set_participant(take_id, participant_id)    whose take it is (Sessions' participant id; None: nobody's)
        delete -> the trash folder; undelete brings it back; list_trash; empty_trash really deletes
        delete_for_participant(participant_id) -> [TakeInfo]    consent withdrawn: every file of theirs, for good
        recover() -> [TakeInfo]             takes the app stopped in the middle of, made whole again
        free_seconds, check_space           how much recording fits; a plain warning when little does
    recovered_message(takes)     "A take that was being recorded when the app stopped was saved: Take 3 (2:14)"

A take's details are written atomically with recording=True before its first sound, and with
recording=False by finish(); a take found with recording=True (and no writer holding its file)
was interrupted, and recover() recounts its WAV header from the file's length. Nothing here
deletes a file except empty_trash() and delete_for_participant() (take_owners.py): a damaged
details file is kept aside, next to the take, and the take is listed with what its WAV says;
a WAV without details is listed the same way.
`problems` holds, after list() and recover(), what the mentor should be told about such files.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from pathlib import Path

from studio.atomic_file import write_atomically
from studio.beats.beat_file import check_flag, check_number, check_text, check_whole_number
from studio.beats.storage import data_dir, keep_aside
from studio.mic.take_owners import delete_for_participant
from studio.mic.take_writer import TakeError, clock_text, folder_message
from studio.mic.wav_stream import (
    MAX_SAMPLE_RATE, MIN_SAMPLE_RATE, WavFileError, WavStreamWriter, is_being_written, read_wav_header, repair_wav,
)

FORMAT_NAME = "ward-studio-take"
FORMAT_VERSION = 1
BACKINGS = ("beat", "metronome", "none", "deck1", "deck2")
MAX_NAME_CHARACTERS = 80
MAX_LYRICS_CHARACTERS = 100_000
LOW_SPACE_S = 600.0  # warn when less than 10 minutes of recording fits
TRASH_FOLDER = "trash"
_TAKE_NUMBER = re.compile(r"^take-(\d+)")


def takes_dir() -> Path:
    return data_dir() / "takes"


@dataclass(frozen=True)
class TakeInfo:
    take_id: str  # also the file names: <take_id>.wav and <take_id>.json
    name: str
    created: str  # ISO-8601, local time with its offset
    sample_rate: int
    channels: int
    frames: int = 0
    best: bool = False
    lyrics: str = ""
    backing: str = "none"  # "beat", "metronome", "deck1" or "deck2" (a deck's track from its cue point), or "none"
    bpm: float = 0.0  # of the backing; 0 when there is none
    align_frames: int = 0  # frames at the start to skip so the take lines up with its backing (latency)
    recording: bool = False  # True while being recorded; found True at start: the take was interrupted
    recovered: bool = False  # made whole by recover(), or found without its details
    # Trim and fade, never done to the sound file itself: what is played and exported. Seconds
    # from the start of the sound file; trim_end_s 0 keeps the whole end.
    trim_start_s: float = 0.0
    trim_end_s: float = 0.0
    fade_in_s: float = 0.0
    fade_out_s: float = 0.0
    participant_id: int | None = None  # whose take (Sessions); None: recorded before Sessions, or for nobody

    @property
    def length_s(self) -> float:
        return self.frames / self.sample_rate

    def kept_span_s(self) -> tuple[float, float]:
        """(start, end) of what is kept after trimming, in seconds of the sound file."""
        end = self.trim_end_s if 0 < self.trim_end_s <= self.length_s else self.length_s
        return min(self.trim_start_s, end), end


def info_from_dict(data: object, take_id: str) -> TakeInfo:
    """A TakeInfo from a details file's data, or ValueError naming the first bad field."""
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise ValueError("it is not a Ward Studio take's details")
    # trims and owners came later: older details without them still load
    optional = {"take_id", "trim_start_s", "trim_end_s", "fade_in_s", "fade_out_s", "participant_id"}
    missing = [f.name for f in fields(TakeInfo) if f.name not in data and f.name not in optional]
    if missing:
        raise ValueError(f"{missing[0]} is missing")
    created = check_text("created", data["created"])
    try:
        datetime.fromisoformat(created)
    except ValueError:
        raise ValueError(f"created must be a date and time (ISO 8601), got {created!r}") from None
    if data["backing"] not in BACKINGS:
        raise ValueError(f"backing must be one of {', '.join(BACKINGS)}, got {data['backing']!r}")
    return TakeInfo(
        take_id=take_id,  # the file's name wins: a copied and renamed pair of files still belongs together
        name=_check_name(check_text("name", data["name"])),
        created=created,
        sample_rate=check_whole_number("sample_rate", data["sample_rate"], MIN_SAMPLE_RATE, MAX_SAMPLE_RATE),
        channels=check_whole_number("channels", data["channels"], 1, 2),
        frames=check_whole_number("frames", data["frames"], 0, 2**40),
        best=check_flag("best", data["best"]),
        lyrics=_check_lyrics(check_text("lyrics", data["lyrics"])),
        backing=data["backing"],
        bpm=check_number("bpm", data["bpm"], 0, 1000),
        align_frames=check_whole_number("align_frames", data["align_frames"], 0, 2**40),
        recording=check_flag("recording", data["recording"]),
        recovered=check_flag("recovered", data["recovered"]),
        **{name: check_number(name, data.get(name, 0.0), 0, 24 * 3600)
           for name in ("trim_start_s", "trim_end_s", "fade_in_s", "fade_out_s")},
        participant_id=check_participant_id(data.get("participant_id")),
    )


def info_to_text(info: TakeInfo) -> str:
    data = {"format": FORMAT_NAME, "version": FORMAT_VERSION, **asdict(info)}
    info_from_dict(data, info.take_id)  # never write details that could not be read back
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _check_name(name: str) -> str:
    if not name.strip():
        raise ValueError("a take's name cannot be empty")
    if len(name) > MAX_NAME_CHARACTERS:
        raise ValueError(f"a take's name can be at most {MAX_NAME_CHARACTERS} characters, got {len(name)}")
    return name


def check_participant_id(participant_id: object) -> int | None:
    if participant_id is None:
        return None
    return check_whole_number("participant_id", participant_id, 1, 2**63 - 1)


def _check_lyrics(lyrics: str) -> str:
    if len(lyrics) > MAX_LYRICS_CHARACTERS:
        raise ValueError(f"lyrics can be at most {MAX_LYRICS_CHARACTERS} characters, got {len(lyrics)}")
    return lyrics


def _number_of(take_id: str) -> int:
    match = _TAKE_NUMBER.match(take_id)
    return int(match.group(1)) if match else 0


def _name_for(take_id: str) -> str:
    number = _number_of(take_id)
    return f"Take {number}" if number else take_id


def _now_text(timestamp: float | None = None) -> str:
    moment = datetime.fromtimestamp(timestamp) if timestamp is not None else datetime.now()
    return moment.astimezone().isoformat(timespec="seconds")


def _newest_first(takes: list[TakeInfo]) -> list[TakeInfo]:
    def key(info: TakeInfo):
        return datetime.fromisoformat(info.created).astimezone(), _number_of(info.take_id), info.take_id
    return sorted(takes, key=key, reverse=True)


def recovered_message(takes: list[TakeInfo]) -> str:
    """What to tell the user after recover(); "" when there is nothing to say."""
    takes = [info for info in takes if info.frames > 0]  # nothing was lost if nothing was recorded
    if not takes:
        return ""
    names = ", ".join(f"{info.name} ({clock_text(info.length_s)})" for info in takes)
    if len(takes) == 1:
        return f"A take that was being recorded when the app stopped was saved: {names}"
    return f"{len(takes)} takes that were being recorded when the app stopped were saved: {names}"


@dataclass
class _Found:
    """One take's files in a folder, as found."""
    take_id: str
    wav: Path | None = None
    details: Path | None = None
    info: TakeInfo | None = None
    damage: str = ""  # why the details file could not be read


class TakeStore:
    def __init__(self, folder: str | os.PathLike | None = None):
        self.folder = Path(folder) if folder is not None else takes_dir()
        self._is_own_folder = folder is None  # only the app's own data folder is made with its parents
        self.problems: list[str] = []

    @property
    def trash_folder(self) -> Path:
        return self.folder / TRASH_FOLDER

    def wav_path(self, take_id: str) -> Path:
        return self.folder / f"{take_id}.wav"

    # ---- the folder and the disk ----------------------------------------------------------------

    def check_folder(self) -> None:
        """Make the folder if needed and try writing in it; TakeError in plain words if that fails."""
        probe = self.folder / f".write-test-{os.getpid()}"
        try:
            self.folder.mkdir(parents=self._is_own_folder, exist_ok=True)
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
            os.unlink(probe)
        except OSError as error:
            raise TakeError(folder_message(error, self.folder, "Takes cannot be recorded")) from None

    def free_seconds(self, sample_rate: int, channels: int, bytes_per_sample: int = 4) -> float:
        """How many seconds of recording the free space holds (32-bit float takes by default)."""
        folder = self.folder
        while not folder.exists() and folder.parent != folder:
            folder = folder.parent
        return shutil.disk_usage(folder).free / (sample_rate * channels * bytes_per_sample)

    def check_space(self, sample_rate: int, channels: int, warn_below_s: float = LOW_SPACE_S,
                    bytes_per_sample: int = 4) -> str:
        """A plain warning when less than warn_below_s of recording fits; "" when there is room."""
        free_s = self.free_seconds(sample_rate, channels, bytes_per_sample)
        if free_s >= warn_below_s:
            return ""
        if free_s < 1:
            room = "There is no room left on the disk for recording."
        else:
            room = f"There is room for only about {_amount(free_s)} more of recording."
        trash_bytes = sum(path.stat().st_size for path in self.trash_folder.glob("*") if path.is_file()) \
            if self.trash_folder.is_dir() else 0
        trash_s = trash_bytes / (sample_rate * channels * bytes_per_sample)
        if trash_s >= 1:
            return f"{room} Emptying the trash would make room for about {_amount(trash_s)} more."
        return f"{room} Delete takes that are not needed, or copy them off this tablet, to make room."

    # ---- recording ------------------------------------------------------------------------------

    def new_take(self, sample_rate: int, channels: int, **details) -> tuple[TakeInfo, Path]:
        """Write a new take's details (recording=True); returns them and the path for its WAV.

        details: any of TakeInfo's fields after channels (lyrics, backing, bpm, align_frames...),
        or name_prefix for a name other than "Take 12" ("Mix" makes "Mix 12");
        ValueError for a value out of range, TakeError when the folder cannot be written.
        """
        self.check_folder()
        number = 1 + max([_number_of(path.name) for path in self._all_files()], default=0)
        take_id = f"take-{number:04d}"
        details.setdefault("name", f"{details.pop('name_prefix', 'Take')} {number}")
        info = TakeInfo(take_id, created=_now_text(), sample_rate=sample_rate, channels=channels,
                        **{**details, "recording": True})
        self._save(info, outcome="Nothing was recorded")
        return info, self.wav_path(take_id)

    def finish(self, info: TakeInfo, frames: int) -> TakeInfo:
        """The take is whole: its frames counted, recording=False. Keeps changes made meanwhile."""
        current = self._load(info.take_id) or info
        return self._save(replace(current, frames=frames, recording=False))

    # ---- listing and changing -------------------------------------------------------------------

    def list(self) -> list[TakeInfo]:
        """Every take in the folder with a sound file, newest first (see `problems` afterwards)."""
        self.problems = []
        takes = []
        for found in self._scan(self.folder):
            if found.damage:
                self.problems.append(f"The details of {_name_for(found.take_id)} could not be read "
                                     f"({found.damage}).")
            if found.wav is None:
                if found.info is not None and not found.info.recording:
                    self.problems.append(f"The sound file of {found.info.name} is missing, so it is not listed. "
                                         f"Its details are kept in {found.details}")
                continue
            info = found.info or self._info_from_wav(found.take_id, found.wav)
            if info is not None and info.recording and not is_being_written(found.wav):
                info = self._as_found(info, found.wav)  # interrupted, not yet recovered: show what is there
            if info is not None:
                takes.append(info)
        return _newest_first(takes)

    def rename(self, take_id: str, name: str) -> TakeInfo:
        return self._update(take_id, name=_check_name(name.strip()))

    def set_lyrics(self, take_id: str, lyrics: str) -> TakeInfo:
        return self._update(take_id, lyrics=_check_lyrics(lyrics))

    def set_align_frames(self, take_id: str, align_frames: int) -> TakeInfo:
        """How many frames at the take's start to skip to line it up with its backing (the engine's word)."""
        return self._update(take_id, align_frames=check_whole_number("align_frames", align_frames, 0, 2**40))

    def set_trim(self, take_id: str, start_s: float, end_s: float, fade_in_s: float = 0.0,
                 fade_out_s: float = 0.0) -> TakeInfo:
        """Keep only start_s..end_s of the take (seconds of its sound file; the file is not
        changed), fading in and out over the given times at those edges."""
        info = self._load(take_id)
        length_s = info.length_s if info else float("inf")
        start_s = check_number("trim start", start_s, 0, length_s)
        end_s = check_number("trim end", end_s, 0, length_s)
        if end_s and end_s <= start_s:
            raise ValueError(f"the trim end ({end_s:.2f} s) must come after its start ({start_s:.2f} s)")
        kept_s = (end_s or length_s) - start_s
        fade_in_s = check_number("fade in", fade_in_s, 0, kept_s)
        fade_out_s = check_number("fade out", fade_out_s, 0, kept_s - fade_in_s)
        return self._update(take_id, trim_start_s=start_s, trim_end_s=end_s, fade_in_s=fade_in_s,
                            fade_out_s=fade_out_s)

    def set_participant(self, take_id: str, participant_id: int | None) -> TakeInfo:
        """Whose take this is (a participant's id in Sessions), or None for nobody's."""
        return self._update(take_id, participant_id=check_participant_id(participant_id))

    def set_best(self, take_id: str, best: bool = True) -> TakeInfo:
        """Mark one take as the best (and no other of the same participant's), or unmark it."""
        chosen = self._update(take_id, best=best)
        if best:
            for info in self.list():
                if info.best and info.take_id != take_id and info.participant_id == chosen.participant_id:
                    self._update(info.take_id, best=False)
        return chosen

    # ---- deleting, with a way back --------------------------------------------------------------

    def delete(self, take_id: str) -> None:
        """Move the take into the trash folder; undelete(take_id) brings it back."""
        wav, details = self.wav_path(take_id), self._details_path(self.folder, take_id)
        if not wav.exists() and not details.exists():
            raise TakeError("This take is no longer there; it may have been deleted already.")
        if is_being_written(wav):
            raise TakeError("This take is still being recorded, so it cannot be deleted yet.")
        try:
            self._move_to_trash([details, wav])  # the details first: if the app stops in between, the sound is listed
        except OSError as error:
            raise TakeError(f"The take could not be deleted ({error.strerror or error})") from None

    def undelete(self, take_id: str) -> TakeInfo:
        wav = self.trash_folder / f"{take_id}.wav"
        details = self._details_path(self.trash_folder, take_id)
        if not wav.exists():
            raise TakeError("This take is not in the trash any more; it may have been emptied.")
        if self.wav_path(take_id).exists():
            raise TakeError(f"A take with the same file name is already there: {self.wav_path(take_id)}")
        try:
            for path in (wav, details):  # the sound first: see delete()
                if path.exists():
                    os.replace(path, self.folder / path.name)
        except OSError as error:
            raise TakeError(f"The take could not be brought back ({error.strerror or error})") from None
        restored = next((info for info in self.list() if info.take_id == take_id), None)
        if restored is None:
            raise TakeError(f"The take was brought back, but it cannot be opened: {self.wav_path(take_id)}")
        if restored.best and any(info.best for info in self.list()
                                 if info.take_id != take_id and info.participant_id == restored.participant_id):
            restored = self._update(take_id, best=False)  # another take was chosen as best meanwhile
        return restored

    def list_trash(self) -> list[TakeInfo]:
        takes = [found.info or self._info_from_wav(found.take_id, found.wav)
                 for found in self._scan(self.trash_folder) if found.wav is not None]
        return _newest_first([info for info in takes if info is not None])

    def empty_trash(self) -> int:
        """Delete what is in the trash for good; returns how many takes that was."""
        if not self.trash_folder.is_dir():
            return 0
        count = len({path.name.split(".")[0] for path in self.trash_folder.glob("*.wav")})
        try:
            shutil.rmtree(self.trash_folder)
        except OSError as error:
            raise TakeError(f"The trash could not be emptied ({error.strerror or error})") from None
        return count

    def delete_for_participant(self, participant_id: int) -> list[TakeInfo]:
        """Delete for good (no undo) every take of the participant, in the folder and in the trash,
        with its details and any leftover files; returns those takes (see `problems` afterwards)."""
        return delete_for_participant(self, participant_id)

    # ---- after a crash --------------------------------------------------------------------------

    def recover(self) -> list[TakeInfo]:
        """Make whole the takes the app stopped in the middle of; returns them, newest first.

        Call it when the app (or its engine) starts again. Takes still held by a writer are left
        alone. WAVs found without readable details get new ones; see `problems` for those.
        """
        self.problems = []
        recovered = []
        for found in self._scan(self.folder):
            if found.wav is not None and is_being_written(found.wav):
                continue
            name = found.info.name if found.info else _name_for(found.take_id)
            if found.damage:
                aside = keep_aside(found.details)
                kept = f'Its old details were kept as "{aside.name}".' if aside else "They were left as they were."
                sound = "The recording is kept." if found.wav else "There is no recording with them."
                self.problems.append(f"The details of {name} could not be read ({found.damage}). {sound} {kept}")
                if found.wav is None:
                    continue
            elif found.info is None and found.wav is not None:
                self.problems.append(f"{name} was found without its details (name, lyrics, best take), "
                                     "so it is listed with what its sound file says.")
            elif found.info is None or not found.info.recording:
                continue  # a finished take, or details without sound (list() says so)
            elif found.wav is None and not found.info.lyrics.strip():
                # Stopped before its first sound (a full disk at the start) with no words written
                # either: nothing to show, so out of the list, into the trash.
                with contextlib.suppress(OSError):
                    self._move_to_trash([found.details])
                continue
            try:
                info = self._make_whole(found)
            except WavFileError as error:
                self.problems.append(f"{name} could not be made whole: {error}")
                continue
            except TakeError as error:
                self.problems.append(f"{error}. This is tried again when the app next starts.")
                continue
            if found.info is not None and found.info.recording:
                recovered.append(info)
        return _newest_first(recovered)

    def _make_whole(self, found: _Found) -> TakeInfo:
        if found.wav is None:  # stopped before its first sound: an empty take, keeping its details
            wav = self.wav_path(found.take_id)
            try:
                WavStreamWriter(wav, found.info.sample_rate, found.info.channels).close()
            except OSError as error:
                raise TakeError(f"{found.info.name} stopped before any sound was recorded, and its empty sound "
                                f"file could not be made ({error.strerror or error})") from None
            frames = 0
        else:
            frames = repair_wav(found.wav)
        info = found.info or self._info_from_wav(found.take_id, self.wav_path(found.take_id), strict=True)
        return self._save(replace(info, frames=frames, recording=False, recovered=True))

    # ---- inside ---------------------------------------------------------------------------------

    def _move_to_trash(self, paths: list[Path]) -> None:
        self.trash_folder.mkdir(exist_ok=True)
        for path in paths:
            if path.exists():
                os.replace(path, self.trash_folder / path.name)

    @staticmethod
    def _details_path(folder: Path, take_id: str) -> Path:
        return folder / f"{take_id}.json"

    def _all_files(self) -> list[Path]:
        folders = [self.folder, self.trash_folder]
        return [path for folder in folders if folder.is_dir() for path in folder.iterdir()]

    def _scan(self, folder: Path) -> list[_Found]:
        if not folder.is_dir():
            return []
        found: dict[str, _Found] = {}
        for path in folder.iterdir():
            if path.name.startswith(".") or ".damaged-" in path.name or not path.is_file():
                continue  # temporary files, and details kept aside
            if path.suffix == ".wav":
                found.setdefault(path.stem, _Found(path.stem)).wav = path
            elif path.suffix == ".json":
                entry = found.setdefault(path.stem, _Found(path.stem))
                entry.details = path
                try:
                    entry.info = read_details(path)
                except ValueError as error:
                    entry.damage = str(error)
        return list(found.values())

    def _info_from_wav(self, take_id: str, wav: Path, strict: bool = False) -> TakeInfo | None:
        """What a WAV without readable details says about itself; None (and a problem) if it cannot be read."""
        try:
            header = read_wav_header(wav)
            created = _now_text(wav.stat().st_mtime)
        except (WavFileError, OSError) as error:
            if strict:
                raise TakeError(str(error)) from None
            self.problems.append(f"{_name_for(take_id)} cannot be listed: {error}")
            return None
        channels = min(max(header.channels, 1), 2)  # a WAV copied in by hand may have more; details stay valid
        sample_rate = min(max(header.sample_rate, MIN_SAMPLE_RATE), MAX_SAMPLE_RATE)
        return TakeInfo(take_id, _name_for(take_id), created, sample_rate, channels, frames=header.frames,
                        recovered=True)

    @staticmethod
    def _as_found(info: TakeInfo, wav: Path) -> TakeInfo:
        try:
            return replace(info, frames=read_wav_header(wav).frames_on_disk)
        except WavFileError:
            return info

    def _load(self, take_id: str) -> TakeInfo | None:
        try:
            return read_details(self._details_path(self.folder, take_id))
        except ValueError:
            return None

    def _update(self, take_id: str, **changes) -> TakeInfo:
        info = self._load(take_id)
        if info is None:  # no details, or damaged ones: start again from the sound file
            wav, details = self.wav_path(take_id), self._details_path(self.folder, take_id)
            if not wav.exists():
                raise TakeError("This take is no longer there; it may have been deleted.")
            if details.exists():
                keep_aside(details)  # damaged: never written over
            info = self._info_from_wav(take_id, wav, strict=True)
        return self._save(replace(info, **changes))

    def _save(self, info: TakeInfo, outcome: str = "") -> TakeInfo:
        text = info_to_text(info)
        try:
            write_atomically(self._details_path(self.folder, info.take_id), text)
        except OSError as error:
            if outcome:
                raise TakeError(folder_message(error, self.folder, outcome)) from None
            raise TakeError(f"The details of {info.name} could not be saved ({error.strerror or error})") from None
        return info_from_dict(json.loads(text), info.take_id)  # as it will be read back: bpm 90 -> 90.0


def read_details(path: Path) -> TakeInfo:
    """A take's details file, read and checked; ValueError says what is wrong, as in a beat file's messages."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("it is not UTF-8 text") from None
    except OSError as error:
        raise ValueError(f"it could not be read: {error.strerror or error}") from None
    if not text.strip():
        raise ValueError("the file is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        if not text.rstrip().endswith("}"):  # cut short: a full disk, a power cut during a copy
            raise ValueError(f"it ends early, after line {len(text.rstrip().splitlines())}") from None
        raise ValueError(f"it is not valid JSON at line {error.lineno}, column {error.colno}") from None
    return info_from_dict(data, path.stem)


def _amount(seconds: float) -> str:
    if seconds >= 120:
        return f"{int(seconds // 60)} minutes"
    if seconds >= 60:
        return "1 minute"
    return f"{int(seconds)} seconds"
