"""A flood of MIDI (10,000 sysex and 10,000 clock messages a second for 60 s, from a device the
studio follows the clock of): every queue stays bounded, the controller process's memory stays
put, nothing of the flood reaches the engine, and a pad hit played in the middle of it sounds.

The flood's xruns are measured, not asserted here: `make bench` (section 18) sets them beside an
empty JACK client's with no flood, beside the same flood sent to an empty client instead of the
studio (xruns_with_flood_to_an_empty_client below), and window by window against quiet windows
between. On these two shared cores the machine's own stalls (0 to 300 xruns a minute with no
flood at all) are larger than anything the flood shows, so no xrun bound here would mean much."""

from __future__ import annotations

import os
import time

import jack
import pytest

from studio.engine.jack_monitor import JackMonitor
from studio.midi.controller_client import ControllerClient
from studio.midi.jack_midi import INBOX_SIZE
from tests.jack.midi_devices import MidiFlood
from tests.jack.port_recorder import PortRecorder
from tests.jack.test_engine_on_jack import start_engine
from tests.studio.signals import onsets
from tests.studio.test_engine_client import wait_for

SR = 48000
FLOOD_PER_SECOND = 10_000  # of each kind
FLOOD_S = float(os.environ.get("WARD_TEST_FLOOD_S", 60.0))
BASELINE_S = float(os.environ.get("WARD_TEST_FLOOD_BASELINE_S", 15.0))  # the empty client alone, before and after: 30 s, scaled to the flood's 60 s
SNARE = 38


class EmptyMidiClient:
    """A JACK client with a MIDI input and nothing else (not even a process callback)."""

    def __init__(self, name: str):
        self.client = jack.Client(name, no_start_server=True)
        self.port = self.client.midi_inports.register("in")
        self.client.activate()

    def close(self) -> None:
        self.client.deactivate()
        self.client.close()


def xruns_with_flood_to_an_empty_client(engine, seconds: float = 30.0) -> int:
    """The engine's xruns (JACK's, server-wide) while the flood goes to an empty client, scaled to
    FLOOD_S: what the flood costs the machine and the graph by itself. The studio's controllers
    must not be running (they would take the flooding device too)."""
    empty = EmptyMidiClient("ward-test-empty-midi-client")
    flood = MidiFlood("ward-test-flood", FLOOD_PER_SECOND)
    try:
        # rtmidi names its JACK client and port its own way: find the flood's output by its name.
        found = []
        wait_for(lambda: found.extend(port.name for port in empty.client.get_ports(is_midi=True, is_output=True)
                                      if "ward-test-flood" in port.name) or found, what="the flood's port")
        empty.client.connect(found[0], empty.port)
        flood.start()
        time.sleep(2.0)
        mark = engine.state.xruns
        time.sleep(seconds)
        xruns = engine.state.xruns - mark
    finally:
        flood.close()
        empty.close()
    return round(xruns * FLOOD_S / seconds)


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def flood_window(engine, controllers, empty_client, baseline_s: float = BASELINE_S) -> dict:
    """The flood for FLOOD_S with the studio reading it, and the empty client's xruns for
    baseline_s before and after with no flood (the bench's comparison)."""
    mark = empty_client.xruns
    time.sleep(baseline_s)
    baseline = empty_client.xruns - mark
    flood = MidiFlood("ward-test-flood", FLOOD_PER_SECOND)
    recorder = None
    try:
        wait_for(lambda: len(controllers.status.devices) == 1, timeout_s=10, what="the flooding device found")
        controllers.set_sync(clock_out=False, clock_in=controllers.status.devices[0].name, link=False)
        flood.start()
        applied_before = controllers.applied
        time.sleep(2.0)
        pid = controllers._process.pid
        rss_start_kb = rss_kb(pid)
        mark = engine.state.xruns
        time.sleep(FLOOD_S / 2)
        # A pad hit in the middle of the flood still plays (it travels the same ports).
        recorder = PortRecorder("ward-studio:output_1", 1.0)
        wait_for(lambda: recorder.first_frame is not None, what="the recording to start")
        flood.send((0x99, SNARE, 110), (0x89, SNARE, 0))
        time.sleep(FLOOD_S / 2)
        engine_xruns = engine.state.xruns - mark
        rss_end_kb = rss_kb(pid)
        status = controllers.status
        applied = controllers.applied - applied_before
        wait_for(lambda: recorder.full, what="the recording to end")
    finally:
        flood.close()
        if recorder is not None:
            recorder.close()
    mark = empty_client.xruns
    time.sleep(baseline_s)
    baseline += empty_client.xruns - mark
    scaled_baseline = round(baseline * FLOOD_S / (2 * baseline_s)) if baseline_s else None
    return {"engine_xruns": engine_xruns, "baseline_xruns": scaled_baseline,
            "sent": flood.sent, "counts": status.counts, "inbox_peak": status.inbox_peak,
            "rss_growth_kb": rss_end_kb - rss_start_kb, "applied": applied, "callback_us": status.callback_us,
            "pad_onsets": len(onsets(recorder.audio, threshold=1e-3, min_gap=1000))}


@pytest.mark.timeout(600)
def test_a_flood_of_sysex_and_clock_is_read_and_let_go_with_every_queue_bounded(jack_server, tmp_path):
    engine = start_engine(buffer_size=256)
    engine.act("master", "volume_db", 0)
    engine.act("master", "headphone_cap_db", 0)
    controllers = ControllerClient(engine, maps_folder=str(tmp_path))
    controllers.start()
    empty_client = JackMonitor("ward-test-empty-client")
    try:
        wait_for(lambda: controllers.status.available, what="the controllers on JACK")
        result = flood_window(engine, controllers, empty_client, baseline_s=0.0)  # the bench compares
    finally:
        empty_client.close()
        controllers.stop()
        engine.stop()
    print(f"MIDI flood, {FLOOD_S:.0f} s: {result}")
    assert result["sent"] >= 0.95 * 2 * FLOOD_PER_SECOND * FLOOD_S
    assert result["counts"].get("ignored", 0) >= 0.9 * FLOOD_PER_SECOND * FLOOD_S, "the sysex read and let go"
    assert result["inbox_peak"] <= INBOX_SIZE
    assert result["rss_growth_kb"] < 8 * 1024, "the controller process's memory stays put"
    assert result["applied"] == 0, "nothing of the flood reached the engine as a control change"
    assert result["pad_onsets"] == 1, "the pad hit sent mid-flood played"
