"""A stand-in for the engine, for the crash tests: records a known signal through TakeStore and
TakeWriter, in real time, until it is killed (or for --seconds).

    python -m tests.studio.mic.record_until_killed FOLDER [--seconds S] [--fast] [--fsize-limit BYTES]

Frame i of the take holds ramp(i), so a test can tell exactly which frames a file kept. After
each block that write() accepted, one line "handed <frames so far>" is written to stdout (a
file, unbuffered): the last line before a kill is a lower bound of what the writer was given.
With --fsize-limit the take's file may not grow past BYTES (RLIMIT_FSIZE, so the disk refuses
with EFBIG); the last line is then a JSON summary of how the take ended.
"""

from __future__ import annotations

import argparse
import json
import resource
import signal
import sys
import time

import numpy as np

from studio.mic.take_writer import TakeWriter
from studio.mic.takes import TakeStore

SAMPLE_RATE = 48000
BLOCK_FRAMES = 256
RAMP_PERIOD = 1 << 24  # float32 holds i / 2**24 exactly for every i below it (5.8 minutes at 48 kHz)


def ramp(first: int, count: int) -> np.ndarray:
    frames = np.arange(first, first + count, dtype=np.int64) % RAMP_PERIOD
    return (frames / RAMP_PERIOD).astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--fast", action="store_true", help="as fast as the writer takes it, not in real time")
    parser.add_argument("--fsize-limit", type=int, default=0)
    args = parser.parse_args()

    store = TakeStore(args.folder)
    info, wav_path = store.new_take(SAMPLE_RATE, 1, backing="beat", bpm=92.0)
    problems = []
    if args.fsize_limit:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing us
        resource.setrlimit(resource.RLIMIT_FSIZE, (args.fsize_limit, args.fsize_limit))
    writer = TakeWriter(wav_path, SAMPLE_RATE, on_problem=problems.append, keep_free_bytes=0).start()
    total = int(args.seconds * SAMPLE_RATE)
    handed = 0
    started_s = time.monotonic()
    while handed < total and writer.problem is None:
        due = total if args.fast else min(total, int((time.monotonic() - started_s) * SAMPLE_RATE))
        while handed + BLOCK_FRAMES <= due:
            if args.fast and writer.queued_frames + BLOCK_FRAMES > writer.capacity_frames:
                break  # wait for room rather than drop
            if not writer.write(ramp(handed, BLOCK_FRAMES)):
                break
            handed += BLOCK_FRAMES
            if not args.fast:
                sys.stdout.write(f"handed {handed}\n")
        time.sleep(0.002)
    frames = writer.stop()
    store.finish(info, frames)
    sys.stdout.write(json.dumps({"frames": frames, "handed": handed, "problem": writer.problem,
                                 "on_problem": problems, "overruns": writer.overruns}) + "\n")


if __name__ == "__main__":
    sys.stdout = open(sys.stdout.fileno(), "w", buffering=1, closefd=False)  # a line reaches the file at once
    main()
