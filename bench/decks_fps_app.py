#!/usr/bin/env python3
"""Section 16's app: Ward Studio built as main.py builds it (real EngineClient, real track
loader), on the Decks screen, with frame counters added. It loads two demo tracks, counts the
frames Kivy draws with both decks stopped and then with both playing, times one short stretch
with the waveforms' GPU work bracketed, prints one JSON line and quits.

    python bench/decks_fps_app.py --audio none --size 1280x800 --seconds 10

The options are main.py's (`--open decks` is added) plus --seconds, --probe-seconds and, for a
reference run, --playing-only (only the playing stretch) and --multisamples N (Kivy's graphics
multisamples instead of what main.py leaves it at). Lines
starting with PROGRESS_PREFIX say how far it is; the line starting with RESULT_PREFIX is the
result (or {"error": "..."}). Run by bench/decks_fps.py in its own process group, so the engine
and loader processes go with it.

What is counted, on Kivy's main thread:
    frames drawn    Window on_flip: Kivy only draws (on_draw, then on_flip) when a canvas changed
    loop ticks      Clock frames: the main loop's turns, drawn or not (at most maxfps a second)
    update          DecksScreen._draw_frame: the per-frame code that moves both decks' waveforms
                    and times (Python only; the GPU draws later)
    render          Window on_draw + on_flip: the whole window drawn and the buffers swapped
    waveforms' GPU  only in the probe stretch: glFinish before and after each waveform widget's
                    canvas (Callback instructions), so the time between is its own drawing
    redraws         the Decks screen's panels drawn again into their snapshots (SnapshotLayout),
                    and the scrolling waveforms' tiles painted, during a stretch
"""

from __future__ import annotations

import functools
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if __name__ in ("__main__", "__mp_main__"):
    # Run as a script, Python puts bench/ first on the path: its modules must not hide the app's.
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
    sys.path.insert(0, str(REPO))

RESULT_PREFIX = "DECKS_FPS_RESULT "
PROGRESS_PREFIX = "DECKS_FPS_PROGRESS "
TRACKS = ((1, "night-shift.ogg", "Night Shift"), (2, "tea-trolley.ogg", "Tea Trolley"))
ENGINE_TIMEOUT_S = 30.0
LOAD_TIMEOUT_S = 180.0
PLAY_TIMEOUT_S = 10.0
SETTLE_S = 2.0


def say(message: str) -> None:
    print(PROGRESS_PREFIX + message, flush=True)


class Counters:
    """Everything counted per frame; read and reset on the main thread only."""

    def __init__(self):
        self.flip_times: list[float] = []
        self.render_s: list[float] = []
        self.update_s: list[float] = []
        self.probe_waveforms_s: list[float] = []  # per frame, all four waveform widgets together
        self.probing = False
        self._draw_started = 0.0
        self._waveform_started = 0.0
        self._waveforms_this_frame = 0.0

    def clear(self):
        self.flip_times.clear()
        self.render_s.clear()
        self.update_s.clear()
        self.probe_waveforms_s.clear()


def install_counters(window, counters: Counters, screen_class) -> None:
    """Wrap the window's default on_draw/on_flip handlers (dispatch looks them up on the
    instance) and the Decks screen's per-frame method (before the screen is built: it schedules
    the bound method when it is entered)."""
    original_draw, original_flip = window.on_draw, window.on_flip

    def on_draw(*args):
        counters._draw_started = time.perf_counter()
        counters._waveforms_this_frame = 0.0
        return original_draw(*args)

    def on_flip(*args):
        result = original_flip(*args)
        done = time.perf_counter()
        counters.flip_times.append(done)
        counters.render_s.append(done - counters._draw_started)
        if counters.probing:
            counters.probe_waveforms_s.append(counters._waveforms_this_frame)
        return result

    window.on_draw, window.on_flip = on_draw, on_flip

    original_frame = screen_class._draw_frame

    @functools.wraps(original_frame)  # the Clock finds a bound method again by its name
    def timed_draw_frame(self, dt):
        started = time.perf_counter()
        try:
            return original_frame(self, dt)
        finally:
            counters.update_s.append(time.perf_counter() - started)

    screen_class._draw_frame = timed_draw_frame


def bracket_waveforms(widgets, counters: Counters) -> None:
    """A glFinish on either side of each widget's drawing: only for the probe stretch, since
    waiting for the GPU twice per widget slows the frame down."""
    from kivy.graphics import Callback
    from kivy.graphics.opengl import glFinish

    def start(_instruction):
        if counters.probing:
            glFinish()
            counters._waveform_started = time.perf_counter()

    def end(_instruction):
        if counters.probing:
            glFinish()
            counters._waveforms_this_frame += time.perf_counter() - counters._waveform_started

    for widget in widgets:
        widget.canvas.before.insert(0, Callback(start))
        widget.canvas.after.add(Callback(end))


def summary(values: list[float]) -> dict:
    if not values:
        return {"count": 0}
    ordered = sorted(values)
    return {"count": len(values), "mean": sum(values) / len(values), "median": ordered[len(ordered) // 2],
            "p95": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], "max": ordered[-1]}


def drive(app, counters: Counters, seconds: float, probe_seconds: float, playing_only: bool = False) -> dict:
    """On a thread of its own: waits and sleeps here, touches widgets only on the main thread."""
    import threading

    from kivy.clock import Clock
    from kivy.config import Config

    from apps.decks.detail_waveform import TILE_PX
    from apps.decks.snapshot_layout import SnapshotLayout
    from bench.common import MachineLoad

    def on_ui(function):
        done, box = threading.Event(), {}

        def run(_dt):
            try:
                box["value"] = function()
            except BaseException as error:  # handed to the waiting thread
                box["error"] = error
            done.set()

        Clock.schedule_once(run, 0)
        if not done.wait(30.0):
            raise RuntimeError("the main thread did not answer within 30 s")
        if "error" in box:
            raise box["error"]
        return box.get("value")

    def wait(condition, timeout_s: float, what: str) -> float:
        started = time.monotonic()
        while not condition():
            if time.monotonic() - started > timeout_s:
                raise RuntimeError(f"timed out after {timeout_s:g} s waiting for {what}")
            time.sleep(0.05)
        return time.monotonic() - started

    client = app.client
    decks = lambda: client.state.decks  # noqa: E731

    wait(lambda: client.state.backend != "starting", ENGINE_TIMEOUT_S, "the engine's first state")
    say(f"engine answered (backend {client.state.backend})")
    screen = on_ui(lambda: app.root.decks_screen)
    if on_ui(lambda: app.root.screens.current) != "decks":
        raise RuntimeError("the app did not open on the Decks screen")
    for deck, name, title in TRACKS:
        on_ui(lambda deck=deck, name=name, title=title:
              screen.load(deck, str(REPO / "samples" / "tracks" / name), title))
    loaded_in_s = wait(lambda: len(decks()) >= 2 and all(decks()[i].loaded for i in (0, 1))
                       and all(screen.session.track_on(d) is not None for d in (1, 2)),
                       LOAD_TIMEOUT_S, "both demo tracks to be analysed and loaded")
    say(f"both tracks loaded in {loaded_in_s:.1f} s")
    widgets = on_ui(lambda: [panel.ids[name] for panel in screen.decks.values() for name in ("detail", "overview")])
    on_ui(lambda: bracket_waveforms(widgets, counters))
    snapshots = on_ui(lambda: [widget for widget in screen.walk() if isinstance(widget, SnapshotLayout)])
    details = widgets[::2]

    def repaints() -> tuple[int, int]:
        """(the panels drawn into their snapshots, the scrolling waveforms' tiles painted) so far"""
        return sum(snapshot.redraws for snapshot in snapshots), sum(detail.tiles_painted for detail in details)

    time.sleep(SETTLE_S)  # the waveforms built, the loader idle

    def stretch(name: str, length_s: float) -> dict:
        def begin():
            counters.clear()
            return time.perf_counter(), Clock.frames, time.process_time(), repaints()

        load = MachineLoad()
        started, ticks, cpu, repainted = on_ui(begin)
        positions = [deck.position_s for deck in decks()[:2]]
        time.sleep(length_s)

        def end():
            return (time.perf_counter(), Clock.frames, time.process_time(), list(counters.flip_times),
                    list(counters.render_s), list(counters.update_s), list(counters.probe_waveforms_s),
                    repaints())

        ended, end_ticks, end_cpu, flips, render_s, update_s, probe_s, end_repainted = on_ui(end)
        wall_s = ended - started
        intervals = [b - a for a, b in zip(flips, flips[1:])]
        result = {
            "wall_s": wall_s, "frames_drawn": len(flips), "fps": len(flips) / wall_s,
            "loop_ticks_per_s": (end_ticks - ticks) / wall_s,
            "frame_interval_s": summary(intervals), "render_s": summary(render_s), "update_s": summary(update_s),
            "update_calls": len(update_s), "app_cpu_percent": 100.0 * (end_cpu - cpu) / wall_s,
            "machine_busy_percent": load.percent(),
            "moved_s": [deck.position_s - was for deck, was in zip(decks()[:2], positions)],
            "playing": [deck.playing for deck in decks()[:2]],
            "snapshot_redraws": end_repainted[0] - repainted[0], "tiles_painted": end_repainted[1] - repainted[1],
        }
        if probe_s:
            result["waveforms_gpu_s"] = summary(probe_s)
        say(f"{name}: {result['fps']:.1f} frames drawn a second, {result['loop_ticks_per_s']:.1f} loop ticks "
            f"a second, app CPU {result['app_cpu_percent']:.0f}%")
        return result

    def renderer() -> tuple[str, int]:
        from kivy.graphics.opengl import GL_RENDERER, GL_SAMPLES, glGetIntegerv, glGetString

        name = glGetString(GL_RENDERER)
        samples = int(glGetIntegerv(GL_SAMPLES)[0])  # the window's multisampling: samples a pixel
        return name.decode(errors="replace") if isinstance(name, bytes) else str(name), samples

    name, samples = on_ui(renderer)
    results = {"maxfps": Config.getint("graphics", "maxfps"), "window_size": list(on_ui(lambda: app.root_window.size)),
               "renderer": name, "samples": samples, "multisamples": Config.getint("graphics", "multisamples"),
               "tile_px": TILE_PX, "tracks_loaded_in_s": loaded_in_s}
    if not playing_only:
        results["stopped"] = stretch("both decks stopped", seconds)

    for deck, _name, _title in TRACKS:
        on_ui(lambda deck=deck: screen.deck_do(deck, "play"))  # what the Play button does
    wait(lambda: all(decks()[i].playing for i in (0, 1)), PLAY_TIMEOUT_S, "both decks to play")
    time.sleep(1.0)
    results["playing"] = stretch("both decks playing", seconds)
    if playing_only:
        on_ui(screen.stop_both)
        return results

    counters.probing = True
    results["probe"] = stretch("both decks playing, waveforms bracketed by glFinish", probe_seconds)
    counters.probing = False
    on_ui(screen.stop_both)
    return results


def main(argv: list[str]) -> int:
    import argparse
    import threading
    import traceback

    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--probe-seconds", type=float, default=4.0)
    parser.add_argument("--playing-only", action="store_true", help="only the stretch with both decks playing")
    parser.add_argument("--multisamples", type=int, help="Kivy's graphics multisamples (default: as main.py sets it)")
    ours, app_argv = parser.parse_known_args(argv)

    # main.py's main(), with the app subclassed so it can be driven and counted.
    import main as ward
    from apps.options import parse_options
    from apps.preferences import load_preferences
    from studio.controls import CONTROLS
    from studio.engine.client import EngineClient
    from studio.settings import load_settings

    options = parse_options(app_argv + ["--open", "decks"])
    saved_settings, _ = load_settings()
    preferences, _ = load_preferences()
    settings = options.audio_settings(saved_settings)
    client = EngineClient(settings)
    cap_db = preferences.headphone_cap_db
    client.act("master", "headphone_cap_db", cap_db)
    client.act("master", "volume_db", min(CONTROLS[("master", "volume_db")].default, cap_db))
    client.start()
    try:
        ward._configure_kivy(options)
        if ours.multisamples is not None:
            from kivy.config import Config

            Config.set("graphics", "multisamples", str(ours.multisamples))
        from kivy.clock import Clock
        from kivy.core.window import Window

        from apps.app import WardStudioApp
        from apps.decks.decks_screen import DecksScreen

        counters = Counters()
        install_counters(Window, counters, DecksScreen)
        outcome = {}

        class CountedApp(WardStudioApp):
            def on_start(self):
                super().on_start()
                threading.Thread(target=self._drive, name="bench-driver", daemon=True).start()

            def _drive(self):
                try:
                    outcome.update(drive(self, counters, ours.seconds, ours.probe_seconds, ours.playing_only))
                except Exception as error:
                    traceback.print_exc()
                    outcome["error"] = f"{type(error).__name__}: {error}"
                print(RESULT_PREFIX + json.dumps(outcome), flush=True)
                Clock.schedule_once(lambda _dt: self.stop(), 0)

        app = CountedApp(client=client, settings=settings, preferences=preferences,
                         first_screen=options.first_screen)
        app.run()
        return 1 if "error" in outcome else 0
    finally:
        client.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
