"""What a named control is: its range, default and kind (see studio.controls)."""

from __future__ import annotations

from dataclasses import dataclass

# Volume at or below this is treated as silence (faders show "off").
SILENCE_DB = -60.0


@dataclass(frozen=True)
class ControlSpec:
    group: str
    control: str
    minimum: float
    maximum: float
    default: float
    unit: str = ""
    is_switch: bool = False  # on/off control: values are 0.0 or 1.0
    description: str = ""
    momentary: bool = False  # an event (a pad hit), not a setting: never stored or restored
    whole_number: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.group, self.control)

    @property
    def name(self) -> str:
        return f"{self.group}/{self.control}"
