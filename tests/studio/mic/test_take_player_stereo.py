"""The take player (shared by Mic and Export's Listen) keeps a stereo file's left and right, at the
file's own speed whatever the engine's rate, and from skip_frames counted at the engine's rate; a
mono take is still heard the same on both sides. Rendered in pyo manual mode."""

import numpy as np
import pytest
import soundfile

from tests.studio.take_render import BLOCK, play_take_alone

FILE_RATE = 48000


def zero_crossings_hz(signal: np.ndarray, rate: int) -> float:
    rising = np.where(np.diff(np.sign(signal)) > 0)[0]
    return len(rising) / (len(signal) / rate)


def play(path, skip_frames: int, rate: int, seconds: float = 0.6):
    return play_take_alone(path, skip_frames, rate, seconds)


@pytest.mark.parametrize("engine_rate", [48000, 44100])
def test_a_stereo_48k_file_plays_left_and_right_at_its_own_speed_from_the_frame_asked(tmp_path, engine_rate):
    t = np.arange(2 * FILE_RATE) / FILE_RATE
    audio = np.stack([0.3 * np.sin(2 * np.pi * 1000 * t), 0.3 * np.sin(2 * np.pi * 500 * t)], axis=1)
    audio[FILE_RATE:] *= 0.5  # the second second is quieter: where the skip lands shows
    path = tmp_path / "preview.wav"
    soundfile.write(path, audio.astype(np.float32), FILE_RATE, subtype="PCM_24")
    left, right, duration_s = play(path, engine_rate, engine_rate)  # skip one second, in the engine's frames
    assert duration_s == pytest.approx(1.0, abs=1e-3)
    middle = slice(engine_rate // 10, engine_rate // 2)
    assert zero_crossings_hz(left[middle], engine_rate) == pytest.approx(1000, abs=5)
    assert zero_crossings_hz(right[middle], engine_rate) == pytest.approx(500, abs=5)
    assert np.abs(left[middle]).max() == pytest.approx(0.15, abs=0.01)  # from the second second on
    assert np.abs(right[middle]).max() == pytest.approx(0.15, abs=0.01)


def test_a_mono_take_is_heard_the_same_on_both_sides(tmp_path):
    path = tmp_path / "take.wav"
    soundfile.write(path, np.full(FILE_RATE, 0.4, np.float32), FILE_RATE, subtype="FLOAT")
    left, right, _ = play(path, 0, FILE_RATE, 0.5)
    assert np.array_equal(left, right)
    assert left[FILE_RATE // 4] == pytest.approx(0.4, abs=1e-6)


def test_loading_a_3_minute_stereo_file_never_holds_the_interpreter_for_long(tmp_path):
    """The audio thread needs the interpreter lock every block: loading must leave it free often."""
    import threading
    import time

    from studio.audio.dsp import pyo
    from studio.audio.servers import make_server
    from studio.mic.take_player import TakePlayer

    path = tmp_path / "song.wav"
    rng = np.random.default_rng(3)
    soundfile.write(path, (0.1 * rng.standard_normal((180 * FILE_RATE, 2))).astype(np.float32), FILE_RATE,
                    subtype="PCM_24")
    server = make_server("manual", FILE_RATE, BLOCK, 2)
    server.start()
    try:
        player = TakePlayer(pyo.Sig(0.0))
        gaps_s, done = [], threading.Event()

        def tick():  # what the audio thread does: wake up every millisecond, needing the lock
            last = time.perf_counter()
            while not done.is_set():
                time.sleep(0.001)
                now = time.perf_counter()
                gaps_s.append(now - last)
                last = now

        ticker = threading.Thread(target=tick)
        ticker.start()
        started = time.perf_counter()
        duration_s = player.load(str(path), 0, FILE_RATE)
        loading_s = time.perf_counter() - started
        done.set()
        ticker.join()
        del player
    finally:
        server.stop()
        server.shutdown()
    assert duration_s == pytest.approx(180.0)
    assert loading_s > 0.1  # long enough for the gaps to mean something
    assert max(gaps_s) < 0.05  # pyo's SndTable held it for the whole load (0.4 s and more)
