"""main.py's options: wrong values warn in plain words and fall back to something safe."""

from apps.options import parse_options
from studio.settings import AudioSettings

SAVED = AudioSettings(backend="portaudio", sample_rate=44100, buffer_size=512)


def test_no_options_use_the_saved_settings():
    options = parse_options([])
    assert options.warnings == []
    assert options.audio_settings(SAVED) == SAVED
    assert options.window_size == (1280, 800)
    assert options.first_screen == "launcher"


def test_known_options_override_for_this_run():
    options = parse_options(["--audio", "jack", "--sample-rate", "48000", "--buffer-size", "128",
                             "--size", "2048x1536", "--open", "mic", "--fullscreen", "--demo"])
    assert options.warnings == []
    assert options.audio_settings(SAVED) == AudioSettings(backend="jack", sample_rate=48000, buffer_size=128)
    assert options.window_size == (2048, 1536)
    assert options.first_screen == "mic"
    assert options.fullscreen and options.demo


def test_unknown_audio_backend_warns_and_uses_automatic():
    options = parse_options(["--audio", "foo"])
    assert options.warnings == [
        "Unknown audio backend 'foo': choose jack, portaudio or none. Using automatic choice."]
    assert options.audio_settings(SAVED).backend == "auto"


def test_bad_values_warn_and_keep_safe_choices():
    options = parse_options(["--size", "huge", "--open", "piano", "--sample-rate", "22050",
                             "--buffer-size", "100"])
    assert len(options.warnings) == 4
    assert options.warnings[0].startswith("Unknown window size 'huge'")
    assert options.warnings[1].startswith("Unknown app 'piano'")
    assert "choose 44100 or 48000" in options.warnings[2]
    assert "choose 64, 128, 256, 512, 1024" in options.warnings[3]
    assert options.window_size == (1280, 800)
    assert options.first_screen == "launcher"
    assert options.audio_settings(SAVED) == SAVED
