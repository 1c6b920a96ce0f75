"""An export in a process of its own: progress without waiting, a cancel, and a crash told in plain words."""

import os
import signal
import time

from studio.export.errors import ExportCancelled, ExportError
from studio.export.export_job import ExportOptions
from studio.export.export_process import ExportProcess
from tests.studio.export.export_fixtures import SR, decode, small_song


def test_an_export_runs_in_its_own_process_and_poll_never_waits(tmp_path):
    song = small_song(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    process = ExportProcess()
    process.start(song, out, ExportOptions(format="wav-16"))
    assert process.pid != os.getpid() and process.running
    seen, slowest_poll_s = [], 0.0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        started = time.perf_counter()
        status = process.poll()
        slowest_poll_s = max(slowest_poll_s, time.perf_counter() - started)
        seen.append(status.fraction)
        if status.done:
            break
        time.sleep(0.02)
    assert status.done and status.error is None and not process.running
    assert status.fraction == 1.0 and status.words == "Done" and seen == sorted(seen)
    assert len(set(seen)) > 3  # progress came back on the way
    assert slowest_poll_s < 0.05
    assert status.result.song_path == out / "Small song.wav" and len(decode(status.result.song_path)) == 6 * SR


def test_a_cancel_a_mistake_and_a_crash_end_in_plain_words(tmp_path):
    song = small_song(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    cancelled, mistaken, crashed = ExportProcess(), ExportProcess(), ExportProcess()
    cancelled.start(song, out, ExportOptions(format="mp3-320"))
    mistaken.start(song, tmp_path / "nowhere", ExportOptions(format="mp3-320"))
    crashed.start(song, out, ExportOptions(format="mp3-320", file_stem="Crashed"))
    cancelled.cancel()
    os.kill(crashed.pid, signal.SIGKILL)  # as a crash in native code would end it
    statuses = [process.wait(60) for process in (cancelled, mistaken, crashed)]
    assert all(status.done and status.result is None for status in statuses)
    assert isinstance(statuses[0].error, ExportCancelled) and statuses[0].cancelled
    assert str(statuses[0].error) == "The export was cancelled."
    assert type(statuses[1].error) is ExportError and str(statuses[1].error).startswith("The export folder is missing")
    assert str(statuses[2].error) == ("The export stopped unexpectedly (it was stopped by signal 9). Nothing was saved "
                                      "under the song's name. Try again; if it happens again, restart the app.")
    assert os.listdir(out) == []
