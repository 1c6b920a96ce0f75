"""Exported sound files decode back to what was given; a file appears whole under its name, or not at all."""

import collections
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from studio.export import audio_files
from studio.export.audio_files import (
    FORMAT_LABELS, FORMATS, StartedEncoder, check_out_dir, extension_of, free_name, write_audio,
)
from studio.export.errors import ExportCancelled, ExportError, ExportFileExists
from studio.export.tags import Tags
from tests.studio.small_disks import read_only_folder_at, small_disk_at

SR = 48000
REPO = Path(__file__).resolve().parents[3]
CODEC_FRAME = {"wav-16": 0, "wav-24": 0, "flac": 0, "mp3-192": 1152, "mp3-320": 1152, "ogg": 2048, "m4a": 1024}


def tone(seconds: float = 1.0, peak: float = 0.5) -> np.ndarray:
    """Stereo: 440 Hz on the left at peak, 660 Hz on the right at half of it."""
    t = np.arange(int(seconds * SR)) / SR
    return np.stack([peak * np.sin(2 * np.pi * 440 * t), 0.5 * peak * np.sin(2 * np.pi * 660 * t)],
                    axis=1).astype(np.float32)


def noise(seconds: float) -> np.ndarray:
    return (0.3 * np.random.default_rng(7).standard_normal((int(seconds * SR), 2))).astype(np.float32)


def decode(path: Path, channels: int = 2) -> np.ndarray:
    """(frames, channels) float32: soundfile for WAV, FLAC and OGG; ffmpeg for MP3 and M4A."""
    if path.suffix in (".wav", ".flac", ".ogg"):
        samples, rate = soundfile.read(path, dtype="float32", always_2d=True)
        assert rate == SR
        return samples
    done = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-f", "f32le", "-ac",
                           str(channels), "-ar", str(SR), "-"], capture_output=True, check=True)
    return np.frombuffer(done.stdout, "<f4").reshape(-1, channels)


def rms_db(samples: np.ndarray) -> float:
    return 20 * np.log10(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))


@pytest.fixture
def small_disk(tmp_path, monkeypatch):
    """A real 32 KiB disk, with the space check turned off so that the writes themselves meet the full disk."""
    monkeypatch.setattr(audio_files, "MIN_FREE_BYTES", 0)
    monkeypatch.setattr(audio_files, "estimated_bytes", lambda *args, **kwargs: 0)
    with small_disk_at(tmp_path / "small-disk", "32k", "a full disk is still tested with RLIMIT_FSIZE and with "
                       "an encoder that says so") as mount_point:
        yield mount_point


@pytest.fixture
def read_only_folder(tmp_path):
    with read_only_folder_at(tmp_path / "read-only") as folder:
        yield folder


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_decodes_back_to_its_length_and_level(tmp_path, fmt):
    audio = tone(1.5)
    path = write_audio(audio, SR, tmp_path / f"Song{extension_of(fmt)}", fmt)
    assert path == tmp_path / f"Song{extension_of(fmt)}"
    assert os.listdir(tmp_path) == [path.name]  # no temporary file left beside it
    decoded = decode(path)
    assert abs(len(decoded) - len(audio)) <= CODEC_FRAME[fmt]
    middle = slice(SR // 4, SR * 5 // 4)  # away from the codecs' start and end
    for channel in (0, 1):
        assert abs(rms_db(decoded[middle, channel]) - rms_db(audio[middle, channel])) < 0.5
    if fmt in ("wav-16", "wav-24", "flac"):
        step = 2.0 ** -15 if fmt == "wav-16" else 2.0 ** -23
        assert np.max(np.abs(decoded - audio)) <= step


@pytest.mark.parametrize("fmt", ["wav-16", "wav-24", "flac", "mp3-320"])
def test_samples_beyond_full_scale_are_clipped_not_wrapped(tmp_path, fmt):
    audio = tone(0.5, peak=1.5)
    decoded = decode(write_audio(audio, SR, tmp_path / f"Loud{extension_of(fmt)}", fmt))
    if fmt != "mp3-320":
        assert np.array_equal(np.sign(decoded[audio > 1.0]), np.ones(int(np.sum(audio > 1.0))))
        assert np.max(np.abs(decoded)) <= 1.0
    else:  # the encoder's own ringing may overshoot a little, but nothing wraps round
        assert np.all(decoded[SR // 10:SR * 4 // 10][audio[SR // 10:SR * 4 // 10] > 1.2] > 0.8)


def test_mono_audio_makes_a_mono_file(tmp_path):
    path = write_audio(tone(0.5)[:, 0], SR, tmp_path / "Mono.flac", "flac")
    assert soundfile.info(path).channels == 1


def test_formats_and_their_names():
    assert [extension_of(fmt) for fmt in FORMATS] == [".wav", ".wav", ".flac", ".mp3", ".mp3", ".ogg", ".m4a"]
    assert set(FORMAT_LABELS) == set(FORMATS)
    with pytest.raises(ValueError, match="^fmt must be one of wav-16, wav-24, flac, mp3-192, mp3-320, ogg, m4a, "
                                         "got 'aiff'$"):
        extension_of("aiff")
    with pytest.raises(ValueError, match=r"^path must end in \.mp3 for mp3-320, got 'Song.wav'$"):
        write_audio(tone(0.1), SR, Path("Song.wav"), "mp3-320")


def test_an_existing_file_is_replaced_only_when_asked(tmp_path):
    path = tmp_path / "Song.wav"
    path.write_bytes(b"the earlier export")
    with pytest.raises(ExportFileExists) as error:
        write_audio(tone(0.2), SR, path, "wav-16")
    assert str(error.value) == ('A file called Song.wav is already there. Replace it, or save under another name '
                                '(such as "Song (2).wav").')
    assert error.value.path == path
    assert path.read_bytes() == b"the earlier export"
    assert sorted(os.listdir(tmp_path)) == ["Song.wav"]
    write_audio(tone(0.2), SR, path, "wav-16", overwrite=True)
    assert soundfile.info(path).frames == int(0.2 * SR)


def test_free_names_are_numbered_like_a_file_manager_does(tmp_path):
    assert free_name(tmp_path / "Song.mp3") == tmp_path / "Song.mp3"
    (tmp_path / "Song.mp3").touch()
    assert free_name(tmp_path / "Song.mp3") == tmp_path / "Song (2).mp3"
    (tmp_path / "Song (2).mp3").touch()
    assert free_name(tmp_path / "Song.mp3") == tmp_path / "Song (3).mp3"
    assert free_name(tmp_path / "Song (2).mp3") == tmp_path / "Song (3).mp3"
    (tmp_path / "Show v1.2").mkdir()
    assert free_name(tmp_path / "Show v1.2", is_folder=True) == tmp_path / "Show v1.2 (2)"


class RecordedPopen(subprocess.Popen):
    started: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        RecordedPopen.started.append(self)


@pytest.mark.parametrize("fmt", ["wav-24", "flac", "mp3-320", "m4a"])
def test_a_cancel_leaves_no_file_and_no_encoder(tmp_path, monkeypatch, fmt):
    monkeypatch.setattr(audio_files.subprocess, "Popen", RecordedPopen)
    RecordedPopen.started = []
    asked = []

    def cancel() -> bool:
        asked.append(True)
        return len(asked) > 3

    with pytest.raises(ExportCancelled) as error:
        write_audio(tone(3.0), SR, tmp_path / f"Song{extension_of(fmt)}", fmt, cancel=cancel)
    assert str(error.value) == "The export was cancelled."
    assert os.listdir(tmp_path) == []
    assert all(process.poll() is not None for process in RecordedPopen.started)
    assert len(RecordedPopen.started) == (fmt in ("mp3-320", "m4a"))


def test_an_encoder_started_ahead_is_used_once_and_only_for_its_own_file(tmp_path, monkeypatch):
    monkeypatch.setattr(audio_files.subprocess, "Popen", RecordedPopen)
    RecordedPopen.started = []
    path = tmp_path / "Song.mp3"
    with StartedEncoder(path, "mp3-320", SR) as encoder:
        assert len(RecordedPopen.started) == 1 and os.listdir(tmp_path) == []  # waiting: nothing written yet
        write_audio(tone(1.0), SR, tmp_path / "Other.mp3", "mp3-320", encoder=encoder)  # not its file
        write_audio(noise(2.0), SR, path, "mp3-320", encoder=encoder)
        assert len(RecordedPopen.started) == 2  # the song went through the encoder started ahead
        write_audio(tone(0.5), SR, path, "mp3-192", overwrite=True, encoder=encoder)  # used already
        assert len(RecordedPopen.started) == 3
    assert all(process.poll() == 0 for process in RecordedPopen.started)
    assert abs(len(decode(path)) / SR - 0.5) < 0.05 and abs(len(decode(tmp_path / "Other.mp3")) / SR - 1.0) < 0.05


def test_an_encoder_started_ahead_and_not_used_is_ended_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(audio_files.subprocess, "Popen", RecordedPopen)
    RecordedPopen.started = []
    with StartedEncoder(tmp_path / "Song.ogg", "ogg", SR):
        time.sleep(0.3)  # ffmpeg is up and waiting for samples
    assert len(RecordedPopen.started) == 1 and RecordedPopen.started[0].poll() is not None
    assert os.listdir(tmp_path) == []
    with StartedEncoder(tmp_path / "Song.flac", "flac", SR):  # WAV and FLAC need no ffmpeg
        assert len(RecordedPopen.started) == 1


def test_progress_rises_to_one(tmp_path):
    seen = []
    write_audio(tone(2.0), SR, tmp_path / "Song.ogg", "ogg", progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 3


def test_a_missing_folder_is_said_plainly(tmp_path):
    folder = tmp_path / "memory card"
    with pytest.raises(ExportError) as error:
        write_audio(tone(0.1), SR, folder / "Song.mp3", "mp3-320")
    assert str(error.value) == (f"The export folder is missing: {folder}. If it is on a memory card, check that "
                                "the card is in.")
    (tmp_path / "a file").touch()
    with pytest.raises(ExportError, match="^There is a file where the export folder should be: "):
        check_out_dir(tmp_path / "a file")


def test_a_read_only_folder_is_said_plainly(read_only_folder):
    for attempt in (lambda: check_out_dir(read_only_folder),
                    lambda: write_audio(tone(0.1), SR, read_only_folder / "Song.wav", "wav-16")):
        with pytest.raises(ExportError) as error:
            attempt()
        assert str(error.value) in (
            f"The export folder is read-only: {read_only_folder}. Choose another folder.",
            f"The app is not allowed to save in the export folder: {read_only_folder}. Choose another folder.")
    assert os.listdir(read_only_folder) == []


def test_a_folder_without_room_is_said_before_anything_is_written(tmp_path, monkeypatch):
    usage = collections.namedtuple("usage", "total used free")
    monkeypatch.setattr(audio_files.shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 300_000, 300_000))
    with pytest.raises(ExportError) as error:
        write_audio(tone(1.0), SR, tmp_path / "Song.wav", "wav-24")
    needed = 48000 * 2 * 3 + 64 * 1024 + audio_files.MIN_FREE_BYTES
    assert str(error.value) == (f"The disk is full: the export needs about {needed / 1e6:.1f} MB and 300 KB are "
                                f"free in {tmp_path}. Delete something to make room, or choose another folder.")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("fmt", ["wav-16", "flac", "mp3-320", "ogg", "m4a"])
def test_a_disk_that_fills_up_leaves_no_half_file(small_disk, fmt):
    with pytest.raises(ExportError) as error:
        write_audio(noise(2.0), SR, small_disk / f"Song{extension_of(fmt)}", fmt)
    assert str(error.value) == (f"Song{extension_of(fmt)} was not saved, because the disk is full. Delete "
                                "something to make room, or choose another folder.")
    assert os.listdir(small_disk) == []


FILE_SIZE_LIMIT_SCRIPT = """
import json, resource, signal, sys
import numpy as np
from studio.export.audio_files import write_audio
from studio.export.errors import ExportError
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the kernel refuses the write (EFBIG) instead of killing
resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000))
said = {}
for fmt, name in (("wav-24", "Song.wav"), ("mp3-320", "Song.mp3")):
    audio = (0.3 * np.random.default_rng(1).standard_normal((96000, 2))).astype(np.float32)
    try:
        write_audio(audio, 48000, sys.argv[1] + "/" + name, fmt)
    except ExportError as error:
        said[fmt] = str(error)
print(json.dumps(said))
"""


def test_a_file_larger_than_the_disk_allows_is_said_and_removed(tmp_path):
    """RLIMIT_FSIZE: the kernel refuses to grow a file, as FAT32 memory cards do at 4 GiB (and ffmpeg with it)."""
    done = subprocess.run([sys.executable, "-c", FILE_SIZE_LIMIT_SCRIPT, str(tmp_path)], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    said = json.loads(done.stdout)
    for fmt, name in (("wav-24", "Song.wav"), ("mp3-320", "Song.mp3")):
        assert said[fmt] == (f"{name} was not saved, because it would be larger than this disk can hold a file "
                             "(choose another folder, or a smaller format such as MP3).")
    assert os.listdir(tmp_path) == []


def fake_ffmpeg(folder: Path, message: str) -> None:
    """An ffmpeg that reads a little, says message and fails, on a PATH of its own."""
    folder.mkdir()
    script = folder / "ffmpeg"
    script.write_text(f"#!/bin/sh\nhead -c 1000 >/dev/null\necho '{message}' >&2\nexit 1\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def test_an_encoder_that_meets_a_full_disk_is_said_as_a_full_disk(tmp_path, monkeypatch):
    fake_ffmpeg(tmp_path / "bin", "av_interleaved_write_frame(): No space left on device")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    (tmp_path / "out").mkdir()
    with pytest.raises(ExportError) as error:
        write_audio(tone(1.0), SR, tmp_path / "out" / "Song.m4a", "m4a")
    assert str(error.value) == ("Song.m4a was not saved, because the disk is full. Delete something to make room, "
                                "or choose another folder.")
    assert os.listdir(tmp_path / "out") == []


def test_an_encoder_failure_says_what_the_encoder_said(tmp_path, monkeypatch):
    fake_ffmpeg(tmp_path / "bin", "Unknown encoder libmp3lame")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    (tmp_path / "out").mkdir()
    with pytest.raises(ExportError) as error:
        write_audio(tone(1.0), SR, tmp_path / "out" / "Song.mp3", "mp3-192", Tags(title="Song"))
    assert str(error.value) == "Song.mp3 could not be saved as MP3 (192 kbps) (the encoder said: Unknown encoder " \
                               "libmp3lame)."
    assert os.listdir(tmp_path / "out") == []


def test_a_missing_ffmpeg_is_said_plainly(tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ExportError) as error:
        write_audio(tone(0.1), SR, tmp_path / "Song.ogg", "ogg")
    assert str(error.value) == ("Song.ogg cannot be saved as OGG Vorbis: the studio needs ffmpeg, which is not "
                                "installed. WAV and FLAC still work.")
    write_audio(tone(0.1), SR, tmp_path / "Song.flac", "flac")  # needs no ffmpeg
    assert sorted(os.listdir(tmp_path)) == ["Song.flac", "empty"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ending with the parent is Linux's setpriv")
def test_an_encoder_started_ahead_ends_with_a_process_that_dies(tmp_path):
    code = ("import os, sys, time\n"
            "from studio.export.audio_files import StartedEncoder\n"
            "encoder = StartedEncoder(sys.argv[1], 'mp3-320', 48000)\n"
            "print(encoder._started[0].pid, flush=True)\n"
            "time.sleep(0.5)\n"  # ffmpeg up and waiting for samples
            "os._exit(9)\n")  # as a crash would: nothing is closed
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "Song.mp3")], capture_output=True, text=True,
                          cwd=REPO, timeout=60)
    ffmpeg_pid = int(done.stdout.split()[0])
    time.sleep(0.5)  # an ffmpeg left running would have read the end of its input and written its file
    assert os.listdir(tmp_path) == []
    assert not Path(f"/proc/{ffmpeg_pid}").exists() or "zombie" in Path(f"/proc/{ffmpeg_pid}/status").read_text()
