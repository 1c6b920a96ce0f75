"""A take as one file: its WAV with its details (name, lyrics, trim, backing...) in a chunk of its own.

    bundle_chunks(wav_path, details_text) -> iterator of bytes     the take, to seal away
    unbundle(chunks, wav_path) -> details_text                      a bundle written back as a WAV

Why a WAV chunk and not a folder or an archive: the bundle is still a WAV file that any player
opens (players skip chunks they do not know, as RIFF asks), so a take sealed in Sessions and
exported by a mentor plays as it is. The details chunk ("wsTK") comes after the sound; unbundle
writes the WAV back without it, byte for byte as it was recorded.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable, Iterator
from pathlib import Path

from studio.mic.wav_stream import WavFileError, read_wav_header

DETAILS_CHUNK = b"wsTK"
MAX_DETAILS_BYTES = 1 << 20  # lyrics are at most 100,000 characters
READ_BYTES = 1 << 20


def bundle_chunks(wav_path: str | os.PathLike, details_text: str) -> Iterator[bytes]:
    """The take's WAV, up to the end of its sound, then its details. WavFileError for a file that is
    not a whole WAV (a take still being recorded is bundled once it is finished, never before)."""
    header = read_wav_header(wav_path)
    if header.is_stale:
        raise WavFileError("This recording's header does not count all its sound yet (it may still be recording)")
    details = details_text.encode("utf-8")
    if len(details) > MAX_DETAILS_BYTES:
        raise ValueError("The take's details are too long to keep with it")
    sound_end = header.data_offset + header.data_bytes
    pad = b"\0" * (sound_end & 1)  # RIFF chunks start on even offsets
    chunk = DETAILS_CHUNK + struct.pack("<I", len(details)) + details + b"\0" * (len(details) & 1)
    riff_bytes = sound_end + len(pad) + len(chunk) - 8
    if riff_bytes > 0xFFFF_FFFF:
        raise WavFileError("This recording is too long to keep with its details in one WAV file")
    yield b"RIFF" + struct.pack("<I", riff_bytes)
    with open(wav_path, "rb") as wav:
        wav.seek(8)
        left = sound_end - 8
        while left > 0:
            block = wav.read(min(READ_BYTES, left))
            if not block:
                raise WavFileError("This recording ended while it was being put away")
            left -= len(block)
            yield block
    yield pad + chunk


def unbundle(chunks: Iterable[bytes], wav_path: str | os.PathLike) -> str:
    """Write the bundle's WAV to wav_path (the details chunk left out) and return the details text.
    WavFileError when the bundle is not one (no details chunk, a broken header)."""
    wav_path = Path(wav_path)
    with open(wav_path, "w+b") as wav:
        for chunk in chunks:
            wav.write(chunk)
        wav.flush()
        size = wav.tell()
        offset = 12
        while offset + 8 <= size:
            wav.seek(offset)
            chunk_id, chunk_bytes = struct.unpack("<4sI", wav.read(8))
            if chunk_id == DETAILS_CHUNK:
                if chunk_bytes > MAX_DETAILS_BYTES or offset + 8 + chunk_bytes > size:
                    break
                details = wav.read(chunk_bytes)
                wav.truncate(offset)
                wav.seek(4)
                wav.write(struct.pack("<I", offset - 8))
                wav.flush()
                os.fsync(wav.fileno())
                try:
                    return details.decode("utf-8")
                except UnicodeDecodeError:
                    break
            offset += 8 + chunk_bytes + (chunk_bytes & 1)
    raise WavFileError("This kept take has no details with it, so it cannot be brought back as a take")
