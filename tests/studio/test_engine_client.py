"""The engine process, driven from the app's side, with no sound card (silent mode)."""

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from studio.engine.client import FORCED_SILENT_MESSAGE, MAX_QUICK_CRASHES, RESTARTED_MESSAGE, EngineClient
from studio.settings import AudioSettings


def wait_for(condition, timeout_s=10.0, what="condition"):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


@pytest.fixture
def engine():
    client = EngineClient(AudioSettings(backend="none"))
    client.start()
    wait_for(lambda: client.state.backend != "starting", what="the engine's first state")
    yield client
    client.stop()


def test_silent_mode_starts_and_says_so(engine):
    state = engine.state
    assert state.backend == "none"
    assert not state.device_ok
    assert state.device_message == "Sound is off (silent mode chosen)"
    assert state.sample_rate == 48000 and state.buffer_size == 256
    assert [event.kind for event in engine.drain_events()] == ["started"]


def test_state_keeps_coming_at_about_25_hz(engine):
    first = engine.state.uptime_s
    time.sleep(1.0)
    assert engine.state.uptime_s - first == pytest.approx(1.0, abs=0.2)


def test_transport_runs_in_silent_mode(engine):
    engine.act("transport", "bpm", 120)
    engine.act("transport", "playing", 1)
    wait_for(lambda: engine.state.beat >= 3, what="three beats")  # 1 s at 120 BPM
    state = engine.state
    assert state.playing
    assert state.position_s == pytest.approx((state.beat - 1) * 0.5, abs=0.6)
    # The click moves the meter although nothing is heard (read at 25 Hz: within a few beats).
    wait_for(lambda: engine.state.meter_db[0] > -60, timeout_s=3.0, what="the click to move the meter")
    engine.act("transport", "playing", 0)
    wait_for(lambda: not engine.state.playing, what="the clock to stop")


def test_a_bad_value_is_refused_before_it_reaches_the_engine(engine):
    with pytest.raises(ValueError, match="transport/bpm must be in range 60..200 BPM, got 500"):
        engine.act("transport", "bpm", 500)
    assert engine.value("transport", "bpm") == 90.0


def test_killed_engine_comes_back_within_2_s_with_its_state(engine):
    engine.act("master", "volume_db", -20)
    engine.act("transport", "bpm", 140)
    engine.act("transport", "playing", 1)
    wait_for(lambda: engine.state.playing and engine.state.bpm == 140, what="playing at 140 BPM")
    old_pid = engine.state.engine_pid
    engine.drain_events()

    os.kill(old_pid, signal.SIGKILL)
    killed_at = time.monotonic()
    wait_for(lambda: engine.state.engine_pid not in (old_pid, 0), timeout_s=5, what="a new engine")
    back_after_s = time.monotonic() - killed_at

    assert back_after_s < 2.0
    state = engine.state
    assert state.playing
    assert state.controls[("master", "volume_db")] == -20
    assert state.controls[("transport", "bpm")] == 140
    restarted = [event for event in engine.drain_events() if event.kind == "restarted"]
    assert [event.message for event in restarted] == [RESTARTED_MESSAGE]
    assert engine.restarts == 1


def test_a_hung_engine_is_replaced(engine):
    old_pid = engine.state.engine_pid
    os.kill(old_pid, signal.SIGSTOP)  # alive but silent, as if stuck
    try:
        wait_for(lambda: engine.state.engine_pid not in (old_pid, 0), timeout_s=5, what="a new engine")
    finally:
        with contextlib.suppress(ProcessLookupError):  # the client may have ended it already
            os.kill(old_pid, signal.SIGCONT)
    assert engine.restarts == 1


def test_a_flood_of_actions_never_blocks_and_the_last_value_wins(engine):
    for step in range(5000):
        engine.act("master", "volume_db", -60 + step % 60)
    engine.act("master", "volume_db", -33)
    wait_for(lambda: engine.state.controls[("master", "volume_db")] == -33, what="the last volume")


def test_new_settings_restart_the_engine_keeping_controls(engine):
    engine.act("metronome", "level_db", -3)
    engine.change_settings(AudioSettings(backend="none", buffer_size=512))
    wait_for(lambda: engine.state.buffer_size == 512, what="the new buffer size")
    assert engine.state.controls[("metronome", "level_db")] == -3
    assert engine.restarts == 0  # a planned restart is not reported as a crash


def test_engine_falls_back_to_silent_when_jack_is_not_running(monkeypatch):
    monkeypatch.setenv("JACK_DEFAULT_SERVER", "ward-studio-test-no-such-server")
    client = EngineClient(AudioSettings(backend="jack"))
    client.start()
    try:
        wait_for(lambda: client.state.backend != "starting", what="the engine's first state")
        assert client.state.backend == "none"
        message = "Could not connect to the JACK audio server (is it running?). Sounds are silent for now."
        assert client.state.device_message == message
        assert [e.kind for e in client.drain_events()] == ["device_lost", "started"]
    finally:
        client.stop()


def test_engine_ends_when_the_app_is_killed(tmp_path):
    pid_file = tmp_path / "engine.pid"
    app = textwrap.dedent(f"""
        import os
        import time
        from studio.engine.client import EngineClient
        from studio.settings import AudioSettings
        if __name__ == "__main__":
            client = EngineClient(AudioSettings(backend="none"))
            client.start()
            while client.state.backend == "starting":
                time.sleep(0.01)
            open({str(pid_file) + ".tmp"!r}, "w").write(str(client.state.engine_pid))
            os.replace({str(pid_file) + ".tmp"!r}, {str(pid_file)!r})
            time.sleep(60)
    """)
    script = tmp_path / "app.py"
    script.write_text(app)
    process = subprocess.Popen([sys.executable, str(script)], cwd=os.getcwd())
    try:
        wait_for(pid_file.exists, what="the app's engine to start")
        engine_pid = int(pid_file.read_text())
        process.kill()
        process.wait()
        wait_for(lambda: not _alive(engine_pid), timeout_s=5, what="the orphaned engine to end")
    finally:
        process.kill()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped by init) counts as gone
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(")")[1].split()[0] != "Z"


def test_engine_falls_back_to_silent_when_there_is_no_sound_device():
    from studio.audio.backends import portaudio_output_available

    if portaudio_output_available():
        pytest.skip("this machine has a sound device")
    client = EngineClient(AudioSettings(backend="portaudio"))
    client.start()
    try:
        wait_for(lambda: client.state.backend != "starting", what="the engine's first state")
        assert client.state.backend == "none"
        assert client.state.device_message == "No sound device was found. Sounds are silent for now."
        assert client.restarts == 0
    finally:
        client.stop()


def test_an_engine_that_keeps_dying_at_start_leaves_sound_off_and_says_why():
    client = EngineClient(AudioSettings(backend="auto"))
    client.start()
    try:
        for _ in range(MAX_QUICK_CRASHES):
            wait_for(lambda: client.engine_pid == client.state.engine_pid, what="the new engine to answer")
            os.kill(client.state.engine_pid, signal.SIGKILL)
            wait_for(lambda: client.state.engine_pid != client.engine_pid, what="the kill to be noticed")
        wait_for(lambda: client.state.device_message == FORCED_SILENT_MESSAGE, what="sound to be turned off")
        assert client.state.backend == "none"
        assert FORCED_SILENT_MESSAGE in [e.message for e in client.drain_events() if e.kind == "error"]
    finally:
        client.stop()
