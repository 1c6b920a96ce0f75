"""A WAV being recorded opens at every moment, and one whose writer died is made whole again."""

import errno
import os
import struct

import numpy as np
import pytest
import soundfile as sf

from studio.mic import wav_stream
from studio.mic.wav_stream import (
    WavBusyError, WavFileError, WavStreamWriter, WavTooLongError, is_being_written, read_wav_header, repair_wav,
)

RATE = 48000
DAMAGED = "This recording is damaged and cannot be opened"


def noise(frames: int, channels: int = 1, peak: float = 1.0, seed: int = 1) -> np.ndarray:
    samples = (np.random.default_rng(seed).random((frames, channels)) * 2 - 1) * peak
    return samples.astype(np.float32)[:, 0] if channels == 1 else samples.astype(np.float32)


def read(path) -> np.ndarray:
    samples, rate = sf.read(path, dtype="float32")
    assert rate == RATE
    return samples


def make_stale(path, frames_counted: int = 0) -> None:
    """What a writer killed between writing sound and counting it leaves: a header counting too little."""
    header = read_wav_header(path)
    data_bytes = frames_counted * header.bytes_per_frame
    with open(path, "r+b") as file:
        file.seek(4)
        file.write(struct.pack("<I", header.data_offset - 8 + data_bytes))
        file.seek(header.data_offset - 4)
        file.write(struct.pack("<I", data_bytes))


@pytest.mark.parametrize("channels", [1, 2])
def test_float_takes_read_back_exactly_even_when_louder_than_full_scale(tmp_path, channels):
    take = noise(10_000, channels, peak=1.8)  # a shout with the gain up: kept whole, not clipped
    with WavStreamWriter(tmp_path / "take.wav", RATE, channels) as writer:
        writer.append(take[:3000])
        writer.append(take[3000:])
    info = sf.info(tmp_path / "take.wav")
    assert (info.subtype, info.channels, info.frames) == ("FLOAT", channels, 10_000)
    assert np.array_equal(read(tmp_path / "take.wav"), take)


@pytest.mark.parametrize("channels", [1, 2])
def test_24_bit_takes_read_back_within_one_step(tmp_path, channels):
    take = noise(9_999, channels)  # an odd number of frames: an odd number of bytes in mono
    take[:4] = [1.0, -1.0, 0.0, 2.0] if channels == 1 else [[1.0, -1.0]] * 4
    with WavStreamWriter(tmp_path / "take.wav", RATE, channels, "pcm24") as writer:
        writer.append(take)
    assert sf.info(tmp_path / "take.wav").subtype == "PCM_24"
    back = read(tmp_path / "take.wav")
    expected = np.clip(take, -1.0, 1.0 - 2**-23)
    assert np.max(np.abs(back - expected)) <= 2**-23


def test_the_file_opens_after_every_flush_with_everything_flushed(tmp_path):
    path = tmp_path / "take.wav"
    take = noise(RATE * 2, 2)
    writer = WavStreamWriter(path, RATE, 2)
    assert sf.info(path).frames == 0  # a take with no sound yet is already a valid, empty WAV
    written = 0
    for size in [1, 255, 256, 4097, 10_000, 333, 40_000]:
        writer.append(take[written:written + size])
        written += size
        assert writer.flush() == written
        assert not read_wav_header(path).is_stale
        assert np.array_equal(read(path), take[:written])
    writer.close()
    assert writer.closed and not is_being_written(path)


def test_appended_frames_survive_without_a_flush_and_repair_finds_them(tmp_path):
    path = tmp_path / "take.wav"
    take = noise(30_000)
    writer = WavStreamWriter(path, RATE)
    writer.append(take[:10_000])
    writer.flush()
    writer.append(take[10_000:])  # handed to the system, not yet counted: then the app is killed
    assert np.array_equal(read(path), take[:10_000])  # opens, with only the uncounted part missing
    os.close(writer._descriptor)  # the kernel lets go of a killed process's file and lock
    assert read_wav_header(path).is_stale
    assert repair_wav(path) == 30_000
    assert np.array_equal(read(path), take)
    header = read_wav_header(path)
    assert not header.is_stale and header.data_bytes == 30_000 * 4


def test_repair_cuts_off_a_partial_last_frame(tmp_path):
    path = tmp_path / "take.wav"
    take = noise(5000, 2)
    with WavStreamWriter(path, RATE, 2) as writer:
        writer.append(take)
    make_stale(path, 1000)
    with open(path, "ab") as file:
        file.write(b"\x01\x02\x03")  # three bytes of a frame of eight
    assert repair_wav(path) == 5000
    assert os.path.getsize(path) == read_wav_header(path).data_offset + 5000 * 8
    assert np.array_equal(read(path), take)
    assert sf.info(path).frames == 5000


def test_repair_leaves_a_file_whose_header_is_right_untouched(tmp_path):
    path = tmp_path / "other.wav"
    sf.write(path, noise(777), RATE, subtype="FLOAT")  # libsndfile's own layout, with a PEAK chunk
    before = path.read_bytes()
    assert repair_wav(path) == 777
    assert path.read_bytes() == before


def test_a_file_still_being_written_is_never_repaired(tmp_path):
    path = tmp_path / "take.wav"
    with WavStreamWriter(path, RATE) as writer:
        writer.append(noise(100))
        assert is_being_written(path)
        with pytest.raises(WavBusyError, match="^This recording is still being made, so it was left as it is: "):
            repair_wav(path)
    assert not is_being_written(path)
    assert repair_wav(path) == 100


@pytest.mark.parametrize("raw, message", [
    (b"", f"{DAMAGED} (the file is empty)"),
    (b"RIFF\x10\x00", f"{DAMAGED} (it ends before its header does)"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x03\x00",
     f"{DAMAGED} (the description of its format is cut short)"),
    (b"RIFF\x0c\x00\x00\x00WAVEdata\x00\x00\x00\x00",
     f"{DAMAGED} (its sound comes before the description of its format)"),
    (b'{"format": "ward-studio-take"}', "This file is not a WAV recording"),
])
def test_a_damaged_file_says_what_is_wrong(tmp_path, raw, message):
    (tmp_path / "x.wav").write_bytes(raw)
    for reader in (read_wav_header, repair_wav):
        with pytest.raises(WavFileError) as error:
            reader(tmp_path / "x.wav")
        assert str(error.value) == message
    assert (tmp_path / "x.wav").read_bytes() == raw  # never changed


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(WavFileError, match=f"^There is no recording at {tmp_path / 'gone.wav'}$"):
        repair_wav(tmp_path / "gone.wav")


def test_a_new_take_never_replaces_a_file(tmp_path):
    path = tmp_path / "take.wav"
    path.write_bytes(b"an earlier take")
    with pytest.raises(FileExistsError):
        WavStreamWriter(path, RATE)
    assert path.read_bytes() == b"an earlier take"


class DiskFillsUp:
    """os.pwrite as a disk with room_bytes left: a short write, then ENOSPC, as the kernel does."""

    def __init__(self, room_bytes: int):
        self.room_bytes = room_bytes
        self.real_pwrite = os.pwrite

    def __call__(self, descriptor, data, offset):
        end = os.fstat(descriptor).st_size
        grows_by = max(0, offset + len(data) - end)
        if grows_by > self.room_bytes:
            if self.room_bytes == 0:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            data = bytes(data)[:len(data) - (grows_by - self.room_bytes)]
        written = self.real_pwrite(descriptor, data, offset)
        self.room_bytes -= max(0, offset + written - end)
        return written


def test_a_full_disk_leaves_every_whole_frame_written_counted(tmp_path, monkeypatch):
    path = tmp_path / "take.wav"
    take = noise(10_000, 2)
    writer = WavStreamWriter(path, RATE, 2)
    writer.append(take[:1000])
    writer.flush()
    monkeypatch.setattr(wav_stream.os, "pwrite", DiskFillsUp(room_bytes=2000 * 8 + 5))  # 2000 frames and a bit
    with pytest.raises(OSError) as error:
        writer.append(take[1000:])
    assert error.value.errno == errno.ENOSPC
    assert writer.frames_appended == writer.frames_flushed == 3000
    assert os.path.getsize(path) == writer.header_bytes + 3000 * 8  # the partial frame is cut off
    assert np.array_equal(read(path), take[:3000])
    monkeypatch.undo()
    writer.close()
    assert np.array_equal(read(path), take[:3000])


def test_a_failed_flush_falls_back_to_what_was_flushed_before(tmp_path, monkeypatch):
    path = tmp_path / "take.wav"
    take = noise(3000)
    writer = WavStreamWriter(path, RATE)
    writer.append(take[:1000])
    writer.flush()
    writer.append(take[1000:])
    syncs = []

    def sync_fails_once(descriptor):
        syncs.append(descriptor)
        if len(syncs) == 1:
            raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(wav_stream, "_datasync", sync_fails_once)
    with pytest.raises(OSError, match="Input/output error"):
        writer.flush()
    assert writer.frames_appended == writer.frames_flushed == 1000  # what is known to be on the disk
    assert np.array_equal(read(path), take[:1000])
    writer.close()


def test_a_take_stops_at_the_most_a_wav_can_hold(tmp_path, monkeypatch):
    monkeypatch.setattr(wav_stream, "MAX_DATA_BYTES", 4000 * 4 + 3)
    take = noise(6000)
    with WavStreamWriter(tmp_path / "take.wav", RATE) as writer:
        with pytest.raises(WavTooLongError) as error:
            writer.append(take)
        assert error.value.errno == errno.EFBIG
    assert np.array_equal(read(tmp_path / "take.wav"), take[:4000])


@pytest.mark.parametrize("arguments, message", [
    ({"channels": 3}, "channels must be 1 or 2, got 3"),
    ({"sample_rate": 44100.0}, "sample_rate must be a whole number in range 8000..384000, got 44100.0"),
    ({"sample_format": "mp3"}, "sample_format must be one of float32, pcm24, got 'mp3'"),
])
def test_bad_settings_are_refused_before_a_file_is_made(tmp_path, arguments, message):
    with pytest.raises(ValueError) as error:
        WavStreamWriter(tmp_path / "take.wav", **{"sample_rate": RATE, **arguments})
    assert str(error.value) == message
    assert not list(tmp_path.iterdir())


def test_frames_of_the_wrong_shape_are_refused(tmp_path):
    with WavStreamWriter(tmp_path / "take.wav", RATE, 2) as writer:
        with pytest.raises(ValueError, match=r"^frames must be shaped \(n, 2\), got \(100,\)$"):
            writer.append(noise(100))
    assert sf.info(tmp_path / "take.wav").frames == 0
