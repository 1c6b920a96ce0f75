"""Running an export in a process of its own, so the screen never waits on it.

    process = ExportProcess()
    process.start(song, out_dir, ExportOptions(format="mp3-320"))
    status = process.poll()     # never waits: ExportStatus(fraction, words, done, result, error)
    process.cancel()            # the export stops at its next check; nothing is left under the final name

    process.start_preview(song, preview_path)   # the preview mode: the same render, for listening

The preview mode renders the song exactly as an export does (render_preview: export_song's
mixdown and mastering, to a 24-bit WAV) into a private file that the app plays before the song
is exported; each preview replaces the one before it at that path.

The child is started with the "spawn" method (as the engine is: a forked copy of a process with
Kivy's window and threads in it is not safe). Progress comes back through a small bounded queue:
when the screen falls behind, progress reports are dropped, never waited for; the outcome comes
back once, through a pipe of its own. A child that dies without a word (killed, or a crash in
native code) is reported as an ExportError in plain words.
"""

from __future__ import annotations

import contextlib
import copy
import multiprocessing
import os
import queue
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from studio.export.audio_files import partial_paths
from studio.export.errors import ExportCancelled, ExportError, ExportFileExists
from studio.export.export_job import ExportOptions, ExportResult, export_song, planned_paths

PROGRESS_QUEUE_SIZE = 32
PROGRESS_INTERVAL_S = 0.05  # at most 20 reports a second
LAST_WORDS_S = 1.0  # after the child ends, how long its outcome may take to show before it counts as lost
PREVIEW_FORMAT = "wav-24"  # lossless, as the WAV export: what is heard is what would be saved
PREVIEW_STARTING_WORDS = "Getting it ready"


@dataclass
class ExportStatus:
    fraction: float = 0.0  # 0..1
    words: str = ""  # what is being done now, or how it ended
    done: bool = False  # finished: with a result, or with an error (a cancel included)
    result: ExportResult | None = None
    error: ExportError | None = None  # str(error) is the message to show; ExportCancelled after a cancel

    @property
    def cancelled(self) -> bool:
        return isinstance(self.error, ExportCancelled)


def render_preview(song, path: str | os.PathLike, sample_rate: int = 48000, progress=None,
                   cancel=None) -> ExportResult:
    """The song rendered as export_song renders it (the same mixdown, mastering to the song's
    loudness target and true-peak ceiling) into the WAV file at path, replacing the one there.
    Its folder is made when missing. ExportError in plain words, as an export's."""
    path = Path(path)
    if path.suffix.lower() != ".wav":
        raise ValueError(f"a preview is a .wav file, got {path.name!r}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"The song could not be made ready to listen to: its folder could not be made "
                          f"({error.strerror or error}).") from None
    song = copy.copy(song)
    song.cover_path = ""  # a cover is never heard: a missing one must not stop a preview
    options = ExportOptions(format=PREVIEW_FORMAT, file_stem=path.stem, overwrite=True, sample_rate=sample_rate)
    return export_song(song, path.parent, options, progress, cancel)


def _run_export(work, args, progress_queue, outcome, cancel_event) -> None:
    """The child process: work(*args) (export_song or render_preview), with progress into the
    queue and the outcome into the pipe."""
    last = {"at": 0.0, "words": None}

    def progress(fraction: float, words: str) -> None:
        now = time.monotonic()
        if words == last["words"] and now - last["at"] < PROGRESS_INTERVAL_S and fraction < 1.0:
            return
        last["at"], last["words"] = now, words
        with contextlib.suppress(queue.Full):
            progress_queue.put_nowait((float(fraction), str(words)))

    try:
        result = work(*args, progress=progress, cancel=cancel_event.is_set)
        message = ("done", result)
    except ExportCancelled as error:
        message = ("cancelled", str(error), None)
    except ExportFileExists as error:
        message = ("exists", str(error), str(error.path))
    except ExportError as error:
        message = ("error", str(error), None)
    except Exception as error:  # a bug must end in a message, not a silent child
        traceback.print_exc()
        fault = f"a fault in the app ({type(error).__name__}: {error})"
        message = ("error", f"The song could not be made ready to listen to, because of {fault}." if
                   work is render_preview else
                   f"The export failed because of {fault}. Nothing was saved under the song's name.", None)
    progress_queue.cancel_join_thread()  # progress not yet read is not needed now: never wait on it to end
    outcome.send(message)
    outcome.close()


class ExportProcess:
    def __init__(self):
        self._context = multiprocessing.get_context("spawn")
        self._process = None
        self._status = ExportStatus()
        self._ended_at: float | None = None
        self._partials: list[Path] = []  # the hidden names the export writes its files under
        self.previewing = False  # the last start was start_preview

    @property
    def running(self) -> bool:
        return self._process is not None and not self._status.done

    @property
    def pid(self) -> int | None:
        """The export process's id (None before start)."""
        return self._process.pid if self._process is not None else None

    def start(self, song, out_dir: str | os.PathLike, options: ExportOptions | None = None) -> None:
        """Start exporting; RuntimeError if an export is already running in this object."""
        options = options or ExportOptions()
        self._start(export_song, (song, Path(out_dir), options), "Starting the export")
        try:
            mix_path, stem_paths, _ = planned_paths(song, Path(out_dir), options)
        except (ExportError, ValueError):  # a bad format: the child says so, and writes nothing
            return
        self._partials = [partial for path in [mix_path, *(path for _, path in stem_paths)]
                          for partial in partial_paths(path)]

    def start_preview(self, song, path: str | os.PathLike, sample_rate: int = 48000) -> None:
        """Start the preview mode: render_preview(song, path) in the child, with the same progress,
        cancel and outcome as an export (the result's song_path is the preview's WAV)."""
        self._start(render_preview, (song, Path(path), sample_rate), PREVIEW_STARTING_WORDS, previewing=True)
        self._partials = partial_paths(path)

    def _start(self, work, args: tuple, words: str, previewing: bool = False) -> None:
        if self.running:
            raise RuntimeError("an export is already running; wait for it or cancel it first")
        self._progress = self._context.Queue(PROGRESS_QUEUE_SIZE)
        self._outcome, child_end = self._context.Pipe(duplex=False)
        self._cancel = self._context.Event()
        self._status = ExportStatus(words=words)
        self._ended_at = None
        self._partials = []
        self.previewing = previewing
        self._process = self._context.Process(
            target=_run_export, name="ward-studio-preview" if previewing else "ward-studio-export", daemon=True,
            args=(work, args, self._progress, child_end, self._cancel))
        self._process.start()
        child_end.close()  # only the child writes: its end closing is how a dead child is seen

    def cancel(self) -> None:
        """Ask the export to stop; poll() shows it done, with an ExportCancelled, soon after."""
        if self.running:
            self._cancel.set()
            self._status.words = "Cancelling"

    def poll(self) -> ExportStatus:
        """The latest progress, and the outcome once there is one. Never waits."""
        if self._process is None or self._status.done:
            return self._status
        while True:
            try:
                fraction, words = self._progress.get_nowait()
            except (queue.Empty, OSError, ValueError):
                break
            if not self._cancel.is_set():
                self._status.fraction, self._status.words = max(self._status.fraction, fraction), words
        message = None
        with contextlib.suppress(EOFError, OSError):
            if self._outcome.poll():
                message = self._outcome.recv()
        if message is not None:
            self._finish(message)
        elif not self._process.is_alive():
            # The outcome is sent before the child ends; give the pipe a moment all the same.
            self._ended_at = self._ended_at or time.monotonic()
            if time.monotonic() - self._ended_at >= LAST_WORDS_S:
                self._remove_partials()
                self._finish(("error", self._lost_message(), None))
        return self._status

    def wait(self, timeout_s: float = 60.0, interval_s: float = 0.05) -> ExportStatus:
        """poll() until done or timeout_s passes (for the command line and tests, not the screen)."""
        deadline = time.monotonic() + timeout_s
        while not self.poll().done and time.monotonic() < deadline:
            time.sleep(interval_s)
        return self._status

    def stop(self, timeout_s: float = 5.0) -> None:
        """Cancel, and end the child if it has not stopped within timeout_s (leaving the app)."""
        if self._process is None:
            return
        self.cancel()
        self._process.join(timeout_s)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(2.0)
            self._remove_partials()
        self.poll()

    def _remove_partials(self) -> None:
        """After the child died without a word: the hidden, unfinished files it was writing (its
        encoder dies with it, where the system allows: audio_files) are taken away. The final
        names are never touched: they only ever hold whole files."""
        for path in self._partials:
            with contextlib.suppress(OSError):
                path.unlink()

    def _lost_message(self) -> str:
        code = self._process.exitcode
        how = f"it was stopped by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        if self.previewing:
            return (f"Getting the song ready to listen to stopped unexpectedly ({how}). "
                    "Try again; if it happens again, restart the app.")
        return (f"The export stopped unexpectedly ({how}). Nothing was saved under the song's name. "
                "Try again; if it happens again, restart the app.")

    def _finish(self, message: tuple) -> None:
        kind = message[0]
        status = self._status
        status.done = True
        if kind == "done":
            status.result, status.fraction, status.words = message[1], 1.0, "Done"
        else:
            words, path = message[1], message[2]
            status.error = {"cancelled": ExportCancelled(words), "exists": ExportFileExists(words, path)}.get(
                kind, ExportError(words))
            status.words = words
        self._process.join(0)  # it has sent its last word and is ending: collect it if it has, never wait
        with contextlib.suppress(OSError, ValueError):
            self._outcome.close()
        self._progress.close()
        self._progress.cancel_join_thread()
