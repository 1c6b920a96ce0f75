"""kill -9 at any moment while records and sealed files are being saved: the store opens, its integrity check
passes, everything the app had reported saved is there byte for byte, and a file being written when the
app died is either whole or said to be cut short, never taken for whole."""

import os
import random
import subprocess
import sys
import time
from pathlib import Path

from studio.sessions.sealed_files import SealedFileCutShort
from studio.sessions.store import SessionStore
from tests.studio.sessions.conftest import PIN, TEST_SCRYPT_N
from tests.studio.sessions.save_until_killed import expected_bytes

KILLS = 30
HELPER = "tests.studio.sessions.save_until_killed"
ROOT = Path(__file__).resolve().parents[3]


def run_until_killed(folder: Path, output: Path, run: int, moment_s: float) -> list[str]:
    with open(output, "w") as out:
        child = subprocess.Popen([sys.executable, "-m", HELPER, str(folder), str(run)], stdout=out,
                                 stderr=subprocess.PIPE, cwd=ROOT)
        try:
            ready_by_s = time.monotonic() + 20
            while "ready" not in output.read_text() and time.monotonic() < ready_by_s:
                assert child.poll() is None, child.stderr.read().decode()
                time.sleep(0.01)
            time.sleep(moment_s)
        finally:
            child.kill()
            child.wait()
            child.stderr.close()
    lines = output.read_text().splitlines()
    assert lines and lines[0] == "ready", f"run {run}: the helper never got going"
    return [line for line in lines[1:] if line.endswith(tuple("0123456789"))]  # a cut last line is not a report


def test_nothing_reported_saved_is_lost_to_kill_9_at_any_moment(tmp_path):
    folder = tmp_path / "sessions"
    SessionStore.create(folder, PIN, scrypt_n=TEST_SCRYPT_N).close()
    seed = int(os.environ.get("KILL_SEED", random.randrange(10**6)))
    chooser = random.Random(seed)
    reported: dict[str, set[int]] = {"participant": set(), "session": set(), "item": set()}
    cut_short = whole_unreported = 0
    started_s = time.monotonic()
    for run in range(1, KILLS + 1):
        moment_s = chooser.uniform(0.0, 0.4)
        about = f"kill {run} at {moment_s:.2f} s (KILL_SEED={seed})"
        for line in run_until_killed(folder, tmp_path / f"run-{run}.txt", run, moment_s):
            kind, number = line.split()
            reported[kind].add(int(number))
        store = SessionStore.open(folder, PIN)
        try:
            assert store.integrity_check() == "ok", about
            assert reported["participant"] <= {each.id for each in store.participants()}, about
            assert reported["session"] <= {each.id for each in store.session_records()}, about
            items = {item.id: item for person in store.participants() for item in store.items(person.id)}
            assert reported["item"] <= set(items), about
            for item in items.values():
                expected = expected_bytes(item.name)
                if item.id in reported["item"]:
                    assert store.open_item(item.id) == expected, about
                    continue
                try:
                    assert store.open_item(item.id) == expected, about  # finished, not reported before the kill
                    whole_unreported += 1
                except SealedFileCutShort:
                    assert expected.startswith(store.open_item(item.id, salvage=True)), about
                    cut_short += 1
        finally:
            store.close()
    took_s = time.monotonic() - started_s
    print(f"{KILLS} kills in {took_s:.1f} s: {sum(map(len, reported.values()))} saves reported and found; "
          f"{cut_short} file(s) found cut short, {whole_unreported} whole but not yet reported (KILL_SEED={seed})")
    assert sum(map(len, reported.values())) >= KILLS // 3  # the kills did land while things were being saved
