"""The microphone on a real JACK server (section 12): how late the singer hears themself, and
whether a take loses anything while this process is busy and the beat plays.

A JACK client feeds the engine's input; another records its output, each block placed by its
JACK frame time. Monitoring latency is the frame a click comes out on minus the frame it went in.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from tests.jack.port_recorder import PortRecorder
from bench.common import Measured, Progress, Row, wait_for
from bench.engine import BUFFER_FRAMES, ENGINE_START_TIMEOUT_S, SAMPLE_RATE_HZ, _engine_client, jack_server

CLICKS = 12
CLICK_GAP_S = 0.25
TAKE_S = 20.0


class ClickFeeder:
    """Sends CLICKS one-sample clicks into a port, CLICK_GAP_S apart, at frames spread over the block."""

    def __init__(self, target: str):
        import jack

        self.client = jack.Client("ward-bench-mic-feeder", no_start_server=True)
        self.port = self.client.outports.register("out")
        self.sent_at_frames: list[int] = []
        self.started = threading.Event()
        self._cycles_between = max(1, round(CLICK_GAP_S * SAMPLE_RATE_HZ / BUFFER_FRAMES))
        self._cycle = 0
        self.client.set_process_callback(self._process)
        self.client.activate()
        self.client.connect(self.port, target)

    def _process(self, frames):
        out = self.port.get_array()
        out[:] = 0.0
        if not self.started.is_set() or len(self.sent_at_frames) >= CLICKS:
            return
        self._cycle += 1
        if self._cycle % self._cycles_between == 1:
            offset = (len(self.sent_at_frames) * 41) % frames
            out[offset] = 0.5
            self.sent_at_frames.append(self.client.last_frame_time + offset)

    def close(self):
        self.client.deactivate()
        self.client.close()


def _delays(recorder: PortRecorder, sent: list[int]) -> list[int]:
    found = []
    for frame in sent:
        start = frame - recorder.first_frame
        window = np.abs(recorder.audio[start:start + SAMPLE_RATE_HZ // 10]) > 1e-3
        if not window.any():
            raise RuntimeError(f"the click fed in at frame {frame} never came out")
        found.append(int(np.argmax(window)))
    return found


def _play_both_decks(engine, scratch: str) -> None:
    """Both decks playing demo tracks at +4 % with key lock on (the heaviest way they play)."""
    from bench.decks import _decoded_demo
    from studio.engine.messages import LoadTrack

    engine.prepare_decks(120.0)
    for deck, name in ((1, "night-shift.ogg"), (2, "tea-trolley.ogg")):
        track = _decoded_demo(name, Path(scratch))
        engine.load_track(LoadTrack(deck, str(track.path), track.frames, SAMPLE_RATE_HZ, title=name, bpm=120.0))
    wait_for(lambda: all(deck.loaded for deck in engine.state.decks), 30, "both decks loaded")
    for deck in (1, 2):
        engine.act(f"deck{deck}", "tempo", 0.5)
        engine.act(f"deck{deck}", "playing", 1)
    wait_for(lambda: all(deck.playing and deck.key_lock_engaged for deck in engine.state.decks), 5, "both decks playing")


def measure_mic(progress: Progress) -> Measured:
    from tests.jack.busy_ui import busy_ui

    record_s = CLICKS * CLICK_GAP_S + 1.0
    with jack_server(), tempfile.TemporaryDirectory(prefix="ward-bench-mic-") as scratch:
        engine = _engine_client("jack")
        feeder = recorder = None
        try:
            engine.start()
            wait_for(lambda: engine.state.backend == "jack", ENGINE_START_TIMEOUT_S, "the engine on JACK")
            for control, value in (("headphone_cap_db", 0), ("volume_db", 0)):
                engine.act("master", control, value)
            engine.act("mic", "monitor", 1)
            engine.act("mic", "monitor_db", 0)
            time.sleep(0.3)
            feeder = ClickFeeder("ward-studio:input_1")
            recorder = PortRecorder("ward-studio:output_1", record_s, "ward-bench-mic-recorder")
            wait_for(lambda: recorder.first_frame is not None, 5, "the recording to start")
            progress(f"mic: monitoring latency, {CLICKS} clicks")
            feeder.started.set()
            wait_for(lambda: recorder.full, record_s + 10, "the recording to end")
            delays = _delays(recorder, list(feeder.sent_at_frames))
            engine.act("mic", "monitor", 0)
            progress(f"mic: a {TAKE_S:g} s take over the beat, both decks playing, this process busy")
            _play_both_decks(engine, scratch)
            engine.act("beats", "count_in_bars", 0)
            engine.drain_events()
            with busy_ui():
                engine.act("mic", "recording", 1)
                wait_for(lambda: engine.state.take_seconds >= TAKE_S, TAKE_S + 15, "the take")
                engine.act("mic", "recording", 0)
                saved = []
                wait_for(lambda: saved.extend(e for e in engine.drain_events() if e.kind == "take_saved") or saved,
                         10, "the saved take")
        finally:
            for client in (feeder, recorder):
                if client is not None:
                    client.close()
            engine.stop()
    data = saved[0].data
    to_ms = 1000.0 / SAMPLE_RATE_HZ
    median = statistics.median(delays)
    progress(f"mic: monitoring median {median:.0f} frames; take overruns {data['overruns']}, "
             f"lost {data['lost_frames']} frames")
    return Measured(
        rows=[
            Row(f"monitoring latency: a click fed into ward-studio:input_1 to the same click on output_1, "
                f"monitoring on ({BUFFER_FRAMES} frames / {SAMPLE_RATE_HZ // 1000} kHz), {len(delays)} clicks",
                f"median {median:.0f} frames ({median * to_ms:.2f} ms), max {max(delays)}",
                f"one JACK buffer: {BUFFER_FRAMES} frames ({BUFFER_FRAMES * to_ms:.2f} ms)",
                f"{max(delays) / BUFFER_FRAMES:.2f} buffers at most"),
            Row(f"a {TAKE_S:g} s take recorded over the beat on JACK, both decks playing demo tracks with key lock "
                "on, while this process runs busy Python work: blocks the take writer had no room for, and "
                "frames the capture ring lost",
                f"{data['overruns']} overruns, {data['lost_frames']} frames lost",
                "the promise: 0 and 0", "must be 0"),
        ],
        notes=["The latency is inside the JACK graph (dummy driver, no sound card): the device's own input and "
               "output latency come on top on a tablet. It is the master bus's 1 ms look-ahead: the voice "
               "goes through the same limiter as everything else, so it can never be too loud."],
    )
