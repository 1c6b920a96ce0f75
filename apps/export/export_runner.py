"""Running exports for the Export screen without ever making it wait. No kivy here.

    SongExport   one song, exported by studio.export.export_process.ExportProcess in a process of
                 its own; the screen polls it a few times a second
    SetExport    a performance set: studio.export.performance_set.export_set in a worker thread,
                 each song exported in a process of its own, one after the other

Both answer poll() with a RunStatus; cancel() asks the export to stop (nothing half-written is
left under a final name: the engine sees to that).
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from studio.export.errors import ExportCancelled, ExportError, ExportFileExists

CANCELLING = "Cancelling\u2026"
POLL_S = 0.05  # how often the set's worker looks at the song being exported


@dataclass(frozen=True)
class RunStatus:
    fraction: float = 0.0
    words: str = ""
    done: bool = False
    result: object = None  # an ExportResult (a song) or a SetResult (a set)
    error: str = ""  # plain words; "" when all went well
    cancelled: bool = False
    exists: bool = False  # it stopped because a file of that name is already there (it can be replaced)


def default_process():
    from studio.export.export_process import ExportProcess  # the engine's export, in a spawned process

    return ExportProcess()


def export_options(song, fmt: str, stems: bool, midi: bool, file_stem: str | None = None,
                   overwrite: bool = False):
    from studio.export.export_job import ExportOptions

    return ExportOptions(format=fmt, stems=stems, midi=midi, target_lufs=song.target_lufs, file_stem=file_stem,
                         overwrite=overwrite)


def _status_from(status, cancelled: bool) -> RunStatus:
    error = getattr(status, "error", None)
    words = str(error) if error else ""
    progress_words = CANCELLING if cancelled and not status.done else status.words or ""
    return RunStatus(float(status.fraction or 0.0), progress_words, bool(status.done), status.result, words,
                     bool(words) and (cancelled or isinstance(error, ExportCancelled)),
                     isinstance(error, ExportFileExists))


class SongExport:
    def __init__(self, make_process=default_process):
        self._make_process = make_process
        self._process = None
        self._cancelled = False
        self.song_title = ""

    def start(self, song, out_dir: Path, options) -> None:
        self.song_title = song.title
        self._process = self._make_process()
        self._process.start(copy.deepcopy(song), Path(out_dir), options)

    def poll(self) -> RunStatus:
        return _status_from(self._process.poll(), self._cancelled)

    def cancel(self) -> None:
        self._cancelled = True
        self._process.cancel()


class SetExport:
    def __init__(self, make_process=default_process):
        self._make_process = make_process
        self._lock = threading.Lock()
        self._status = RunStatus(0.0, "Starting the set")
        self._cancelled = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, songs, out_dir: Path, fmt: str, stems: bool, midi: bool, set_name: str) -> None:
        songs = [copy.deepcopy(song) for song in songs]
        self._thread = threading.Thread(target=self._run, args=(songs, Path(out_dir), fmt, stems, midi, set_name),
                                        name="performance-set", daemon=True)
        self._thread.start()

    def poll(self) -> RunStatus:
        with self._lock:
            status = self._status
        return replace(status, words=CANCELLING) if self._cancelled.is_set() and not status.done else status

    def cancel(self) -> None:
        self._cancelled.set()

    def join(self, timeout_s: float = 10.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout_s)

    def _say(self, **changes) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)

    def _run(self, songs, out_dir, fmt, stems, midi, set_name) -> None:
        from studio.export.performance_set import export_set

        def export_one(song, folder, file_stem, progress=None, cancel=None):
            process = self._make_process()
            process.start(song, Path(folder), export_options(song, fmt, stems, midi, file_stem))
            asked_to_stop = False
            while True:
                status = process.poll()
                if progress is not None and not status.done:
                    progress(float(status.fraction or 0.0), status.words or "")
                if status.done:
                    if status.error:
                        raise ExportCancelled(str(status.error)) if asked_to_stop else ExportError(str(status.error))
                    return status.result
                if not asked_to_stop and self._cancelled.is_set():
                    asked_to_stop = True
                    process.cancel()
                time.sleep(POLL_S)

        try:
            result = export_set(songs, out_dir, export_one, set_name=set_name,
                                progress=lambda fraction, words: self._say(fraction=fraction, words=words),
                                cancel=self._cancelled.is_set)
        except ExportCancelled as error:
            self._say(done=True, error=str(error), cancelled=True)
        except ExportError as error:
            self._say(done=True, error=str(error))
        except Exception as error:  # a fault in the app: said, never a silent stop
            self._say(done=True, error=f"The set could not be exported, because of a fault in the app "
                                       f"({type(error).__name__}: {error}).")
        else:
            self._say(done=True, fraction=1.0, result=result)
