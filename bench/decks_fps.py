"""The Decks screen's frame rate with both decks playing (section 16), next to the same screen
with both decks stopped and Kivy's maxfps.

bench/decks_fps_app.py runs the real app (real EngineClient in silent mode, real track loader) in
a process group of its own, at 1280x800 on the Decks screen: it loads two demo tracks, counts
the frames Kivy draws for 10 s with both decks stopped, then 10 s with both playing, then times
the waveform widgets' own drawing for a few seconds (glFinish on either side of each), prints
one JSON line and quits. Then it runs again, playing only, with Kivy's window multisampling off:
the reference for what multisampling costs a software renderer. The whole group (the app, its
engine and its loader) is ended here whatever happens.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from bench.common import Measured, Progress, Row, Unmeasurable, ratio
from bench.decks_fps_app import PROGRESS_PREFIX, RESULT_PREFIX, TRACKS
from bench.startup import end_process_group

REPO = Path(__file__).resolve().parent.parent
WINDOW_SIZE = "1280x800"
SECONDS = 10.0
PROBE_SECONDS = 4.0
REFERENCE_SECONDS = 6.0  # the run without multisampling: playing only
# Engine start, two tracks analysed from an empty cache, 24 s counted, and slack for a busy machine.
RESULT_TIMEOUT_S = 360.0
EXIT_TIMEOUT_S = 15.0


def app_command(seconds: float, *extra: str) -> list[str]:
    return [sys.executable, str(REPO / "bench" / "decks_fps_app.py"), "--audio", "none", "--size", WINDOW_SIZE,
            "--seconds", f"{seconds:g}", "--probe-seconds", f"{PROBE_SECONDS:g}", *extra]


def run_app(progress: Progress, scratch: Path, seconds: float = SECONDS, *extra: str) -> dict:
    """Start the app (extra: more of decks_fps_app.py's options), relay its progress, return its
    result; the process group always ends."""
    # Kivy's settings and Ward Studio's (settings, track cache, marks, takes) in a scratch
    # folder: the user's are never read or written. A second run finds the tracks analysed.
    env = dict(os.environ, KIVY_HOME=str(scratch / "kivy-home"), WARD_STUDIO_CONFIG_DIR=str(scratch / "config"),
               WARD_STUDIO_DATA_DIR=str(scratch / "data"), WARD_STUDIO_MUSIC_DIR=str(scratch / "music"))
    stderr_path = scratch / ("stderr-reference.txt" if extra else "stderr.txt")
    result: list[dict] = []
    got_result = threading.Event()
    with open(stderr_path, "w") as stderr:
        process = subprocess.Popen(app_command(seconds, *extra), cwd=REPO, env=env, stdout=subprocess.PIPE,
                                   stderr=stderr, text=True, start_new_session=True)
    try:
        def read_stdout():
            for line in process.stdout:
                line = line.rstrip("\n")
                if line.startswith(PROGRESS_PREFIX):
                    progress(f"deck fps: {line[len(PROGRESS_PREFIX):]}")
                elif line.startswith(RESULT_PREFIX) and not result:
                    result.append(json.loads(line[len(RESULT_PREFIX):]))
                    got_result.set()
            got_result.set()  # the app ended without a result: stop waiting

        reader = threading.Thread(target=read_stdout, daemon=True)
        reader.start()
        got_result.wait(RESULT_TIMEOUT_S)
        if result:
            try:
                process.wait(EXIT_TIMEOUT_S)  # it quits by itself once it has said its result
            except subprocess.TimeoutExpired:
                progress("deck fps: the app did not quit by itself; ending it")
    finally:
        end_process_group(process)
        process.stdout.close()
    if not result:
        tail = stderr_path.read_text(errors="replace").strip().splitlines()[-3:]
        raise RuntimeError(f"decks_fps_app.py gave no result within {RESULT_TIMEOUT_S:g} s "
                           f"(exit code {process.returncode}): {' / '.join(tail)}")
    if "error" in result[0]:
        raise RuntimeError(f"decks_fps_app.py: {result[0]['error']}")
    return result[0]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _check(figures: dict, reference: dict) -> None:
    """The stretches measured what they say: the decks played throughout one and not the other."""
    playing, stopped = figures["playing"], figures["stopped"]
    for stretch in (playing, figures["probe"], reference["playing"]):
        if not all(stretch["playing"]) or min(stretch["moved_s"]) < 0.5 * stretch["wall_s"]:
            raise RuntimeError(f"the decks did not play throughout the stretch (moved {stretch['moved_s']} s "
                               f"in {stretch['wall_s']:.1f} s)")
    if any(stopped["playing"]) or max(abs(moved) for moved in stopped["moved_s"]) > 0.01:
        raise RuntimeError("a deck moved while both should have been stopped")
    if playing["frames_drawn"] < 2:
        raise RuntimeError(f"only {playing['frames_drawn']} frames were drawn while the decks played")


def _waveform_rows(probe: dict) -> list[Row]:
    waveforms = probe.get("waveforms_gpu_s", {})
    if not waveforms.get("count"):
        return []  # no frame drawn in the probe stretch: the other figures stand on their own
    return [Row(what="the four waveform widgets' own drawing per frame (2 scrolling, 2 overviews; glFinish before and "
                     f"after each, {probe['wall_s']:.1f} s), median",
                figure=_ms(waveforms["median"]),
                reference=f"the whole frame drawn and swapped in the same frames: {_ms(probe['render_s']['median'])}",
                ratio=ratio(waveforms["median"], probe["render_s"]["median"]))]


def measure_waveform_fps(progress: Progress) -> Measured:
    if not os.environ.get("DISPLAY"):
        raise Unmeasurable("needs a display (make bench runs under Xvfb)")
    with tempfile.TemporaryDirectory(prefix="ward-bench-decks-fps-") as scratch:
        progress(f"deck fps: the app on the Decks screen at {WINDOW_SIZE}, two demo tracks, "
                 f"{SECONDS:g} s stopped, {SECONDS:g} s playing, {PROBE_SECONDS:g} s probing the waveforms")
        figures = run_app(progress, Path(scratch))
        progress(f"deck fps: again without the window's multisampling, {REFERENCE_SECONDS:g} s playing")
        reference = run_app(progress, Path(scratch), REFERENCE_SECONDS, "--playing-only", "--multisamples", "0")
    _check(figures, reference)
    playing, stopped, probe = figures["playing"], figures["stopped"], figures["probe"]
    plain = reference["playing"]
    maxfps = figures["maxfps"]
    budget_s = 1.0 / maxfps if maxfps > 0 else 0.0
    budget = f"one frame at maxfps {maxfps}: {_ms(budget_s)}" if budget_s else "maxfps is 0 (no cap)"
    gaps = playing["frame_interval_s"]
    width, height = figures["window_size"]
    tracks = " and ".join(f"`{name}`" for _deck, name, _title in TRACKS)
    cores = os.cpu_count() or 0
    redraws = playing["snapshot_redraws"]
    return Measured(
        rows=[
            Row(what=f"frames Kivy drew per second with both decks playing (Window on_flip, {playing['wall_s']:.1f} s "
                     f"at {width}x{height})",
                figure=f"{playing['fps']:.1f} fps (gap between frames: median {_ms(gaps['median'])}, "
                       f"95th percentile {_ms(gaps['p95'])}, longest {_ms(gaps['max'])})",
                reference=f"Kivy's maxfps in use: {maxfps}",
                ratio=ratio(playing["fps"], maxfps)),
            Row(what="main-loop turns per second with both decks playing (Clock frames: input is read once a turn)",
                figure=f"{playing['loop_ticks_per_s']:.1f} a second",
                reference=f"same screen with both decks stopped: {stopped['loop_ticks_per_s']:.1f} a second, "
                          f"drawing {stopped['fps']:.1f} frames a second (Kivy draws only when something changed)",
                ratio=ratio(playing["loop_ticks_per_s"], stopped["loop_ticks_per_s"])),
            Row(what="drawing one frame of the whole window and swapping buffers (on_draw + on_flip), decks playing, "
                     "median",
                figure=f"{_ms(playing['render_s']['median'])} (95th percentile {_ms(playing['render_s']['p95'])})",
                reference=budget,
                ratio=ratio(playing["render_s"]["median"], budget_s)),
            Row(what="the Decks screen's per-frame update in Python (DecksScreen._draw_frame: both decks' waveform "
                     "positions and times), decks playing, mean a call",
                figure=f"{_ms(playing['update_s']['mean'])} (95th percentile {_ms(playing['update_s']['p95'])}; "
                       f"{_ms(stopped['update_s']['mean'])} stopped)",
                reference=budget,
                ratio=ratio(playing["update_s"]["mean"], budget_s)),
            Row(what="the panels (top bar, decks, mixer) drawn again into their snapshots while both decks played, "
                     "and the scrolling waveforms' tiles painted",
                figure=f"{redraws} times ({redraws / playing['wall_s']:.1f} a second); "
                       f"{playing['tiles_painted']} tiles",
                reference=f"frames drawn in the same {playing['wall_s']:.1f} s: {playing['frames_drawn']}",
                ratio=ratio(redraws, playing["frames_drawn"])),
            Row(what=f"frames drawn per second with both decks playing, the window's multisampling off (Kivy's "
                     f"multisamples 0 instead of {figures['multisamples']}; {plain['wall_s']:.1f} s)",
                figure=f"{plain['fps']:.1f} fps (drawing a frame: median {_ms(plain['render_s']['median'])})",
                reference=f"with it on ({figures['samples']} samples a pixel here): {playing['fps']:.1f} fps",
                ratio=ratio(plain["fps"], playing["fps"])),
        ] + _waveform_rows(probe),
        notes=[
            f"Xvfb draws with Mesa's software renderer ({figures['renderer']}) on this {cores}-core machine, which "
            "other work shares: every pixel is drawn by the CPU, so a tablet's GPU does better. Compare the "
            "ratios, not the frame rates, with another machine.",
            f"The real app (`--audio none`: the engine process runs and plays in silence and reports its state; "
            f"the real track loader process) on the Decks screen, {tracks} loaded onto decks 1 and 2 as choosing "
            f"them in the browser does (DecksScreen.load; analysed from an empty track cache in "
            f"{figures['tracks_loaded_in_s']:.1f} s), then Play on both. Run by bench/decks_fps_app.py, which "
            "builds the app as main.py does and counts on Kivy's main thread.",
            "Kivy draws a frame only when a canvas changed, and then draws the whole window. With both decks "
            "stopped the few frames drawn come from the status bar's clock and the like; playing, the waveforms "
            "move on every main-loop turn, so every turn draws, and the loop turns only as fast as a frame can "
            "be drawn: touches wait that long too.",
            "What a frame draws while the decks play: each scrolling waveform is painted once into textures, in "
            f"tiles {figures['tile_px']} pixels wide along the track (bands, beat lines, loop, cue and hot cues, "
            "with numpy), and "
            "a frame only moves two textured rectangles a deck, on whole pixels (no stencil); each overview is "
            "one texture with a moving shade and line. The top bar, both decks' panels and the mixer are drawn "
            "into snapshot textures (a Kivy Fbo each) that are drawn again only when something in them changes; "
            "the waveforms, the times and the level meters are drawn live over them.",
            f"The window is multisampled ({figures['samples']} samples a pixel: Kivy's default multisamples = "
            f"{figures['multisamples']}, which main.py keeps), so every pixel drawn to it costs the software "
            "renderer several times what it costs in a texture; with it off (the reference run, the same tracks "
            "from the track cache) the same frames draw much faster. Most of what remains with it on is drawn "
            "for the whole window every frame whatever the screen: clearing and swapping it, "
            "and the status bar.",
            f"The app process used {playing['app_cpu_percent']:.0f}% of a core while the decks played "
            f"({stopped['app_cpu_percent']:.0f}% stopped), Kivy's thread and Mesa's render threads together; "
            f"all of the machine's cores were {playing['machine_busy_percent']:.0f}% busy "
            f"({stopped['machine_busy_percent']:.0f}% stopped), counting every process. The decks moved "
            f"{min(playing['moved_s']):.1f} s in {playing['wall_s']:.1f} s: the engine played in real time.",
            f"The waveform figure comes from a separate {probe['wall_s']:.1f} s stretch, since waiting for the "
            f"renderer (glFinish) eight times a frame slows it down: {probe['fps']:.1f} frames a second there "
            f"against {playing['fps']:.1f} without.",
        ],
    )
