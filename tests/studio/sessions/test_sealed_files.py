"""Sealed files: what goes in comes out; anything cut, moved, added or changed is caught and said plainly."""

import os

import pytest

from studio.sessions import sealed_files
from studio.sessions.sealed_files import (
    CHUNK_BYTES, HEADER, MAGIC, TAG_BYTES, SealedFileCutShort, SealedFileError, SealedWriter, is_sealed,
    open_sealed, read_chunks, seal_bytes, seal_file,
)
from tests.studio.sessions.conftest import sine_wav

KEY = bytes(range(32))
SMALL = 100  # chunk size for the tests that cut files up
START = HEADER.size + TAG_BYTES  # header and key check
RECORD = SMALL + TAG_BYTES


def sealed_small(path, data: bytes, close: bool = True) -> None:
    writer = SealedWriter(path, KEY, chunk_bytes=SMALL)
    writer.write(data)
    if close:
        writer.close()
    else:
        writer.flush()
        writer.abandon()


@pytest.mark.parametrize("size", [0, 1, SMALL - 1, SMALL, SMALL + 1, 3 * SMALL, 3 * SMALL + 7])
def test_what_is_written_is_read_back(tmp_path, size):
    data = os.urandom(size)
    sealed_small(tmp_path / "a.sealed", data)
    assert open_sealed(tmp_path / "a.sealed", KEY) == data
    assert b"".join(read_chunks(tmp_path / "a.sealed", KEY)) == data


def test_a_wav_is_sealed_with_the_default_chunks_and_shows_no_wav_header(tmp_path):
    wav = sine_wav(seconds=2.0)  # 192 kB: three chunks
    (tmp_path / "take.wav").write_bytes(wav)
    seal_file(tmp_path / "take.wav", tmp_path / "take.sealed", KEY)
    raw = (tmp_path / "take.sealed").read_bytes()
    assert raw.startswith(MAGIC) and is_sealed(tmp_path / "take.sealed")
    assert b"RIFF" not in raw and b"WAVE" not in raw and b"data" not in raw[:64]
    assert len(raw) == START + len(wav) + TAG_BYTES * -(-len(wav) // CHUNK_BYTES)
    assert open_sealed(tmp_path / "take.sealed", KEY) == wav
    assert [len(chunk) for chunk in read_chunks(tmp_path / "take.sealed", KEY)] == [CHUNK_BYTES, CHUNK_BYTES, len(
        wav) - 2 * CHUNK_BYTES]


def test_the_same_data_seals_differently_each_time(tmp_path):
    seal_bytes(b"x" * 1000, tmp_path / "a", KEY)
    seal_bytes(b"x" * 1000, tmp_path / "b", KEY)
    assert (tmp_path / "a").read_bytes() != (tmp_path / "b").read_bytes()


def test_another_key_is_told_plainly(tmp_path):
    seal_bytes(b"secret", tmp_path / "a", KEY)
    with pytest.raises(SealedFileError) as caught:
        open_sealed(tmp_path / "a", bytes(32))
    assert str(caught.value) == ("This recording is damaged or was not made by Ward Studio "
                                 "(it was not sealed with this tablet's key).")
    assert not isinstance(caught.value, SealedFileCutShort)


def test_a_plain_wav_is_not_taken_for_a_sealed_file(tmp_path):
    (tmp_path / "a.wav").write_bytes(sine_wav(0.1))
    assert not is_sealed(tmp_path / "a.wav")
    with pytest.raises(SealedFileError, match=r"^This recording is damaged or was not made by Ward Studio \(it does "
                                              r"not start like one\)\.$"):
        open_sealed(tmp_path / "a.wav", KEY)


@pytest.mark.parametrize("keep_bytes", [0, 5, HEADER.size + 3, START, START + RECORD, START + 2 * RECORD, START + RECORD + 40, START + 5])
def test_a_file_cut_short_is_caught_and_its_whole_chunks_can_be_saved(tmp_path, keep_bytes):
    data = os.urandom(3 * SMALL + 50)
    sealed_small(tmp_path / "a", data)
    with open(tmp_path / "a", "r+b") as file:
        file.truncate(keep_bytes)
    with pytest.raises(SealedFileCutShort, match=r"^This recording was cut short \(the app stopped while it was "
                                                 r"being saved\)\.$"):
        open_sealed(tmp_path / "a", KEY)
    whole_chunks = max(0, (keep_bytes - START) // RECORD)
    assert open_sealed(tmp_path / "a", KEY, salvage=True) == data[: whole_chunks * SMALL]


def test_a_writer_that_stopped_without_closing_leaves_what_it_flushed(tmp_path):
    data = os.urandom(2 * SMALL + 30)
    sealed_small(tmp_path / "a", data, close=False)  # flushed, never closed: as after a kill
    with pytest.raises(SealedFileCutShort):
        open_sealed(tmp_path / "a", KEY)
    assert open_sealed(tmp_path / "a", KEY, salvage=True) == data[: 2 * SMALL]


def test_a_chunk_added_at_the_end_is_caught(tmp_path):
    sealed_small(tmp_path / "a", os.urandom(2 * SMALL))
    sealed_small(tmp_path / "b", os.urandom(3 * SMALL))
    raw_b = (tmp_path / "b").read_bytes()
    with open(tmp_path / "a", "ab") as file:
        file.write(raw_b[START + 2 * RECORD:])  # b's chunk 2 (its last) after a's last chunk
    with pytest.raises(SealedFileError) as caught:
        open_sealed(tmp_path / "a", KEY)
    assert not isinstance(caught.value, SealedFileCutShort)


def test_reordered_chunks_are_caught(tmp_path):
    sealed_small(tmp_path / "a", os.urandom(3 * SMALL + 1))
    raw = (tmp_path / "a").read_bytes()
    chunks = [raw[START + i * RECORD: START + (i + 1) * RECORD] for i in range(4)]
    (tmp_path / "a").write_bytes(raw[:START] + chunks[1] + chunks[0] + chunks[2] + chunks[3])
    with pytest.raises(SealedFileError, match="damaged"):
        open_sealed(tmp_path / "a", KEY)


@pytest.mark.parametrize("where", [0, 9, HEADER.size + 3, START + 5, START + RECORD + 1, -1])
def test_a_changed_byte_anywhere_is_caught(tmp_path, where):
    sealed_small(tmp_path / "a", os.urandom(2 * SMALL + 10))
    raw = bytearray((tmp_path / "a").read_bytes())
    raw[where] ^= 0x01
    (tmp_path / "a").write_bytes(bytes(raw))
    with pytest.raises(SealedFileError):
        open_sealed(tmp_path / "a", KEY)


def test_a_sealed_file_is_never_written_over(tmp_path):
    seal_bytes(b"first", tmp_path / "a", KEY)
    with pytest.raises(FileExistsError):
        SealedWriter(tmp_path / "a", KEY)
    assert open_sealed(tmp_path / "a", KEY) == b"first"


def test_sealing_a_file_is_all_or_nothing(tmp_path, monkeypatch):
    (tmp_path / "src").write_bytes(os.urandom(3 * CHUNK_BYTES))
    real_write, calls = os.write, []

    def write_then_fail(descriptor, data):
        calls.append(len(data))
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real_write(descriptor, data)

    monkeypatch.setattr(sealed_files.os, "write", write_then_fail)
    with pytest.raises(OSError):
        seal_file(tmp_path / "src", tmp_path / "dst", KEY)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["src"]  # no dst, no temporary file
