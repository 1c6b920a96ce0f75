"""Takes after a crash: how long TakeStore.recover() takes to give back a 10-minute take whose
writer died before counting any of it, next to reading the same file whole; and how fast
TakeWriter writes. Runs in this process; no audio server, nothing is killed: the crash is
simulated by putting the header back to what a writer killed before its first flush leaves.
"""

from __future__ import annotations

import os
import statistics
import struct
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.common import Measured, Progress, Row, ratio

SAMPLE_RATE_HZ = 48000
TAKE_S = 600.0
BLOCK_FRAMES = 1024
RECOVERIES = 3  # and as many whole reads; medians compared


def write_take(folder: Path) -> tuple[Path, bytes, float, int]:
    """A 10-minute take through TakeStore and TakeWriter, as fast as the writer takes it.

    Returns the WAV, its details as left while recording (recording=True), the seconds it took
    and the overruns (0: the feeder waits for room in the queue instead of dropping)."""
    from studio.mic.take_writer import TakeWriter
    from studio.mic.takes import TakeStore

    store = TakeStore(folder)
    info, wav = store.new_take(SAMPLE_RATE_HZ, 1, backing="beat", bpm=90.0)
    details_while_recording = (folder / f"{info.take_id}.json").read_bytes()
    one_second = (0.5 * np.sin(2 * np.pi * 220.0 * np.arange(SAMPLE_RATE_HZ) / SAMPLE_RATE_HZ)).astype(np.float32)
    total = int(TAKE_S * SAMPLE_RATE_HZ)
    writer = TakeWriter(wav, SAMPLE_RATE_HZ).start()
    started = time.perf_counter()
    for first in range(0, total, BLOCK_FRAMES):
        while writer.queued_frames + BLOCK_FRAMES > writer.capacity_frames:
            time.sleep(0.001)
        offset = first % (SAMPLE_RATE_HZ - BLOCK_FRAMES)
        writer.write(one_second[offset:offset + min(BLOCK_FRAMES, total - first)])
    frames = writer.stop(timeout_s=120.0)
    write_s = time.perf_counter() - started
    if frames != total or writer.problem:
        raise RuntimeError(f"the take was not written whole: {frames} of {total} frames ({writer.problem})")
    return wav, details_while_recording, write_s, writer.overruns


def crash_before_first_flush(wav: Path, details: Path, details_while_recording: bytes) -> None:
    """The files as a writer killed before its first flush leaves them: sound on disk, none counted."""
    from studio.mic.wav_stream import read_wav_header

    header = read_wav_header(wav)
    descriptor = os.open(wav, os.O_WRONLY)
    try:
        os.pwrite(descriptor, struct.pack("<I", header.data_offset - 8), 4)
        os.pwrite(descriptor, struct.pack("<I", 0), header.data_offset - 4)
        if header.fact_offset is not None:
            os.pwrite(descriptor, struct.pack("<I", 0), header.fact_offset)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    details.write_bytes(details_while_recording)


def measure_take_recovery(progress: Progress) -> Measured:
    import soundfile as sf

    from studio.mic.takes import TakeStore
    from studio.mic.wav_stream import read_wav_header

    total = int(TAKE_S * SAMPLE_RATE_HZ)
    recover_s, read_s = [], []
    with tempfile.TemporaryDirectory(prefix="ward-bench-mic-") as scratch:
        folder = Path(scratch)
        progress(f"mic: writing a {TAKE_S / 60:g}-minute take through TakeWriter")
        wav, details_while_recording, write_s, overruns = write_take(folder)
        megabytes = wav.stat().st_size / 1e6
        progress(f"mic: {megabytes:.0f} MB written in {write_s:.2f} s")
        details = folder / f"{wav.stem}.json"
        for run in range(1, RECOVERIES + 1):
            crash_before_first_flush(wav, details, details_while_recording)
            if not read_wav_header(wav).is_stale:
                raise RuntimeError("the crash was not simulated: the header still counts the sound")
            started = time.perf_counter()
            recovered = TakeStore(folder).recover()
            recover_s.append(time.perf_counter() - started)
            if [info.frames for info in recovered] != [total]:
                raise RuntimeError(f"recover() gave back {[info.frames for info in recovered]}, not [{total}] frames")
            started = time.perf_counter()
            samples, _ = sf.read(wav, dtype="float32")
            read_s.append(time.perf_counter() - started)
            if len(samples) != total:
                raise RuntimeError(f"soundfile read {len(samples)} of {total} frames")
            del samples
            progress(f"mic {run}/{RECOVERIES}: recover() {recover_s[-1] * 1000:.1f} ms, "
                     f"reading the file whole {read_s[-1] * 1000:.0f} ms")
    recover_median_s, read_median_s = statistics.median(recover_s), statistics.median(read_s)
    return Measured(
        rows=[
            Row(f"TakeStore.recover() of a {TAKE_S / 60:g}-minute take (48 kHz mono 32-bit float, "
                f"{megabytes:.0f} MB) whose header counts none of it, median of {RECOVERIES}",
                f"{recover_median_s * 1000:.1f} ms",
                f"reading the same file whole with soundfile: {read_median_s * 1000:.0f} ms",
                ratio(recover_median_s, read_median_s)),
            Row("writing that take through TakeWriter as fast as it takes it (flush and fsync every 0.5 s)",
                f"{write_s:.2f} s ({megabytes / write_s:.0f} MB/s, {overruns} overruns)",
                f"real time: {TAKE_S:g} s",
                f"{TAKE_S / write_s:.0f}x faster than real time"),
        ],
        notes=["recover() reads only the header and the file's length and writes two sizes and the "
               "take's details, so its time does not grow with the take. Both it and the whole read "
               "find the file in the page cache (it was just written).",
               "The crash is simulated (nothing is killed): the header is set back to count no sound "
               "and the details to recording=True, as a writer killed before its first flush leaves "
               "them. tests/studio/mic kills a real recording process with SIGKILL.",
               "The writer thread takes what is queued every 50 ms, up to the 10 s queue, so it cannot "
               "go faster than about 200x real time whatever the disk."],
    )
