"""The app's side of the MIDI controllers: starts the controller process, passes what the
devices do to the engine (through EngineClient.act, the same actions touch uses), tells the
controllers the tempo and the kit, and keeps the latest status for the settings screen.

Nothing here waits on the controller process; a reader thread does the passing on, so a
busy screen never delays a knob. Like the engine, the process is started again if it dies.
"""

from __future__ import annotations

import collections
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable

from studio.controls import Action
from studio.engine.messages import SetBeat
from studio.melody.scales import SCALE_NAMES, pad_notes
from studio.midi.controller_messages import (
    CancelLearn, Changes, ControllerEvent, ControllerStatus, Forget, Learn, SetProfile, SetSync, StopControllers,
    StudioState,
)

COMMAND_QUEUE_SIZE = 256
OUTPUT_QUEUE_SIZE = 256
CHECK_PERIOD_S = 0.25
MAX_QUICK_CRASHES = 3
CRASH_WINDOW_S = 10.0
# Following these controls is what the controllers need of the studio (see StudioState).
_FOLLOWED = {("beats", "playing"), ("keys", "root"), ("keys", "scale"), ("keys", "octave")}


class ControllerClient:
    def __init__(self, engine, maps_folder: str | None = None, client_name: str = "ward-studio-midi",
                 on_event: Callable[[ControllerEvent], None] | None = None):
        self.engine = engine
        self.maps_folder = maps_folder
        self.client_name = client_name
        self.on_event = on_event  # called on the reader thread; a screen hops to its own thread
        self.status = ControllerStatus()
        self.events: collections.deque[ControllerEvent] = collections.deque(maxlen=64)
        self.sync = SetSync(False, "", False)
        self._context = multiprocessing.get_context("spawn")
        self._process = self._commands = self._outputs = None
        self._started_at = 0.0
        self._quick_crashes = 0
        self._bpm = 90.0
        self._studio: StudioState | None = None
        self._studio_lock = threading.Lock()
        self._stop = threading.Event()
        self._reader: threading.Thread | None = None
        self.applied = 0  # control changes passed to the engine (tests, bench)

    # --- the app's calls ----------------------------------------------------------------
    def start(self) -> None:
        self.engine.add_listener(self._engine_message)
        self._spawn()
        self._reader = threading.Thread(target=self._read, name="midi-controllers", daemon=True)
        self._reader.start()

    def set_profile(self, device: str, profile: str) -> None:
        self._send(SetProfile(device, profile))

    def learn(self, group: str, control: str) -> None:
        """The next knob moved or pad hit on any device will drive this control."""
        self._send(Learn(group, control))

    def cancel_learn(self) -> None:
        self._send(CancelLearn())

    def forget(self, device: str, binding: dict) -> None:
        self._send(Forget(device, binding))

    def set_sync(self, clock_out: bool, clock_in: str, link: bool) -> None:
        self.sync = SetSync(bool(clock_out), clock_in, bool(link))
        self._send(self.sync)

    def stop(self, timeout_s: float = 2.0) -> None:
        self._stop.set()
        if self._reader is not None:
            self._reader.join(timeout_s)
        self._end(timeout_s)

    # --- following the studio --------------------------------------------------------------
    def _engine_message(self, message) -> None:
        if isinstance(message, SetBeat):
            self._bpm = message.beat.bpm
            self._follow_studio()
        elif isinstance(message, Action) and (message.group, message.control) in _FOLLOWED:
            self._follow_studio()

    def _follow_studio(self) -> None:
        # Called from the app's thread (an action) and from the reader thread (every quarter
        # second): one at a time, so a state read before an action is never sent after it.
        with self._studio_lock:
            self._send_studio_state()

    def _send_studio_state(self) -> None:
        engine = self.engine
        state = engine.state
        if self._studio is None and state.beat_bpm:
            self._bpm = state.beat_bpm
        scale = SCALE_NAMES[int(engine.value("keys", "scale"))]
        studio = StudioState(
            engine_jack_name=state.jack_name,
            kit_notes=tuple(state.pad_notes) or tuple(range(36, 52)),
            keys_notes=tuple(pad_notes(int(engine.value("keys", "root")), scale, int(engine.value("keys", "octave")))),
            bpm=float(self._bpm),
            playing=engine.value("beats", "playing") >= 0.5,
        )
        if studio != self._studio:
            self._studio = studio
            self._send(studio)

    # --- passing on what the devices did --------------------------------------------------------
    def _apply(self, changes) -> None:
        for group, control, value in changes:
            if value is None:  # a toggle: flip what the studio has now
                value = 0.0 if self._is_on(group, control) else 1.0
            try:
                self.engine.act(group, control, value)
                self.applied += 1
            except ValueError as error:
                self._event(ControllerEvent("problem", str(error), {}))

    def _is_on(self, group: str, control: str) -> bool:
        if group.startswith("deck") and control == "playing":
            decks = self.engine.state.decks
            number = int(group.removeprefix("deck"))
            return len(decks) >= number and decks[number - 1].playing
        try:
            return self.engine.value(group, control) >= 0.5
        except KeyError:  # a button that is only pressed, never kept
            return False

    def _event(self, event: ControllerEvent) -> None:
        self.events.append(event)
        if self.on_event is not None:
            self.on_event(event)

    def _read(self) -> None:
        next_check = 0.0
        while not self._stop.is_set():
            outputs = self._outputs
            try:
                message = outputs.get(timeout=0.05) if outputs is not None else None
            except (queue.Empty, OSError, EOFError, ValueError):
                message = None
            if isinstance(message, Changes):
                self._apply(message.changes)
            elif isinstance(message, ControllerEvent):
                self._event(message)
            elif isinstance(message, ControllerStatus):
                self.status = message
            now = time.monotonic()
            if now >= next_check:
                next_check = now + CHECK_PERIOD_S
                self._follow_studio()  # the engine restarted under another name, a new kit...
                process = self._process
                if process is not None and not process.is_alive() and not self._stop.is_set():
                    self._restart()

    # --- the process ------------------------------------------------------------------
    def _send(self, message) -> None:
        commands = self._commands
        if commands is None:
            return
        try:
            commands.put_nowait(message)
        except (queue.Full, ValueError, OSError):
            pass  # the process is behind or gone; StudioState and SetSync are sent again on restart

    def _spawn(self) -> None:
        from studio.midi.controller_process import run_controllers

        self._commands = self._context.Queue(COMMAND_QUEUE_SIZE)
        self._outputs = self._context.Queue(OUTPUT_QUEUE_SIZE)
        self._process = self._context.Process(
            target=run_controllers,
            args=(self._commands, self._outputs, os.getpid(), self.maps_folder, self.client_name),
            name="ward-studio-controllers", daemon=True)
        self._process.start()
        self._started_at = time.monotonic()
        self._send(self.sync)
        if self._studio is not None:
            self._send(self._studio)

    def _restart(self) -> None:
        lived_s = time.monotonic() - self._started_at
        self._quick_crashes = self._quick_crashes + 1 if lived_s < CRASH_WINDOW_S else 1
        self._end(0.5)
        if self._quick_crashes > MAX_QUICK_CRASHES:
            self._process = None
            self.status = ControllerStatus(message="MIDI controllers stopped working and are off until the app "
                                                   "starts again. Touch works as usual.")
            return
        self._spawn()

    def _end(self, timeout_s: float) -> None:
        process, commands, outputs = self._process, self._commands, self._outputs
        if process is None:
            return
        if process.is_alive():
            self._send(StopControllers())
            process.join(timeout_s)
        if process.is_alive():
            process.kill()
            process.join(1.0)
        self._commands = self._outputs = None
        for q in (commands, outputs):
            if q is not None:
                q.cancel_join_thread()
                q.close()
