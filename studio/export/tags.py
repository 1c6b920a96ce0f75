"""Tags in exported files: title, artist, date, BPM and a cover image, written with mutagen.

    Tags(title, artist, date, bpm, cover_path)   what to write (read_tags fills cover_data instead of cover_path)
    check_cover(cover_path) -> (data, mime)      ExportError naming the file unless it is a PNG or JPEG picture
    write_tags(path, fmt, tags)                  into a file just encoded (the temporary one, before its rename)
    read_tags(path) -> Tags                      from a file of any format the export writes

Where they go: MP3 and WAV carry ID3 (WAV in its "id3 " chunk), saved as ID3v2.3 because more players read
it than v2.4; FLAC and OGG carry Vorbis comments (TITLE, ARTIST, DATE, BPM) with the cover as a FLAC picture
(in OGG: METADATA_BLOCK_PICTURE); M4A carries MP4 atoms (covr for the cover). ID3 and MP4 hold the BPM as a
whole number (their standards say so); Vorbis comments keep up to two decimals.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

import mutagen
from mutagen.flac import FLAC, Picture
from mutagen.id3 import APIC, ID3, TBPM, TDRC, TIT2, TPE1, PictureType
from mutagen.mp4 import MP4, MP4Cover
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

from studio.export.errors import ExportError

MAX_COVER_BYTES = 8 * 1024 * 1024  # a FLAC picture block holds at most 16 MiB; a cover needs far less
_PNG_START = b"\x89PNG\r\n\x1a\n"
_JPEG_START = b"\xff\xd8\xff"
_ID3_VERSION = 3


@dataclass
class Tags:
    title: str = ""
    artist: str = ""
    date: str = ""  # ISO 8601: "2024-05-01" (or just the year)
    bpm: float = 0.0  # 0: not written
    cover_path: str = ""  # a PNG or JPEG file to embed; "" for none
    cover_data: bytes = b""  # the embedded cover, as read back by read_tags (writing uses cover_path)


def check_cover(cover_path: str) -> tuple[bytes, str]:
    """The cover's bytes and MIME type; ExportError naming the file when it is missing or not PNG/JPEG."""
    name = Path(cover_path).name
    try:
        data = Path(cover_path).read_bytes()
    except FileNotFoundError:
        raise ExportError(f"The cover image {name} could not be found. Choose another picture, "
                          "or export without one.") from None
    except IsADirectoryError:
        raise ExportError(f"The cover image {name} is a folder, not a picture.") from None
    except OSError as error:
        raise ExportError(f"The cover image {name} could not be read ({error.strerror or error}).") from None
    if len(data) > MAX_COVER_BYTES:
        raise ExportError(f"The cover image {name} is too large ({len(data) / 1e6:.0f} MB); "
                          f"a cover can be at most {MAX_COVER_BYTES // (1024 * 1024)} MB.")
    if data.startswith(_PNG_START):
        return data, "image/png"
    if data.startswith(_JPEG_START):
        return data, "image/jpeg"
    raise ExportError(f"The cover image {name} is not a PNG or JPEG picture. Save it as PNG or JPEG, "
                      "or choose another one.")


def write_tags(path: str | Path, fmt: str, tags: Tags) -> None:
    """Write tags into an encoded file of format fmt (one of audio_files.FORMATS), replacing any it has.

    Raises ExportError for a bad cover, mutagen.MutagenError (wrapping the OSError) when the file cannot be saved.
    """
    path = Path(path)
    cover = check_cover(tags.cover_path) if tags.cover_path else None
    if fmt.startswith(("wav", "mp3")):
        _write_id3(path, fmt, tags, cover)
    elif fmt == "flac":
        audio = FLAC(path)
        audio.clear_pictures()
        _fill_vorbis_comments(audio, tags)
        if cover:
            audio.add_picture(_flac_picture(*cover))
        audio.save()
    elif fmt == "ogg":
        audio = OggVorbis(path)
        _fill_vorbis_comments(audio, tags)
        if cover:
            audio["METADATA_BLOCK_PICTURE"] = [base64.b64encode(_flac_picture(*cover).write()).decode("ascii")]
        audio.save()
    elif fmt == "m4a":
        _write_mp4(path, tags, cover)
    else:
        raise ValueError(f"fmt must be one of the export formats, got {fmt!r}")


def read_tags(path: str | Path) -> Tags:
    """The tags of an exported file (any format); empty Tags when it has none."""
    path = Path(path)
    if not path.is_file():
        raise ExportError(f"{path.name} could not be found.")
    try:
        audio = mutagen.File(path)
    except mutagen.MutagenError as error:
        raise ExportError(f"The tags of {path.name} could not be read ({error}).") from None
    if audio is None:
        raise ExportError(f"The tags of {path.name} could not be read: it is not a sound file the studio writes.")
    if audio.tags is None:
        return Tags()
    if isinstance(audio, MP4):
        return _read_mp4(audio.tags)
    if isinstance(audio.tags, ID3):  # MP3 and WAV
        return _read_id3(audio.tags)
    return _read_vorbis_comments(audio)


def _write_id3(path: Path, fmt: str, tags: Tags, cover: tuple[bytes, str] | None) -> None:
    id3 = ID3()  # a fresh tag: drops the encoder's own ("Lavf...") on save
    if tags.title:
        id3.add(TIT2(encoding=3, text=[tags.title]))
    if tags.artist:
        id3.add(TPE1(encoding=3, text=[tags.artist]))
    if tags.date:
        id3.add(TDRC(encoding=3, text=[tags.date]))
    if tags.bpm > 0:
        id3.add(TBPM(encoding=3, text=[str(round(tags.bpm))]))
    if cover:
        id3.add(APIC(encoding=3, mime=cover[1], type=PictureType.COVER_FRONT, desc="Cover", data=cover[0]))
    if fmt.startswith("wav"):
        wave = WAVE(path)
        if wave.tags is None:
            wave.add_tags()
        wave.tags.clear()
        for frame in id3.values():
            wave.tags.add(frame)
        wave.tags.save(path, v2_version=_ID3_VERSION)
    else:
        id3.save(path, v1=0, v2_version=_ID3_VERSION)


def _read_id3(id3: ID3) -> Tags:
    def text(key: str) -> str:
        frame = id3.get(key)
        return str(frame.text[0]) if frame is not None and frame.text else ""
    pictures = id3.getall("APIC")
    return Tags(title=text("TIT2"), artist=text("TPE1"), date=text("TDRC"), bpm=_number(text("TBPM")),
                cover_data=pictures[0].data if pictures else b"")


def _fill_vorbis_comments(audio: FLAC | OggVorbis, tags: Tags) -> None:
    if audio.tags is None:
        audio.add_tags()
    audio.tags.clear()
    for key, value in (("TITLE", tags.title), ("ARTIST", tags.artist), ("DATE", tags.date)):
        if value:
            audio[key] = [value]
    if tags.bpm > 0:
        audio["BPM"] = [f"{round(tags.bpm, 2):g}"]


def _read_vorbis_comments(audio: FLAC | OggVorbis) -> Tags:
    def text(key: str) -> str:
        values = audio.tags.get(key)
        return values[0] if values else ""
    cover = b""
    if isinstance(audio, FLAC) and audio.pictures:
        cover = audio.pictures[0].data
    elif text("METADATA_BLOCK_PICTURE"):
        try:
            cover = Picture(base64.b64decode(text("METADATA_BLOCK_PICTURE"))).data
        except (ValueError, mutagen.MutagenError):  # a damaged picture: the other tags are still worth having
            cover = b""
    return Tags(title=text("TITLE"), artist=text("ARTIST"), date=text("DATE"), bpm=_number(text("BPM")),
                cover_data=cover)


def _flac_picture(data: bytes, mime: str) -> Picture:
    picture = Picture()
    picture.type = PictureType.COVER_FRONT
    picture.mime = mime
    picture.desc = "Cover"
    picture.data = data
    return picture


def _write_mp4(path: Path, tags: Tags, cover: tuple[bytes, str] | None) -> None:
    audio = MP4(path)
    if audio.tags is None:
        audio.add_tags()
    audio.tags.clear()  # also the encoder's own ("Lavf...")
    for key, value in (("\xa9nam", tags.title), ("\xa9ART", tags.artist), ("\xa9day", tags.date)):
        if value:
            audio.tags[key] = [value]
    if tags.bpm > 0:
        audio.tags["tmpo"] = [round(tags.bpm)]
    if cover:
        kind = MP4Cover.FORMAT_PNG if cover[1] == "image/png" else MP4Cover.FORMAT_JPEG
        audio.tags["covr"] = [MP4Cover(cover[0], imageformat=kind)]
    audio.save()


def _read_mp4(mp4_tags) -> Tags:
    def text(key: str) -> str:
        values = mp4_tags.get(key)
        return str(values[0]) if values else ""
    covers = mp4_tags.get("covr") or []
    tempo = mp4_tags.get("tmpo") or [0]
    return Tags(title=text("\xa9nam"), artist=text("\xa9ART"), date=text("\xa9day"), bpm=float(tempo[0]),
                cover_data=bytes(covers[0]) if covers else b"")


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        return 0.0
    return value if value > 0 else 0.0
