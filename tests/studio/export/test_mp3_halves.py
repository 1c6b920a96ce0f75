"""A long MP3 encoded in two halves at once and joined (studio/export/mp3_halves.py), checked by
decoding it: its length to the sample, its sound against the mix and against one encoder's
file, its Info frame (frames, bytes, checksums) and what is left on the disk when it goes wrong."""

import collections
import dataclasses
import functools
import os
import subprocess
import tempfile
import threading
import zlib

import numpy as np
import pytest

from studio.export import audio_files, mp3_halves
from studio.export.audio_files import write_audio
from studio.export.errors import ExportCancelled, ExportError
from studio.export.mp3_halves import FRAME_SAMPLES, NoJoin, crc16, plan_halves
from studio.export.tags import Tags, read_tags

SR = 48000


@pytest.fixture(autouse=True)
def two_cores(monkeypatch):
    """The halves are encoded where there are two cores: so they are here, whatever runs the tests."""
    monkeypatch.setattr(audio_files, "_cores", lambda: 2)


@functools.lru_cache(maxsize=None)
def music(seconds: float, channels: int = 2, rate: int = SR, hits_per_s: float = 2.0) -> np.ndarray:
    """Something an encoder works at: chords that change, and hits (whose attacks make LAME
    switch to short windows and borrow from its bit reservoir). Made once: read only."""
    rng = np.random.default_rng(11)
    t = np.arange(int(seconds * rate)) / rate
    chord = sum(0.12 * np.sin(2 * np.pi * f * (1 + 0.25 * (t // 2 % 3)) * t) for f in (220.0, 277.2, 329.6))
    hits = np.zeros_like(t)
    decay = np.exp(-np.arange(4800) / 600.0)
    for start in range(0, len(t) - 4800, int(rate / hits_per_s)):
        hits[start:start + 4800] += 0.5 * rng.standard_normal(4800) * decay
    left, right = chord + hits, 0.8 * chord + np.roll(hits, 240)
    audio = np.stack([left, right][:channels], axis=1)
    audio = (0.7 * audio / np.max(np.abs(audio))).astype(np.float32)
    audio.flags.writeable = False
    return audio


def decode(path, channels: int = 2) -> np.ndarray:
    done = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-f", "f32le", "-"],
                          capture_output=True, check=True)
    assert done.stderr == b"", done.stderr
    return np.frombuffer(done.stdout, "<f4").reshape(-1, channels)


def assert_reservoir_holds(data: bytes) -> None:
    """Every frame's main data begins after the frame before's ends and ends within its own slot.
    ffmpeg's decoder says nothing when a frame borrows bytes that are not there: it plays noise."""
    _, frames = mp3_halves._frames(data)
    stream, data_end = 0, 0  # bytes of main data slots so far; where the last frame's data ended
    for index, frame in enumerate(frames[1:]):  # after the Info frame
        info = mp3_halves._side_info(data, frame)
        begin = stream - info.main_data_begin
        assert begin >= max(data_end, 0), f"frame {index} borrows {info.main_data_begin} bytes of which " \
                                          f"{data_end - begin} hold the frame before's data"
        data_end = begin + info.data_bytes
        assert data_end <= stream + info.slot, f"frame {index} overflows its slot"
        stream += info.slot


def one_encoder(audio: np.ndarray, path, bitrate: str = "320k", bare: bool = False, rate: int = SR) -> None:
    """The same samples through one ffmpeg, as write_audio feeds it (bare: frames alone)."""
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "f32le", "-ar", str(rate), "-ac", str(audio.shape[1]),
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
    assert_reservoir_holds(path.read_bytes())
    one_encoder(audio, tmp_path / "one.mp3", bitrate)

    decoded, reference = decode(path, channels), decode(tmp_path / "one.mp3", channels)
    assert len(decoded) == len(audio)  # exactly the mix's length: the Info frame's delay and padding are right
    ours, theirs = frame_errors(decoded, audio), frame_errors(reference[:len(audio)], audio)
    # Every frame, the join's included, is as close to the mix as one encoder's (up to its rounding)
    assert np.all(ours <= 1.25 * theirs + 1e-5), np.max(ours / theirs)
    assert read_tags(path).title == "Night Shift"


@pytest.mark.parametrize("fmt, bitrate, channels", [("mp3-192", "192k", 1), ("mp3-320", "320k", 2)])
def test_at_44_1_khz_the_second_half_starts_on_the_padding_cycle_and_the_halves_meet(tmp_path, monkeypatch, fmt,
                                                                                     bitrate, channels):
    """At 44.1 kHz a 192 kbps frame is 626 or 627 bytes (its padding byte comes and goes, in a
    cycle of 49 frames). Off that cycle, the second encoder's reservoir stays a few bytes off the
    first's for good with this song, no frame lets them meet, and the song is encoded again whole."""
    rate = 44100
    audio = music(21.0, channels, rate, hits_per_s=8.0)
    assert mp3_halves.padding_cycle_frames(rate, int(bitrate[:-1])) == 49
    assert plan_halves(len(audio), rate, int(bitrate[:-1])).second_offset % 49 == 0
    encoders = Encoders(monkeypatch)
    path = write_audio(audio, rate, tmp_path / "Song.mp3", fmt)
    assert encoders.bare == [False, True]  # joined: not encoded again whole
    assert len({frame.length for frame in mp3_halves._frames(path.read_bytes())[1][1:]}) == 2
    assert_reservoir_holds(path.read_bytes())
    one_encoder(audio, tmp_path / "one.mp3", bitrate, rate=rate)
    decoded, reference = decode(path, channels), decode(tmp_path / "one.mp3", channels)
    assert len(decoded) == len(audio)
    ours, theirs = frame_errors(decoded, audio), frame_errors(reference[:len(audio)], audio)
    assert np.all(ours <= 1.25 * theirs + 1e-5), np.max(ours / theirs)


def test_padding_cycles():
    assert mp3_halves.padding_cycle_frames(48000, 320) == 1  # 960 bytes a frame, always
    assert mp3_halves.padding_cycle_frames(32000, 192) == 1
    assert mp3_halves.padding_cycle_frames(44100, 128) == 49  # 417.96 bytes


@pytest.mark.parametrize("rate, bitrate, channels", [(48000, "320k", 2), (44100, "192k", 1), (32000, "320k", 2)])
def test_halves_whose_bytes_differ_at_the_join_are_joined_soundly(tmp_path, monkeypatch, rate, bitrate, channels):
    """With a short warm-up the second encoder has not settled into the first one's bytes by the
    join (with the usual one it has, in these songs: the join is then a splice of equal frames).
    The join has to move the borrowed bytes, and the file must still decode as one encoder's.
    (Two frames of warm-up are too few: a frame just past the join came out 1.4x one encoder's
    error, the second encoder not yet settled. Eight give at most 1.1x.)"""
    monkeypatch.setattr(mp3_halves, "WARM_UP_FRAMES", 8)
    audio = music(21.0, channels, rate, hits_per_s=8.0)
    halves = plan_halves(len(audio), rate, int(bitrate[:-1]))
    one_encoder(audio[:halves.first_end], tmp_path / "first.mp3", bitrate, rate=rate)
    one_encoder(audio[halves.second_start:], tmp_path / "second.mp3", bitrate, bare=True, rate=rate)
    first, second = (tmp_path / "first.mp3").read_bytes(), (tmp_path / "second.mp3").read_bytes()
    joined = mp3_halves.join_halves(first, second, halves)
    _, first_frames = mp3_halves._frames(first)
    _, second_frames = mp3_halves._frames(second)
    at_join = [first[f.offset:f.offset + f.length] != second[g.offset:g.offset + g.length] for f, g in
               zip(first_frames[1 + halves.join_from:1 + halves.join_to], second_frames[halves.join_from -
                                                                                        halves.second_offset:])]
    assert any(at_join)  # the halves' frames are not the same bytes there
    (tmp_path / "joined.mp3").write_bytes(joined)
    assert_reservoir_holds(joined)
    one_encoder(audio, tmp_path / "one.mp3", bitrate, rate=rate)
    decoded, reference = decode(tmp_path / "joined.mp3", channels), decode(tmp_path / "one.mp3", channels)
    assert len(decoded) == len(audio)
    ours, theirs = frame_errors(decoded, audio), frame_errors(reference[:len(audio)], audio)
    assert np.all(ours <= 1.25 * theirs + 1e-5), np.max(ours / theirs)


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
    assert int.from_bytes(data[xing + 154:xing + 156], "big") == crc16(data[info.offset:xing + 154])  # 190 bytes
    table = list(data[xing + 16:xing + 116])
    assert table[0] == 0 and table == sorted(table) and 250 <= table[-1] <= 255  # seeking lands in order
    delay_padding = int.from_bytes(data[xing + 141:xing + 144], "big")
    assert len(audio_frames) * FRAME_SAMPLES - (delay_padding >> 12) - (delay_padding & 0xFFF) == len(audio)


def test_the_join_is_checked_by_ffmpegs_own_checksums_of_one_encoders_file(tmp_path):
    """crc16 and the seek table agree with what ffmpeg itself writes (past 400 frames, where the
    table's samples are thinned out: 875 frames)."""
    one_encoder(music(21.0), tmp_path / "one.mp3")
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


def test_a_join_keeps_the_first_halfs_frames_before_it_and_counts_every_frame_once(tmp_path):
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


def encoder_meeting_a_full_disk(tmp):
    """A stand-in for ffmpeg that reads a little, leaves a half-written file and says ffmpeg's
    words for a full disk."""
    tmp.write_bytes(b"\xff" * 100)
    said = tempfile.TemporaryFile()
    process = subprocess.Popen(["sh", "-c", "head -c 1000 >/dev/null; echo 'Error writing trailer: No space "
                                "left on device' >&2; exit 1"], stdin=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, stderr=said)
    return process, said


class CountedAudio:
    """A mix that counts the pieces each half's thread reads."""

    def __init__(self, audio: np.ndarray):
        self.audio, self.shape = audio, audio.shape
        self.read = collections.Counter()

    def chunk(self, first: int, last: int) -> np.ndarray:
        self.read[threading.current_thread().name == "export second half"] += 1
        return self.audio[first:last]


@pytest.mark.parametrize("failing_half", ["first", "second"])
def test_a_half_the_encoder_cannot_write_is_said_the_other_stops_and_nothing_is_left(tmp_path, monkeypatch,
                                                                                     failing_half):
    start = audio_files._start_ffmpeg

    def one_meets_a_full_disk(ffmpeg, sample_rate, channels, tmp, fmt, bare=False):
        if bare == (failing_half == "second"):
            return encoder_meeting_a_full_disk(tmp)
        return start(ffmpeg, sample_rate, channels, tmp, fmt, bare)

    monkeypatch.setattr(audio_files, "_start_ffmpeg", one_meets_a_full_disk)
    audio = CountedAudio(np.tile(music(21.0), (6, 1)))  # 2 minutes
    with pytest.raises(ExportError) as error:
        write_audio(audio, SR, tmp_path / "Song.mp3", "mp3-320")
    assert str(error.value) == ("Song.mp3 was not saved, because the disk is full. Delete something to make room, "
                                "or choose another folder.")
    assert os.listdir(tmp_path) == []
    half_pieces = len(audio.audio) / 2 / audio_files.CHUNK_FRAMES
    other_read = audio.read[failing_half == "first"]  # the pieces the half that had no trouble was given
    assert other_read < half_pieces / 2  # it stopped soon after the other half failed, not at its end


def test_room_for_both_halves_is_asked_for_before_the_encode(tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(audio_files, "check_out_dir", lambda folder, needed_bytes=0: asked.append(needed_bytes))
    audio = music(21.0)
    write_audio(audio, SR, tmp_path / "Song.mp3", "mp3-320")
    write_audio(audio[:SR], SR, tmp_path / "Short.mp3", "mp3-320")  # whole: no halves
    whole = audio_files.estimated_bytes("mp3-320", len(audio))
    assert asked == [whole + whole // 2, audio_files.estimated_bytes("mp3-320", SR)]


def test_progress_rises_to_one_while_both_halves_encode(tmp_path, monkeypatch):
    encoders = Encoders(monkeypatch)
    seen = []
    write_audio(music(21.0), SR, tmp_path / "Song.mp3", "mp3-320", progress=seen.append)
    assert encoders.bare == [False, True]
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 20
