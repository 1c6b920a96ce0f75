"""Rendering a graph without a sound card: offline to a file, or manually block by block.

Both take the same graph-building function the live engine uses, so what a test or an
export hears is what the live app plays. ``build(server)`` is called once the server is running
and returns the stereo PyoObject to capture (anything else it made stays referenced by it
or by the returned object's attributes for the length of the render).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
from studio.audio.dsp import pyo
import soundfile

from studio.audio.servers import make_server

Build = Callable[[pyo.Server], pyo.PyoObject]


def render_manual(
    build: Build,
    duration_s: float,
    sample_rate: int = 48000,
    buffer_size: int = 256,
    channels: int = 2,
    between_blocks: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Render by calling server.process() ourselves. Returns float32 samples, shape (channels, frames).

    ``between_blocks(block_index)`` is called before each block, so a test can change controls
    at exact block boundaries, as the live engine does between audio callbacks.
    """
    frames = int(round(duration_s * sample_rate))
    server = make_server("manual", sample_rate, buffer_size, channels)
    try:
        server.start()
        graph = build(server)
        table = pyo.DataTable(size=frames, chnls=channels)
        recorder = pyo.TableRec(graph, table=table).play()
        for block in range(math.ceil(frames / buffer_size) + 1):
            if between_blocks is not None:
                between_blocks(block)
            server.process()
        samples = np.array(table.getTable(all=True), dtype=np.float32).reshape(channels, -1)
        del recorder, graph
        return samples[:, :frames]
    finally:
        server.stop()
        server.shutdown()


def render_offline(
    build: Build,
    duration_s: float,
    path: Path,
    sample_rate: int = 48000,
    buffer_size: int = 256,
    channels: int = 2,
) -> Path:
    """Render faster than real time to a 32-bit float WAV file."""
    server = make_server("offline", sample_rate, buffer_size, channels)
    try:
        server.recordOptions(dur=duration_s, filename=str(path), fileformat=0, sampletype=3)
        graph = build(server)
        graph.out()
        server.start()  # in offline mode this returns once the whole duration is rendered
        del graph
        return path
    finally:
        server.shutdown()


def read_wav(path: Path) -> np.ndarray:
    """Read a WAV file as float32, shape (channels, frames)."""
    data, _ = soundfile.read(str(path), dtype="float32", always_2d=True)
    return data.T
