"""Kits from folders: a kit.json with its sounds (the shipped kits use it), or any folder of one-shots.

kit.json:
    {"name": "boom-bap",
     "sounds": [{"file": "kick.wav", "name": "Kick", "gm_note": 36, "choke_group": 0,
                 "gain_db": 0.0, "pan": 0.0}, ...]}
Only "name" and each sound's "file" are needed; the rest has defaults (the GM note is guessed from
the sound's name). One bad sound is skipped with a warning, and the rest of the kit loads.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np

from studio.kits.audio_files import is_audio_file, read_one_shot
from studio.kits.errors import KitError
from studio.kits.gm_notes import assign_gm_notes
from studio.kits.kit import (
    ENGINE_SAMPLE_RATE, MAX_KIT_SOUNDS, Kit, KitSound, clamp_gain_db, clamp_pan, hi_hat_choke_groups,
)

KIT_JSON = "kit.json"


def sound_name_from_file(path: Path) -> str:
    """'01_Kick-Hard.wav' -> 'Kick-Hard': the file's name without its numbering or underscores."""
    name = re.sub(r"^\d+[\s_.-]+", "", path.stem).replace("_", " ").strip()
    return name or path.stem


def _natural_key(path: Path) -> list:
    # "kick 2" before "kick 10", as a person would sort them.
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


def load_folder_kit(folder: Path, sample_rate: int = ENGINE_SAMPLE_RATE) -> Kit:
    folder = Path(folder)
    if (folder / KIT_JSON).is_file():
        return load_kit_json(folder / KIT_JSON, sample_rate)
    files = sorted((path for path in folder.iterdir() if is_audio_file(path)), key=_natural_key)
    if not files:
        raise KitError(f'There are no sounds in "{folder.name}": a kit is a folder of WAV, FLAC, OGG or MP3 files.')
    entries = [{"file": path.name, "name": sound_name_from_file(path)} for path in files]
    return _load_entries(folder.name, folder, entries, sample_rate)


def load_kit_json(kit_json: Path, sample_rate: int = ENGINE_SAMPLE_RATE) -> Kit:
    folder = kit_json.parent
    try:
        description = json.loads(kit_json.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise KitError(f'The kit "{folder.name}" could not be read: its kit.json is damaged.') from None
    if not isinstance(description, dict) or not isinstance(description.get("sounds"), list):
        raise KitError(f'The kit "{folder.name}" could not be read: its kit.json has no list of sounds.')
    entries = [entry for entry in description["sounds"] if isinstance(entry, dict) and "file" in entry]
    if not entries:
        raise KitError(f'There are no sounds in "{folder.name}": its kit.json lists none.')
    return _load_entries(str(description.get("name") or folder.name), folder, entries, sample_rate)


def _load_entries(kit_name: str, folder: Path, entries: list[dict], sample_rate: int) -> Kit:
    warnings: list[str] = []
    if len(entries) > MAX_KIT_SOUNDS:
        left_out = ", ".join(str(entry["file"]) for entry in entries[MAX_KIT_SOUNDS:])
        warnings.append(f"Only the first {MAX_KIT_SOUNDS} sounds were loaded, one per pad; left out: {left_out}.")
        entries = entries[:MAX_KIT_SOUNDS]
    loaded: list[tuple[dict, Path, np.ndarray]] = []
    problems: list[str] = []
    for entry in entries:
        path = folder / str(entry["file"])
        try:
            if folder.resolve() not in path.resolve().parents:
                raise KitError(f'"{entry["file"]}" is outside the kit\'s folder, so it was not used.')
            loaded.append((entry, path, read_one_shot(path, sample_rate, shown_name=str(entry["file"]))))
        except KitError as error:
            problems.append(str(error))
            warnings.append(f"{error} It was left out of the kit.")
    if not loaded:
        raise KitError(f'None of the sounds in "{folder.name}" could be used. The first problem: {problems[0]}')
    names = [str(entry.get("name") or sound_name_from_file(path)) for entry, path, _ in loaded]
    notes = assign_gm_notes(names, [_note_or_none(entry.get("gm_note")) for entry, _, _ in loaded])
    chokes = hi_hat_choke_groups(notes, [max(0, int(_number(entry, "choke_group", 0))) for entry, _, _ in loaded])
    sounds = [
        KitSound(
            name=name, path=path, samples=samples, sample_rate=sample_rate, gm_note=note,
            gain_db=clamp_gain_db(_number(entry, "gain_db", 0.0)), pan=clamp_pan(_number(entry, "pan", 0.0)),
            choke_group=choke,
        )
        for (entry, path, samples), name, note, choke in zip(loaded, names, notes, chokes)
    ]
    return Kit(kit_name, sounds, folder, warnings)


def _note_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 127 else None


def _number(entry: dict, key: str, default: float) -> float:
    value = entry.get(key, default)
    usable = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    return float(value) if usable else default
