"""The decks inside the engine process (silent mode): a track loads in chunks, plays, and
comes back on its deck after the engine is killed; an ejected deck stays empty, restart or not."""

import os
import signal

import numpy as np

from studio.engine.messages import LoadTrack
from tests.studio.test_engine_client import engine, wait_for  # noqa: F401  (engine is a fixture)

SR = 48000


def write_track(path, seconds=30.0, freq_hz=440.0):
    n = np.arange(int(seconds * SR))
    mono = (0.5 * np.sin(2 * np.pi * freq_hz * n / SR)).astype("<f4")
    np.stack([mono, mono], axis=1).tofile(path)
    return len(mono)


def test_a_track_loads_plays_and_is_back_after_the_engine_is_killed(engine, tmp_path):  # noqa: F811
    frames = write_track(tmp_path / "track.f32")
    engine.prepare_decks(60.0)
    engine.load_track(LoadTrack(1, str(tmp_path / "track.f32"), frames, SR, title="Sine", bpm=120.0,
                                gain_db=-3.0, hot_cues_s=(None, 2.0)))
    loaded = []
    wait_for(lambda: loaded.extend(e for e in engine.drain_events() if e.kind == "track_loaded") or loaded,
             what="the track on deck 1")
    wait_for(lambda: engine.state.decks[0].loaded, what="the next state to show it")
    deck = engine.state.decks[0]
    assert deck.loaded and deck.title == "Sine" and deck.duration_s == 30.0
    assert deck.hot_cues_s[1] == 2.0
    wait_for(lambda: engine.state.controls[("deck1", "gain_db")] == -3.0, what="the suggested gain")
    engine.act("master", "volume_db", 0.0)
    engine.act("deck1", "playing", 1)
    wait_for(lambda: engine.state.decks[0].position_s > 0.5, what="the deck to play")
    wait_for(lambda: engine.state.meter_db[0] > -20, what="the deck on the meter")
    old_pid = engine.state.engine_pid
    os.kill(old_pid, signal.SIGKILL)
    wait_for(lambda: engine.state.engine_pid not in (old_pid, 0), timeout_s=5, what="a new engine")
    wait_for(lambda: engine.state.decks and engine.state.decks[0].loaded, what="the track back on deck 1")
    assert engine.state.decks[0].hot_cues_s[1] == 2.0


def test_an_ejected_deck_is_silent_and_stays_empty_after_a_restart(engine, tmp_path):  # noqa: F811
    frames = write_track(tmp_path / "take.f32")
    engine.prepare_decks(60.0)
    engine.load_track(LoadTrack(1, str(tmp_path / "take.f32"), frames, SR, title="Maya's verse"))
    wait_for(lambda: engine.state.decks[0].loaded, what="the take on deck 1")
    engine.act("master", "volume_db", 0.0)
    engine.act("deck1", "playing", 1)
    wait_for(lambda: engine.state.meter_db[0] > -20, what="the deck on the meter")
    engine.eject_track(1)
    wait_for(lambda: not engine.state.decks[0].loaded and not engine.state.decks[0].playing, what="an empty deck")
    wait_for(lambda: engine.state.decks[0].meter_db <= -119 and engine.state.meter_db[0] <= -59.9,
             what="silence on the deck and on the master meter (its floor is -60 dB)")
    assert engine.state.decks[0].title == ""
    old_pid = engine.state.engine_pid
    os.kill(old_pid, signal.SIGKILL)
    wait_for(lambda: engine.state.engine_pid not in (old_pid, 0), timeout_s=5, what="a new engine")
    wait_for(lambda: engine.state.uptime_s > 1.0, what="the new engine to settle")
    assert not engine.state.decks[0].loaded  # not loaded again


def test_a_track_longer_than_a_deck_holds_is_refused_in_plain_words(engine, tmp_path):  # noqa: F811
    frames = write_track(tmp_path / "long.f32", seconds=12.0)
    engine.prepare_decks(10.0)
    engine.drain_events()
    engine.load_track(LoadTrack(2, str(tmp_path / "long.f32"), frames, SR, title="Long one"))
    errors = []
    wait_for(lambda: errors.extend(e for e in engine.drain_events() if e.kind == "error") or errors, what="the error")
    assert "longer than a deck holds" in errors[0].message
    assert not engine.state.decks[1].loaded


def test_a_missing_decoded_file_is_said_and_the_engine_plays_on(engine, tmp_path):  # noqa: F811
    engine.prepare_decks(10.0)
    engine.drain_events()
    engine.load_track(LoadTrack(1, str(tmp_path / "gone.f32"), 1000, SR, title="Gone"))
    errors = []
    wait_for(lambda: errors.extend(e for e in engine.drain_events() if e.kind == "error") or errors, what="the error")
    assert errors[0].message.startswith("“Gone” could not be loaded")
    engine.act("transport", "playing", 1)
    wait_for(lambda: engine.state.playing, what="the engine still going")


def test_the_mix_is_recorded_as_a_stereo_take(engine, tmp_path):  # noqa: F811
    import soundfile

    from studio.mic.takes import TakeStore

    frames = write_track(tmp_path / "track.f32", seconds=10.0)
    engine.prepare_decks(20.0)
    engine.load_track(LoadTrack(1, str(tmp_path / "track.f32"), frames, SR, title="Sine"))
    wait_for(lambda: engine.state.decks and engine.state.decks[0].loaded, what="the track")
    engine.act("deck1", "playing", 1)
    engine.act("mixer", "crossfader", -1.0)
    engine.act("mixer", "recording", 1)
    wait_for(lambda: engine.state.mix_recording and engine.state.mix_seconds > 1.0, what="a second of the mix")
    engine.drain_events()
    engine.act("mixer", "recording", 0)
    saved = []
    wait_for(lambda: saved.extend(e for e in engine.drain_events() if e.kind == "take_saved") or saved,
             what="the mix saved")
    take = saved[0].data["take"]
    assert take["name"].startswith("Mix ") and take["channels"] == 2
    audio, rate = soundfile.read(TakeStore().wav_path(take["take_id"]), always_2d=True)
    assert rate == SR and audio.shape[1] == 2 and len(audio) > SR
    assert np.max(np.abs(audio[SR // 2:])) > 0.3  # the deck, recorded before the listening volume
