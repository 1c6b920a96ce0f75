"""A change of turn in Sessions: how long filing a participant's takes away (sealed, AES-256-GCM)
and bringing them back takes, next to copying the same files with fsync, in the same run.

The studio does this on its screen's thread when a mentor opens another participant's page (see
apps/work_at_rest.py), so the figure is how long the tablet waits at that tap. Runs in this process.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.common import Measured, Progress, Row, ratio

SAMPLE_RATE_HZ = 48000
TAKES = 5
TAKE_S = 180.0
RUNS = 3


def _takes_for(takes, participant_id: int) -> int:
    """TAKES three-minute takes (48 kHz mono 32-bit float), as the engine leaves them; their bytes."""
    from studio.mic.wav_stream import WavStreamWriter

    one_second = (0.3 * np.sin(2 * np.pi * 220.0 * np.arange(SAMPLE_RATE_HZ) / SAMPLE_RATE_HZ)).astype(np.float32)
    total = 0
    for _ in range(TAKES):
        info, wav = takes.new_take(SAMPLE_RATE_HZ, 1)
        with WavStreamWriter(wav, SAMPLE_RATE_HZ) as writer:
            for _second in range(int(TAKE_S)):
                writer.append(one_second)
        takes.finish(info, int(TAKE_S * SAMPLE_RATE_HZ))
        takes.set_participant(info.take_id, participant_id)
        total += wav.stat().st_size
    return total


def _copy_with_fsync(sources: list[Path], folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    for source in sources:
        target = folder / source.name
        shutil.copyfile(source, target)
        with open(target, "rb+") as copied:
            os.fsync(copied.fileno())


def measure_turn_change(progress: Progress) -> Measured:
    from studio.mic.takes import TakeStore
    from studio.sessions.store import SessionStore
    from studio.sessions.take_filing import bring_back, file_away

    away_s, back_s, copy_s = [], [], []
    with tempfile.TemporaryDirectory(prefix="ward-bench-turn-") as scratch:
        folder = Path(scratch)
        store = SessionStore.create(folder / "sessions", "2468", scrypt_n=2**10)
        try:
            maya = store.add_participant("Maya")
            store.record_consent(maya.id, {"record", "keep"}, "Maya")
            takes = TakeStore(folder / "takes")
            progress(f"turn: writing {TAKES} takes of {TAKE_S / 60:g} minutes")
            total_bytes = _takes_for(takes, maya.id)
            megabytes = total_bytes / 1e6
            for run in range(1, RUNS + 1):
                wavs = sorted(takes.folder.glob("take-*.wav"))
                started = time.perf_counter()
                _copy_with_fsync(wavs, folder / f"copy-{run}")
                copy_s.append(time.perf_counter() - started)
                shutil.rmtree(folder / f"copy-{run}")
                started = time.perf_counter()
                away = file_away(takes, store)
                away_s.append(time.perf_counter() - started)
                started = time.perf_counter()
                back = bring_back(takes, store, maya.id)
                back_s.append(time.perf_counter() - started)
                if len(away.moved) != TAKES or len(back.moved) != TAKES or away.problems or back.problems:
                    raise RuntimeError(f"filing moved {len(away.moved)} and {len(back.moved)} takes: "
                                       f"{away.problems + back.problems}")
                progress(f"turn {run}/{RUNS}: away {away_s[-1]:.2f} s, back {back_s[-1]:.2f} s, "
                         f"copying with fsync {copy_s[-1]:.2f} s")
        finally:
            store.close()
    away, back, copy = (statistics.median(values) for values in (away_s, back_s, copy_s))
    what = f"{TAKES} takes of {TAKE_S / 60:g} minutes ({megabytes:.0f} MB, 48 kHz mono 32-bit float)"
    return Measured(
        rows=[
            Row(f"filing away {what}: sealed in Sessions, plain files removed, median of {RUNS}",
                f"{away:.2f} s ({megabytes / away:.0f} MB/s)",
                f"copying the same files with fsync: {copy:.2f} s", ratio(away, copy)),
            Row(f"bringing the same takes back (unsealed, written whole, fsync), median of {RUNS}",
                f"{back:.2f} s ({megabytes / back:.0f} MB/s)",
                f"copying the same files with fsync: {copy:.2f} s", ratio(back, copy)),
        ],
        notes=["A mentor's tap on another participant's page does both (the one's work away, the other's "
               "back), on the screen's thread. The files are in the page cache (just written), as they are "
               "for takes of the same session; the sealed copy is written and fsynced, as the plain copy is.",
               "An hour of takes of one participant is about 12 times these 15 minutes."],
    )
