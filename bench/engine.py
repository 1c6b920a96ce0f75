"""The live engine: dropouts on JACK, restart after kill -9, and memory.

Each engine is started the way the app starts it, through studio.engine.client.EngineClient
(a process of its own, started with `spawn`). Every engine, JACK server and client made here
is stopped in a `finally`, whatever happens.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from tests.jack.busy_ui import busy_ui
from bench.common import (MachineLoad, Measured, Progress, Row, Unmeasurable, ratio, spread_s, vm_kb,
                          wait_for)

SAMPLE_RATE_HZ = 48000
BUFFER_FRAMES = 256
DROPOUT_WINDOW_S = 20.0
LOAD_SAMPLE_PERIOD_S = 0.25
RESTART_KILLS = 5
MEMORY_PLAY_S = 5.0
ENGINE_START_TIMEOUT_S = 15.0


@contextmanager
def jack_server():
    from tests.jack.jack_server import JackServer, jackd_available

    if not jackd_available():
        raise Unmeasurable("jackd is not installed (`make bench` installs jackd2)")
    server = JackServer(SAMPLE_RATE_HZ, BUFFER_FRAMES, name=f"ward-bench-{uuid.uuid4().hex[:8]}")
    try:
        server.start()
        yield server
    finally:
        server.stop()
        server.restore_environment()


def _command_line(server) -> str:
    """How jackd was started, as run (read back from /proc, so it stays true if the helper changes)."""
    process = getattr(server, "_process", None)
    try:
        with open(f"/proc/{process.pid}/cmdline", "rb") as cmdline:
            return " ".join(part.decode() for part in cmdline.read().split(b"\0") if part)
    except (AttributeError, OSError):
        return "jackd -d dummy"


def _engine_client(backend: str):
    from studio.engine.client import EngineClient
    from studio.settings import AudioSettings

    return EngineClient(AudioSettings(backend=backend, sample_rate=SAMPLE_RATE_HZ,
                                      buffer_size=BUFFER_FRAMES))


@dataclass
class Window:
    xruns: int
    dsp_load_percent: float  # mean of the samples
    machine_busy_percent: float  # all cores, all processes

    def __str__(self) -> str:
        return (f"{self.xruns} xruns, JACK DSP load {self.dsp_load_percent:.1f} %, "
                f"all cores {self.machine_busy_percent:.0f} % busy")


def _watch(window_s: float, read_xruns, read_dsp_load_percent) -> Window:
    mark, machine = read_xruns(), MachineLoad()
    loads = []
    deadline = time.monotonic() + window_s
    while time.monotonic() < deadline:
        time.sleep(LOAD_SAMPLE_PERIOD_S)
        loads.append(read_dsp_load_percent())
    return Window(read_xruns() - mark, statistics.fmean(loads), machine.percent())


# --- 2. dropouts --------------------------------------------------------------------------
def _watch_empty_client(empty_client, when: str, progress: Progress) -> Window:
    progress(f"dropouts: empty JACK client alone for {DROPOUT_WINDOW_S:g} s ({when}), this process busy")
    window = _watch(DROPOUT_WINDOW_S, lambda: empty_client.xruns, empty_client.cpu_percent)
    progress(f"dropouts: {window}")
    return window


def measure_dropouts(progress: Progress) -> Measured:
    from studio.engine.jack_monitor import JackMonitor

    timing = f"{BUFFER_FRAMES} frames / {SAMPLE_RATE_HZ // 1000} kHz"
    with jack_server() as server:
        server_command = _command_line(server)
        empty_client = JackMonitor("ward-bench-empty-client")
        engine = None
        try:
            with busy_ui():
                before = _watch_empty_client(empty_client, "before the engine", progress)
                engine = _engine_client("jack")
                engine.start()
                wait_for(lambda: engine.state.backend == "jack", ENGINE_START_TIMEOUT_S, "the engine on JACK")
                engine.act("transport", "playing", 1)
                wait_for(lambda: engine.state.playing, 5, "the clock to play")
                time.sleep(1.0)  # let the port connections settle
                engine_pid = engine.state.engine_pid
                progress(f"dropouts: engine playing for {DROPOUT_WINDOW_S:g} s, this process busy")
                empty_mark = empty_client.xruns
                playing = _watch(DROPOUT_WINDOW_S, lambda: engine.state.xruns, lambda: engine.state.cpu_percent)
                progress(f"dropouts: {playing}")
                seen_by_empty_client = empty_client.xruns - empty_mark
                state = engine.state
                engine.stop()
                after = _watch_empty_client(empty_client, "after the engine", progress)
        finally:
            if engine is not None:
                engine.stop()
            empty_client.close()
    if state.engine_pid != engine_pid or engine.restarts or not state.playing:
        raise RuntimeError("the engine restarted or stopped playing during the window; its count is void")
    mean_xruns = (before.xruns + after.xruns) / 2
    mean_load = (before.dsp_load_percent + after.dsp_load_percent) / 2
    return Measured(
        rows=[
            Row(f"xruns in {DROPOUT_WINDOW_S:g} s at {timing}, this process busy with Python work",
                f"engine playing the metronome: {playing.xruns}",
                f"empty JACK client alone: {before.xruns} in the {DROPOUT_WINDOW_S:g} s before, "
                f"{after.xruns} in the {DROPOUT_WINDOW_S:g} s after",
                f"{ratio(playing.xruns, mean_xruns)} their mean ({mean_xruns:g})" if mean_xruns else
                f"n/a (reference is 0; difference {playing.xruns:+d})"),
            Row(f"JACK DSP load (jack_cpu_load), mean over the {DROPOUT_WINDOW_S:g} s",
                f"{playing.dsp_load_percent:.1f} % (state.cpu_percent)",
                f"empty JACK client alone: {before.dsp_load_percent:.1f} % before, "
                f"{after.dsp_load_percent:.1f} % after",
                f"{playing.dsp_load_percent - mean_load:+.1f} points over their mean "
                f"({ratio(playing.dsp_load_percent, mean_load)})"),
        ],
        notes=[
            f"JACK server: `{server_command}` (tests/jack/jack_server.py; dummy driver, no sound "
            "card), so xruns come from the shared machine's timers as much as from the engine: only the side-by-side count means anything. "
            "The empty client has no process callback: it counts the server's xruns and adds no work.",
            "The DSP load is JACK's figure for the whole server (jackd's own cycle plus every client).",
            "A thread of this process (the app's side) runs pure Python work throughout all three "
            "windows, as tests/jack/test_engine_on_jack.py does; the engine runs in its own process.",
            f"All cores busy (every process on the machine): {before.machine_busy_percent:.0f} % before, "
            f"{playing.machine_busy_percent:.0f} % with the engine, {after.machine_busy_percent:.0f} % after. "
            f"The busy thread alone is about one core ({100 / (os.cpu_count() or 1):.0f} %).",
            f"Cross-check: the empty client, still connected, saw {seen_by_empty_client} xruns "
            "during the engine's window (JACK reports every xrun to every client).",
        ],
    )


# --- 3. restart after kill -9 -------------------------------------------------------------
def _kill_and_time_restarts(backend: str, progress: Progress) -> tuple[list[float], list[float], list[str]]:
    """Per kill: (cold start s, restart s, backend after restart). One fresh client per kill."""
    cold_starts, restarts, backends_after = [], [], []
    for kill in range(1, RESTART_KILLS + 1):
        engine = _engine_client(backend)
        try:
            started = time.monotonic()
            engine.start()
            wait_for(lambda: engine.state.backend == backend, ENGINE_START_TIMEOUT_S, f"the engine ({backend})")
            cold_starts.append(time.monotonic() - started)
            engine.act("transport", "playing", 1)
            wait_for(lambda: engine.state.playing, 5, "the clock to play")
            old_pid = engine.state.engine_pid
            os.kill(old_pid, signal.SIGKILL)
            killed_at = time.monotonic()
            wait_for(lambda: engine.state.engine_pid not in (old_pid, 0), ENGINE_START_TIMEOUT_S,
                     "a state from a new engine process")
            restarts.append(time.monotonic() - killed_at)
            backends_after.append(engine.state.backend)
        finally:
            engine.stop()
        progress(f"restart ({backend}) {kill}/{RESTART_KILLS}: cold start {cold_starts[-1]:.2f} s, "
                 f"back {restarts[-1]:.2f} s after kill -9 on {backends_after[-1]}")
    return cold_starts, restarts, backends_after


def _restart_row(label: str, cold_starts: list[float], restarts: list[float]) -> Row:
    return Row(
        f"kill -9 of the playing engine to the first state from the new process, {label}, "
        f"{RESTART_KILLS} kills",
        f"median {statistics.median(restarts):.2f} s, max {max(restarts):.2f} s",
        f"cold start of the same engine (EngineClient.start() to first state): {spread_s(cold_starts)}",
        ratio(statistics.median(restarts), statistics.median(cold_starts)),
    )


def measure_restarts(progress: Progress) -> Measured:
    measured = Measured(notes=[
        "Each kill hits a freshly started client: three crashes within 10 s of a start make the "
        "client fall back to silent mode on purpose (studio/engine/client.py), which would end "
        "a run of quick kills on one client.",
        "The restart includes the client noticing the death (it checks every 20 ms), spawning a "
        "new process, importing pyo and opening the device. The tests require under 2 s.",
    ])
    problems = []
    for backend, label in (("jack", f"on JACK ({BUFFER_FRAMES} frames)"), ("none", "silent mode")):
        try:
            if backend == "jack":
                with jack_server():
                    cold, back, after = _kill_and_time_restarts(backend, progress)
            else:
                cold, back, after = _kill_and_time_restarts(backend, progress)
        except Exception as error:  # one mode failing must not lose the other's figure
            problems.append(f"{label}: not measured: {error}")
            progress(f"restart ({backend}) not measured: {error}")
            continue
        measured.rows.append(_restart_row(label, cold, back))
        if any(b != backend for b in after):
            measured.notes.append(f"{label}: after some kills the engine came back on {after}, "
                                  f"not {backend}.")
    if not measured.rows:
        raise RuntimeError("; ".join(problems))
    measured.notes = problems + measured.notes
    return measured


# --- 6. memory ----------------------------------------------------------------------------
BARE_PYO_RSS_CODE = (
    "import pyo64\n"
    "for line in open('/proc/self/status'):\n"
    "    if line.startswith('VmRSS:'): print(line.split()[1])\n"
)


def bare_pyo_rss_kb() -> int:
    env = dict(os.environ, PYO_GUI_WX="0")
    result = subprocess.run([sys.executable, "-c", BARE_PYO_RSS_CODE], capture_output=True,
                            text=True, env=env, timeout=60)
    if result.returncode != 0 or not result.stdout.strip():
        raise RuntimeError(f"`python -c \"import pyo64\"` failed: {result.stderr.strip()[-300:]}")
    return int(result.stdout.split()[-1])


def measure_memory(progress: Progress) -> Measured:
    engine = _engine_client("none")
    try:
        engine.start()
        wait_for(lambda: engine.state.backend == "none", ENGINE_START_TIMEOUT_S, "the silent engine")
        engine.act("transport", "playing", 1)
        wait_for(lambda: engine.state.playing, 5, "the clock to play")
        progress(f"memory: engine playing in silent mode for {MEMORY_PLAY_S:g} s")
        time.sleep(MEMORY_PLAY_S)
        pid = engine.state.engine_pid
        engine_rss_kb, engine_peak_kb = vm_kb(pid), vm_kb(pid, "VmHWM")
    finally:
        engine.stop()
    pyo_rss_kb = bare_pyo_rss_kb()
    progress(f"memory: engine {engine_rss_kb / 1024:.1f} MB, bare pyo import {pyo_rss_kb / 1024:.1f} MB")
    return Measured(
        rows=[Row(
            f"engine process RSS (VmRSS) after {MEMORY_PLAY_S:g} s playing, silent mode",
            f"{engine_rss_kb / 1024:.1f} MB (peak VmHWM {engine_peak_kb / 1024:.1f} MB)",
            f"`python -c \"import pyo64\"`: {pyo_rss_kb / 1024:.1f} MB",
            ratio(engine_rss_kb, pyo_rss_kb),
        )],
        notes=["Both are the same interpreter with PYO_GUI_WX=0; RSS counts shared libraries too."],
    )
