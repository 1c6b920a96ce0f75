"""Offline rendering: how much faster than real time the studio graph exports, and what the
master bus costs per second of audio. Runs pyo in this process (offline servers only)."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bench.common import Measured, Progress, Row, ratio

SAMPLE_RATE_HZ = 48000
BUFFER_FRAMES = 256
EXPORT_S = 180.0
EXPORT_BPM = 120.0
BUS_TEST_S = 60.0
SINE_LEVEL_DB = 12.0
SINE_FREQ_HZ = 440.0
BUS_RENDERS = 3  # of each, alternating; the medians are compared


def studio_graph_metronome(server):
    """The live engine's whole graph (StudioGraph): metronome at 120 BPM, full volume."""
    from studio.engine.studio_graph import StudioGraph

    graph = StudioGraph(server, {
        ("transport", "bpm"): EXPORT_BPM, ("transport", "playing"): 1.0,
        ("metronome", "enabled"): 1.0, ("metronome", "level_db"): 0.0,
        ("master", "volume_db"): 0.0, ("master", "headphone_cap_db"): 0.0,
    })
    studio_graph_metronome.keep = graph  # pyo frees what Python no longer references
    return graph.master.limited


def loud_sine(server):
    from studio.audio.dsp import pyo

    from studio.audio.levels import db_to_amp

    amp = db_to_amp(SINE_LEVEL_DB)
    sine = pyo.Sine(freq=SINE_FREQ_HZ, mul=[amp, amp])  # two streams: stereo
    loud_sine.keep = sine
    return sine


def sine_then_silence(server):
    """One second of the loud sine, then silence: what a bus idles on between songs."""
    from studio.audio.dsp import pyo

    fade = pyo.Linseg([(0.0, 1.0), (1.0, 1.0), (1.001, 0.0)]).play()
    source = loud_sine(server) * fade
    sine_then_silence.keep = (fade, source)
    return source


def quiet_bus(server):
    from studio.audio.master_bus import build_master_bus

    bus = build_master_bus([sine_then_silence(server)], volume_db=0.0, headphone_cap_db=0.0)
    quiet_bus.keep = bus
    return bus.output


def loud_sine_through_master_bus(server):
    from studio.audio.master_bus import build_master_bus

    bus = build_master_bus([loud_sine(server)], volume_db=0.0, headphone_cap_db=0.0)
    loud_sine_through_master_bus.keep = bus
    return bus.output


def seconds_to_render(build, duration_s: float, path: Path) -> float:
    from studio.audio.render import render_offline

    started = time.perf_counter()
    try:
        render_offline(build, duration_s, path, SAMPLE_RATE_HZ, BUFFER_FRAMES)
        elapsed_s = time.perf_counter() - started
    finally:
        # Let go of this render's pyo objects now that its server is shut down, before the next.
        for made in (build, loud_sine, sine_then_silence):
            made.keep = None
    if not path.exists() or path.stat().st_size < duration_s * SAMPLE_RATE_HZ * 2 * 4 * 0.99:
        raise RuntimeError(f"the render wrote no complete file at {path}")
    path.unlink()
    return elapsed_s


def measure_export(progress: Progress) -> Measured:
    with tempfile.TemporaryDirectory(prefix="ward-bench-render-") as scratch:
        progress(f"render: {EXPORT_S:g} s of the studio graph, offline")
        render_s = seconds_to_render(studio_graph_metronome, EXPORT_S, Path(scratch) / "export.wav")
    progress(f"render: {EXPORT_S:g} s of audio in {render_s:.2f} s")
    return Measured(
        rows=[Row(
            f"offline render of {EXPORT_S:g} s of the studio graph (metronome at {EXPORT_BPM:g} BPM "
            f"through the master bus) to a 32-bit float stereo WAV, {SAMPLE_RATE_HZ // 1000} kHz",
            f"{render_s:.2f} s",
            f"real time: {EXPORT_S:g} s",
            f"{EXPORT_S / render_s:.0f}x faster than real time",
        )],
        notes=["Timed around studio.audio.render.render_offline: server boot, render, file write, shutdown."],
    )


def measure_master_bus(progress: Progress) -> Measured:
    plain, bused, silent, silent_bused = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="ward-bench-bus-") as scratch:
        for run in range(1, BUS_RENDERS + 1):
            plain.append(seconds_to_render(loud_sine, BUS_TEST_S, Path(scratch) / "plain.wav"))
            bused.append(seconds_to_render(loud_sine_through_master_bus, BUS_TEST_S, Path(scratch) / "bus.wav"))
            silent.append(seconds_to_render(sine_then_silence, BUS_TEST_S, Path(scratch) / "silent.wav"))
            silent_bused.append(seconds_to_render(quiet_bus, BUS_TEST_S, Path(scratch) / "silent-bus.wav"))
            progress(f"master bus {run}/{BUS_RENDERS}: sine {plain[-1]:.2f} s, "
                     f"sine through the bus {bused[-1]:.2f} s, silence through the bus {silent_bused[-1]:.2f} s")
    plain_s, bused_s = statistics.median(plain), statistics.median(bused)
    silent_cost_ms_per_s = 1000.0 * (statistics.median(silent_bused) - statistics.median(silent)) / BUS_TEST_S
    cost_ms_per_s = 1000.0 * (bused_s - plain_s) / BUS_TEST_S
    blocks_per_s = SAMPLE_RATE_HZ / BUFFER_FRAMES
    cost_us_per_block = 1000.0 * cost_ms_per_s / blocks_per_s
    block_ms = 1000.0 * BUFFER_FRAMES / SAMPLE_RATE_HZ
    return Measured(
        rows=[
            Row(f"offline render of {BUS_TEST_S:g} s of a +{SINE_LEVEL_DB:g} dB stereo sine through "
                f"build_master_bus, median of {BUS_RENDERS}",
                f"{bused_s:.2f} s",
                f"the same sine with no bus: {plain_s:.2f} s",
                ratio(bused_s, plain_s)),
            Row("master bus cost per second of audio (difference of the medians)",
                f"{cost_ms_per_s:.1f} ms ({cost_us_per_block:.0f} µs per {BUFFER_FRAMES}-frame block)",
                f"real time: 1000 ms per second ({block_ms:.2f} ms per block)",
                f"{cost_ms_per_s / 10:.2f} % of one core at {SAMPLE_RATE_HZ // 1000} kHz"),
            Row(f"master bus cost per second of silence (1 s of the sine, then {BUS_TEST_S - 1:g} s of silence)",
                f"{silent_cost_ms_per_s:.1f} ms "
                f"({1000.0 * silent_cost_ms_per_s / blocks_per_s:.0f} µs per {BUFFER_FRAMES}-frame block)",
                "the same with sound: see the row above",
                f"{silent_cost_ms_per_s / 10:.2f} % of one core"),
        ],
        notes=["The +12 dB sine keeps the limiter working all the time. Both renders write the same "
               "WAV format, so the file writing cancels out in the difference.",
               "In silence the limiter's and meters' level followers would decay into denormal numbers "
               "(about 6x the cost after 10 s); a 1e-15 floor on what they listen to keeps them normal."],
    )
