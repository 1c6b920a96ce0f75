"""A long MP3 encoded in two halves at once and joined (studio/export/mp3_halves.py), checked by
decoding it: its length to the sample, its sound against the mix and against one encoder's
file, its Info frame (frames, bytes, checksums) and what is left on the disk when it goes wrong."""

import dataclasses
import os
import subprocess
import tempfile
import zlib

import numpy as np
import pytest

from studio.export import audio_files, mp3_halves
from studio.export.audio_files import write_audio
from studio.export.errors import ExportCancelled, ExportError
from studio.export.mp3_halves import FRAME_SAMPLES, NoJoin, crc16, plan_halves
from studio.export.tags import Tags, read_tags

SR = 48000


def music(seconds: float, channels: int = 2) -> np.ndarray:
    """Something an encoder works at: chords that change, and a hit every half second (whose
    attacks make LAME switch to short windows and borrow from its bit reservoir)."""
    rng = np.random.default_rng(11)
    t = np.arange(int(seconds * SR)) / SR
    chord = sum(0.12 * np.sin(2 * np.pi * f * (1 + 0.25 * (t // 2 % 3)) * t) for f in (220.0, 277.2, 329.6))
    hits = np.zeros_like(t)
    decay = np.exp(-np.arange(4800) / 600.0)
    for start in range(0, len(t) - 4800, SR // 2):
        hits[start:start + 4800] += 0.5 * rng.standard_normal(4800) * decay
    left, right = chord + hits, 0.8 * chord + np.roll(hits, 240)
    audio = np.stack([left, right][:channels], axis=1)
    return (0.7 * audio / np.max(np.abs(audio))).astype(np.float32)


def decode(path, channels: int = 2) -> np.ndarray:
    done = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-f", "f32le", "-"],
                          capture_output=True, check=True)
    assert done.stderr == b"", done.stderr  # no broken frame anywhere (a bad join would be said here)
    return np.frombuffer(done.stdout, "<f4").reshape(-1, channels)


def one_encoder(audio: np.ndarray, path, bitrate: str = "320k", bare: bool = False) -> None:
    """The same samples through one ffmpeg, as write_audio feeds it (bare: frames alone)."""
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "f32le", "-ar", str(SR), "-ac", str(audio.shape[1]),
                    "-i", "pipe:0", "-c:a", "libmp3lame", "-b:a", bitrate, "-f", "mp3",
                    *(audio_files._BARE_MP3 if bare else []), "-y", str(path)],
                   input=np.ascontiguousarray(np.clip(audio, -1, 1), "<f4").tobytes(), check=True)


def frame_errors(decoded: np.ndarray, audio: np.ndarray) -> np.ndarray:
    """The RMS of decoded - audio in each MP3 frame's 1152 samples."""
    whole = len(audio) // FRAME_SAMPLES * FRAME_SAMPLES
    error = (decoded[:whole] - audio[:whole]).reshape(-1, FRAME_SAMPLES * audio.shape[1])
    return np.sqrt(np.mean(np.square(error, dtype=np.float64), axis=1))


class Encoders:
    """Counts the ffmpegs write_audio starts, and which of them write bare halves."""

    def __init__(self, monkeypatch):
        self.bare: list[bool] = []
        start = audio_files._start_ffmpeg

        def counted(*args, bare=False, **kwargs):
            self.bare.append(bare)
            return start(*args, bare=bare, **kwargs)

        monkeypatch.setattr(audio_files, "_start_ffmpeg", counted)


@pytest.mark.parametrize("fmt, bitrate, channels", [("mp3-320", "320k", 2), ("mp3-192", "192k", 1)])
def test_a_long_mp3_is_encoded_in_halves_and_sounds_as_one_encoders_file(tmp_path, monkeypatch, fmt, bitrate,
                                                                           channels):
    encoders = Encoders(monkeypatch)
    audio = music(24.3, channels)
    path = write_audio(audio, SR, tmp_path / "Song.mp3", fmt, Tags(title="Night Shift", artist="Jay"))
    assert encoders.bare == [False, True]  # two encoders: the first half's file, the second's bare frames
    assert sorted(os.listdir(tmp_path)) == ["Song.mp3"]  # no half left behind
    one_encoder(audio, tmp_path / "one.mp3", bitrate)

    decoded, reference = decode(path, channels), decode(tmp_path / "one.mp3", channels)
    assert len(decoded) == len(audio)  # exactly the mix's length: the Info frame's delay and padding are right
    ours, theirs = frame_errors(decoded, audio), frame_errors(reference[:len(audio)], audio)
    # Every frame, the join's included, is as close to the mix as one encoder's (up to its rounding)
    assert np.all(ours <= 1.25 * theirs + 1e-5), np.max(ours / theirs)
    assert read_tags(path).title == "Night Shift"


def test_the_info_frame_counts_the_whole_file_and_its_checksums_hold(tmp_path):
    audio = music(21.0)
    path = write_audio(audio, SR, tmp_path / "Song.mp3", "mp3-320")
    data = path.read_bytes()
    start, frames = mp3_halves._frames(data)
    info, audio_frames = frames[0], frames[1:]
    xing = info.offset + info.side_info_end
    assert data[xing:xing + 4] == b"Info"
    assert int.from_bytes(data[xing + 8:xing + 12], "big") == len(audio_frames)
    assert int.from_bytes(data[xing + 12:xing + 16], "big") == len(data) - info.offset
    assert int.from_bytes(data[xing + 148:xing + 152], "big") == len(data) - info.offset
    assert int.from_bytes(data[xing + 152:xing + 154], "big") == crc16(data[audio_frames[0].offset:])
    assert int.from_bytes(data[xing + 154:xing + 156], "big") == crc16(data[info.offset:info.offset + 190])
    table = list(data[xing + 16:xing + 116])
    assert table[0] == 0 and table == sorted(table) and 250 <= table[-1] <= 255  # seeking lands in order
    delay_padding = int.from_bytes(data[xing + 141:xing + 144], "big")
    assert len(audio_frames) * FRAME_SAMPLES - (delay_padding >> 12) - (delay_padding & 0xFFF) == len(audio)


def test_the_join_is_checked_by_ffmpegs_own_checksums_of_one_encoders_file(tmp_path):
    """crc16 and the seek table agree with what ffmpeg itself writes."""
    one_encoder(music(6.0), tmp_path / "one.mp3")
    data = (tmp_path / "one.mp3").read_bytes()
    _, frames = mp3_halves._frames(data)
    xing = frames[0].offset + frames[0].side_info_end
    assert int.from_bytes(data[xing + 152:xing + 154], "big") == crc16(data[frames[1].offset:])
    assert int.from_bytes(data[xing + 154:xing + 156], "big") == crc16(data[frames[0].offset:frames[0].offset + 190])
    assert data[xing + 16:xing + 116] == mp3_halves._seek_table(frames[0].length, [f.length for f in frames[1:]])


def crc16_byte_by_byte(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


@pytest.mark.parametrize("length", [0, 1, 8191, 8192, 3 * 8192 + 5, 70_001])
def test_crc16_is_the_byte_by_byte_crc(length):
    data = np.random.default_rng(length).integers(0, 256, length, dtype=np.uint8).tobytes()
    assert crc16(data) == crc16_byte_by_byte(data)


def test_crc16_check_value():
    assert crc16(b"123456789") == 0xBB3D  # CRC-16/ARC's published check value
    assert crc16(b"123456789") != zlib.crc32(b"123456789") & 0xFFFF


def test_halves_cover_the_song_and_meet_past_the_second_ones_warm_up():
    assert plan_halves(int(19.9 * SR), SR) is None  # short songs are encoded whole
    assert plan_halves(60 * 22050, 22050) is None  # MPEG-2 rates have frames of another length
    frames = 180 * SR + 123
    halves = plan_halves(frames, SR)
    assert halves.second_start % FRAME_SAMPLES == 0
    assert halves.second_offset + mp3_halves.WARM_UP_FRAMES == halves.join_from
    assert (halves.join_to + 1 + mp3_halves.TAIL_FRAMES) * FRAME_SAMPLES == halves.first_end < frames
    first_work, second_work = halves.first_end, frames - halves.second_start
    assert abs(first_work - second_work) <= 2 * FRAME_SAMPLES  # both cores get the same work


def test_halves_that_cannot_be_joined_are_encoded_whole(tmp_path, monkeypatch):
    encoders = Encoders(monkeypatch)

    def no_join(*args):
        raise NoJoin("no frame where the halves meet")

    monkeypatch.setattr(audio_files, "join_halves", no_join)
    audio = music(21.0)
    path = write_audio(audio, SR, tmp_path / "Song.mp3", "mp3-320")
    assert encoders.bare == [False, True, False]  # the halves, then the song whole
    assert len(decode(path)) == len(audio)
    assert sorted(os.listdir(tmp_path)) == ["Song.mp3"]


def encoded_halves(audio: np.ndarray, folder):
    halves = plan_halves(len(audio), SR)
    one_encoder(audio[:halves.first_end], folder / "first.mp3")
    one_encoder(audio[halves.second_start:], folder / "second.mp3", bare=True)
    return (folder / "first.mp3").read_bytes(), (folder / "second.mp3").read_bytes(), halves


def test_the_halves_are_joined_at_the_first_frame_where_they_meet(tmp_path, monkeypatch):
    first, second, halves = encoded_halves(music(21.0), tmp_path)
    joined = mp3_halves.join_halves(first, second, halves)
    _, first_frames = mp3_halves._frames(first)
    _, joined_frames = mp3_halves._frames(joined)
    assert len(joined_frames) == len(mp3_halves._frames(second)[1]) + halves.second_offset + 1  # + the Info frame
    # up to the frame before the join, the first half's frames as they were
    assert joined[first_frames[1].offset:first_frames[halves.join_from - 1].offset] == \
        first[first_frames[1].offset:first_frames[halves.join_from - 1].offset]


@pytest.mark.parametrize("mismatch", ["borrows more than there is room for", "other window shapes"])
def test_a_join_is_refused_where_the_halves_do_not_fit(tmp_path, monkeypatch, mismatch):
    first, second, halves = encoded_halves(music(21.0), tmp_path)
    side_info = mp3_halves._side_info

    def changed(data, frame):
        info = side_info(data, frame)
        if data is not second:
            return info
        if mismatch == "other window shapes":
            return dataclasses.replace(info, block_types=tuple((kind + 1) % 4 for kind in info.block_types))
        return dataclasses.replace(info, main_data_begin=info.slot + 1)

    monkeypatch.setattr(mp3_halves, "_side_info", changed)
    with pytest.raises(NoJoin):
        mp3_halves.join_halves(first, second, halves)
    with pytest.raises(NoJoin):
        mp3_halves.join_halves(b"", second, halves)  # no Info frame: nothing to join to


def test_a_cancel_while_both_halves_encode_leaves_nothing(tmp_path, monkeypatch):
    encoders = Encoders(monkeypatch)
    asked = []

    def cancel() -> bool:
        asked.append(True)
        return len(asked) > 40  # both halves are under way by then

    with pytest.raises(ExportCancelled):
        write_audio(music(21.0), SR, tmp_path / "Song.mp3", "mp3-320", cancel=cancel)
    assert encoders.bare == [False, True]
    assert os.listdir(tmp_path) == []


def test_a_second_half_the_encoder_cannot_write_is_said_and_nothing_is_left(tmp_path, monkeypatch):
    start = audio_files._start_ffmpeg

    def second_meets_a_full_disk(ffmpeg, sample_rate, channels, tmp, fmt, bare=False):
        if not bare:
            return start(ffmpeg, sample_rate, channels, tmp, fmt, bare)
        tmp.write_bytes(b"\xff" * 100)  # a half written...
        said = tempfile.TemporaryFile()  # ...and ffmpeg's words for a full disk
        process = subprocess.Popen(["sh", "-c", "head -c 1000 >/dev/null; echo 'Error writing trailer: No space "
                                    "left on device' >&2; exit 1"], stdin=subprocess.PIPE,
                                   stdout=subprocess.DEVNULL, stderr=said)
        return process, said

    monkeypatch.setattr(audio_files, "_start_ffmpeg", second_meets_a_full_disk)
    with pytest.raises(ExportError) as error:
        write_audio(music(21.0), SR, tmp_path / "Song.mp3", "mp3-320")
    assert str(error.value) == ("Song.mp3 was not saved, because the disk is full. Delete something to make room, "
                                "or choose another folder.")
    assert os.listdir(tmp_path) == []
