"""The ward-studio command."""

import subprocess
import sys
from pathlib import Path

import pytest

from studio.cli import main


def test_devices_explains_the_choice_with_no_sound_card(capsys, monkeypatch):
    monkeypatch.setenv("JACK_DEFAULT_SERVER", "ward-studio-test-no-such-server")
    monkeypatch.setattr("studio.audio.backends.portaudio_output_available", lambda: False)
    assert main(["devices"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["JACK", "server:", "not", "running"]
    assert out[-1] == (
        "Ward Studio would use silent mode "
        "(No audio output found: the studio works, but sounds are silent)."
    )


def test_no_subcommand_shows_help_and_fails(capsys):
    assert main([]) == 2
    assert "devices" in capsys.readouterr().out


def test_the_console_script_is_installed():
    script = Path(sys.executable).parent / "ward-studio"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.strip().startswith("Ward Studio ")


def test_render_writes_the_beat_as_audio(tmp_path, capsys):
    import soundfile

    from studio.beats.beat_file import save_beat
    from studio.beats.model import Beat

    beat = Beat(bpm=120.0, kit="house")
    beat.patterns["A"].rows[0].velocities = [1.0, 0.0, 0.0, 0.0] * 4
    save_beat(beat, tmp_path / "my.beat")
    assert main(["render", str(tmp_path / "my.beat"), "--out", str(tmp_path / "my.wav"), "--bars", "2"]) == 0
    path, duration, bars = capsys.readouterr().out.strip().split("\t")
    assert path == str(tmp_path / "my.wav") and bars == "2 bars"
    info = soundfile.info(tmp_path / "my.wav")
    assert info.duration == pytest.approx(4.0 + 1.0, abs=0.01)  # two bars at 120 BPM and the tail


def test_midi_writes_a_standard_midi_file(tmp_path):
    import mido

    from studio.beats.beat_file import save_beat
    from studio.beats.model import Beat

    beat = Beat()
    beat.patterns["A"].rows[0].velocities = [1.0] + [0.0] * 15
    save_beat(beat, tmp_path / "my.beat")
    assert main(["midi", str(tmp_path / "my.beat"), "--out", str(tmp_path / "my.mid")]) == 0
    notes = [m for m in mido.MidiFile(tmp_path / "my.mid") if m.type == "note_on" and m.velocity]
    assert [(m.note, m.channel) for m in notes] == [(36, 9)]


def test_a_broken_beat_file_is_one_plain_line(tmp_path, capsys):
    (tmp_path / "broken.beat").write_text("{ not a beat")
    assert main(["render", str(tmp_path / "broken.beat"), "--out", str(tmp_path / "x.wav")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("ward-studio render: This beat file is damaged")
    assert not (tmp_path / "x.wav").exists()
