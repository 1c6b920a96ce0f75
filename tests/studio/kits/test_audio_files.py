"""Reading one-shots: every format, resampled to 48 kHz, and plain words for what cannot be a pad's sound."""

import numpy as np
import pytest
import soundfile

from studio.kits import KitError
from studio.kits.audio_files import read_one_shot
from tests.studio.kits.make_audio import decaying_sine, write_sound
from tests.studio.signals import dominant_frequency_hz


@pytest.mark.parametrize("suffix,file_rate", [(".wav", 48000), (".flac", 44100), (".ogg", 32000), (".mp3", 44100)])
def test_each_format_reads_as_float32_at_48_khz_with_its_pitch_kept(tmp_path, suffix, file_rate):
    path = write_sound(tmp_path / f"tone{suffix}", decaying_sine(440.0, 0.5, file_rate), file_rate)
    samples = read_one_shot(path)
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert len(samples) / 48000 == pytest.approx(0.5, abs=0.06)  # lossy codecs pad or trim a little
    assert dominant_frequency_hz(samples, 48000) == pytest.approx(440.0, abs=3.0)
    assert np.max(np.abs(samples)) == pytest.approx(0.5, abs=0.05)


def test_stereo_stays_stereo_and_identical_channels_become_mono(tmp_path):
    left, right = decaying_sine(200.0), decaying_sine(300.0)
    stereo = read_one_shot(write_sound(tmp_path / "wide.wav", np.stack([left, right], axis=1)))
    assert stereo.ndim == 2 and stereo.shape[1] == 2
    assert dominant_frequency_hz(stereo[:, 1], 48000) == pytest.approx(300.0, abs=3.0)
    same = read_one_shot(write_sound(tmp_path / "narrow.wav", np.stack([left, left], axis=1)))
    assert same.ndim == 1


def test_leading_silence_is_cut_so_the_pad_sounds_at_once(tmp_path):
    late = np.concatenate([np.zeros(4800, np.float32), decaying_sine(300.0)])
    samples = read_one_shot(write_sound(tmp_path / "late.wav", late))
    assert abs(samples[0]) < 0.05 and np.argmax(np.abs(samples) > 0.1) < 48


def test_ffmpeg_decodes_what_soundfile_cannot(tmp_path, monkeypatch):
    path = write_sound(tmp_path / "tone.mp3", decaying_sine(440.0, 0.5, 44100), 44100)

    def refuse(*args, **kwargs):
        raise soundfile.SoundFileError("Format not recognised.")

    monkeypatch.setattr(soundfile, "info", refuse)
    samples = read_one_shot(path)
    assert dominant_frequency_hz(samples, 48000) == pytest.approx(440.0, abs=3.0)


def test_a_file_that_is_not_sound_is_refused_in_plain_words(tmp_path):
    path = tmp_path / "notes.wav"
    path.write_text("these are my lyrics, not a sound")
    with pytest.raises(KitError) as error:
        read_one_shot(path)
    assert str(error.value) == '"notes.wav" could not be read: it is not a sound file this studio can open.'


def test_a_silent_file_is_refused(tmp_path):
    path = write_sound(tmp_path / "quiet.flac", np.zeros(4800, np.float32) + 1e-5)
    with pytest.raises(KitError) as error:
        read_one_shot(path)
    assert str(error.value) == '"quiet.flac" is silent.'


@pytest.mark.parametrize("suffix", [".wav", ".mp3"])
def test_a_file_longer_than_ten_seconds_is_refused(tmp_path, suffix):
    path = write_sound(tmp_path / f"song{suffix}", decaying_sine(220.0, 11.0, 8000), 8000)
    with pytest.raises(KitError) as error:
        read_one_shot(path)
    assert str(error.value) == f'"song{suffix}" is too long for a drum pad (more than 10 seconds).'


def test_an_enormous_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.wav"
    with path.open("wb") as file:  # sparse: takes no disk space
        file.truncate(60_000_000)
    with pytest.raises(KitError) as error:
        read_one_shot(path)
    assert str(error.value) == '"huge.wav" is too big for a drum pad (60 MB; 50 MB at most).'


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(KitError) as error:
        read_one_shot(tmp_path / "gone.wav")
    assert str(error.value) == '"gone.wav" could not be found.'


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.wav"
    soundfile.write(path, np.zeros(0, np.float32), 48000)
    with pytest.raises(KitError) as error:
        read_one_shot(path)
    assert str(error.value) == '"empty.wav" holds no sound.'
