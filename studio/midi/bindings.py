"""What a control on a MIDI device does: a trigger (a note or a knob on a channel) bound to one
of the studio's named controls (studio.controls), and how the device's value becomes the
control's value.

    Trigger("cc", 1, 7)  +  Binding(..., "deck1", "fader", "absolute")
    -> a knob turned to 127 sets deck1/fader to 1.0

Channels are counted from 1, as printed on devices; notes and controller numbers from 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.control_spec import ControlSpec
from studio.controls import spec_for

KINDS = ("note", "cc")
# absolute: a knob or fader sets the value. momentary: held down = on (or the velocity), let go = 0.
# toggle: each press flips an on/off control. trigger: each press fires (a pad hit, a hot cue).
# relative: a jog wheel sending steps (1..63 forward, 65..127 back).
MODES = ("absolute", "momentary", "toggle", "trigger", "relative")


@dataclass(frozen=True)
class Trigger:
    kind: str  # "note" or "cc"
    channel: int  # 1..16
    number: int  # the note or controller number, 0..127

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"a trigger's kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if not 1 <= self.channel <= 16:
            raise ValueError(f"channel must be in range 1..16, got {self.channel}")
        if not 0 <= self.number <= 127:
            raise ValueError(f"a note or controller number must be in range 0..127, got {self.number}")

    def describe(self) -> str:
        """As a mentor would read it on the settings screen: "Note 36, channel 10"."""
        what = "Note" if self.kind == "note" else "Knob"
        return f"{what} {self.number}, channel {self.channel}"


@dataclass(frozen=True)
class Binding:
    trigger: Trigger
    group: str
    control: str
    mode: str

    def __post_init__(self):
        spec_for(self.group, self.control)  # raises ValueError naming the known controls
        if self.mode not in MODES:
            raise ValueError(f"a binding's mode must be one of {', '.join(MODES)}, got {self.mode!r}")

    @property
    def spec(self) -> ControlSpec:
        return spec_for(self.group, self.control)

    def to_dict(self) -> dict:
        t = self.trigger
        return {"kind": t.kind, "channel": t.channel, "number": t.number,
                "group": self.group, "control": self.control, "mode": self.mode}

    @staticmethod
    def from_dict(data: dict) -> Binding:
        trigger = Trigger(str(data["kind"]), int(data["channel"]), int(data["number"]))
        return Binding(trigger, str(data["group"]), str(data["control"]), str(data["mode"]))


def mode_for(spec: ControlSpec, kind: str) -> str:
    """The natural way for a trigger of this kind to drive this control (used by MIDI learn):
    held controls follow the button, on/off controls flip on each press (a knob or a button
    sending controllers flips as it passes the middle), knobs set values, notes fire."""
    if spec.control == "nudge":
        return "relative" if kind == "cc" else "momentary"
    if spec.control.startswith(("hold_", "note_")) or spec.control in ("cue", "roll", "scratch"):
        return "momentary"
    if spec.is_switch:
        return "toggle"
    return "absolute" if kind == "cc" else "trigger"


def absolute_value(spec: ControlSpec, value_7bit: int) -> float:
    """A knob's 0..127 as the control's value. A control whose default lies inside its range
    (an EQ at 0 dB, the crossfader in the middle) has its default at the knob's centre (64), as on
    DJ mixers; others run straight from minimum to maximum."""
    fraction = min(max(value_7bit, 0), 127) / 127.0
    if spec.is_switch:
        return 1.0 if value_7bit >= 64 else 0.0
    low, high, middle = spec.minimum, spec.maximum, spec.default
    if low < middle < high:
        if value_7bit <= 64:
            value = low + (middle - low) * value_7bit / 64.0
        else:
            value = middle + (high - middle) * (value_7bit - 64) / 63.0
    else:
        value = low + (high - low) * fraction
    if spec.whole_number:
        value = float(round(value))
    return min(max(value, low), high)


def relative_steps(value_7bit: int) -> int:
    """A jog wheel's message as steps: 1..63 forward, 127..65 back (two's complement, as most
    DJ controllers send), 0 and 64 no movement."""
    if value_7bit in (0, 64):
        return 0
    return value_7bit if value_7bit < 64 else value_7bit - 128
