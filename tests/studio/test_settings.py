"""Audio settings load, save and survive a broken file."""

import json

import pytest

from studio.settings import AudioSettings, check_settings, load_settings, save_settings, settings_path


def test_missing_file_gives_defaults_quietly():
    settings, problem = load_settings()
    assert settings == AudioSettings()
    assert problem == ""


def test_saved_settings_come_back():
    wanted = AudioSettings(backend="jack", sample_rate=44100, buffer_size=128)
    save_settings(wanted)
    assert load_settings() == (wanted, "")
    assert not [p for p in settings_path().parent.iterdir() if p.name.endswith(".tmp")]


def test_a_broken_file_gives_defaults_and_says_why():
    settings_path().parent.mkdir(parents=True)
    settings_path().write_text("{ not json")
    settings, problem = load_settings()
    assert settings == AudioSettings()
    assert problem.startswith("The audio settings file could not be used")
    assert problem.endswith("using the defaults.")


def test_a_bad_value_in_the_file_is_named():
    settings_path().parent.mkdir(parents=True)
    settings_path().write_text(json.dumps({"buffer_size": 300, "colour": "blue"}))
    settings, problem = load_settings()
    assert settings == AudioSettings()
    assert "buffer size must be one of 64, 128, 256, 512, 1024 frames, got 300" in problem


@pytest.mark.parametrize(
    "settings, message",
    [
        (AudioSettings(backend="alsa"), "audio backend must be one of auto, jack, portaudio, none, got 'alsa'"),
        (AudioSettings(sample_rate=96000), "sample rate must be one of 44100, 48000 Hz, got 96000"),
    ],
)
def test_bad_settings_are_refused_in_plain_words(settings, message):
    with pytest.raises(ValueError, match=message):
        check_settings(settings)
