"""From a device's MIDI message to changes of the studio's named controls.

The router knows each plugged-in device's map (profile plus learned controls), what each device
holds down (so that unplugging it lets go of everything: no stuck notes), and MIDI learn. It
does no input or output itself: the controller process feeds it bytes and sends on what it
returns, and tests call it directly.

Drum pads played from a device can be played inside the audio graph instead (the JACK path
forwards their notes to the engine in the same audio block, see jack_midi.py); the router then
returns nothing for them and gives the forwarding table instead (pad_note_table).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from studio.controls import spec_for
from studio.midi.bindings import Binding, Trigger, absolute_value, mode_for, relative_steps
from studio.midi.learnable import label_for
from studio.midi.device_maps import DeviceMap, DeviceMapError, load_device_map, save_device_map
from studio.midi.profiles import PROFILES, dj_bindings, drum_pad_for_note, keys_pad_for_note

NUDGE_RELEASE_S = 0.12  # a jog wheel stopped this long lets go of the nudge


class ControlChange(NamedTuple):
    group: str
    control: str
    value: float | None  # None: flip an on/off control (the caller knows its current value)


@dataclass(frozen=True)
class Learned:
    device: str
    binding: Binding
    message: str


_DJ = {binding.trigger: binding for binding in dj_bindings()}


class ControllerRouter:
    def __init__(self, maps_folder: Path | None = None, pads_in_graph: bool = False):
        self.maps_folder = maps_folder
        self.pads_in_graph = pads_in_graph
        self.maps: dict[str, DeviceMap] = {}
        self.kit_notes: list[int] = list(range(36, 52))
        self.keys_notes: list[int] = []
        self._learning: tuple[str, str] | None = None
        self.learned: list[Learned] = []  # drained by the caller
        self.problems: list[str] = []  # plain sentences for the mentor, drained by the caller
        self._held: dict[str, dict[tuple[str, str], float]] = {}  # device -> control -> its "off" value
        self._keys_held: dict[tuple[str, int, int], int] = {}  # (device, channel, note) -> note pad
        self._cc_on: dict[tuple[str, Trigger], bool] = {}  # knob-as-button: last state, for edges
        self._nudges: dict[tuple[str, str], float] = {}  # (device, deck group) -> release time (s)

    # --- devices ----------------------------------------------------------------------
    def plug_in(self, device: str) -> DeviceMap:
        try:
            device_map = load_device_map(device, self.maps_folder)
        except DeviceMapError as error:
            self.problems.append(f"{error}. It starts afresh with the {PROFILES['drum_pads']} profile.")
            device_map = DeviceMap(device, "drum_pads")
        self.maps[device] = device_map
        self._held[device] = {}
        return device_map

    def unplug(self, device: str) -> list[ControlChange]:
        """Let go of everything the device held down; forget it until it comes back."""
        changes = [ControlChange(group, control, off) for (group, control), off in self._held.pop(device, {}).items()]
        for key in [key for key in self._keys_held if key[0] == device]:
            changes.append(ControlChange("keys", f"note_{self._keys_held.pop(key)}", 0.0))
        for key in [key for key in self._nudges if key[0] == device]:
            del self._nudges[key]
            changes.append(ControlChange(key[1], "nudge", 0.0))
        self._cc_on = {key: on for key, on in self._cc_on.items() if key[0] != device}
        self.maps.pop(device, None)
        return changes

    def set_profile(self, device: str, profile: str) -> None:
        if profile not in PROFILES:
            raise ValueError(f"profile must be one of {', '.join(PROFILES)}, got {profile!r}")
        self.maps[device].profile = profile
        self._save(device)

    def forget(self, device: str, trigger: Trigger) -> None:
        """Remove a learned control (the profile's own, if any, applies again)."""
        self.maps[device].learned.pop(trigger, None)
        self._save(device)

    def _save(self, device: str) -> None:
        try:
            save_device_map(self.maps[device], self.maps_folder)
        except OSError as error:
            self.problems.append(f"The set-up of {device} could not be saved ({error.strerror}); "
                                 "it works until the app closes.")

    # --- what the pads play -------------------------------------------------------------
    def pad_note_table(self, device: str) -> dict[int, int]:
        """For playing pads inside the audio graph: each note of this device that plays a drum pad,
        and the note the engine's pad listens to (the kit's own note for that pad)."""
        device_map = self.maps.get(device)
        if device_map is None:
            return {}
        table = {}
        learned_notes = {trigger.number for trigger in device_map.learned if trigger.kind == "note"}
        if device_map.profile == "drum_pads":
            for note in range(128):
                pad = drum_pad_for_note(note, self.kit_notes)
                if pad is not None and note not in learned_notes:
                    table[note] = self.kit_notes[pad - 1]
        for trigger, binding in device_map.learned.items():
            if trigger.kind == "note" and binding.group == "pads" and binding.control.startswith("hit_"):
                table[trigger.number] = self.kit_notes[int(binding.control.removeprefix("hit_")) - 1]
        return table

    # --- MIDI learn -------------------------------------------------------------------
    def start_learn(self, group: str, control: str) -> None:
        spec_for(group, control)  # raises ValueError for an unknown control
        self._learning = (group, control)

    def cancel_learn(self) -> None:
        self._learning = None

    @property
    def learning(self) -> tuple[str, str] | None:
        return self._learning

    # --- messages ---------------------------------------------------------------------
    def handle(self, device: str, data: bytes, now_s: float = 0.0) -> list[ControlChange]:
        """The control changes one message from a device makes (empty for most messages)."""
        if device not in self.maps or len(data) < 3:
            return []
        status, number, value = data[0], data[1] & 0x7F, data[2] & 0x7F
        kind, channel = status & 0xF0, (status & 0x0F) + 1
        if kind == 0x90 and value > 0:
            trigger, pressed = Trigger("note", channel, number), True
        elif kind in (0x80, 0x90):
            trigger, pressed = Trigger("note", channel, number), False
        elif kind == 0xB0:
            trigger, pressed = Trigger("cc", channel, number), value >= 64
        else:
            return []
        if self._learning is not None and (trigger.kind == "cc" or pressed):
            self._learn(device, trigger)
            return []
        device_map = self.maps[device]
        binding = device_map.learned.get(trigger)
        if binding is None and device_map.profile == "dj_two_deck":
            binding = _DJ.get(trigger)
        if binding is not None:
            if self.pads_in_graph and trigger.kind == "note" and binding.control.startswith("hit_"):
                return []  # played in the audio graph (pad_note_table)
            return self._apply(device, binding, pressed, value, now_s)
        if trigger.kind != "note":
            return []
        if device_map.profile == "drum_pads":
            pad = drum_pad_for_note(number, self.kit_notes)
            if pad is None or not pressed or self.pads_in_graph:
                return []
            return [ControlChange("pads", f"hit_{pad}", value / 127.0)]
        if device_map.profile == "keyboard":
            return self._play_key(device, channel, number, pressed, value)
        return []

    def _learn(self, device: str, trigger: Trigger) -> None:
        group, control = self._learning
        self._learning = None
        binding = Binding(trigger, group, control, mode_for(spec_for(group, control), trigger.kind))
        self.maps[device].learned[trigger] = binding
        self._save(device)
        self.learned.append(Learned(device, binding, f"{trigger.describe()} on {device} now controls "
                                                     f"{label_for(group, control)}."))

    def _play_key(self, device: str, channel: int, note: int, pressed: bool, velocity: int) -> list[ControlChange]:
        key = (device, channel, note)
        if not pressed:
            pad = self._keys_held.pop(key, None)
            return [] if pad is None else [ControlChange("keys", f"note_{pad}", 0.0)]
        pad = keys_pad_for_note(note, self.keys_notes)
        if pad is None:
            return []
        self._keys_held[key] = pad
        return [ControlChange("keys", f"note_{pad}", max(velocity / 127.0, 0.01))]

    def _apply(self, device: str, binding: Binding, pressed: bool, value: int, now_s: float) -> list[ControlChange]:
        spec, group, control = binding.spec, binding.group, binding.control
        kind = binding.trigger.kind
        if binding.mode == "absolute":
            if kind == "note":
                return [ControlChange(group, control, spec.maximum if pressed else spec.minimum)] if pressed else []
            return [ControlChange(group, control, absolute_value(spec, value))]
        if binding.mode == "relative":
            steps = relative_steps(value) if kind == "cc" else (1 if pressed else 0)
            if control != "nudge" or steps == 0:
                return []
            self._nudges[(device, group)] = now_s + NUDGE_RELEASE_S
            return [ControlChange(group, "nudge", 1.0 if steps > 0 else -1.0)]
        if kind == "cc":  # a knob or a button sending controllers: act on its edges only
            edge_key = (device, binding.trigger)
            was = self._cc_on.get(edge_key, False)
            self._cc_on[edge_key] = pressed
            if pressed == was:
                return []
        on_value = value / 127.0 if control.startswith(("hit_", "note_")) else spec.maximum
        if binding.mode == "momentary":
            held = self._held.setdefault(device, {})
            if pressed:
                held[(group, control)] = spec.minimum if spec.minimum >= 0 else 0.0
                return [ControlChange(group, control, max(on_value, 0.01))]
            off = held.pop((group, control), None)
            return [] if off is None else [ControlChange(group, control, off)]
        if not pressed:
            return []
        if binding.mode == "toggle":
            return [ControlChange(group, control, None)]
        return [ControlChange(group, control, max(on_value, 0.01))]  # trigger

    def tick(self, now_s: float) -> list[ControlChange]:
        """Let go of jog-wheel nudges that have stopped turning."""
        done = [key for key, release_s in self._nudges.items() if now_s >= release_s]
        for key in done:
            del self._nudges[key]
        return [ControlChange(group, "nudge", 0.0) for _, group in done]
