"""An export in a process of its own: progress without waiting, a cancel, and a crash told in plain words;
and its preview mode, the same render into a private WAV file to listen to."""

import os
import signal
import time

import numpy as np
import pytest
import soundfile

from studio.export.errors import ExportCancelled, ExportError
from studio.export.export_job import ExportOptions
from studio.export.export_process import ExportProcess
from studio.export.song import Clip, Song
from tests.studio.export.export_fixtures import SR, decode, small_song


def test_an_export_runs_in_its_own_process_and_poll_never_waits(tmp_path):
    song = small_song(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    process = ExportProcess()
    process.start(song, out, ExportOptions(format="wav-16"))
    assert process.pid != os.getpid() and process.running
    seen, poll_times_s = [], []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        started = time.perf_counter()
        status = process.poll()
        poll_times_s.append(time.perf_counter() - started)
        seen.append(status.fraction)
        if status.done:
            break
        time.sleep(0.02)
    assert status.done and status.error is None and not process.running
    assert status.fraction == 1.0 and status.words == "Done" and seen == sorted(seen)
    assert len(set(seen)) > 3  # progress came back on the way
    # A poll that waited on the child would take as long as the export; a busy machine may
    # delay one poll by a scheduler tick or two, but never most of them.
    assert float(np.median(poll_times_s)) < 0.01 and max(poll_times_s) < 0.5, poll_times_s
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


def test_the_preview_mode_renders_as_the_export_does_into_its_own_file_and_replaces_it(tmp_path):
    song = small_song(tmp_path)
    song.cover_path = str(tmp_path / "gone.png")  # never heard: a missing cover does not stop a preview
    preview = tmp_path / "data" / "preview" / "song-preview.wav"  # its folder is made
    process = ExportProcess()
    process.start_preview(song, preview)
    assert process.poll().words == "Getting it ready"
    status = process.wait(60)
    assert status.error is None, status.error
    assert status.result.song_path == preview and os.listdir(preview.parent) == ["song-preview.wav"]
    info = soundfile.info(str(preview))
    assert (info.samplerate, info.channels, info.subtype) == (SR, 2, "PCM_24")
    audio = decode(preview)
    assert len(audio) == 6 * SR == round(status.result.duration_s * SR)
    assert status.result.true_peak_dbtp <= -1.0 + 0.05  # mastered, as an export: it never blasts
    assert abs(status.result.lufs - song.target_lufs) < 1.0
    # The same song exported to WAV is the same sound, to 24-bit rounding.
    exported = ExportProcess()
    song.cover_path = ""
    exported.start(song, tmp_path, ExportOptions(format="wav-24"))
    assert np.abs(decode(exported.wait(60).result.song_path) - audio).max() < 1e-6
    # A second preview (the song made shorter) replaces the first one.
    song.lanes = song.lanes[:1]
    song.lanes[0].clips[0].length_bars = 1
    again = ExportProcess()
    again.start_preview(song, preview)
    assert again.wait(60).error is None
    assert os.listdir(preview.parent) == ["song-preview.wav"] and 2 * SR <= len(decode(preview)) < 4 * SR


def test_a_preview_that_cannot_be_made_says_why_and_a_cancel_leaves_no_file(tmp_path):
    preview = tmp_path / "preview" / "song-preview.wav"
    empty, cancelled = ExportProcess(), ExportProcess()
    empty.start_preview(Song("song-2", "Empty"), preview)
    cancelled.start_preview(small_song(tmp_path), preview)
    cancelled.cancel()
    empty_status, cancelled_status = empty.wait(60), cancelled.wait(60)
    assert str(empty_status.error) == "The song is empty: put a beat, a take or a sound file on a lane first."
    assert cancelled_status.cancelled and cancelled_status.result is None
    assert not preview.exists() and [p.name for p in preview.parent.iterdir()] == []


@pytest.mark.parametrize("bars, stems, killed_at", [
    (3, True, 0.0),  # in the mixdown: the mix's encoder has been started ahead
    (90, False, 0.5),  # 3 minutes, a quarter into the mix's encode to MP3 in two halves: both halves' files are there
])
def test_an_export_killed_while_it_works_leaves_nothing_not_even_a_hidden_file(tmp_path, bars, stems, killed_at):
    song = small_song(tmp_path)
    song.lanes[0].clips = [Clip("pattern", "A", 0, bars)]
    out = tmp_path / "out"
    out.mkdir()
    process = ExportProcess()
    process.start(song, out, ExportOptions(format="mp3-320", stems=stems))
    deadline = time.monotonic() + 60
    while process.poll().fraction <= killed_at and time.monotonic() < deadline:
        time.sleep(0.005)
    assert not process.poll().done
    if killed_at:
        assert sorted(os.listdir(out)) == [".Small song.partial-2.mp3", ".Small song.partial.mp3"]
    os.kill(process.pid, signal.SIGKILL)
    status = process.wait(60)
    assert status.done and str(status.error).startswith("The export stopped unexpectedly")
    time.sleep(0.5)  # an encoder left running would have read the end of its input and written by now
    assert os.listdir(out) == []
