"""ward-studio kit show PATH: the kit's name, then one line per sound; problems in plain words."""

import numpy as np

from studio.cli import main
from tests.studio.kits.make_audio import decaying_sine, write_sound


def test_kit_show_prints_the_name_then_one_line_per_sound(tmp_path, capsys):
    folder = tmp_path / "Bedroom Kit"
    folder.mkdir()
    write_sound(folder / "kick.wav", decaying_sine(60.0))
    write_sound(folder / "closed hat.flac", decaying_sine(8000.0, 0.1))
    write_sound(folder / "open hat.wav", decaying_sine(7000.0, 0.5))
    assert main(["kit", "show", str(folder)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Bedroom Kit"
    assert len(lines) == 4
    assert lines[1].split()[:4] == ["closed", "hat", "note", "42"]
    assert lines[2].split()[:3] == ["kick", "note", "36"]
    assert lines[3].split()[:4] == ["open", "hat", "note", "46"]
    assert "choke 1" in lines[1] and "choke 1" in lines[3] and "no choke" in lines[2]
    assert lines[1].endswith("closed hat.flac")


def test_kit_show_a_shipped_kit_by_name(capsys):
    assert main(["kit", "show", "trap"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "trap"
    assert len(lines) == 13
    assert lines[1].split()[:3] == ["808", "note", "35"]


def test_kit_show_warns_about_a_skipped_sound_on_stderr(tmp_path, capsys):
    folder = tmp_path / "Some Bad"
    folder.mkdir()
    write_sound(folder / "kick.wav", decaying_sine(60.0))
    write_sound(folder / "silence.wav", np.zeros(480, np.float32))
    assert main(["kit", "show", str(folder)]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0] == "Some Bad" and len(captured.out.splitlines()) == 2
    assert captured.err == 'ward-studio kit: "silence.wav" is silent. It was left out of the kit.\n'


def test_kit_show_of_a_folder_with_no_sounds_fails_with_one_plain_line(tmp_path, capsys):
    assert main(["kit", "show", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        f'ward-studio kit: There are no sounds in "{tmp_path.name}": '
        "a kit is a folder of WAV, FLAC, OGG or MP3 files.\n"
    )


def test_kit_list_names_the_shipped_kits(capsys):
    assert main(["kit", "list"]) == 0
    assert capsys.readouterr().out.split() == ["acoustic", "boom-bap", "house", "percussion", "trap"]
