"""What the app and the controller process say to each other (small, picklable)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from studio.midi.router import ControlChange


# --- from the app ---------------------------------------------------------------------
class SetProfile(NamedTuple):
    device: str
    profile: str


class Learn(NamedTuple):
    group: str
    control: str


class CancelLearn(NamedTuple):
    pass


class Forget(NamedTuple):
    device: str
    binding: dict  # Binding.to_dict()


class StudioState(NamedTuple):
    """What the controllers need to know of the studio: the engine's JACK name (to wire the pads
    to it), the kit's pad notes, the note pads' notes (scale lock), the tempo and whether the
    beat plays (clock out, Link)."""

    engine_jack_name: str
    kit_notes: tuple[int, ...]
    keys_notes: tuple[int, ...]
    bpm: float
    playing: bool


class SetSync(NamedTuple):
    """clock_out: send MIDI clock; clock_in: the device whose clock to follow ("" none);
    link: share the tempo with other apps on the network."""

    clock_out: bool
    clock_in: str
    link: bool


class StopControllers(NamedTuple):
    pass


# --- to the app -----------------------------------------------------------------------
class Changes(NamedTuple):
    changes: list[ControlChange]


class ControllerEvent(NamedTuple):
    kind: str  # "plugged_in", "unplugged", "learned", "problem", "tempo", "start", "stop"
    message: str
    data: dict


@dataclass
class DeviceStatus:
    name: str
    profile: str
    learned: list[dict] = field(default_factory=list)  # Binding.to_dict() of each learned control


@dataclass
class ControllerStatus:
    available: bool = False
    message: str = "Looking for MIDI controllers..."
    devices: list[DeviceStatus] = field(default_factory=list)
    learning: tuple[str, str] | None = None
    clock_in_bpm: float | None = None
    link_peers: int | None = None  # None: Link is off
    counts: dict = field(default_factory=dict)  # dropped, ignored, forwarded
    inbox_peak: int = 0
    callback_us: tuple[float, float, float] | None = None  # the JACK callback: median, p99, max
