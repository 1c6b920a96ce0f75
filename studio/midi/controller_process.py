"""The controller process: MIDI devices, MIDI clock and Link, apart from the app and the engine.

Why a process of its own: a device may send thousands of messages a second (a flood of sysex
or clock), and handling them in Python needs the interpreter lock, which the engine's audio
thread needs every block (DESIGN.md). Here a flood costs this process only; what it sends on is
bounded: pad notes to the engine's MIDI input (at most 32 a block, jack_midi.py) and control
changes to the app, coalesced so a knob is sent at most once every LOOP_PERIOD_S.

    app ──commands──► worker loop ◄── inbox ◄── JACK callback ◄── devices
    app ◄──Changes, ControllerEvent, ControllerStatus── worker loop
"""

from __future__ import annotations

import collections
import gc
import os
import queue
import sys
import time
from pathlib import Path

from studio.controls import CONTROLS, spec_for
from studio.midi.bindings import Binding
from studio.midi.controller_messages import (
    CancelLearn, Changes, ControllerEvent, ControllerStatus, DeviceStatus, Forget, Learn, SetProfile, SetSync,
    StopControllers, StudioState,
)
from studio.midi.midi_clock import START, STOP
from studio.midi.router import ControlChange, ControllerRouter

# While devices are plugged in, a knob reaches the app within this. Each wake-up takes the
# interpreter lock the JACK callback needs, so not more often (pads do not wait for it: their
# notes go to the engine inside the JACK callback).
LOOP_PERIOD_S = 0.005
CLOCK_IN_PERIOD_S = 0.1  # how often the incoming clock's tempo is read
QUIET_PERIOD_S = 0.02  # on JACK with no device: looking for one
NO_JACK_PERIOD_S = 0.1  # without JACK: waiting for it (a command still wakes the loop at once)
SCAN_PERIOD_S = 0.5  # devices plugged in or out are found within this
STATUS_PERIOD_S = 0.25
JACK_RETRY_S = 2.0
MAX_MOMENTARY_PER_BATCH = 256  # pad and button presses kept in one batch; more are dropped (counted)
TEMPO_REPORT_BPM = 0.2  # an incoming tempo must move this much to be passed on
MIN_BPM, MAX_BPM = CONTROLS[("transport", "bpm")].minimum, CONTROLS[("transport", "bpm")].maximum
NO_JACK_MESSAGE = ("MIDI controllers are not available: they need the JACK audio server, which is not "
                   "running. Sound and touch work as usual.")


def coalesce(changes: list[ControlChange]) -> tuple[list[ControlChange], int]:
    """Settings (a knob's value) keep only their latest value; presses (pads, buttons, toggles)
    keep their order, up to MAX_MOMENTARY_PER_BATCH. Returns the batch and how many were dropped."""
    latest: dict[tuple[str, str], int] = {}
    for index, change in enumerate(changes):
        if change.value is not None and not spec_for(change.group, change.control).momentary:
            latest[(change.group, change.control)] = index
    kept, presses, dropped = [], 0, 0
    for index, change in enumerate(changes):
        key = (change.group, change.control)
        if key in latest:
            if latest[key] == index:
                kept.append(change)
        elif presses < MAX_MOMENTARY_PER_BATCH:
            kept.append(change)
            presses += 1
        else:
            dropped += 1
    return kept, dropped


class Controllers:
    def __init__(self, outputs, maps_folder: Path | None = None, client_name: str = "ward-studio-midi"):
        self.outputs = outputs
        self.client_name = client_name
        self.router = ControllerRouter(maps_folder, pads_in_graph=True)
        self.jack = None
        self.message = "Looking for MIDI controllers..."
        self.studio = StudioState("", tuple(range(36, 52)), (), 90.0, False)
        self.sync = SetSync(False, "", False)
        self.link = None
        self._link_tempo: collections.deque[float] = collections.deque(maxlen=16)
        self._pending: list[ControlChange] = []
        self._events: collections.deque[ControllerEvent] = collections.deque(maxlen=64)
        self._next_scan = self._next_status = self._next_jack_try = self._next_clock_read = 0.0
        self._sent_bpm: float | None = None
        self._said_out_of_range = False
        self.dropped_changes = 0

    # --- commands from the app ----------------------------------------------------------
    def handle(self, command) -> None:
        router = self.router
        if isinstance(command, StudioState):
            self._set_studio(command)
        elif isinstance(command, SetProfile) and command.device in router.maps:
            router.set_profile(command.device, command.profile)
            self._update_forwarding()
        elif isinstance(command, Learn):
            router.start_learn(command.group, command.control)
        elif isinstance(command, CancelLearn):
            router.cancel_learn()
        elif isinstance(command, Forget) and command.device in router.maps:
            router.forget(command.device, Binding.from_dict(command.binding).trigger)
            self._update_forwarding()
        elif isinstance(command, SetSync):
            self._set_sync(command)
        self._next_status = 0.0  # the app sees the result at once

    def _set_studio(self, studio: StudioState) -> None:
        old, self.studio = self.studio, studio
        self.router.kit_notes, self.router.keys_notes = list(studio.kit_notes), list(studio.keys_notes)
        if studio.kit_notes != old.kit_notes:
            self._update_forwarding()
        if self.jack is not None:
            clock = self.jack.clock_out
            clock.set_tempo(studio.bpm)
            if studio.playing and not clock.running:
                clock.start()
            elif not studio.playing and clock.running:
                clock.stop()
        if self.link is not None and studio.bpm != old.bpm:
            self.link.set_tempo(studio.bpm)
        if studio.engine_jack_name != old.engine_jack_name:
            self._next_scan = 0.0

    def _set_sync(self, sync: SetSync) -> None:
        self.sync = sync
        if self.jack is not None:
            self.jack.clock_out_on = sync.clock_out
            if self.jack.clock_source != (sync.clock_in or None):
                self.jack.clock_in.forget()
            self.jack.clock_source = sync.clock_in or None
            self._next_scan = 0.0
        if sync.link and self.link is None:
            from studio.midi.link_sync import LinkSync, LinkUnavailable
            try:
                self.link = LinkSync(self.studio.bpm, self._link_tempo.append)
                self.link.enable(True)
            except LinkUnavailable as error:
                if self.link is not None:
                    self.link.close()
                self.link = None
                self._events.append(ControllerEvent("problem", str(error), {}))
        elif not sync.link and self.link is not None:
            self.link.close()
            self.link = None

    # --- the loop -------------------------------------------------------------------------
    def step(self, now: float) -> None:
        if self.jack is None and now >= self._next_jack_try:
            self._open_jack(now)
        if self.jack is not None:
            self._read_inbox(now)
            if now >= self._next_scan:
                self._scan()
                self._next_scan = now + SCAN_PERIOD_S
            if now >= self._next_clock_read:
                self._next_clock_read = now + CLOCK_IN_PERIOD_S
                self._follow_clock()
        self._pending.extend(self.router.tick(now))
        self._follow_link()
        for learned in self.router.learned:
            self._events.append(ControllerEvent("learned", learned.message,
                                                {"device": learned.device, "binding": learned.binding.to_dict()}))
        self.router.learned.clear()
        for problem in self.router.problems:
            self._events.append(ControllerEvent("problem", problem, {}))
        self.router.problems.clear()
        self._send(now)

    def _open_jack(self, now: float) -> None:
        from studio.midi.jack_midi import JackMidi
        try:
            self.jack = JackMidi(self.client_name)
        except Exception:  # jack.JackError, or no JACK library at all
            self.message = NO_JACK_MESSAGE
            self._next_jack_try = now + JACK_RETRY_S
            return
        self.message = "No MIDI controller plugged in"
        self._set_sync(self.sync)
        self._set_studio(self.studio)
        # The JACK callback allocates as it reads (a flood: thousands of objects a second), so
        # the collector runs inside it, holding the lock. Everything made so far (the modules,
        # the client) lives as long as the process: out of the collector's sight, as in the engine.
        gc.collect()
        gc.freeze()

    def _read_inbox(self, now: float) -> None:
        inbox, router = self.jack.inbox, self.router
        for _ in range(len(inbox)):
            device, message, _frame = inbox.popleft()
            status = message[0]
            if status in (START, STOP) and device == self.jack.clock_source:
                self._pending.append(ControlChange("beats", "playing", 1.0 if status == START else 0.0))
                continue
            self._pending.extend(router.handle(device, message, now))

    def _scan(self) -> None:
        jack = self.jack
        if jack.server_gone.is_set():
            for device in list(self.router.maps):
                self._pending.extend(self.router.unplug(device))
            jack.close()
            self.jack = None
            self.message = NO_JACK_MESSAGE
            return
        added, removed = jack.scan(self.studio.engine_jack_name)
        for name in removed:
            self._pending.extend(self.router.unplug(name))
            self._events.append(ControllerEvent("unplugged", f"{name} was unplugged.", {"device": name}))
        for name in added:
            device_map = self.router.plug_in(name)
            self._events.append(ControllerEvent("plugged_in", f"{name} is ready ({device_map.profile} profile).",
                                                {"device": name, "profile": device_map.profile}))
        if added:
            self._update_forwarding()
        self.message = f"{len(jack.devices)} MIDI controller(s)" if jack.devices else "No MIDI controller plugged in"

    def _update_forwarding(self) -> None:
        if self.jack is None:
            return
        for device in list(self.jack.devices.values()):
            device.forward = self.router.pad_note_table(device.name)

    def _follow_clock(self) -> None:
        bpm = self.jack.clock_in.bpm(self.jack.client.frame_time) if self.jack.clock_source else None
        self._report_tempo(bpm, "clock")

    def _follow_link(self) -> None:
        while self._link_tempo:
            self._report_tempo(self._link_tempo.popleft(), "link")

    def _report_tempo(self, bpm: float | None, source: str) -> None:
        if bpm is None:
            self._sent_bpm = None if source == "clock" else self._sent_bpm
            return
        if self._sent_bpm is not None and abs(bpm - self._sent_bpm) < TEMPO_REPORT_BPM:
            return
        self._sent_bpm = bpm
        if not MIN_BPM <= bpm <= MAX_BPM:
            if not self._said_out_of_range:  # once, not at every wobble of a runaway clock
                self._said_out_of_range = True
                self._events.append(ControllerEvent(
                    "problem", f"The incoming MIDI clock runs at {bpm:.0f} BPM, outside {MIN_BPM:.0f}.."
                               f"{MAX_BPM:.0f} BPM: it is not followed.", {}))
            return
        self._said_out_of_range = False
        self._events.append(ControllerEvent("tempo", f"Following the tempo: {bpm:.1f} BPM",
                                            {"bpm": round(bpm, 1), "source": source}))

    def _send(self, now: float) -> None:
        if self._pending:
            batch, dropped = coalesce(self._pending)
            self.dropped_changes += dropped
            try:
                self.outputs.put_nowait(Changes(batch))
                self._pending = []
            except queue.Full:
                self._pending = batch  # the app is behind: try again, coalesced
        while self._events:
            try:
                self.outputs.put_nowait(self._events[0])
            except queue.Full:
                break
            self._events.popleft()
        if now >= self._next_status:
            self._next_status = now + STATUS_PERIOD_S
            try:
                self.outputs.put_nowait(self.status())
            except queue.Full:
                pass

    def status(self) -> ControllerStatus:
        jack = self.jack
        counts = dict(jack.counts) if jack is not None else {}
        counts["dropped_changes"] = self.dropped_changes
        return ControllerStatus(
            available=jack is not None, message=self.message,
            devices=[DeviceStatus(m.device, m.profile, [b.to_dict() for b in m.learned.values()])
                     for m in self.router.maps.values()],
            learning=self.router.learning,
            clock_in_bpm=jack.clock_in.bpm(jack.client.frame_time) if jack is not None and jack.clock_source else None,
            link_peers=self.link.peers if self.link is not None else None,
            counts=counts, inbox_peak=jack.inbox_peak if jack is not None else 0,
            callback_us=jack.callback_us() if jack is not None else None,
        )

    def loop_period_s(self) -> float:
        if self.jack is None:
            return NO_JACK_PERIOD_S
        return LOOP_PERIOD_S if self.jack.devices or self.link is not None else QUIET_PERIOD_S

    def close(self) -> None:
        if self.link is not None:
            self.link.close()
        if self.jack is not None:
            self.jack.close()


def run_controllers(commands, outputs, parent_pid: int, maps_folder: str | None = None,
                    client_name: str = "ward-studio-midi") -> None:
    """Entry point of the controller process (started with the spawn method)."""
    from studio.engine.process import AUDIO_SWITCH_INTERVAL_S, _raise_priority

    sys.setswitchinterval(AUDIO_SWITCH_INTERVAL_S)  # the JACK callback needs the lock quickly
    _raise_priority()
    controllers = Controllers(outputs, Path(maps_folder) if maps_folder else None, client_name)
    try:
        while True:
            try:
                command = commands.get(timeout=controllers.loop_period_s())
            except queue.Empty:
                command = None
            if isinstance(command, StopControllers):
                break
            while command is not None:
                try:
                    controllers.handle(command)
                except ValueError as error:
                    controllers._events.append(ControllerEvent("problem", str(error), {}))
                try:
                    command = commands.get_nowait()
                except queue.Empty:
                    command = None
                if isinstance(command, StopControllers):
                    return
            controllers.step(time.monotonic())
            if os.getppid() != parent_pid:
                break  # the app is gone
    finally:
        controllers.close()
        outputs.close()
        outputs.join_thread()
