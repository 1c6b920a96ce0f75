"""Takes recorded by the engine process (silent mode): a take is saved whole with its details,
lines up with its backing's count-in, and one cut short by kill -9 is recovered, still its
participant's (the owner is written when the take starts, and replayed to a restarted engine)."""

import os
import signal

import soundfile

from studio.mic.takes import TakeStore
from tests.studio.test_engine_client import engine, wait_for  # noqa: F401  (engine is a fixture)


def take_events(client, kind):
    return [event for event in client.drain_events() if event.kind == kind]


def test_a_take_records_over_the_beat_and_is_saved_whole(engine):  # noqa: F811
    engine.act("beats", "count_in_bars", 1)
    engine.act("mic", "recording", 1)
    wait_for(lambda: engine.state.take_recording and engine.state.beats_playing, what="the take and its backing")
    wait_for(lambda: engine.state.take_seconds >= 1.5, what="a second and a half of take")
    engine.act("mic", "recording", 0)
    saved = []
    wait_for(lambda: saved.extend(take_events(engine, "take_saved")) or saved, what="the saved take")
    take = saved[0].data["take"]
    wait_for(lambda: not engine.state.take_recording, what="the state to say so")
    wait_for(lambda: not engine.state.beats_playing, what="the backing to stop with the take")
    assert take["backing"] == "beat" and take["bpm"] == 90.0 and not take["recording"]
    assert take["participant_id"] is None  # no owner was set: nobody's
    count_in = round(48000 * 4 * 60 / 90)  # one bar at 90 BPM
    # + the master bus's look-ahead (silent: no device latency), + the blocks that passed between
    # the take's start and its backing's (the engine's loop runs beside the audio thread), + 1: the
    # backing's mark is the sample before its first sound
    assert (take["align_frames"] - count_in - 48 - 1) % 256 == 0 and count_in + 48 < take["align_frames"] < count_in + 2048
    info = TakeStore().list()[0]
    audio, rate = soundfile.read(TakeStore().wav_path(info.take_id))
    assert rate == 48000 and len(audio) == take["frames"] >= 1.5 * 48000
    assert ("mic", "recording") not in engine.state.controls  # never replayed after a restart


def test_a_take_cut_short_by_kill_9_comes_back_when_the_engine_restarts(engine):  # noqa: F811
    engine.act("mic", "backing", 0)
    engine.set_take_owner(7)
    engine.act("mic", "recording", 1)
    wait_for(lambda: engine.state.take_seconds >= 2.0, what="two seconds of take")
    seconds = engine.state.take_seconds
    old_pid = engine.state.engine_pid
    os.kill(old_pid, signal.SIGKILL)
    wait_for(lambda: engine.state.engine_pid not in (old_pid, 0), timeout_s=5, what="a new engine")
    recovered = []
    wait_for(lambda: recovered.extend(take_events(engine, "take_recovered")) or recovered, what="the recovery")
    take = recovered[0].data["takes"][0]
    assert take["recovered"] and not take["recording"]
    assert take["participant_id"] == 7  # cut short, still hers
    assert take["frames"] >= (seconds - 1.0) * 48000  # at most a second lost
    assert "Take 1" in recovered[0].message
    wait_for(lambda: engine.state.uptime_s > 0.5, what="the new engine to settle")
    assert not engine.state.take_recording  # a restarted engine does not carry on recording
    engine.act("mic", "recording", 1)  # the owner was replayed to the new engine
    wait_for(lambda: engine.state.take_seconds >= 0.5, what="half a second of a new take")
    engine.act("mic", "recording", 0)
    saved = []
    wait_for(lambda: saved.extend(take_events(engine, "take_saved")) or saved, what="the saved take")
    assert saved[0].data["take"]["participant_id"] == 7


def test_a_take_plays_back_with_its_backing_and_stops_at_its_end(engine):  # noqa: F811
    engine.act("beats", "count_in_bars", 0)
    engine.act("mic", "recording", 1)
    wait_for(lambda: engine.state.take_seconds >= 1.0, what="a second of take")
    engine.act("mic", "recording", 0)
    saved = []
    wait_for(lambda: saved.extend(take_events(engine, "take_saved")) or saved, what="the saved take")
    take = saved[0].data["take"]
    path = str(TakeStore().wav_path(take["take_id"]))
    wait_for(lambda: not engine.state.beats_playing, what="the backing to stop")
    engine.play_take(path, take["align_frames"], take["backing"])
    wait_for(lambda: engine.state.take_playing == path and engine.state.beats_playing, what="the take and its beat")
    wait_for(lambda: engine.state.take_playing == "", timeout_s=5, what="the take to end")
    wait_for(lambda: not engine.state.beats_playing, what="its beat to stop with it")


def test_a_take_that_cannot_be_read_is_said(engine, tmp_path):  # noqa: F811
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF nonsense")
    engine.drain_events()
    engine.play_take(str(broken), 0, "none")
    errors = []
    wait_for(lambda: errors.extend(e for e in engine.drain_events() if e.kind == "error") or errors,
             what="the error")
    assert errors[0].message.startswith("This take could not be played")
    assert engine.state.take_playing == ""


def test_a_take_is_kept_whole_when_the_app_is_killed(tmp_path):
    import subprocess
    import sys
    import time

    from tests.apps.apps_test_support import REPO

    app = subprocess.Popen([sys.executable, "-m", "tests.studio.app_that_records"], cwd=REPO,
                           stdout=subprocess.PIPE, text=True)
    try:
        engine_pid, seconds = app.stdout.readline().split()
        os.kill(app.pid, signal.SIGKILL)  # the app dies; the engine notices and ends the take
        app.wait(5)
        deadline = time.monotonic() + 10
        while os.path.exists(f"/proc/{engine_pid}") and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not os.path.exists(f"/proc/{engine_pid}"), "the engine outlived the app"
    finally:
        app.kill()
    take = TakeStore().list()[0]
    assert not take.recording and not take.recovered  # finished by the engine, not pieced together later
    assert take.frames >= float(seconds) * 48000
    audio, _ = soundfile.read(TakeStore().wav_path(take.take_id))
    assert len(audio) == take.frames


def test_a_punch_in_records_while_the_take_plays_and_is_joined_into_a_new_take(engine):  # noqa: F811
    from studio.mic.punch_in import save_punched_in

    engine.act("beats", "count_in_bars", 0)
    engine.set_take_owner(3)
    engine.act("mic", "recording", 1)
    wait_for(lambda: engine.state.take_seconds >= 2.0, what="a first take")
    engine.act("mic", "recording", 0)
    first = []
    wait_for(lambda: first.extend(take_events(engine, "take_saved")) or first, what="the first take")
    wait_for(lambda: not engine.state.beats_playing, what="the backing to stop")
    store = TakeStore()
    original = store.list()[0]
    path = str(store.wav_path(original.take_id))
    engine.record_over(path, original.align_frames, "beat", (0.0, 1.0))
    wait_for(lambda: engine.state.take_recording and engine.state.take_playing == path,
             what="recording while the first take plays")
    wait_for(lambda: engine.state.take_seconds >= 2.0, what="the punch-in")
    engine.act("mic", "recording", 0)
    second = []
    wait_for(lambda: second.extend(take_events(engine, "take_saved")) or second, what="the second take")
    wait_for(lambda: engine.state.take_playing == "", what="the first take to stop with it")
    new = next(take for take in store.list() if take.take_id == second[0].data["take"]["take_id"])
    joined = save_punched_in(store, original, new, 0.5, 1.0)
    assert joined.name == "Take 1 (punched in)" and joined.align_frames == original.align_frames
    assert original.participant_id == new.participant_id == joined.participant_id == 3  # all three hers
    assert len(store.list()) == 3  # nothing was overwritten
