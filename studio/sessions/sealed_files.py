"""Audio and other files kept encrypted (AES-256-GCM), written as they are made and read back whole.

    SealedWriter(path, files_key)   write(data), flush(), close(); a crash leaves every flushed chunk readable
    open_sealed(path, files_key, salvage=False) -> bytes
    read_chunks(path, files_key, salvage=False) -> iterator of bytes
    seal_bytes(data, dst, files_key), seal_file(src, dst, files_key), seal_chunks(chunks, dst, files_key)
                                    all or nothing (a temporary file, renamed)
    is_sealed(path) -> bool         starts with the magic header

The format: HEADER = MAGIC (8 bytes), version (1), chunk size (4, big-endian), file salt (16), then a
16-byte key check (the tag of nothing sealed with the file's key), so a wrong key is told at once. Then
chunks of CHUNK_BYTES of data (the last one shorter, possibly empty), each sealed as
ciphertext + 16-byte tag. Each file has its own key, HKDF(files_key, file salt), so nonces never
repeat across files; a chunk's nonce is its index and a "last chunk" flag, and the header, the
index and the flag are its associated data too. So a reordered, cut short or lengthened file,
or one sealed with another key, does not open: a file without a last chunk was cut short (the app
stopped while writing it), anything else that does not open is damaged. salvage=True gives back
the whole chunks of a file that was cut short instead of refusing it.
"""

from __future__ import annotations

import contextlib
import os
import struct
from pathlib import Path
from typing import Iterable, Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from studio.atomic_file import fsync_folder

MAGIC = b"WSSEALD\x1a"  # \x1a: a text tool that shows the header stops there
VERSION = 1
CHUNK_BYTES = 64 * 1024
TAG_BYTES = 16
SALT_BYTES = 16
HEADER = struct.Struct(">8sBI16s")
MAX_CHUNK_BYTES = 16 * 1024 * 1024
KEY_BYTES = 32
KEY_CHECK_NONCE = b"\xff" * 12  # never a chunk's nonce: chunk nonces end in 0 or 1

DAMAGED = "This recording is damaged or was not made by Ward Studio"
CUT_SHORT = "This recording was cut short (the app stopped while it was being saved)"


class SealedFileError(Exception):
    """A sealed file that cannot be read, in plain words."""


class SealedFileCutShort(SealedFileError):
    """The file has no last chunk: the app stopped while writing it. salvage=True reads the whole chunks."""


def _file_key(files_key: bytes, salt: bytes) -> AESGCM:
    if len(files_key) != KEY_BYTES:
        raise ValueError(f"the files key must be {KEY_BYTES} bytes, got {len(files_key)}")
    key = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=b"ward-studio sealed file v1")
    return AESGCM(key.derive(files_key))


def _nonce(index: int, last: bool) -> bytes:
    if index < 0:
        return KEY_CHECK_NONCE
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _associated(header: bytes, index: int, last: bool) -> bytes:
    return header if index < 0 else header + _nonce(index, last)


def is_sealed(path: str | os.PathLike) -> bool:
    try:
        with open(path, "rb") as file:
            return file.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


class SealedWriter:
    """Seals data into path as it comes. Only whole chunks reach the disk before close(), so a
    crash loses at most the last CHUNK_BYTES (0.34 s of 48 kHz stereo 16-bit)."""

    def __init__(self, path: str | os.PathLike, files_key: bytes, chunk_bytes: int = CHUNK_BYTES):
        if not 1 <= chunk_bytes <= MAX_CHUNK_BYTES:
            raise ValueError(f"chunk_bytes must be in range 1..{MAX_CHUNK_BYTES}, got {chunk_bytes}")
        self.path = Path(path)
        self._chunk_bytes = chunk_bytes
        salt = os.urandom(SALT_BYTES)
        self._header = HEADER.pack(MAGIC, VERSION, chunk_bytes, salt)
        self._aead = _file_key(files_key, salt)
        key_check = self._aead.encrypt(KEY_CHECK_NONCE, b"", self._header)
        self._pending = bytearray()
        self._index = 0
        self._closed = False
        # O_EXCL: a recording is never written over another one
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            self._write_all(self._header + key_check)
        except OSError:
            self._abandon()
            raise

    def write(self, data: bytes) -> None:
        if self._closed:
            raise ValueError("the sealed file is closed")
        self._pending += data
        while len(self._pending) > self._chunk_bytes:  # keep one chunk back: it may turn out to be the last
            self._seal_chunk(bytes(self._pending[: self._chunk_bytes]), last=False)
            del self._pending[: self._chunk_bytes]

    def flush(self) -> None:
        """Make every whole chunk written so far durable."""
        if len(self._pending) == self._chunk_bytes:
            self._seal_chunk(bytes(self._pending), last=False)
            self._pending.clear()
        os.fsync(self._fd)

    def close(self) -> None:
        if self._closed:
            return
        try:
            self._seal_chunk(bytes(self._pending), last=True)
            self._pending.clear()
            os.fsync(self._fd)
        finally:
            self._closed = True
            os.close(self._fd)
        fsync_folder(self.path.parent)

    def abandon(self) -> None:
        """Stop without a last chunk (the file reads as cut short); for a failed recording."""
        self._abandon()

    def _abandon(self) -> None:
        if not self._closed:
            self._closed = True
            with contextlib.suppress(OSError):
                os.close(self._fd)

    def _seal_chunk(self, plain: bytes, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._index, last), plain, _associated(self._header, self._index, last))
        self._write_all(sealed)
        self._index += 1

    def _write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]

    def __enter__(self) -> "SealedWriter":
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is None:
            self.close()
        else:
            self._abandon()


def read_chunks(path: str | os.PathLike, files_key: bytes, salvage: bool = False) -> Iterator[bytes]:
    """The file's data, chunk by chunk, each checked before it is given. SealedFileError at the
    first chunk that does not open (after the good ones were given)."""
    with open(path, "rb") as file:
        header = file.read(HEADER.size)
        if len(header) < HEADER.size and MAGIC.startswith(header[:len(MAGIC)]):  # stopped before the header was out
            if salvage:
                return
            raise SealedFileCutShort(f"{CUT_SHORT}.")
        if not header.startswith(MAGIC):
            raise SealedFileError(f"{DAMAGED} (it does not start like one).")
        _, version, chunk_bytes, salt = HEADER.unpack(header)
        if version != VERSION:
            raise SealedFileError(f"{DAMAGED}, or by a newer version of it (format {version}).")
        if not 1 <= chunk_bytes <= MAX_CHUNK_BYTES:
            raise SealedFileError(f"{DAMAGED}.")
        aead = _file_key(files_key, salt)
        key_check = file.read(TAG_BYTES)
        if len(key_check) < TAG_BYTES:
            if salvage:
                return
            raise SealedFileCutShort(f"{CUT_SHORT}.")
        if _open_chunk(aead, header, -1, key_check, last=False) is None:
            raise SealedFileError(f"{DAMAGED} (it was not sealed with this tablet's key).")
        record_bytes = chunk_bytes + TAG_BYTES
        index = 0
        sealed = file.read(record_bytes)
        while True:
            following = file.read(record_bytes) if len(sealed) == record_bytes else b""
            is_final = not following
            plain = _open_chunk(aead, header, index, sealed, last=True) if is_final else None
            if plain is not None:
                yield plain
                return
            plain = _open_chunk(aead, header, index, sealed, last=False)
            if plain is None or len(plain) != chunk_bytes:
                if is_final and len(sealed) < record_bytes:  # the app stopped while writing this chunk
                    if salvage:
                        return
                    raise SealedFileCutShort(f"{CUT_SHORT}.")
                raise SealedFileError(f"{DAMAGED}.")
            yield plain
            if is_final:  # whole chunks only, no last one: the writer stopped after a flush
                if salvage:
                    return
                raise SealedFileCutShort(f"{CUT_SHORT}.")
            index += 1
            sealed = following


def _open_chunk(aead: AESGCM, header: bytes, index: int, sealed: bytes, last: bool) -> bytes | None:
    if len(sealed) < TAG_BYTES:
        return None
    try:
        return aead.decrypt(_nonce(index, last), sealed, _associated(header, index, last))
    except InvalidTag:
        return None


def open_sealed(path: str | os.PathLike, files_key: bytes, salvage: bool = False) -> bytes:
    return b"".join(read_chunks(path, files_key, salvage=salvage))


def seal_bytes(data: bytes, dst: str | os.PathLike, files_key: bytes) -> None:
    _sealed_atomically(dst, files_key, lambda writer: writer.write(data))


def seal_file(src: str | os.PathLike, dst: str | os.PathLike, files_key: bytes) -> None:
    def copy(writer: SealedWriter) -> None:
        with open(src, "rb") as source:
            while block := source.read(CHUNK_BYTES):
                writer.write(block)

    _sealed_atomically(dst, files_key, copy)


def seal_chunks(chunks: Iterable[bytes], dst: str | os.PathLike, files_key: bytes) -> None:
    def copy(writer: SealedWriter) -> None:
        for chunk in chunks:
            writer.write(chunk)

    _sealed_atomically(dst, files_key, copy)


def _sealed_atomically(dst: str | os.PathLike, files_key: bytes, fill) -> None:
    dst = Path(dst)
    tmp = dst.with_name(f".{dst.name}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()  # left by a crash: never a finished file
    try:
        writer = SealedWriter(tmp, files_key)
        try:
            fill(writer)
            writer.close()
        finally:
            writer.abandon()
        os.replace(tmp, dst)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_folder(dst.parent)
