"""ward-studio analyze, run as the real command: one line per track, one plain line on stderr per
track that cannot be read, exit code 1 if any could not; never a traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.studio.decks.track_audio import drum_loop, write_track


def analyze(*args, cwd=None):
    script = Path(sys.executable).parent / "ward-studio"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "studio.cli"]
    return subprocess.run([*command, "analyze", *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_each_track_is_one_tab_separated_line(tmp_path):
    wav = write_track(tmp_path / "beat 96.wav", drum_loop(96.0, 20.0, first_downbeat_s=0.37))
    mp3 = write_track(tmp_path / "f\u00fcnf 123.5.mp3", drum_loop(123.5, 20.0))
    result = analyze(wav, mp3)
    assert result.returncode == 0 and result.stderr == ""
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert [fields[0] for fields in lines] == [str(wav), str(mp3)]
    assert [fields[1] for fields in lines] == ["96.0", "123.5"]
    fields = dict(field.split("=", 1) for field in lines[0][2:])
    assert set(fields) >= {"key", "gain_db", "first_beat_s", "lufs"}
    assert float(fields["first_beat_s"]) == pytest.approx(0.37, abs=0.02)
    assert float(fields["gain_db"]) == pytest.approx(-14.0 - float(fields["lufs"]), abs=0.06)


def test_unreadable_files_are_one_plain_line_each_and_the_others_still_print(tmp_path):
    good = write_track(tmp_path / "good.flac", drum_loop(100.0, 10.0))
    (tmp_path / "song.mp3").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40)
    (tmp_path / "x.wav").write_bytes(b"")
    result = analyze(tmp_path / "song.mp3", good, tmp_path / "x.wav", tmp_path / "missing.ogg")
    assert result.returncode == 1
    assert [line.split("\t")[:2] for line in result.stdout.splitlines()] == [[str(good), "100.0"]]
    assert result.stderr.splitlines() == [
        "ward-studio analyze: \u201csong.mp3\u201d is not an audio file we can read.",
        "ward-studio analyze: \u201cx.wav\u201d is empty (no sound in it).",
        "ward-studio analyze: \u201cmissing.ogg\u201d could not be found.",
    ]
    assert "Traceback" not in result.stderr


def test_a_name_starting_with_a_dash_and_music_with_no_beat(tmp_path):
    dashed = write_track(tmp_path / "-dash.wav", drum_loop(110.0, 10.0))
    noise = write_track(tmp_path / "noise.wav", (0.1 * __import__("numpy").random.default_rng(1)
                                                 .standard_normal((44100 * 10, 2))).astype("float32"))
    result = analyze("--", dashed.name, noise.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [line.split("\t")[:2] for line in result.stdout.splitlines()]
    assert lines == [["-dash.wav", "110.0"], ["noise.wav", "0.0"]]
