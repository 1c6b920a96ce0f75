"""MIDI controllers on a real JACK server (section 18): a flood of MIDI against the engine's
dropouts, and MIDI clock out's timing.

The flood: a device sends 10,000 sysex and 10,000 clock messages a second for 60 s, and the
studio follows that device's clock (the costliest case: every tick is read). The engine's xruns
in that minute are set beside an empty JACK client's, measured in the same run for 15 s before
and 15 s after (scaled to 60 s). The same measurement runs in `make test`
(tests/jack/test_midi_flood_on_jack.py). Before the studio's controllers start, the same flood
also goes to an empty JACK client for 30 s: what the flood costs the machine by itself, so the
controllers' own share shows.
"""

from __future__ import annotations

import tempfile
import time

import numpy as np

from bench.common import Measured, Progress, Row, wait_for
from bench.engine import BUFFER_FRAMES, ENGINE_START_TIMEOUT_S, SAMPLE_RATE_HZ, _engine_client, jack_server

CLOCK_S = 30.0
CLOCK_BPM = 120.0
# The machine's own stalls come in bursts (tens of xruns in one window, none in the next, with
# no flood at all), so the flood is also judged window by window: the same device alternately
# flooding and quiet, the studio reading it throughout, compared by the median window.
INTERLEAVED_PAIRS = 6
INTERLEAVED_WINDOW_S = 10.0


def _engine():
    engine = _engine_client("jack")
    engine.start()
    wait_for(lambda: engine.state.backend == "jack", ENGINE_START_TIMEOUT_S, "the engine on JACK")
    return engine


def _controllers(engine):
    from studio.midi.controller_client import ControllerClient

    controllers = ControllerClient(engine, maps_folder=tempfile.mkdtemp(prefix="ward-bench-controllers-"))
    controllers.start()
    wait_for(lambda: controllers.status.available, 10, "the controllers on JACK")
    return controllers


def _clock_out(engine, controllers, progress: Progress) -> dict:
    from studio.beats.model import Beat
    from studio.midi.midi_clock import CLOCK, tick_period_frames
    from tests.jack.midi_devices import MidiListener

    listener = MidiListener("ward-bench-drum-machine")
    try:
        controllers.set_sync(clock_out=True, clock_in="", link=False)
        wait_for(lambda: [p.name for p in listener.client.get_all_connections(listener.port)]
                 == ["ward-studio-midi:clock"], 10, "the clock wired to the listener")
        engine.set_beat(Beat(bpm=CLOCK_BPM))
        engine.act("beats", "playing", 1)
        progress(f"midi clock: {CLOCK_S:g} s at {CLOCK_BPM:g} BPM")
        time.sleep(CLOCK_S)
        engine.act("beats", "playing", 0)
        time.sleep(0.3)
    finally:
        listener.close()
        controllers.set_sync(clock_out=False, clock_in="", link=False)
    ticks = np.array([frame for frame, message in listener.messages() if message[0] == CLOCK])
    period = tick_period_frames(CLOCK_BPM, SAMPLE_RATE_HZ)
    steps = np.round((ticks - ticks[0]) / period)
    error = np.abs(ticks - ticks[0] - steps * period)
    return {"ticks": len(ticks), "expected": int(CLOCK_S * CLOCK_BPM / 60 * 24), "max_error_frames": float(error.max()),
            "missing": int(steps[-1] + 1 - len(ticks)), "listener_xruns": listener.xruns}


def _interleaved(engine, controllers, progress: Progress) -> dict:
    from tests.jack.midi_devices import MidiFlood
    from tests.jack.test_midi_flood_on_jack import FLOOD_PER_SECOND

    flood = MidiFlood("ward-bench-flood", FLOOD_PER_SECOND)
    flood.paused = True
    with_flood, without = [], []
    try:
        names = lambda: [d.name for d in controllers.status.devices if "ward-bench-flood" in d.name]
        wait_for(names, 10, "the flooding device found")
        controllers.set_sync(clock_out=False, clock_in=names()[0], link=False)
        flood.start()
        for window in range(2 * INTERLEAVED_PAIRS):
            flood.paused = window % 2 == 1
            time.sleep(1.0)  # the change settles
            mark = engine.state.xruns
            time.sleep(INTERLEAVED_WINDOW_S)
            (without if flood.paused else with_flood).append(engine.state.xruns - mark)
    finally:
        flood.close()
        controllers.set_sync(clock_out=False, clock_in="", link=False)
    progress(f"midi flood, interleaved {INTERLEAVED_WINDOW_S:g}-s windows: flooding {with_flood}, quiet {without}")
    return {"with_flood": with_flood, "without": without}


def measure_midi_flood(progress: Progress) -> Measured:
    from studio.engine.jack_monitor import JackMonitor
    from studio.midi.jack_midi import INBOX_SIZE
    from tests.jack.test_midi_flood_on_jack import (FLOOD_PER_SECOND, FLOOD_S, flood_window,
                                                    xruns_with_flood_to_an_empty_client)

    to_ms = 1000.0 / SAMPLE_RATE_HZ
    with jack_server():
        engine = _engine()
        controllers = empty_client = None
        try:
            engine.act("master", "headphone_cap_db", 0)
            engine.act("master", "volume_db", 0)
            progress("midi flood: the same flood to an empty JACK client for 30 s, no controllers running")
            flood_alone = xruns_with_flood_to_an_empty_client(engine)
            controllers = _controllers(engine)
            empty_client = JackMonitor("ward-bench-empty-client")
            progress(f"midi flood: {FLOOD_PER_SECOND} sysex + {FLOOD_PER_SECOND} clock a second for {FLOOD_S:g} s")
            flood = flood_window(engine, controllers, empty_client)
            progress(f"midi flood: {flood}")
            interleaved = _interleaved(engine, controllers, progress)
            clock = _clock_out(engine, controllers, progress)
            progress(f"midi clock: {clock}")
        finally:
            if empty_client is not None:
                empty_client.close()
            if controllers is not None:
                controllers.stop()
            engine.stop()
    return Measured(
        rows=[
            Row(f"Engine xruns during {FLOOD_S:g} s of {FLOOD_PER_SECOND:,} sysex + {FLOOD_PER_SECOND:,} clock "
                f"messages a second ({flood['sent']:,} sent), the studio following that clock, "
                f"{BUFFER_FRAMES} frames / {SAMPLE_RATE_HZ // 1000} kHz",
                f"{flood['engine_xruns']}",
                f"an empty JACK client in the same run, 30 s scaled to {FLOOD_S:g} s: {flood['baseline_xruns']}",
                f"{flood['engine_xruns'] - flood['baseline_xruns']:+d} xruns"),
            Row("The same flood sent to an empty JACK client instead of the studio (its controllers not running), "
                f"30 s scaled to {FLOOD_S:g} s: what the flood costs the machine by itself",
                f"{flood_alone}", f"the studio reading the flood (above): {flood['engine_xruns']}",
                f"the studio's share: {flood['engine_xruns'] - flood_alone:+d} xruns"),
            Row(f"Engine xruns in {INTERLEAVED_WINDOW_S:g}-s windows, {INTERLEAVED_PAIRS} with the flood and "
                f"{INTERLEAVED_PAIRS} without, taken in turn from the same device, the studio reading it: median "
                "window (each window)", f"{np.median(interleaved['with_flood']):g} ({interleaved['with_flood']})",
                f"the quiet windows between: {np.median(interleaved['without']):g} ({interleaved['without']})",
                f"{np.median(interleaved['with_flood']) - np.median(interleaved['without']):+g} xruns a window"),
            Row("The controllers' JACK callback, each block during the flood's last ~11 s (about 107 events a block "
                "read): median / 99th percentile / longest", "{:.0f} / {:.0f} / {:.0f} µs".format(*flood["callback_us"]),
                f"the block: {BUFFER_FRAMES / SAMPLE_RATE_HZ * 1e6:.0f} µs",
                f"median {flood['callback_us'][0] / (BUFFER_FRAMES / SAMPLE_RATE_HZ * 1e6):.3f} of the block"),
            Row("The flood's largest queue in the controller process / its growth in memory over the minute",
                f"{flood['inbox_peak']} messages / {flood['rss_growth_kb']} KiB",
                f"the queue's bound: {INBOX_SIZE} messages", "bounded"),
            Row("Control changes the flood sent to the app / a pad hit sent mid-flood",
                f"{flood['applied']} / {flood['pad_onsets']} onset", "no control in the flood; one hit", "-"),
            Row(f"MIDI clock out: each of {clock['ticks']} ticks against the {CLOCK_BPM:g} BPM grid "
                f"({CLOCK_S:g} s)", f"max {clock['max_error_frames']:.2f} frames "
                f"({clock['max_error_frames'] * to_ms:.3f} ms); {clock['missing']} missing; "
                f"{clock['listener_xruns']} xruns in the window (a late block hands its ticks on 256 frames off)",
                "the issue's limit: 1 ms (48 frames)", f"{clock['max_error_frames'] / 48:.3f} of the limit"),
        ],
        notes=["The controller process reads every device in its own JACK client (studio/midi/jack_midi.py): sysex "
               "and other system messages are counted and dropped in the JACK callback, clock ticks become frame "
               "stamps in a bounded deque, and only pad notes go on to the engine (at most 32 a block: pyo's own "
               "MIDI arrays have no bound check). Nothing of a flood reaches the engine's interpreter lock.",
               "Clock ticks are placed on their nearest frame inside the JACK cycle they fall in, so their "
               "timing does not depend on any timer; a tick lost to an xrun is counted as missing, not late."],
    )
