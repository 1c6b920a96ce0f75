"""The app's side of the engine: starts the engine process, sends it actions, reads its state,
and brings it back if it dies.

Nothing here waits on the engine. ``act`` queues a message and returns; ``state`` is the
latest snapshot a watcher thread has read; ``drain_events`` hands over what happened.
The watcher restarts a dead or silent engine within ``RESTART_WITHIN_S`` and replays every
control the user had set, so the studio sounds as it did before.

This module must stay light: it never imports pyo (only the engine process does).
"""

from __future__ import annotations

import collections
import copy
import multiprocessing
import os
import queue
import threading
import time
from dataclasses import replace

from studio.controls import Action, check_action, default_values
from studio.engine.messages import (
    EjectTrack, EngineEvent, EngineState, LoadTrack, PlayTake, PrepareDecks, RecordOver, Restore, SetBeat,
    SetBeatGrid, SetHotCue, Shutdown, StopTake, TakeOwner,
)
from studio.decks.deck_controls import HOT_CUES
from studio.settings import AudioSettings

COMMAND_QUEUE_SIZE = 1024
STATE_QUEUE_SIZE = 8
EVENT_QUEUE_SIZE = 256
WATCH_PERIOD_S = 0.02
# No state for this long from a running engine means it is stuck: it is killed and restarted.
HEARTBEAT_TIMEOUT_S = 1.5
# A fresh engine may take this long to send its first state (importing pyo, opening the device).
FIRST_STATE_TIMEOUT_S = 10.0
# After this many crashes in a row, each within CRASH_WINDOW_S of starting, fall back to silent.
MAX_QUICK_CRASHES = 3
CRASH_WINDOW_S = 10.0

# Exit codes of an engine that ended on purpose to be started again (see live_engine.py).
_PLANNED_RESTART_CODES = {3, 4}

RESTARTED_MESSAGE = "The audio engine stopped unexpectedly and was restarted. Your settings are back."
FORCED_SILENT_MESSAGE = (
    "The audio engine kept stopping with this sound device, so sound is off. Everything else still works."
)


class ActionRefused(ValueError):
    """An action a guard refused; str() is the reason, in plain words."""


class EngineClient:
    def __init__(self, settings: AudioSettings | None = None):
        self.settings = settings or AudioSettings()
        self._context = multiprocessing.get_context("spawn")
        self._values = default_values()  # every control as the user last set it
        self._beat = None  # the beat the engine plays (a copy), replayed after a restart
        self._take_owner: int | None = None  # whose the next takes are, replayed after a restart
        self._decks_prepared: PrepareDecks | None = None  # replayed after a restart, with:
        self._tracks: dict[int, LoadTrack] = {}  # the track on each deck (from its start again)
        self._lock = threading.Lock()
        self._state = EngineState()
        self._events: collections.deque[EngineEvent] = collections.deque(maxlen=EVENT_QUEUE_SIZE)
        self._process = None
        self._queues = None
        self._started_at = 0.0
        self._last_state_at = 0.0
        self._quick_crashes = 0
        self._forced_silent = False
        self._stop = threading.Event()
        self._restart_requested = threading.Event()
        self._watcher: threading.Thread | None = None
        self._resync = threading.Event()  # a command was dropped: send every value again
        self.restarts = 0
        self.dropped_commands = 0
        self._listeners: list = []
        self._guards: list = []

    # --- the app's calls ----------------------------------------------------------------
    def start(self) -> None:
        """Start the engine process and its watcher; returns at once."""
        self._spawn()
        self._watcher = threading.Thread(target=self._watch, name="engine-watcher", daemon=True)
        self._watcher.start()

    def act(self, group: str, control: str, value: float) -> Action:
        """Change a control. Raises ValueError (with the allowed range) for a bad value, and
        ActionRefused (a ValueError) when a guard refuses it (see add_guard)."""
        action = check_action(group, control, value)
        self._ask_guards(action)
        with self._lock:
            if (group, control) in self._values:  # momentary controls (pad hits) are not kept
                self._values[(group, control)] = action.value
            queues = self._queues
        self._send(queues, action)
        for listener in self._listeners:
            listener(action)
        return action

    def add_guard(self, guard) -> None:
        """guard(action) returns "" to let an action through, or a plain sentence saying why it
        may not happen now (recording without the participant's consent). Touch and MIDI both
        act through here, so one guard covers both."""
        self._guards.append(guard)

    def _ask_guards(self, action: Action) -> None:
        for guard in self._guards:
            refusal = guard(action)
            if refusal:
                raise ActionRefused(refusal)

    def add_listener(self, listener) -> None:
        """listener(message) is called, on the caller's thread, with every Action and SetBeat
        sent: the MIDI controllers follow the tempo and the beat's start this way, at once."""
        self._listeners.append(listener)

    def set_beat(self, beat) -> None:
        """Have the engine play this beat (studio.beats.model.Beat); returns at once."""
        beat = copy.deepcopy(beat)  # the app goes on editing its own; the queue pickles later
        with self._lock:
            self._beat = beat
            queues = self._queues
        self._send(queues, SetBeat(beat))
        for listener in self._listeners:
            listener(SetBeat(beat))

    def set_take_owner(self, participant_id: int | None) -> None:
        """Whose the takes started from now on are (see TakeOwner); returns at once."""
        with self._lock:
            self._take_owner = participant_id
            queues = self._queues
        self._send(queues, TakeOwner(participant_id))

    def play_take(self, path: str, skip_frames: int, backing: str = "none",
                  keep_s: tuple[float, float] | None = None, fades_s: tuple[float, float] = (0.0, 0.0)) -> None:
        """Play a recorded take (with its backing, or on its own; trimmed and faded); returns at once."""
        with self._lock:
            queues = self._queues
        self._send(queues, PlayTake(str(path), int(skip_frames), backing, keep_s, tuple(fades_s)))

    def record_over(self, path: str, skip_frames: int, backing: str, keep_s=None, fades_s=(0.0, 0.0)) -> None:
        """Punch-in: record a take while an earlier take plays with its backing (see RecordOver).
        It records a voice, so the guards are asked as for ("mic", "recording", 1): ActionRefused."""
        self._ask_guards(check_action("mic", "recording", 1.0))
        with self._lock:
            queues = self._queues
        self._send(queues, RecordOver(str(path), int(skip_frames), backing, keep_s, tuple(fades_s)))

    # --- the DJ decks -------------------------------------------------------------------------
    def prepare_decks(self, capacity_s: float) -> None:
        """Tell the engine the longest track a deck takes (see PrepareDecks)."""
        with self._lock:
            self._decks_prepared = PrepareDecks(float(capacity_s))
            queues = self._queues
        self._send(queues, self._decks_prepared)

    def load_track(self, load: LoadTrack) -> None:
        with self._lock:
            self._tracks[load.deck] = load
            queues = self._queues
        self._send(queues, load)

    def eject_track(self, deck: int) -> None:
        """Empty a deck (see EjectTrack); it is not loaded again after a restart."""
        with self._lock:
            self._tracks.pop(deck, None)
            queues = self._queues
        self._send(queues, EjectTrack(int(deck)))

    def set_beat_grid(self, deck: int, bpm: float, first_beat_s: float) -> None:
        with self._lock:
            if deck in self._tracks:
                self._tracks[deck] = self._tracks[deck]._replace(bpm=bpm, first_beat_s=first_beat_s)
            queues = self._queues
        self._send(queues, SetBeatGrid(deck, float(bpm), float(first_beat_s)))

    def set_hot_cue(self, deck: int, index: int, position_s: float | None) -> None:
        """Put a hot cue (1..8) at position_s or delete it (None): Undo, or cues from the app."""
        self.note_hot_cue(deck, index, position_s)
        with self._lock:
            queues = self._queues
        self._send(queues, SetHotCue(deck, index, position_s))

    def note_hot_cue(self, deck: int, index: int, position_s: float | None) -> None:
        """Remember a hot cue for a restart (the engine set or deleted it; nothing is sent)."""
        with self._lock:
            if deck in self._tracks:
                cues = (list(self._tracks[deck].hot_cues_s) + [None] * HOT_CUES)[:HOT_CUES]
                cues[index - 1] = position_s
                self._tracks[deck] = self._tracks[deck]._replace(hot_cues_s=tuple(cues))

    def stop_take(self) -> None:
        with self._lock:
            queues = self._queues
        self._send(queues, StopTake())

    def value(self, group: str, control: str) -> float:
        with self._lock:
            return self._values[(group, control)]

    @property
    def state(self) -> EngineState:
        with self._lock:
            return self._state

    def drain_events(self) -> list[EngineEvent]:
        events = []
        while True:
            try:
                events.append(self._events.popleft())
            except IndexError:
                return events

    @property
    def engine_pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None else None

    def change_settings(self, settings: AudioSettings) -> None:
        """Use new audio settings: the engine restarts on them with every control as it was."""
        self.settings = settings
        self._forced_silent = False
        self._quick_crashes = 0
        self._restart_requested.set()

    def stop(self, timeout_s: float = 3.0) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=timeout_s)
        self._end_process(timeout_s)

    # --- the process ------------------------------------------------------------------
    def _send(self, queues, message) -> None:
        if queues is None:
            return  # the values are replayed when the engine (re)starts
        try:
            queues[0].put_nowait(message)
        except (queue.Full, ValueError, OSError):
            # The engine is behind (or restarting). The value is kept in _values, and the
            # watcher sends every value again once there is room, so nothing set is lost.
            self.dropped_commands += 1
            self._resync.set()

    def _spawn(self) -> None:
        from studio.engine.process import run_engine

        commands = self._context.Queue(COMMAND_QUEUE_SIZE)
        states = self._context.Queue(STATE_QUEUE_SIZE)
        events = self._context.Queue(EVENT_QUEUE_SIZE)
        settings, silent_message = self.settings, ""
        if self._forced_silent:
            settings, silent_message = replace(settings, backend="none"), FORCED_SILENT_MESSAGE
        with self._lock:
            values, beat = dict(self._values), self._beat
        process = self._context.Process(
            target=run_engine,
            args=(settings, values, commands, states, events, os.getpid(), silent_message, beat),
            name="ward-studio-engine",
            daemon=True,
        )
        process.start()
        with self._lock:
            self._process = process
            self._queues = (commands, states, events)
            setup = ([self._decks_prepared] if self._decks_prepared else []) + list(self._tracks.values())
            setup.append(TakeOwner(self._take_owner))
        for message in setup:  # after a restart: the decks as they were, tracks from their start, the takes' owner
            self._send((commands, states, events), message)
        self._started_at = time.monotonic()
        self._last_state_at = 0.0

    def _end_process(self, timeout_s: float) -> None:
        process, queues = self._process, self._queues
        if process is None:
            return
        if process.is_alive() and queues is not None:
            self._send(queues, Shutdown("app closing"))
            process.join(timeout_s)
        if process.is_alive():
            process.kill()
            process.join(1.0)
        with self._lock:
            self._queues = None
        for q in queues or ():
            q.cancel_join_thread()
            q.close()

    def _restart(self, why: str, exit_code: int | None) -> None:
        planned = exit_code in _PLANNED_RESTART_CODES
        if not planned:
            lived_s = time.monotonic() - self._started_at
            self._quick_crashes = self._quick_crashes + 1 if lived_s < CRASH_WINDOW_S else 1
            if self._quick_crashes >= MAX_QUICK_CRASHES and not self._forced_silent:
                self._forced_silent = True
                self._events.append(EngineEvent("error", FORCED_SILENT_MESSAGE))
        old_process, old_queues = self._process, self._queues
        with self._lock:
            self._queues = None
        if old_process is not None and old_process.is_alive():
            old_process.kill()
        # A killed engine may have left its queues half-used: never read them again.
        for q in old_queues or ():
            q.cancel_join_thread()
            q.close()
        self._spawn()
        if not planned:
            self.restarts += 1
            self._events.append(EngineEvent("restarted", RESTARTED_MESSAGE, {"why": why}))

    def _watch(self) -> None:
        while not self._stop.wait(WATCH_PERIOD_S):
            process, queues = self._process, self._queues
            if process is None or queues is None:
                continue
            self._read(queues)
            if self._resync.is_set():
                self._resync.clear()
                with self._lock:
                    values, beat, owner = dict(self._values), self._beat, self._take_owner
                self._send(queues, TakeOwner(owner))
                self._send(queues, Restore(values))
                if beat is not None:
                    self._send(queues, SetBeat(beat))
            now = time.monotonic()
            if self._restart_requested.is_set():
                self._restart_requested.clear()
                self._end_process(timeout_s=2.0)
                self._spawn()
            elif not process.is_alive():
                self._read(queues)  # the last words of an engine that ended on purpose
                self._restart("the engine process ended", process.exitcode)
            elif self._last_state_at and now - self._last_state_at > HEARTBEAT_TIMEOUT_S:
                self._restart("the engine stopped answering", None)
            elif not self._last_state_at and now - self._started_at > FIRST_STATE_TIMEOUT_S:
                self._restart("the engine did not start", None)

    def _read(self, queues) -> None:
        _, states, events = queues
        latest = None
        try:
            while True:
                latest = states.get_nowait()
        except (queue.Empty, OSError, EOFError, ValueError):
            pass
        try:
            while True:
                self._events.append(events.get_nowait())
        except (queue.Empty, OSError, EOFError, ValueError):
            pass
        if latest is not None:
            with self._lock:
                self._state = latest
            self._last_state_at = time.monotonic()
            self._quick_crashes = 0 if latest.uptime_s > CRASH_WINDOW_S else self._quick_crashes
