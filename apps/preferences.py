"""Settings the touch app keeps for itself, in a small JSON file next to the audio settings.

The headphone volume cap (a control in the engine, but one a mentor expects to stay set from
one session to the next) and the MIDI sync choices. Pure Python (no kivy), so main.py can read it before
the engine starts and hand the cap to it from the first block of audio.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from studio.controls import CONTROLS, check_action
from studio.atomic_file import write_atomically
from studio.settings import config_dir

HEADPHONE_CAP = CONTROLS[("master", "headphone_cap_db")]


@dataclass(frozen=True)
class Preferences:
    headphone_cap_db: float = HEADPHONE_CAP.default
    # MIDI sync (a mentor setting, see studio.midi): send MIDI clock, follow one device's clock
    # (its name; "" for none), share the tempo with other apps on the network (Link, off by default).
    midi_clock_out: bool = False
    midi_clock_in: str = ""
    link: bool = False


def preferences_path() -> Path:
    return config_dir() / "preferences.json"


def check_preferences(preferences: Preferences) -> Preferences:
    check_action("master", "headphone_cap_db", preferences.headphone_cap_db)  # says the range
    for name in ("midi_clock_out", "link"):
        if not isinstance(getattr(preferences, name), bool):
            raise ValueError(f"{name} must be true or false, got {getattr(preferences, name)!r}")
    if not isinstance(preferences.midi_clock_in, str):
        raise ValueError(f"midi_clock_in must be a device name, got {preferences.midi_clock_in!r}")
    return preferences


def load_preferences(path: Path | None = None) -> tuple[Preferences, str]:
    """Returns (preferences, problem); problem is "" when all was well (or there is no file yet)."""
    path = path or preferences_path()
    if not path.exists():
        return Preferences(), ""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in fields(Preferences)}
        loaded = replace(Preferences(), **{k: v for k, v in raw.items() if k in known})
        return check_preferences(loaded), ""
    except (OSError, ValueError, TypeError, AttributeError) as error:
        return Preferences(), f"The app's preferences file could not be used ({error}); using the defaults."


def save_preferences(preferences: Preferences, path: Path | None = None) -> None:
    """Write atomically, so a crash never leaves half a file."""
    check_preferences(preferences)
    write_atomically(path or preferences_path(), json.dumps(asdict(preferences), indent=2) + "\n")
