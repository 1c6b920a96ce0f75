"""Beat files: a beat saved as readable, versioned JSON, and read back exactly.

    save_beat(beat, path)    atomic (temporary file, fsync, rename); the previous good save is kept
                             as <name>.bak; a file that cannot be read as a beat is never replaced
    load_beat(path) -> Beat  every field checked; BeatFileError says in plain words what is wrong
    Autosaver(path)          saves after changes, at most every delay_s; flush() writes what is pending

check_beat() and the check_* helpers are also used by editor.py, so an edit and a file are held
to the same ranges, named the same way ("bpm must be in range 60..200, got 250").
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any, Callable

from studio.atomic_file import write_atomically
from studio.versioned_json import damaged_message, read_versioned_json
from studio.beats.model import (
    FORMAT_VERSION, MAX_BPM, MAX_CHAIN_LENGTH, MAX_SWING, MIN_BPM, MIN_SWING, PAD_COUNT, PATTERN_NAMES, STEP_COUNTS,
    TICKS_PER_STEP, Beat, KeysSettings, PadSettings, Pattern, Row,
)
from studio.melody.instrument_synth import SOUNDS
from studio.melody.scales import MAX_OCTAVE, MIN_OCTAVE, SCALE_NAMES

FORMAT_NAME = "ward-studio-beat"
MAX_FILE_BYTES = 5_000_000  # a beat is under 100 kB; a bigger file is something else (a video...)
_NAMES_RANGE = f"{PATTERN_NAMES[0]}..{PATTERN_NAMES[-1]}"
# The ranges of PadSettings' fields (model.py gives them as comments only).
PAD_SETTING_RANGES: dict[str, tuple[float, float]] = {
    "volume_db": (-60.0, 6.0),
    "pan": (-1.0, 1.0),
    "pitch_semitones": (-12.0, 12.0),
    "cutoff_hz": (200.0, 20000.0),
    "choke_group": (0, 8),  # 0 = none; 16 pads make at most 8 groups of two
}


class BeatFileError(Exception):
    """A beat file could not be read or written; str(error) is a message for the user."""


# ---- checks shared with the editor -------------------------------------------------------------

def check_number(name: str, value: Any, minimum: float, maximum: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise ValueError(f"{name} needs a number, got {value!r}")
    if not minimum <= value <= maximum:
        raise ValueError(f"{name} must be in range {minimum:g}..{maximum:g}, got {value:g}")
    return float(value)


def check_whole_number(name: str, value: Any, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} needs a whole number, got {value!r}")
    if not minimum <= value <= maximum:
        raise ValueError(f"{name} must be in range {minimum}..{maximum}, got {value}")
    return value


def check_step_count(name: str, value: Any) -> int:
    if type(value) is not int or value not in STEP_COUNTS:
        raise ValueError(f"{name} must be one of {', '.join(map(str, STEP_COUNTS))}, got {value!r}")
    return value


def check_pattern_name(name: str, value: Any) -> str:
    if not isinstance(value, str) or len(value) != 1 or value not in PATTERN_NAMES:
        raise ValueError(f"{name} must be one of {_NAMES_RANGE}, got {value!r}")
    return value


def check_flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, got {value!r}")
    return value


def check_text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text, got {value!r}")
    return value


def check_chain(name: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"{name} must be a list of at least one pattern name, got {value!r}")
    if len(value) > MAX_CHAIN_LENGTH:
        raise ValueError(f"{name} can hold at most {MAX_CHAIN_LENGTH} patterns, got {len(value)}")
    return [check_pattern_name(f"{name}[{i}]", item) for i, item in enumerate(value)]


def check_pad_setting(name: str, field_name: str, value: Any) -> float | int:
    if field_name not in PAD_SETTING_RANGES:
        raise ValueError(f"{name} has no setting {field_name!r}; known: {', '.join(PAD_SETTING_RANGES)}")
    minimum, maximum = PAD_SETTING_RANGES[field_name]
    if isinstance(minimum, int):
        return check_whole_number(f"{name}.{field_name}", value, minimum, maximum)
    return check_number(f"{name}.{field_name}", value, minimum, maximum)


def _fields_of(name: str, data: Any, keys: list[str]) -> dict:
    if not isinstance(data, dict):
        raise ValueError(f"{name or 'the beat'} must be a JSON object, got {type(data).__name__}")
    for key in keys:
        if key not in data:
            raise ValueError(f"{name}.{key} is missing" if name else f"{key} is missing")
    return data


def _list_of(name: str, data: Any, length: int) -> list:
    if not isinstance(data, list) or len(data) != length:
        got = f"{len(data)}" if isinstance(data, list) else repr(data)
        raise ValueError(f"{name} must be a list of {length} items, got {got}")
    return data


def check_off_grid(name: str, data: Any, step_count: int) -> dict[int, float]:
    """Hits between steps: {tick: velocity}; in a file the ticks are written as text ("37")."""
    if not isinstance(data, dict):
        raise ValueError(f"{name} must be a JSON object of tick: velocity, got {type(data).__name__}")
    hits = {}
    for key, velocity in data.items():
        try:
            tick = int(key)
        except (TypeError, ValueError):
            raise ValueError(f"{name} has a tick that is not a whole number: {key!r}") from None
        last = step_count * TICKS_PER_STEP - 1
        if not 0 < tick <= last or tick % TICKS_PER_STEP == 0:
            raise ValueError(f"{name}: tick {tick} must be in range 1..{last} and between steps "
                             f"(not a multiple of {TICKS_PER_STEP})")
        velocity = check_number(f"{name}[{tick}]", velocity, 0, 1)
        if velocity == 0:
            raise ValueError(f"{name}[{tick}] must be above 0 (a hit), got 0")
        hits[tick] = velocity
    return dict(sorted(hits.items()))


def _row_from_dict(name: str, pad: int, step_count: int, data: Any) -> Row:
    data = _fields_of(name, data, [f.name for f in fields(Row) if f.name != "off_grid"])  # version 1 has none
    if type(data["pad"]) is not int or data["pad"] != pad:
        raise ValueError(f"{name}.pad must be {pad} (its place in the list), got {data['pad']!r}")
    velocities = _list_of(f"{name}.velocities", data["velocities"], step_count)
    length = check_whole_number(f"{name}.length", data["length"], 1, step_count)
    return Row(
        pad=pad,
        velocities=[check_number(f"{name}.velocities[{i}]", v, 0, 1) for i, v in enumerate(velocities)],
        length=length,
        mute=check_flag(f"{name}.mute", data["mute"]),
        solo=check_flag(f"{name}.solo", data["solo"]),
        off_grid=check_off_grid(f"{name}.off_grid", data.get("off_grid", {}), step_count),
    )


def _pattern_from_dict(name: str, key: str, data: Any) -> Pattern:
    data = _fields_of(name, data, ["name", "step_count", "rows"])
    if data["name"] != key:
        raise ValueError(f"{name}.name must be {key!r}, got {data['name']!r}")
    step_count = check_step_count(f"{name}.step_count", data["step_count"])
    rows = _list_of(f"{name}.rows", data["rows"], PAD_COUNT)
    return Pattern(key, step_count, [_row_from_dict(f"{name}.rows[{i}]", i, step_count, row)
                                     for i, row in enumerate(rows)])


def _pad_from_dict(name: str, data: Any) -> PadSettings:
    keys = list(PAD_SETTING_RANGES)
    data = _fields_of(name, data, keys)
    return PadSettings(**{key: check_pad_setting(name, key, data[key]) for key in keys})


def check_keys_field(name: str, field_name: str, value: Any) -> int | str:
    """One field of KeysSettings, checked."""
    if field_name == "root":
        return check_whole_number(f"{name}.root", value, 0, 11)
    if field_name == "octave":
        return check_whole_number(f"{name}.octave", value, MIN_OCTAVE, MAX_OCTAVE)
    choices = {"scale": SCALE_NAMES, "sound": SOUNDS}.get(field_name)
    if choices is None:
        raise ValueError(f"{name} has no setting {field_name!r}; known: root, scale, sound, octave")
    if value not in choices:
        raise ValueError(f"{name}.{field_name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _keys_from_dict(name: str, data: Any) -> KeysSettings:
    keys = [f.name for f in fields(KeysSettings)]
    data = _fields_of(name, data, keys)
    return KeysSettings(**{key: check_keys_field(name, key, data[key]) for key in keys})


def beat_from_dict(data: Any) -> Beat:
    """A Beat from plain data (as in the file), or ValueError naming the first bad field."""
    data = _fields_of("", data, ["title", "kit", "bpm", "swing", "patterns", "chain", "pads"])
    patterns = _fields_of("patterns", data["patterns"], list(PATTERN_NAMES))
    unknown = sorted(set(patterns) - set(PATTERN_NAMES))
    if unknown:
        raise ValueError(f"patterns must be named {_NAMES_RANGE}, got {unknown[0]!r}")
    return Beat(
        title=check_text("title", data["title"]),
        kit=check_text("kit", data["kit"]),
        bpm=check_number("bpm", data["bpm"], MIN_BPM, MAX_BPM),
        swing=check_number("swing", data["swing"], MIN_SWING, MAX_SWING),
        patterns={key: _pattern_from_dict(f"patterns.{key}", key, patterns[key]) for key in PATTERN_NAMES},
        chain=check_chain("chain", data["chain"]),
        pads=[_pad_from_dict(f"pads[{i}]", pad)
              for i, pad in enumerate(_list_of("pads", data["pads"], PAD_COUNT))],
        keys=_keys_from_dict("keys", data["keys"]) if "keys" in data else KeysSettings(),  # version 1 has none
    )


def check_beat(beat: Beat) -> Beat:
    """Raise ValueError naming the first field out of range; return the beat when all is well."""
    beat_from_dict(asdict(beat))
    return beat


# ---- the file ----------------------------------------------------------------------------------

def beat_to_text(beat: Beat) -> str:
    """The file's text: indented JSON, each list of numbers or names on one line."""
    data = asdict(beat)
    beat_from_dict(data)  # never write a value that could not be read back
    for pattern in data["patterns"].values():
        for row in pattern["rows"]:
            row["off_grid"] = {str(tick): velocity for tick, velocity in row["off_grid"].items()}  # JSON keys are text
    return _json_text({"format": FORMAT_NAME, "version": FORMAT_VERSION, **data}) + "\n"


def _json_text(value: Any, level: int = 0) -> str:
    inner, outer = "  " * (level + 1), "  " * level
    if isinstance(value, dict) and value:
        items = [f"{inner}{_json_text(key)}: {_json_text(item, level + 1)}" for key, item in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{outer}}}"
    if isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value):
        return "[\n" + ",\n".join(inner + _json_text(item, level + 1) for item in value) + f"\n{outer}]"
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def backup_path(path: str | os.PathLike) -> Path:
    """Where save_beat keeps the previous good save: my-beat.json -> my-beat.json.bak."""
    path = Path(path)
    return path.with_name(path.name + ".bak")


def load_beat(path: str | os.PathLike) -> Beat:
    try:
        with open(path, "rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise BeatFileError(f"There is no beat file at {path}") from None
    except OSError as error:
        raise BeatFileError(f"This beat file could not be read ({error.strerror or error}): {path}") from None
    return _beat_from_bytes(raw)


def _beat_from_bytes(raw: bytes) -> Beat:
    data = read_versioned_json(raw, what="beat", format_name=FORMAT_NAME, format_version=FORMAT_VERSION,
                               max_bytes=MAX_FILE_BYTES, error=BeatFileError)
    try:
        return beat_from_dict(data)
    except ValueError as error:
        raise BeatFileError(damaged_message("beat").format(error)) from None


def save_beat(beat: Beat, path: str | os.PathLike) -> None:
    """Save atomically, keeping the previous good save as <name>.bak.

    Raises ValueError for a beat with a value out of range (nothing is written), and
    BeatFileError when the disk refuses, or when the file already there cannot be read as a beat
    (a damaged beat, a newer version, another kind of file): that file is left as it was.
    """
    path = Path(path)
    text = beat_to_text(beat).encode("utf-8")
    try:
        previous = path.read_bytes()
    except FileNotFoundError:
        previous = None
    except OSError as error:
        raise BeatFileError(f"The beat could not be saved ({error.strerror or error})") from None
    if previous == text:
        return
    if previous is not None:
        try:
            _beat_from_bytes(previous)
        except BeatFileError as error:
            raise BeatFileError(
                f"{path.name} was not replaced, because it could not be read: {error}") from None
        write_file_atomically(backup_path(path), previous)
    write_file_atomically(path, text)


def write_file_atomically(path: str | os.PathLike, data: bytes, what: str = "The beat") -> None:
    """write_atomically, with a plain message naming what could not be saved."""
    try:
        write_atomically(path, data)
    except OSError as error:
        raise BeatFileError(f"{what} could not be saved ({error.strerror or error})") from None


class Autosaver:
    """Saves a beat after every change, at most once per delay_s, never losing the last change.

    changed() saves at once when the last save is older than delay_s, otherwise marks the change
    pending; poll() (call it from the UI's clock, a few times a second) saves what is pending once
    delay_s has passed; flush() saves what is pending now (call it when leaving the screen, on pause
    and on exit). changed() and poll() never raise: a failed save stays pending, is retried, and
    its message is kept in .problem and passed to on_error (once, until the problem changes).
    """

    def __init__(self, path: str | os.PathLike, delay_s: float = 1.0,
                 on_error: Callable[[str], None] | None = None,
                 clock_s: Callable[[], float] = time.monotonic):
        self.path = Path(path)
        self.delay_s = delay_s
        self.on_error = on_error
        self.problem = ""
        self.clock_s = clock_s
        self._pending: Beat | None = None
        self._last_attempt_s = -math.inf

    @property
    def pending(self) -> bool:
        return self._pending is not None

    def changed(self, beat: Beat, what: str = "") -> None:
        """Has the signature of BeatEditor's on_change, so it can be passed as one."""
        self._pending = beat
        self.poll()

    def poll(self) -> None:
        if self._pending is not None and self.clock_s() - self._last_attempt_s >= self.delay_s:
            try:
                self.flush()
            except (BeatFileError, ValueError) as error:
                if self.on_error and str(error) != self.problem:  # once, not at every retry
                    self.on_error(str(error))
                self.problem = str(error)

    def flush(self) -> None:
        """Save what is pending now; raises BeatFileError (or ValueError) if it cannot be saved."""
        if self._pending is None:
            return
        self._last_attempt_s = self.clock_s()
        save_beat(self._pending, self.path)
        self._pending = None
        self.problem = ""
