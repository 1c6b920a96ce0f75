"""Loading tracks without stopping the screen: TrackLoader runs TrackCache.load in another process.

    loader = TrackLoader(cache_folder, sample_rate)
    request_id = loader.request(deck, path)     # returns at once
    for result in loader.poll():                # call from the UI's clock, say 10 times a second
        result.loaded (a LoadedTrack) or result.error (one sentence to show)
    loader.progress(deck)                       # 0..1 while a track is on its way, else None
    loader.close()

Decoding a 5-minute MP3 and analysing it takes a second or two of full CPU: in the UI process that
would freeze the touch screen, and a thread would still hold Python's lock for most of it. So one
worker process (started with 'spawn', on the first request, at a lower priority than the app and
the audio engine) does it. A newer request for a deck replaces an older one still waiting or being
decoded. If the worker dies (out of memory, a crashing decoder) the requests it had fail with a
plain sentence and the next request starts a new one.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from studio.decks.track_errors import shown_name

WORKER_NICENESS = 10  # below the app and the engine: a load may take longer, the sound never stutters
PROGRESS_INTERVAL_S = 0.1
STOP_TIMEOUT_S = 2.0
PARENT_CHECK_S = 1.0  # the worker leaves if the app has gone (killed, so it could not say so)


@dataclass(frozen=True)
class LoadResult:
    request_id: int
    deck: int
    loaded: object | None  # a track_cache.LoadedTrack, when it worked
    error: str | None  # one sentence for the screen, when it did not


class TrackLoader:
    def __init__(self, cache_folder: Path, sample_rate: int, audio_budget_bytes: int = 2 * 1024**3):
        self.cache_folder = Path(cache_folder)
        self.sample_rate = int(sample_rate)
        self.audio_budget_bytes = audio_budget_bytes
        self._context = multiprocessing.get_context("spawn")
        self._process = None
        self._requests = None
        self._results = None
        self._next_id = 1
        self._pending: dict[int, tuple[int, str]] = {}  # request id -> (deck, path), sent and unanswered
        self._latest: dict[int, int] = {}  # deck -> its newest request id
        self._progress: dict[int, float] = {}  # request id -> 0..1

    def request(self, deck: int, path) -> int:
        """Ask for a track on a deck; returns its request id at once. Replaces the deck's older request."""
        request_id, self._next_id = self._next_id, self._next_id + 1
        older = self._latest.get(deck)
        if older is not None:
            self._pending.pop(older, None)
            self._progress.pop(older, None)
        self._latest[deck] = request_id
        self._pending[request_id] = (deck, str(path))
        self._progress[request_id] = 0.0
        self._ensure_worker()
        self._requests.put(("load", request_id, deck, str(path)))
        return request_id

    def poll(self) -> list[LoadResult]:
        """What has finished since the last poll; never waits. Replaced requests are left out."""
        results = []
        for message in self._drain():
            kind, request_id = message[0], message[1]
            if request_id not in self._pending:
                continue  # replaced by a newer request for the deck
            if kind == "progress":
                self._progress[request_id] = float(message[2])
                continue
            deck, _ = self._pending.pop(request_id)
            self._progress.pop(request_id, None)
            loaded, error = (message[2], None) if kind == "loaded" else (None, str(message[2]))
            results.append(LoadResult(request_id, deck, loaded, error))
        if self._process is not None and not self._process.is_alive():
            results += self._worker_died()
        return results

    def progress(self, deck: int) -> float | None:
        """How far the deck's track is (0..1), or None when nothing is on its way to it."""
        request_id = self._latest.get(deck)
        return self._progress.get(request_id) if request_id in self._pending else None

    @property
    def worker_pid(self) -> int | None:
        """The worker process's id while it runs (tests kill it to see the loader cope)."""
        return self._process.pid if self._process is not None and self._process.is_alive() else None

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(OSError, ValueError):
            self._requests.put(("stop",))
        process.join(STOP_TIMEOUT_S)
        if process.is_alive():
            process.kill()
            process.join(STOP_TIMEOUT_S)
        for channel in (self._requests, self._results):
            with contextlib.suppress(OSError, ValueError):
                channel.close()
                channel.cancel_join_thread()
        self._pending.clear()

    def __del__(self):
        with contextlib.suppress(Exception):
            self.close()

    # --- the worker, from this side ---------------------------------------------------------------
    def _ensure_worker(self) -> None:
        if self._process is not None and self._process.is_alive():
            return
        # Fresh queues for a fresh worker: one killed mid-message can leave half of it in a pipe.
        self._requests, self._results = self._context.Queue(), self._context.Queue()
        self._process = self._context.Process(
            target=_worker_main, name="ward-studio-track-loader", daemon=True,
            args=(self._requests, self._results, str(self.cache_folder), self.sample_rate,
                  self.audio_budget_bytes, os.getpid()))
        self._process.start()

    def _drain(self) -> list[tuple]:
        messages = []
        if self._results is None:
            return messages
        while True:
            try:
                messages.append(self._results.get_nowait())
            except queue.Empty:
                return messages
            except (EOFError, OSError, ValueError, TypeError, AttributeError, ImportError):
                return messages  # a message cut short by a dying worker: _worker_died says so

    def _worker_died(self) -> list[LoadResult]:
        self._process = None
        failed = [LoadResult(request_id, deck, None,
                             f"{shown_name(path)} could not be loaded: the loading process stopped. Try again.")
                  for request_id, (deck, path) in self._pending.items()]
        self._pending.clear()
        self._progress.clear()
        return failed


# --- the worker process -------------------------------------------------------------------------
class _Replaced(Exception):
    """A newer request for the same deck came while this one was loading."""


def _worker_main(requests, results, cache_folder: str, sample_rate: int, audio_budget_bytes: int,
                 parent_pid: int) -> None:
    with contextlib.suppress(OSError, AttributeError):
        os.nice(WORKER_NICENESS)
    from studio.decks.track_cache import TrackCache
    from studio.decks.track_errors import TrackError

    cache = TrackCache(Path(cache_folder), audio_budget_bytes)
    waiting: list[tuple] = []  # requests read but not yet done, oldest first

    def read(block: bool) -> bool:
        """Read what has been asked; False when the app wants the worker to stop (or has gone)."""
        while True:
            try:
                message = requests.get(timeout=PARENT_CHECK_S) if block and not waiting else requests.get_nowait()
            except queue.Empty:
                if os.getppid() != parent_pid:
                    return False
                if block and not waiting:
                    continue
                return True
            if message[0] == "stop":
                return False
            deck = message[2]
            waiting[:] = [w for w in waiting if w[2] != deck] + [message]  # the newest for a deck wins

    while read(block=True):
        _, request_id, deck, path = waiting.pop(0)
        last_sent = [0.0]

        def progress(fraction: float, request_id=request_id, deck=deck, last_sent=last_sent) -> None:
            if not read(block=False):
                raise SystemExit(0)
            if any(w[2] == deck for w in waiting):
                raise _Replaced
            now = time.monotonic()
            if now - last_sent[0] >= PROGRESS_INTERVAL_S:
                last_sent[0] = now
                results.put(("progress", request_id, fraction))

        try:
            loaded = cache.load(path, sample_rate, progress=progress)
        except _Replaced:
            continue
        except TrackError as error:
            results.put(("failed", request_id, str(error)))
        except MemoryError:
            results.put(("failed", request_id, f"{shown_name(path)} is too big to load on this tablet."))
        except Exception as error:  # a bug must cost one track, not the loader
            traceback.print_exc(file=sys.stderr)
            results.put(("failed", request_id,
                         f"{shown_name(path)} could not be loaded ({type(error).__name__}: {error})."))
        else:
            results.put(("loaded", request_id, loaded))
