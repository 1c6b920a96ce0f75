"""The engine process: its entry point and main loop.

The app starts this with multiprocessing's ``spawn`` method (see client.py). The loop takes
commands without ever blocking the app, publishes an EngineState about 25 times a second,
and ends when told to, when the app is gone, or when the sound device needs a fresh start.
"""

from __future__ import annotations

import gc
import os
import queue
import sys
import time

from studio.engine.messages import STATE_RATE_HZ, EngineEvent, Shutdown
from studio.settings import AudioSettings


AUDIO_SWITCH_INTERVAL_S = 0.0005
HIT_POLL_PERIOD_S = 0.01  # while recording: see LiveEngine.send_recorded_hits
ENGINE_REALTIME_PRIORITY = 1  # the lowest realtime priority: JACK's audio threads run above it
ENGINE_NICE_DELTA = -10


def _raise_priority() -> None:
    """Keep ordinary busy programs from pausing this process while it holds the interpreter lock.

    pyo's audio thread needs that lock every block. If the engine's other threads were paused
    by the scheduler while holding it (because, say, the app is busy on the same core), the
    audio would wait and drop out. The lowest realtime priority puts them above every ordinary
    program but below the audio threads themselves. Where that is not allowed (no realtime
    rights), a higher nice value is tried, and otherwise the engine runs as it is.
    """
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(ENGINE_REALTIME_PRIORITY))
        return
    except (AttributeError, PermissionError, OSError):
        pass
    try:
        os.nice(ENGINE_NICE_DELTA)
    except (AttributeError, PermissionError, OSError):
        pass


def _put_latest(q, item) -> bool:
    """Hand an item to the app without waiting; if the app is not reading, drop it."""
    try:
        q.put_nowait(item)
        return True
    except queue.Full:
        return False


def run_engine(
    settings: AudioSettings,
    values: dict,
    commands,
    states,
    events,
    parent_pid: int,
    silent_message: str = "",
    beat=None,
) -> None:
    """Entry point of the engine process. Exits with a code from live_engine when it must restart.

    silent_message: what to show when settings.backend is "none" (default: silent by choice).
    beat: the beat to play (studio.beats.model.Beat); None for an empty one.
    """
    import studio  # noqa: F401  (sets PYO_GUI_WX before pyo is imported)
    from studio.engine.live_engine import LiveEngine

    # pyo's audio callback needs the interpreter lock. When another thread of this process
    # holds it, Python hands it over only after the switch interval (5 ms by default, about
    # a whole buffer); ask for a hand-over ten times sooner.
    sys.setswitchinterval(AUDIO_SWITCH_INTERVAL_S)
    _raise_priority()

    def emit(event: EngineEvent) -> None:
        _put_latest(events, event)

    engine = LiveEngine(settings, values, emit, silent_message, beat)
    # A full garbage collection walks every object while holding the lock the audio thread
    # needs; the graph's thousands of objects live as long as the engine, so take them out
    # of the collector's sight.
    gc.freeze()
    emit(EngineEvent("started", engine.device_message, {"backend": engine.backend}))
    exit_code = 0
    period_s = 1.0 / STATE_RATE_HZ
    next_state = next_hits = time.monotonic()
    try:
        while True:
            wake = min(next_state, next_hits) if engine.busy else next_state
            try:
                message = commands.get(timeout=max(0.0, wake - time.monotonic()))
            except queue.Empty:
                message = None
            if isinstance(message, Shutdown):
                break
            if message is not None:
                engine.handle(message)
            now = time.monotonic()
            if engine.busy and now >= next_hits:
                engine.poll_fast()
                next_hits = max(next_hits + HIT_POLL_PERIOD_S, now)
            if now >= next_state:
                _put_latest(states, engine.state())
                next_state = max(next_state + period_s, now)
                code = engine.exit_code()
                if code is not None:
                    exit_code = code
                    break
                if os.getppid() != parent_pid:
                    break  # the app is gone: never leave an orphan engine playing
    finally:
        engine.close()
        # Let the queues' feeder threads deliver the last state and events before exiting.
        for q in (states, events):
            q.close()
            q.join_thread()
    if exit_code:
        os._exit(exit_code)
