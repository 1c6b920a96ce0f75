"""Start-up to an interactive launcher, next to a bare Kivy app started the same way.

Both are started by the same interpreter with the same environment and window size; the
clock runs from just before the process is started to the moment its ready line (printed on
the first frame flip) is read from its stdout. Then the whole process group is ended, so the
app's engine process goes with it.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.bare_kivy_app import READY_LINE as BARE_READY_LINE
from bench.common import Measured, Progress, Row, Unmeasurable, ratio, spread_s

REPO = Path(__file__).resolve().parent.parent
WINDOW_SIZE = "1280x800"
RUNS = 5
READY_TIMEOUT_S = 60.0
WARD_READY_LINE = "Ward Studio ready"  # apps/app.py READY_LINE


def ward_studio_command() -> list[str]:
    return [sys.executable, str(REPO / "main.py"), "--audio", "none", "--size", WINDOW_SIZE]


def bare_kivy_command() -> list[str]:
    return [sys.executable, str(REPO / "bench" / "bare_kivy_app.py"), WINDOW_SIZE]


def end_process_group(process: subprocess.Popen) -> None:
    """SIGTERM the process and its children (it leads its own group), then SIGKILL if needed."""
    for sig, wait_s in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(wait_s)
        except subprocess.TimeoutExpired:
            continue
        try:  # the leader is gone; make sure no child of it is left either
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return


def seconds_to_ready_line(command: list[str], ready_line: str, env: dict, log_dir: Path) -> float:
    """Start ``command``, return the seconds until it prints ``ready_line``, then end it."""
    stderr_path = log_dir / "stderr.txt"
    with open(stderr_path, "w") as stderr:
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=stderr,
                                   text=True, start_new_session=True)
    ready_at: list[float] = []
    done = threading.Event()

    def read_stdout():
        for line in process.stdout:
            if line.rstrip("\n") == ready_line:
                ready_at.append(time.monotonic())
                break
        done.set()

    reader = threading.Thread(target=read_stdout, daemon=True)
    reader.start()
    try:
        done.wait(READY_TIMEOUT_S)
    finally:
        end_process_group(process)
        reader.join(2.0)
        process.stdout.close()
    if not ready_at:
        tail = stderr_path.read_text(errors="replace").strip().splitlines()[-3:]
        raise RuntimeError(f"{Path(command[1]).name} printed no {ready_line!r} within "
                           f"{READY_TIMEOUT_S:g} s (exit code {process.returncode}): {' / '.join(tail)}")
    return ready_at[0] - started


def measure_startup(progress: Progress) -> Measured:
    if not os.environ.get("DISPLAY"):
        raise Unmeasurable("no display; run under Xvfb as `make bench` does")
    with tempfile.TemporaryDirectory(prefix="ward-bench-startup-") as scratch:
        scratch_dir = Path(scratch)
        # Kivy's settings and Ward Studio's in a scratch folder: the user's are never read or
        # written, and both apps see exactly the same environment.
        env = dict(os.environ, KIVY_HOME=str(scratch_dir / "kivy-home"),
                   WARD_STUDIO_CONFIG_DIR=str(scratch_dir / "config"))
        runs = {"ward": (ward_studio_command(), WARD_READY_LINE, []),
                "bare": (bare_kivy_command(), BARE_READY_LINE, [])}
        progress("start-up: one untimed warm-up of each (Kivy writes its config, Python its caches)")
        for command, line, _ in runs.values():
            seconds_to_ready_line(command, line, env, scratch_dir)
        for run in range(1, RUNS + 1):
            for name, (command, line, times) in runs.items():
                times.append(seconds_to_ready_line(command, line, env, scratch_dir))
                label = "Ward Studio" if name == "ward" else "bare Kivy"
                progress(f"start-up run {run}/{RUNS}: {label} ready in {times[-1]:.2f} s")
    ward, bare = runs["ward"][2], runs["bare"][2]
    return Measured(
        rows=[Row(
            what=f"process start to the launcher's first frame (\"{WARD_READY_LINE}\"), "
                 f"`main.py --audio none --size {WINDOW_SIZE}`, median of {RUNS}",
            figure=spread_s(ward),
            reference=f"bare Kivy app with one Label (bench/bare_kivy_app.py): {spread_s(bare)}",
            ratio=ratio(statistics.median(ward), statistics.median(bare)),
        )],
        notes=[
            f"Runs alternate Ward Studio and the bare app, after one untimed warm-up of each; "
            f"both use the same interpreter, environment and {WINDOW_SIZE} window under Xvfb (Mesa, "
            "software OpenGL). Each is ended with SIGTERM once its ready line is read.",
            "Ward Studio's figure includes starting its engine process (silent mode), which "
            "competes for the same cores while the window opens. The engine's own first state is "
            "timed in section 3 (cold start); the app does not print it.",
        ],
    )
