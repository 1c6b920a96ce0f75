"""A take is never lost: not to a kill -9, not to a full disk, not to a disk too slow to keep up."""

import collections
import contextlib
import errno
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from studio.mic import take_writer as take_writer_module
from studio.mic import wav_stream
from studio.mic.take_writer import TakeError, TakeWriter, clock_text
from studio.mic.takes import TakeStore, recovered_message
from tests.studio.mic.record_until_killed import ramp
from tests.studio.mic.test_wav_stream import DiskFillsUp
from tests.studio.small_disks import read_only_folder_at, small_disk_at

RATE = 48000
REPO = Path(__file__).resolve().parents[3]
HELPER = "tests.studio.mic.record_until_killed"
KILLS = 5
MOST_LOST_S = 1.0  # the promise: a crash costs at most a second of what was sung


def blocks(total_frames: int, block_frames: int = 256):
    for first in range(0, total_frames, block_frames):
        yield ramp(first, min(block_frames, total_frames - first))


def kept_frames(path) -> int:
    """How many frames from the start of the file are the ramp, exactly; fails on anything else."""
    samples, rate = sf.read(path, dtype="float32")
    assert rate == RATE and samples.ndim == 1
    assert np.array_equal(samples, ramp(0, len(samples))), "the take's content is not the ramp it was given"
    return len(samples)


def feed(writer: TakeWriter, total_frames: int, most_queued_s: float = 0.2) -> None:
    """Faster than real time, but never faster than the writer takes it (no overruns)."""
    for block in blocks(total_frames):
        wait_until(lambda: writer.problem or writer.queued_frames + len(block) <= most_queued_s * RATE)
        if writer.problem:
            return
        assert writer.write(block)


def wait_until(condition, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


# ---- everything arrives ---------------------------------------------------------------------------

def test_a_take_is_written_whole_and_in_order(tmp_path):
    writer = TakeWriter(tmp_path / "take.wav", RATE).start()
    for block in blocks(RATE * 3):
        assert writer.write(block)
    assert writer.stop() == RATE * 3
    assert kept_frames(tmp_path / "take.wav") == RATE * 3
    assert (writer.problem, writer.overruns, writer.frames_flushed, writer.done) == (None, 0, RATE * 3, True)


def test_stereo_blocks_keep_their_channels(tmp_path):
    left, right = ramp(0, 5000), -ramp(0, 5000)
    writer = TakeWriter(tmp_path / "take.wav", RATE, channels=2).start()
    writer.write(np.stack([left, right], axis=1))
    writer.stop()
    samples, _ = sf.read(tmp_path / "take.wav", dtype="float32")
    assert np.array_equal(samples[:, 0], left) and np.array_equal(samples[:, 1], right)


def test_while_recording_the_file_opens_with_all_but_the_last_moments(tmp_path):
    writer = TakeWriter(tmp_path / "take.wav", RATE, flush_interval_s=0.1).start()
    for block in blocks(RATE):
        writer.write(block)
    wait_until(lambda: writer.frames_flushed == RATE)
    assert kept_frames(tmp_path / "take.wav") == RATE  # while still recording
    writer.stop()


def test_the_writer_keeps_the_block_it_was_given_not_the_engines_buffer(tmp_path):
    writer = TakeWriter(tmp_path / "take.wav", RATE).start()
    buffer = ramp(0, 256)
    writer.write(buffer)
    buffer[:] = 0.5  # the engine reuses its buffer for the next block
    writer.stop()
    assert kept_frames(tmp_path / "take.wav") == 256


# ---- a kill -9 at any moment ---------------------------------------------------------------------

def last_handed(output: Path) -> int:
    handed = 0
    for line in output.read_text().splitlines():
        if line.startswith("handed ") and line[7:].isdigit():
            handed = int(line[7:])
    return handed


def test_a_take_survives_kill_9_at_any_moment(tmp_path):
    seed = random.randrange(1 << 30)
    moments_s = [0.0] + [random.Random(seed + kill).uniform(0.1, 2.0) for kill in range(KILLS - 1)]
    losses_s = []
    for kill, moment_s in enumerate(moments_s):
        folder, output = tmp_path / f"takes-{kill}", tmp_path / f"handed-{kill}.txt"
        with open(output, "w") as stdout:
            child = subprocess.Popen([sys.executable, "-m", HELPER, str(folder)], cwd=REPO, stdout=stdout)
        try:
            wait_until(lambda: last_handed(output) > 0, timeout_s=20.0)
            time.sleep(moment_s)
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=10)
            handed = last_handed(output)
        finally:
            with contextlib.suppress(ProcessLookupError):
                child.kill()
        about = f"kill {kill + 1} at {moment_s:.2f} s (seed {seed}), {handed} frames handed"
        wav = folder / "take-0001.wav"
        before_repair = kept_frames(wav)  # opens as it is, before any repair
        assert handed - before_repair <= MOST_LOST_S * RATE, about

        store = TakeStore(folder)
        [recovered] = store.recover()
        kept = kept_frames(wav)
        assert (recovered.name, recovered.frames, recovered.recording, recovered.recovered) == \
               ("Take 1", kept, False, True), about
        assert recovered.backing == "beat" and recovered.bpm == 92.0  # the details survive too
        assert handed - kept <= MOST_LOST_S * RATE, about
        saved = f"A take that was being recorded when the app stopped was saved: Take 1 ({clock_text(kept / RATE)})"
        assert recovered_message([recovered]) == (saved if kept else "")  # killed before any sound: nothing to say
        assert store.recover() == []  # once made whole, it stays whole
        losses_s.append(max(0, handed - kept) / RATE)
    print(f"kill -9 at {[round(m, 2) for m in moments_s]} s: lost {[round(s, 3) for s in losses_s]} s")


# ---- a disk that is full, or will not take a bigger file -------------------------------------------

def test_a_full_disk_stops_the_take_and_keeps_everything_before(tmp_path, monkeypatch):
    messages = []
    writer = TakeWriter(tmp_path / "take.wav", RATE, on_problem=messages.append).start()
    header_bytes = writer._wav.header_bytes
    room_frames = int(RATE * 3.7)
    monkeypatch.setattr(wav_stream.os, "pwrite", DiskFillsUp(room_frames * 4 + 2))
    for block in blocks(RATE * 5):
        writer.write(block)
    wait_until(lambda: writer.problem is not None)
    assert writer.problem == "The disk is full, so recording stopped at 0:03. Everything up to then is kept."
    assert messages == [writer.problem]  # told once
    assert not writer.write(ramp(0, 256))  # recording has stopped
    assert writer.stop() == room_frames and writer.frames_flushed == room_frames
    monkeypatch.undo()
    assert kept_frames(tmp_path / "take.wav") == room_frames
    assert os.path.getsize(tmp_path / "take.wav") == header_bytes + room_frames * 4


def test_the_message_counts_minutes_like_a_clock():
    full = OSError(errno.ENOSPC, "No space left on device")
    assert take_writer_module.stopped_message(full, 222.9) == \
        "The disk is full, so recording stopped at 3:42. Everything up to then is kept."
    assert clock_text(3723) == "1:02:03"
    assert take_writer_module.stopped_message(OSError(errno.EIO, "Input/output error"), 61) == \
        "The take could not be written to the disk (Input/output error), so recording stopped at 1:01. " \
        "What was saved before then is kept."


def test_a_file_size_limit_stops_the_take_and_keeps_everything_before(tmp_path):
    """RLIMIT_FSIZE makes the kernel refuse to grow the file (EFBIG), as FAT32 does at 4 GiB."""
    limit_bytes = 300_000
    result = subprocess.run(
        [sys.executable, "-m", HELPER, str(tmp_path), "--fast", "--seconds", "2", "--fsize-limit", str(limit_bytes)],
        cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.splitlines()[-1])
    frames = (limit_bytes - 58) // 4  # 58: the float header; the partial last frame is cut off
    assert summary["problem"] == ("The take reached the largest file this disk can hold, so recording stopped "
                                  "at 0:01. Everything up to then is kept.")
    assert summary["on_problem"] == [summary["problem"]]
    assert summary["frames"] == frames
    assert kept_frames(tmp_path / "take-0001.wav") == frames
    [take] = TakeStore(tmp_path).list()
    assert (take.frames, take.recording) == (frames, False)


@pytest.fixture
def small_disk(tmp_path):
    """A real 2 MiB disk (tmpfs), where the system allows mounting one."""
    with small_disk_at(tmp_path / "small-disk", "2m", "the full disk is still tested with a stand-in write and "
                       "with RLIMIT_FSIZE") as mount_point:
        yield mount_point


@pytest.mark.parametrize("keep_free_bytes", [0, 1024 * 1024])
def test_a_really_full_disk_stops_the_take_cleanly(small_disk, keep_free_bytes):
    store = TakeStore(small_disk)
    info, wav = store.new_take(RATE, 1, backing="metronome", bpm=100.0)
    writer = TakeWriter(wav, RATE, flush_interval_s=0.1, keep_free_bytes=keep_free_bytes).start()
    feed(writer, RATE * 20, most_queued_s=1.0)  # 3.8 MB: more than the disk holds
    wait_until(lambda: writer.problem is not None, timeout_s=10)
    frames = writer.stop()
    assert writer.problem == f"The disk is full, so recording stopped at {clock_text(frames / RATE)}. " \
                             "Everything up to then is kept."
    assert kept_frames(wav) == frames > RATE * 2
    if keep_free_bytes:  # stopped a little early: there is room left to save the take's details
        assert store.finish(info, frames).frames == frames
        assert store.list()[0].recording is False
    else:  # the details may not fit any more; the next start recovers the take either way
        with pytest.raises(TakeError) as error:
            store.finish(info, frames)
        assert str(error.value) == "The details of Take 1 could not be saved (No space left on device)"
        assert store.recover() == []
        assert store.problems == [f"{error.value}. This is tried again when the app next starts."]
        [listed] = store.list()
        assert (listed.frames, listed.recording) == (frames, True)  # listed as it is: nothing hidden


# ---- a disk too slow to keep up ------------------------------------------------------------------

def test_write_never_waits_for_a_stalled_disk_and_keeps_the_take_in_time(tmp_path):
    writer = TakeWriter(tmp_path / "take.wav", RATE, queue_s=0.5).start()
    disk_back = threading.Event()
    real_append = writer._wav.append

    def stalled_append(frames):
        disk_back.wait(10)
        real_append(frames)

    writer._wav.append = stalled_append
    kept, took_s = [], []
    handed = 0
    for block in blocks(RATE * 2):  # 2 s into a queue of 0.5 s, the writer thread stuck for 10 s
        started = time.perf_counter()
        kept.append(writer.write(block))
        took_s.append(time.perf_counter() - started)
        handed += len(block)
    # Never waiting for the stalled writer; the bound on the slowest call only allows for a busy machine.
    assert statistics.median(took_s) < 0.001 and max(took_s) < 0.5, \
        f"write() took {statistics.median(took_s) * 1e6:.0f} µs (median), {max(took_s) * 1000:.1f} ms (slowest)"
    first_dropped = kept.index(False) * 256
    assert kept == [True] * kept.index(False) + [False] * (len(kept) - kept.index(False))
    assert writer.overruns == kept.count(False) and writer.frames_dropped == handed - first_dropped
    disk_back.set()
    wait_until(lambda: writer.queued_frames == 0)
    assert writer.write(ramp(handed, 256))  # after the stall: lands where it belongs in time
    writer.stop()
    samples, _ = sf.read(tmp_path / "take.wav", dtype="float32")
    assert len(samples) == handed + 256
    assert np.array_equal(samples[:first_dropped], ramp(0, first_dropped))
    assert not samples[first_dropped:handed].any()  # silence where the sound was lost
    assert np.array_equal(samples[handed:], ramp(handed, 256))


def test_flushing_less_often_than_every_second_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"^flush_interval_s must be in range 0..1 \(at most 1 s at risk\), got 2$"):
        TakeWriter(tmp_path / "take.wav", RATE, flush_interval_s=2)


# ---- a folder that cannot take a take -------------------------------------------------------------

def test_a_missing_folder_is_said_before_anything_is_recorded(tmp_path):
    folder = tmp_path / "card" / "takes"
    with pytest.raises(TakeError) as error:
        TakeWriter(folder / "take.wav", RATE).start()
    assert str(error.value) == ("Nothing was recorded, because the folder for takes is missing "
                                f"(if takes are kept on a memory card, check that it is in): {folder}")


def test_a_file_where_the_folder_should_be_is_said(tmp_path):
    (tmp_path / "takes").write_text("not a folder")
    with pytest.raises(TakeError) as error:
        TakeWriter(tmp_path / "takes" / "take.wav", RATE).start()
    assert str(error.value) == \
        f"Nothing was recorded, because there is a file where the folder for takes should be: {tmp_path / 'takes'}"


def test_an_existing_take_is_never_written_over(tmp_path):
    (tmp_path / "take.wav").write_bytes(b"yesterday's take")
    with pytest.raises(TakeError, match="^Nothing was recorded, because there is already a take at "):
        TakeWriter(tmp_path / "take.wav", RATE).start()
    assert (tmp_path / "take.wav").read_bytes() == b"yesterday's take"


@pytest.mark.parametrize("code, why", [
    (errno.EROFS, "the folder for takes is read-only"),
    (errno.EACCES, "the app is not allowed to write in the folder for takes"),
])
def test_a_folder_that_refuses_writing_is_said(tmp_path, monkeypatch, code, why):
    def refused(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(wav_stream.os, "open", refused)
    with pytest.raises(TakeError) as error:
        TakeWriter(tmp_path / "take.wav", RATE).start()
    assert str(error.value) == f"Nothing was recorded, because {why}: {tmp_path}"


@pytest.fixture
def read_only_folder(tmp_path):
    with read_only_folder_at(tmp_path / "read-only") as folder:
        yield folder


def test_a_really_read_only_folder_is_said_before_anything_is_recorded(read_only_folder):
    with pytest.raises(TakeError) as error:
        TakeWriter(read_only_folder / "take.wav", RATE).start()
    assert str(error.value) in (f"Nothing was recorded, because the folder for takes is read-only: {read_only_folder}",
                                "Nothing was recorded, because the app is not allowed to write in the folder "
                                f"for takes: {read_only_folder}")
    with pytest.raises(TakeError, match="^Takes cannot be recorded, because "):
        TakeStore(read_only_folder).check_folder()


def test_a_disk_with_almost_no_room_refuses_to_start(tmp_path, monkeypatch):
    usage = collections.namedtuple("usage", "total used free")
    monkeypatch.setattr(take_writer_module.shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 1000, 1000))
    with pytest.raises(TakeError) as error:
        TakeWriter(tmp_path / "take.wav", RATE).start()
    assert str(error.value) == \
        "Nothing was recorded, because the disk is full. Delete old takes or empty the trash to make room."
    assert not (tmp_path / "take.wav").exists()
