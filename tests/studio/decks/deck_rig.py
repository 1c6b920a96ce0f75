"""A DecksGraph on a manual pyo server, with tracks made in the test, for rendering decks."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from studio.audio.dsp import pyo
from studio.decks.decks_graph import DecksGraph
from studio.engine.messages import LoadTrack

SR = 48000
BLOCK = 512


def click_track(bpm: float, seconds: float, first_beat_s: float = 0.0, sample_rate: int = SR,
                click_hz: float = 2000.0) -> np.ndarray:
    """Stereo float32: a 5 ms click on every beat from first_beat_s, louder on each bar's first."""
    frames = int(seconds * sample_rate)
    out = np.zeros(frames, dtype=np.float32)
    click_len = int(0.005 * sample_rate)
    t = np.arange(click_len) / sample_rate
    click = (np.sin(2 * np.pi * click_hz * t) * np.exp(-t / 0.0015)).astype(np.float32)
    beat_frames = 60.0 * sample_rate / bpm
    beat = 0
    while True:
        start = int(round(first_beat_s * sample_rate + beat * beat_frames))
        if start + click_len > frames:
            break
        out[start:start + click_len] += click * (0.8 if beat % 4 == 0 else 0.5)
        beat += 1
    return np.stack([out, out], axis=1)


class DeckRig:
    def __init__(self, tmp_path: Path, capacity_s: float = 180.0, block: int = BLOCK):
        self.tmp_path = tmp_path
        self.server = pyo.Server(sr=SR, nchnls=2, buffersize=block, audio="manual").boot()
        self.server.start()
        self.block = block
        self.decks = DecksGraph(self.server)
        self.decks.prepare(capacity_s)
        self._recorders: list = []

    def load(self, deck: int, samples: np.ndarray, bpm: float = 0.0, first_beat_s: float = 0.0,
             hot_cues_s: tuple = ()) -> None:
        path = self.tmp_path / f"deck{deck}-{len(samples)}.f32"
        np.ascontiguousarray(samples, dtype="<f4").tofile(path)
        self.decks.start_load(LoadTrack(deck, str(path), len(samples), SR, title=f"track {deck}", bpm=bpm,
                                        first_beat_s=first_beat_s, hot_cues_s=hot_cues_s))
        while self.decks.loading:
            assert all(problem is None for _, problem in self.decks.pump())

    def act(self, deck: int | str, control: str, value: float):
        group = deck if isinstance(deck, str) else f"deck{deck}"
        if control.startswith(("eq_", "kill_")):
            raise ValueError("use set_eq")
        return self.decks.apply(group, control, float(value))

    def record(self, signal: pyo.PyoObject, seconds: float) -> pyo.NewTable:
        table = pyo.NewTable(length=seconds, chnls=2)
        self._recorders.append(pyo.TableRec(signal, table).play())
        return table

    def run(self, seconds: float, tick_every_s: float = 0.04) -> None:
        """Process blocks for about this long, ticking the decks as the engine does."""
        blocks = int(round(seconds * SR / self.block))
        per_tick = max(1, int(round(tick_every_s * SR / self.block)))
        for index in range(blocks):
            self.server.process()
            if index % per_tick == 0:
                self.decks.tick()

    def close(self) -> None:
        self._recorders.clear()
        self.server.stop()
        self.server.shutdown()


def recorded(table: pyo.NewTable, channel: int = 0) -> np.ndarray:
    return np.asarray(table.getBuffer(channel)).copy()
