"""Tags go into every export format and come back out the same, cover image included."""

import os
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
import soundfile
from mutagen.id3 import ID3
from mutagen.wave import WAVE

from studio.export import audio_files
from studio.export.audio_files import FORMATS, extension_of, write_audio
from studio.export.errors import ExportError
from studio.export.tags import Tags, read_tags
from tests.studio.export.test_audio_files import SR, decode, small_disk, tone  # noqa: F401 (a fixture)

WHOLE_BPM_FORMATS = ("wav-16", "wav-24", "mp3-192", "mp3-320", "m4a")  # ID3 and MP4 keep whole BPMs


def png_bytes(width: int = 4, height: int = 4, padding_bytes: int = 0) -> bytes:
    """A real PNG (red pixels); padding_bytes of an extra ancillary chunk make it larger."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    extra = chunk(b"teXt", b"pad\x00" + b"x" * padding_bytes) if padding_bytes else b""
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + extra + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def covers(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("covers")
    (folder / "cover.png").write_bytes(png_bytes())
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "color=c=blue:s=8x8", "-frames:v", "1",
                    "-y", str(folder / "cover.jpg")], check=True)
    return {"png": folder / "cover.png", "jpeg": folder / "cover.jpg"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_tags_and_cover_come_back_from_every_format(tmp_path, covers, fmt):
    cover = covers["png" if FORMATS.index(fmt) % 2 else "jpeg"]
    tags = Tags(title="Nuit à l’hôpital ✨", artist="DJ Ward", date="2025-05-01", bpm=92.4, cover_path=str(cover))
    path = write_audio(tone(1.0), SR, tmp_path / f"Song{extension_of(fmt)}", fmt, tags)
    read = read_tags(path)
    assert read == Tags(title=tags.title, artist=tags.artist, date=tags.date,
                        bpm=92.0 if fmt in WHOLE_BPM_FORMATS else 92.4, cover_data=cover.read_bytes())
    assert abs(len(decode(path)) - SR) <= 2048  # the tags leave the sound readable


def test_mp3_and_wav_carry_id3_version_2_3(tmp_path):
    mp3 = write_audio(tone(0.3), SR, tmp_path / "Song.mp3", "mp3-192", Tags(title="Song", date="2025"))
    wav = write_audio(tone(0.3), SR, tmp_path / "Song.wav", "wav-24", Tags(title="Song", date="2025"))
    assert ID3(mp3).version == (2, 3, 0)
    assert WAVE(wav).tags.version == (2, 3, 0)
    assert soundfile.info(wav).subtype == "PCM_24"


@pytest.mark.parametrize("fmt", ["wav-16", "flac", "mp3-320", "ogg", "m4a"])
def test_a_file_without_tags_reads_as_empty_tags(tmp_path, fmt):
    """Also the encoder's own tag ("Lavf...") is not left in."""
    path = write_audio(tone(0.3), SR, tmp_path / f"Song{extension_of(fmt)}", fmt)
    assert read_tags(path) == Tags()


def test_a_cover_that_is_not_a_png_or_jpeg_is_named_before_anything_is_written(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "cover.gif").write_bytes(b"GIF89a" + bytes(100))
    with pytest.raises(ExportError) as error:
        write_audio(tone(0.3), SR, tmp_path / "out" / "Song.mp3", "mp3-320",
                    Tags(cover_path=str(tmp_path / "cover.gif")))
    assert str(error.value) == ("The cover image cover.gif is not a PNG or JPEG picture. Save it as PNG or JPEG, "
                                "or choose another one.")
    with pytest.raises(ExportError) as error:
        write_audio(tone(0.3), SR, tmp_path / "out" / "Song.wav", "wav-16", Tags(cover_path=str(tmp_path / "gone.png")))
    assert str(error.value) == "The cover image gone.png could not be found. Choose another picture, or export " \
                               "without one."
    (tmp_path / "huge.png").write_bytes(png_bytes(padding_bytes=9 * 1024 * 1024))
    with pytest.raises(ExportError) as error:
        write_audio(tone(0.3), SR, tmp_path / "out" / "Song.flac", "flac", Tags(cover_path=str(tmp_path / "huge.png")))
    assert str(error.value) == "The cover image huge.png is too large (9 MB); a cover can be at most 8 MB."
    assert os.listdir(tmp_path / "out") == []


def test_a_disk_that_fills_up_while_tagging_leaves_no_half_file(small_disk, tmp_path, monkeypatch):
    """The sound fits, the cover does not: mutagen's failure is a full disk too. (The space check counts the
    cover and would say so first: it is turned off to reach the tagging.)"""
    monkeypatch.setattr(audio_files, "check_out_dir", lambda folder, needed_bytes=0: folder)
    (tmp_path / "big.png").write_bytes(png_bytes(padding_bytes=40_000))
    with pytest.raises(ExportError) as error:
        write_audio(tone(0.1), SR, small_disk / "Song.wav", "wav-16", Tags(cover_path=str(tmp_path / "big.png")))
    assert str(error.value) == ("Song.wav was not saved, because the disk is full. Delete something to make room, "
                                "or choose another folder.")
    assert os.listdir(small_disk) == []


def test_reading_tags_of_what_is_not_an_export_is_said_plainly(tmp_path):
    with pytest.raises(ExportError) as error:
        read_tags(tmp_path / "gone.mp3")
    assert str(error.value) == "gone.mp3 could not be found."
    (tmp_path / "notes.txt").write_text("not a song")
    with pytest.raises(ExportError) as error:
        read_tags(Path(tmp_path / "notes.txt"))
    assert str(error.value) == "The tags of notes.txt could not be read: it is not a sound file the studio writes."
