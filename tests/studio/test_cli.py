"""The ward-studio command."""

import subprocess
import sys
from pathlib import Path

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
