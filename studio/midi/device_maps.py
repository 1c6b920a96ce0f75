"""Each MIDI device's profile and learned controls, saved per device so that plugging the same
controller in next week brings back what the mentor set up.

    controllers_dir()/<device name made safe>.json
    {"format": "ward-studio-controller", "version": 1, "device": "MPD218 Port A",
     "profile": "drum_pads", "bindings": [{"kind": "cc", "channel": 1, "number": 7, ...}]}
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from studio.atomic_file import write_atomically
from studio.midi.bindings import Binding, Trigger
from studio.midi.profiles import PROFILES, guess_profile
from studio.versioned_json import read_versioned_json

FORMAT_NAME = "ward-studio-controller"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 256 * 1024


class DeviceMapError(Exception):
    """A saved controller file that cannot be read; the message says why in plain words."""


@dataclass
class DeviceMap:
    device: str
    profile: str
    learned: dict[Trigger, Binding] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT_NAME, "version": FORMAT_VERSION, "device": self.device,
                           "profile": self.profile,
                           "bindings": [b.to_dict() for b in self.learned.values()]}, indent=1)


def controllers_dir() -> Path:
    from studio.beats.storage import data_dir  # here: the app imports this module as it starts (numpy, later)

    return data_dir() / "controllers"


def file_name_for(device: str) -> str:
    """A file name for a device's name: letters, digits, '-' and '_' kept, the rest '_'."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", device).strip("_")[:80]
    return f"{safe or 'device'}.json"


def load_device_map(device: str, folder: Path | None = None) -> DeviceMap:
    """The device's saved map, or a fresh one with a profile guessed from its name.
    Raises DeviceMapError for a damaged file (the caller keeps using a fresh map and says so)."""
    path = (folder or controllers_dir()) / file_name_for(device)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return DeviceMap(device, guess_profile(device))
    except OSError as error:
        raise DeviceMapError(f"The saved set-up of {device} could not be read ({error.strerror})") from None
    data = read_versioned_json(raw, what="controller", format_name=FORMAT_NAME, format_version=FORMAT_VERSION,
                               max_bytes=MAX_FILE_BYTES, error=DeviceMapError)
    profile = data.get("profile")
    if profile not in PROFILES:
        raise DeviceMapError(f"The saved set-up of {device} names an unknown profile ({profile!r})")
    learned = {}
    for item in data.get("bindings", []):
        try:
            binding = Binding.from_dict(item)
        except (KeyError, TypeError, ValueError) as error:
            raise DeviceMapError(f"The saved set-up of {device} has a control that cannot be used ({error})") \
                from None
        learned[binding.trigger] = binding
    return DeviceMap(device, profile, learned)


def save_device_map(device_map: DeviceMap, folder: Path | None = None) -> None:
    """Raises OSError when the folder cannot be written (a full disk): the caller says so."""
    write_atomically((folder or controllers_dir()) / file_name_for(device_map.device), device_map.to_json())
