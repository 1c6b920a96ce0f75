"""Ableton Link: share tempo and phase with other music apps on the same network (off by default).

aalink is asyncio-based, so while enabled :class:`LinkSync` runs its own event loop in a daemon
thread, and every public method can be called from any other thread. Disabled, it has no thread at
all: an aalink Link polls every millisecond on threads of its own even when not enabled.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import math
import threading
import time
from typing import Callable

from studio.controls import CONTROLS

# The studio's transport tempo control allows only this range, so a peer's tempo is folded into it.
MIN_BPM, MAX_BPM = CONTROLS[("transport", "bpm")].minimum, CONTROLS[("transport", "bpm")].maximum
LINK_MIN_BPM, LINK_MAX_BPM = 20.0, 999.0  # what Link itself accepts
TEMPO_CHANGE_BPM = 0.01  # smaller differences are Link's wire rounding, not someone moving the tempo
MIN_REPORT_INTERVAL_S = 0.1  # on_tempo at most ~10 times a second while a peer drags its tempo
START_TIMEOUT_S = 5.0
CALL_TIMEOUT_S = 5.0
UNAVAILABLE = "Tempo sharing with other apps (Link) is not available on this tablet"


class LinkUnavailable(RuntimeError):
    """Link cannot be used here; str(error) is a message for the user."""


def fold_bpm(bpm: float) -> float:
    """Bring a peer's tempo into the transport's range 60..200 BPM (the only range its control
    allows) by doubling or halving: 240 plays as 120 and 50 as 100, still on the same beats."""
    if not bpm > 0 or math.isinf(bpm):
        raise ValueError(f"bpm must be a positive number, got {bpm!r}")
    while bpm > MAX_BPM:
        bpm /= 2
    while bpm < MIN_BPM:
        bpm *= 2
    return bpm


def _check(name: str, value: float, minimum: float, maximum: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not minimum <= value <= maximum:
        raise ValueError(f"{name} must be in range {minimum:g}..{maximum:g}, got {value!r}")
    return float(value)


class LinkSync:
    """One Link peer. ``on_tempo(bpm)`` runs on the Link thread when a peer changes the session
    tempo (folded into 60..200 BPM, never for our own ``set_tempo``): keep it short, and do not
    call ``enable`` or ``close`` from it."""

    def __init__(self, bpm: float, on_tempo: Callable[[float], None], quantum_beats: float = 4.0):
        self._bpm = _check("bpm", bpm, LINK_MIN_BPM, LINK_MAX_BPM)
        self._quantum_beats = _check("quantum_beats", quantum_beats, 1.0, 64.0)
        self._on_tempo = on_tempo
        self._lock = threading.Lock()  # start, stop and calls into the loop; never taken on the Link thread
        self._enabled = False
        self._closed = False
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._link = None  # an aalink.Link while the thread runs
        # Link thread only: the last session tempo we set or reported, and the rate limit's state.
        self._session_bpm = self._bpm
        self._last_report_s = -math.inf
        self._report_pending = False

    def enable(self, on: bool) -> None:
        """Join (True) or leave (False) the Link session of the apps on this network."""
        with self._lock:
            if self._closed:
                raise RuntimeError("this LinkSync is closed")
            if on and self._thread is None:
                self._start()
                self._call_locked(setattr, self._link, "enabled", True)
            elif not on:
                self._stop()
            self._enabled = bool(on)

    @property
    def enabled(self) -> bool:
        return self._enabled

    @property
    def peers(self) -> int:
        link = self._link  # Link's own calls are thread-safe, so reads skip the loop (no added lag)
        return link.num_peers if link is not None else 0

    def close(self) -> None:
        """Leave the session and stop the Link thread (and Link's own threads); safe to repeat."""
        with self._lock:
            self._closed = True
            self._enabled = False
            self._stop()

    def set_tempo(self, bpm: float) -> None:
        """Our tempo changed (the user moved it): tell the peers."""
        bpm = _check("bpm", bpm, LINK_MIN_BPM, LINK_MAX_BPM)
        self._bpm = bpm
        if threading.current_thread() is self._thread:
            self._commit_tempo(bpm)
        else:
            with self._lock:
                if self._thread is not None:
                    self._call_locked(self._commit_tempo, bpm)

    def tempo(self) -> float:
        """The session tempo (the last one seen, once disabled), folded into the transport's range."""
        link = self._link
        return fold_bpm(link.tempo if link is not None else self._bpm)

    def beat_phase(self) -> float:
        """Where in the quantum the session is now, in beats: 0 <= phase < quantum_beats (0 if disabled)."""
        link = self._link
        return link.phase if link is not None else 0.0

    def frames_to_next_bar(self, sample_rate: int) -> int:
        """Frames from now to the session's next bar (quantum), to start our beat in phase with
        the others; 0 (start now) when there is nobody to be in phase with."""
        _check("sample_rate", sample_rate, 1, 1_000_000)
        link = self._link
        if link is None or link.num_peers == 0:
            return 0
        frames_per_beat = 60.0 / link.tempo * sample_rate
        bar_frames = round(self._quantum_beats * frames_per_beat)
        return round((self._quantum_beats - link.phase) * frames_per_beat) % bar_frames

    def _start(self) -> None:
        try:
            import aalink
        except ImportError as error:
            raise LinkUnavailable(f"{UNAVAILABLE}: the aalink package is missing ({error}).") from error
        started: concurrent.futures.Future = concurrent.futures.Future()
        # Made here, not in the thread, so _stop can always reach them, even while Link starts.
        self._loop, self._stopping = asyncio.new_event_loop(), asyncio.Event()
        self._thread = threading.Thread(target=self._run, args=(aalink, self._loop, self._stopping, started),
                                        name="link", daemon=True)
        self._thread.start()
        try:
            started.result(timeout=START_TIMEOUT_S)
        except Exception as error:
            self._stop()
            reason = str(error) or type(error).__name__
            raise LinkUnavailable(f"{UNAVAILABLE}: Link could not start ({reason}).") from error

    def _stop(self) -> None:
        if self._thread is None:
            return
        try:
            self._loop.call_soon_threadsafe(self._stopping.set)
        except RuntimeError:
            pass  # the loop has ended already: Link did not start
        self._thread.join(timeout=START_TIMEOUT_S)
        self._thread = self._loop = self._stopping = None

    def _run(self, aalink, loop: asyncio.AbstractEventLoop, stopping: asyncio.Event,
             started: concurrent.futures.Future) -> None:
        try:
            loop.run_until_complete(self._serve(aalink, stopping, started))
        finally:
            loop.close()

    async def _serve(self, aalink, stopping: asyncio.Event, started: concurrent.futures.Future) -> None:
        try:
            link = aalink.Link(self._bpm)  # takes the running loop (passing one is deprecated in 0.2)
            link.quantum = self._quantum_beats
            link.add_tempo_callback(self._on_link_tempo)
        except Exception as error:
            started.set_exception(error)
            return
        self._session_bpm, self._link = self._bpm, link
        started.set_result(None)
        await stopping.wait()
        link.enabled = False
        self._bpm = link.tempo  # the session's, kept for tempo() and the next enable
        self._link = None
        del link  # the last reference: its destructor joins Link's own threads

    def _call_locked(self, function: Callable, *args):
        """Run function on the Link thread and wait for it (caller holds self._lock)."""
        done: concurrent.futures.Future = concurrent.futures.Future()

        def run() -> None:
            try:
                done.set_result(function(*args))
            except Exception as error:
                done.set_exception(error)

        self._loop.call_soon_threadsafe(run)
        return done.result(timeout=CALL_TIMEOUT_S)

    def _commit_tempo(self, bpm: float) -> None:
        self._session_bpm = bpm  # so Link's echo of it is not taken for a peer's change
        self._link.tempo = bpm

    def _on_link_tempo(self, _bpm: float) -> None:
        # The value passed may be stale (an echo of an older set_tempo): _report reads the tempo now.
        if not self._report_pending:
            self._report_pending = True
            wait_s = self._last_report_s + MIN_REPORT_INTERVAL_S - time.monotonic()
            self._loop.call_later(max(0.0, wait_s), self._report)

    def _report(self) -> None:
        self._report_pending = False
        session_bpm = self._link.tempo if self._link is not None else self._session_bpm
        if abs(session_bpm - self._session_bpm) <= TEMPO_CHANGE_BPM:
            return
        self._session_bpm, self._last_report_s = session_bpm, time.monotonic()
        self._on_tempo(fold_bpm(session_bpm))  # if it raises, asyncio logs it and the loop goes on
