"""What the pads show of a kit: each pad's sound name and colour. Pure Python (no kivy).

Kits are read with studio.kits (the same loader the engine uses) and remembered, so switching
back and forth between kits reads each one once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from studio.beats.model import PAD_COUNT
from studio.kits.errors import KitError
from studio.kits.library import list_shipped_kits, load_kit

EMPTY_PAD_COLOUR = "#3B4453"  # theme.OUTLINE: a pad with no sound


@dataclass(frozen=True)
class PadLook:
    name: str  # "" for a pad with no sound in this kit
    colour_hex: str

    @property
    def has_sound(self) -> bool:
        return bool(self.name)


@dataclass(frozen=True)
class KitInfo:
    name: str  # as the beat names it: a shipped kit's name or a path
    title: str  # what to show: "boom-bap", or the folder's name for a path
    pads: tuple[PadLook, ...]
    problem: str = ""  # why the kit could not be read ("" when it was)


def kit_title(name: str) -> str:
    return name if name in list_shipped_kits() else Path(name).name or name


def read_kit_info(name: str) -> KitInfo:
    try:
        kit = load_kit(name)
    except (KitError, OSError) as error:
        return KitInfo(name, kit_title(name), tuple(PadLook("", EMPTY_PAD_COLOUR) for _ in range(PAD_COUNT)),
                       str(error))
    looks = [PadLook(sound.name, sound.colour) for sound in kit.sounds[:PAD_COUNT]]
    looks += [PadLook("", EMPTY_PAD_COLOUR)] * (PAD_COUNT - len(looks))
    return KitInfo(name, kit_title(name), tuple(looks))


class KitShelf:
    """Kit infos by name, each read once."""

    def __init__(self):
        self._known: dict[str, KitInfo] = {}

    def info(self, name: str) -> KitInfo:
        if name in self._known:
            return self._known[name]
        info = read_kit_info(name)
        if not info.problem:  # a kit that could not be read is tried again next time
            self._known[name] = info
        return info

    @staticmethod
    def shipped() -> list[str]:
        return list_shipped_kits()
