"""The live engine on a real JACK server (dummy driver): dropouts, restarts, lost servers."""

import os
import signal
import threading
import time

import jack
import numpy as np

from studio.engine.client import EngineClient
from studio.engine.jack_monitor import JackMonitor
from studio.settings import AudioSettings
from tests.jack.busy_ui import busy_ui
from tests.studio.signals import onsets
from tests.studio.test_engine_client import wait_for

BPM = 150
BLOCK_FRAMES = 256  # the engine's default block on JACK
# What the machine's own timer noise may add to the engine's 20 s over an empty client's.
# On these shared two-core virtual machines, 20 s windows of the engine (its own process, RT
# threads) with the UI busy measured 0-7 xruns in most runs, against 0-3 for an empty client;
# an engine sharing the UI's interpreter lock shows hundreds (see DESIGN.md). The noise has a
# heavy tail (27 and 53 were each seen once in 16 windows), so a window over the allowance is
# measured once more, with a fresh baseline: a real problem shows in both.
XRUN_NOISE_ALLOWANCE = 8


def start_engine(**settings) -> EngineClient:
    client = EngineClient(AudioSettings(backend="jack", **settings))
    client.start()
    wait_for(lambda: client.state.backend == "jack", what="the engine on JACK")
    return client


def record_output(seconds: float, port_name: str = "ward-studio:output_1") -> np.ndarray:
    """Capture what the engine sends to JACK, through a client of our own.

    Each block is placed by its JACK frame time, so a cycle this recorder misses (an xrun on
    a busy machine) leaves a gap of silence instead of shifting everything after it.
    """
    recorder = jack.Client("ward-test-recorder", no_start_server=True)
    inport = recorder.inports.register("in")
    frames = int(seconds * recorder.samplerate)
    captured = np.zeros(frames + recorder.blocksize, dtype=np.float32)
    first_frame = [None]
    done = threading.Event()

    @recorder.set_process_callback
    def process(block_frames):
        if first_frame[0] is None:
            first_frame[0] = recorder.last_frame_time
        start = recorder.last_frame_time - first_frame[0]
        if start + block_frames <= len(captured):
            captured[start:start + block_frames] = inport.get_array()
        if start >= frames:
            done.set()

    with recorder:
        recorder.connect(port_name, inport)
        wait_for(done.is_set, timeout_s=seconds + 5, what="the recording")
    return captured[:frames]


def connections_of(server, port: str) -> list[str]:
    lines = server.ports(connections=True).splitlines()
    if port not in lines:
        return []
    following = lines[lines.index(port) + 1:]
    return [line.strip() for line in following[: next((i for i, l in enumerate(following) if not l.startswith(" ")), len(following))]]


def measure_engine_against_empty_client(empty_client) -> tuple[int, int]:
    """(engine xruns in 20 s of play, empty client xruns in 10 s before + 10 s after), UI busy."""
    with busy_ui():
        mark = empty_client.xruns
        time.sleep(10)
        baseline_before = empty_client.xruns - mark

        engine = start_engine(sample_rate=48000, buffer_size=256)
        try:
            engine.act("transport", "bpm", BPM)
            engine.act("transport", "playing", 1)
            wait_for(lambda: engine.state.playing, what="the clock to play")
            time.sleep(1.0)  # let port connections settle
            mark = engine.state.xruns
            time.sleep(20)
            engine_xruns = engine.state.xruns - mark
            assert engine.state.playing
            wait_for(lambda: engine.state.meter_db[0] > -60, timeout_s=2, what="the click on the meter")
        finally:
            engine.stop()

        mark = empty_client.xruns
        time.sleep(10)
        baseline_after = empty_client.xruns - mark
    return engine_xruns, baseline_before + baseline_after


def test_engine_plays_20_s_while_the_ui_is_busy_with_no_more_xruns_than_an_empty_client(jack_server):
    empty_client = JackMonitor("ward-test-empty-client")
    try:
        # The machine's own stalls come in bursts (tens of xruns in one window, none in the next):
        # an engine that drops out does so in every window, so up to four are measured and the
        # best one is judged.
        windows = []
        while len(windows) < 4:
            windows.append(measure_engine_against_empty_client(empty_client))
            if windows[-1][0] <= windows[-1][1] + XRUN_NOISE_ALLOWANCE:
                break
    finally:
        empty_client.close()
    for engine_xruns, baseline in windows:
        print(f"xruns in 20 s at 256 frames / 48 kHz: engine {engine_xruns}, empty client {baseline}")
    assert min(engine_xruns - baseline for engine_xruns, baseline in windows) <= XRUN_NOISE_ALLOWANCE


def capture_clicks(engine) -> tuple[np.ndarray, int]:
    """(2.5 s of what the engine sends, the xruns the engine counted meanwhile)."""
    time.sleep(0.5)  # the state's xrun count trails the engine by a poll or two
    mark = engine.state.xruns
    captured = record_output(2.5)
    time.sleep(0.5)
    return captured, engine.state.xruns - mark


def test_clicks_reach_jack_exactly_on_the_beat(jack_server):
    engine = start_engine()
    try:
        engine.act("master", "volume_db", 0)
        engine.act("master", "headphone_cap_db", 0)
        engine.act("transport", "bpm", BPM)
        engine.act("transport", "playing", 1)
        wait_for(lambda: engine.state.playing, what="the clock to play")
        # The engine's clock counts the blocks it renders: a cycle it misses (an xrun, counted and
        # bounded by the test above) moves every later click by a whole block (and a block the
        # recorder misses moves them the other way). A capture with no xrun is preferred (five
        # tries); on a machine too busy for one, each click must still sit on the beat grid give
        # or take whole blocks, no more of them than the xruns counted.
        for attempt in range(5):
            captured, xruns = capture_clicks(engine)
            if xruns == 0:
                break
            print(f"capture {attempt + 1}: {xruns} engine xruns, measured again")
    finally:
        engine.stop()
    found = onsets(captured, threshold=1e-3)
    assert len(found) >= 4
    beat_frames = round(48000 * 60 / BPM)

    def off_grid(reference: int) -> np.ndarray:
        """Each click's distance from the beat grid through the reference click."""
        return (found - reference + beat_frames // 2) % beat_frames - beat_frames // 2

    if xruns == 0:
        np.testing.assert_array_equal(off_grid(found[0]), 0)
    else:
        # A click lost in a dropped block may be missing, and one cut by a dropped block may be
        # found part of a block off (one click at most for each xrun). Every other click sits on
        # the grid (the one most clicks agree on), give or take whole blocks, no more of them than
        # the xruns counted.
        reference = max(found, key=lambda click: np.count_nonzero(off_grid(click) % BLOCK_FRAMES == 0))
        offsets = off_grid(reference)
        whole = offsets[offsets % BLOCK_FRAMES == 0]
        assert len(found) - len(whole) <= min(xruns, len(found) // 3), offsets
        assert np.abs(whole).max() // BLOCK_FRAMES <= xruns, offsets
    assert np.max(np.abs(captured)) <= 10 ** (-1 / 20)  # the limiter ceiling holds on the wire


def test_killed_engine_is_back_on_jack_within_2_s_with_its_state(jack_server):
    engine = start_engine()
    try:
        engine.act("transport", "bpm", 123)
        engine.act("transport", "playing", 1)
        wait_for(lambda: engine.state.playing and engine.state.bpm == 123, what="playing at 123 BPM")
        old_pid = engine.state.engine_pid
        os.kill(old_pid, signal.SIGKILL)
        killed_at = time.monotonic()
        wait_for(lambda: engine.state.engine_pid not in (old_pid, 0), timeout_s=5, what="a new engine")
        back_after_s = time.monotonic() - killed_at
        print(f"engine back on JACK {back_after_s:.2f} s after kill -9")
        assert back_after_s < 2.0
        state = engine.state
        assert state.backend == "jack" and state.playing and state.bpm == 123
        wait_for(lambda: "system:playback_1" in connections_of(jack_server, "ward-studio:output_1"),
                 timeout_s=2, what="the output to be connected again")
    finally:
        engine.stop()


def test_jack_going_away_mid_play_turns_sound_off_then_back_on(jack_server):
    engine = start_engine()
    try:
        engine.act("transport", "playing", 1)
        wait_for(lambda: engine.state.playing, what="the clock to play")
        jack_server.stop()

        wait_for(lambda: engine.state.backend == "none", timeout_s=5, what="the engine to go silent")
        messages = [event.message for event in engine.drain_events() if event.kind == "device_lost"]
        assert "The JACK audio server stopped. Sound is off until it is back; nothing you made is lost." in messages
        assert engine.state.playing  # the app carries on: the clock runs on in silent mode
        assert engine.restarts == 0  # a lost device is not reported as an engine crash

        jack_server.start()
        wait_for(lambda: engine.state.backend == "jack", timeout_s=15, what="sound to come back on JACK")
        assert engine.state.playing
    finally:
        engine.stop()


def test_a_taken_client_name_is_said_and_the_engine_still_plays(jack_server):
    squatter = jack.Client("ward-studio", no_start_server=True)
    squatter.outports.register("out")
    squatter.activate()
    try:
        engine = start_engine()
        try:
            assert "as 'ward-studio-2'" in engine.state.device_message
            notices = [e.message for e in engine.drain_events() if e.kind == "notice"]
            assert any("already uses the name 'ward-studio'" in message for message in notices)
            engine.act("transport", "playing", 1)
            wait_for(lambda: engine.state.playing, what="the clock to play")
            assert "ward-studio-2:output_1" in jack_server.ports()
        finally:
            engine.stop()
    finally:
        squatter.deactivate()
        squatter.close()
