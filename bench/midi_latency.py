"""MIDI-to-sound latency on a real JACK server (section 10).

A JACK client, found by the controller process as a pad controller, sends note-ons, one every
NOTE_GAP_S, each at a different frame inside its audio block (the controller process passes
them on to the engine's MIDI input within the same block); a second client records the engine's output with the
JACK frame time of every block. The latency of a note is the frame its sound starts on minus
the frame its event was sent on.
"""

from __future__ import annotations

import statistics
import tempfile
import threading

import numpy as np

from tests.jack.port_recorder import PortRecorder
from bench.common import Measured, Progress, Row, wait_for
from bench.engine import BUFFER_FRAMES, ENGINE_START_TIMEOUT_S, SAMPLE_RATE_HZ, _engine_client, jack_server

NOTES = 24
NOTE_GAP_S = 0.25
SNARE = 38  # General MIDI; the default kit has a snare on this note
NOTE_ON, NOTE_OFF = 0x99, 0x89  # channel 10


class NoteSender:
    """Sends NOTES note-ons, NOTE_GAP_S apart, at frame offsets spread over the block."""

    def __init__(self):
        import jack

        self.client = jack.Client("ward-bench-midi-sender", no_start_server=True)
        self.port = self.client.midi_outports.register("out")
        self.sent_at_frames: list[int] = []
        self._cycles_between = max(1, round(NOTE_GAP_S * SAMPLE_RATE_HZ / BUFFER_FRAMES))
        self._cycle = 0
        self.started = threading.Event()
        self.client.set_process_callback(self._process)
        self.client.activate()

    def _process(self, frames):
        self.port.clear_buffer()
        if not self.started.is_set() or len(self.sent_at_frames) >= NOTES:
            return
        self._cycle += 1
        if self._cycle % self._cycles_between == 1:
            self.port.write_midi_event(0, (NOTE_OFF, SNARE, 0))
            offset = (len(self.sent_at_frames) * 37) % frames  # a different place in each block
            self.port.write_midi_event(offset, (NOTE_ON, SNARE, 110))
            self.sent_at_frames.append(self.client.last_frame_time + offset)

    def close(self):
        self.client.deactivate()
        self.client.close()


def _latencies(recorder: PortRecorder, sent_at_frames: list[int]) -> list[int]:
    """For each note: frames from its event to the first sample of its sound. A note can
    start while the last one still rings, so its start is where the level first jumps well
    above what it was just before the event."""
    level = np.abs(recorder.audio)
    found = []
    for sent in sent_at_frames:
        start = sent - recorder.first_frame
        before = float(level[max(0, start - 64):start].max(initial=0.0))
        window = level[start:start + int(0.1 * SAMPLE_RATE_HZ)] > max(1e-3, 4.0 * before)
        if not window.any():
            raise RuntimeError(f"no sound within 100 ms of the note sent at frame {sent}")
        found.append(int(np.argmax(window)))
    return found


def measure_midi_latency(progress: Progress) -> Measured:
    record_s = NOTES * NOTE_GAP_S + 1.0
    with jack_server() as server:
        from studio.midi.controller_client import ControllerClient

        engine = _engine_client("jack")
        controllers = ControllerClient(engine, maps_folder=tempfile.mkdtemp(prefix="ward-bench-controllers-"))
        sender = recorder = None
        try:
            engine.start()
            controllers.start()
            wait_for(lambda: engine.state.backend == "jack", ENGINE_START_TIMEOUT_S, "the engine on JACK")
            engine.act("master", "headphone_cap_db", 0)
            engine.act("master", "volume_db", 0)
            wait_for(lambda: "ward-studio:input" in server.ports(), 10, "the engine's MIDI input")
            sender = NoteSender()
            wait_for(lambda: [d.name for d in controllers.status.devices] == ["ward-bench-midi-sender:out"], 10,
                     "the pad controller found")
            wait_for(lambda: [p.name for p in sender.client.get_all_connections("ward-studio-midi:to-engine")]
                     == ["ward-studio:input"], 10, "the pads wired to the engine")
            recorder = PortRecorder("ward-studio:output_1", record_s, "ward-bench-midi-recorder")
            wait_for(lambda: recorder.first_frame is not None, 5, "the recording to start")
            progress(f"midi latency: {NOTES} notes, {NOTE_GAP_S:g} s apart")
            sender.started.set()
            wait_for(lambda: recorder.full, record_s + 10, "the recording to end")
            sent = list(sender.sent_at_frames)
        finally:
            for client in (sender, recorder):
                if client is not None:
                    client.close()
            controllers.stop()
            engine.stop()
    latencies = _latencies(recorder, sent)
    to_ms = 1000.0 / SAMPLE_RATE_HZ
    limit = BUFFER_FRAMES + SAMPLE_RATE_HZ // 1000
    median, worst = statistics.median(latencies), max(latencies)
    progress(f"midi latency: median {median:.0f} frames, max {worst} frames; all: {latencies}")
    return Measured(
        rows=[Row(f"MIDI note-on to the first sample of its pad's sound, engine on JACK "
                  f"({BUFFER_FRAMES} frames / {SAMPLE_RATE_HZ // 1000} kHz), {len(latencies)} notes",
                  f"median {median:.0f} frames ({median * to_ms:.2f} ms), max {worst} frames "
                  f"({worst * to_ms:.2f} ms), min {min(latencies)}",
                  f"one JACK buffer: {BUFFER_FRAMES} frames ({BUFFER_FRAMES * to_ms:.2f} ms); "
                  f"the issue's limit, a buffer + 1 ms: {limit} frames",
                  f"max is {worst / BUFFER_FRAMES:.2f} buffers")],
        notes=["The notes take the way a real controller's do: into the controller process's JACK client (its own "
               "process, studio/midi/jack_midi.py), which passes pad notes on to the engine's MIDI input in the same "
               "JACK cycle, at the same frame (JACK runs it before the engine, as its output feeds the engine).",
               "Each note is sent at a different frame inside its block (0, 37, 74 ... frames in), so the figures "
               "cover the whole range of where in a block a note can arrive.",
               "JACK hands a block's MIDI to the engine with that block's audio: pyo's Notein triggers on the "
               "event's own frame, so the sound starts within the same block, one sample after (the pad voice's "
               "one-sample offset), plus the master bus's 1 ms look-ahead.",
               "Same JACK server kind as section 2 (dummy driver); tests/jack/test_midi_pads_on_jack.py checks "
               "the limit on every `make test`."],
    )
