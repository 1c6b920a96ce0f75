"""Reading an .h2drumkit archive safely: a tar file (gzip, bzip2, xz or plain), read as a stream.

Nothing is extracted by the archive's own paths: callers get each regular member's normalised name
and write the bytes they want wherever they choose. Members whose path would leave the archive
("../x", "/x") are ignored, and an archive that unpacks to more than MAX_UNPACKED_BYTES is refused.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import posixpath
import tarfile
import zlib
from pathlib import Path

from studio.kits.errors import KitError

MAX_UNPACKED_BYTES = 2 * 1024**3


def escapes_archive(name: str) -> bool:
    name = posixpath.normpath(name)
    return name.startswith("/") or name == ".." or name.startswith("../")


def _open_unpacked(archive: Path, shown: str) -> io.RawIOBase:
    try:
        with archive.open("rb") as file:
            magic = file.read(6)
        opener = {b"\x1f\x8b": gzip.open, b"BZ": bz2.open, b"\xfd7": lzma.open}.get(magic[:2], open)
        return _CappedReader(opener(archive, "rb"), shown)
    except OSError:
        raise KitError(f"{shown} could not be opened.") from None


class _CappedReader(io.RawIOBase):
    """Reads through a decompressing file, refusing to unpack more than MAX_UNPACKED_BYTES."""

    def __init__(self, inner, shown: str):
        self.inner, self.shown, self.count = inner, shown, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.inner.read(len(buffer))
        self.count += len(data)
        if self.count > MAX_UNPACKED_BYTES:
            limit_gb = MAX_UNPACKED_BYTES // 1024**3
            raise KitError(f"{self.shown} is too big to open: it unpacks to more than {limit_gb} GB.")
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()


def tar_members(archive: Path, shown: str):
    """(normalised member name, member, tar) for every regular file, read as a stream."""
    try:
        with _open_unpacked(archive, shown) as raw, tarfile.open(fileobj=raw, mode="r|") as tar:
            for member in tar:
                name = posixpath.normpath(member.name)
                if member.isfile() and not escapes_archive(name):
                    yield name, member, tar
    except (tarfile.TarError, OSError, EOFError, lzma.LZMAError, zlib.error, ValueError) as error:
        if isinstance(error, KitError):
            raise
        raise KitError(
            f"{shown} could not be opened: it is not a Hydrogen drum kit archive, or it is damaged."
        ) from None


def scan_archive(
    archive: Path, shown: str, xml_name: str, max_xml_bytes: int
) -> tuple[dict[str, int], str | None, bytes]:
    """Every regular member's size by name, and the xml_name file nearest the top: its name and contents."""
    member_sizes: dict[str, int] = {}
    xml_member, xml_bytes = None, b""
    for name, member, tar in tar_members(archive, shown):
        member_sizes[name] = member.size
        if posixpath.basename(name) == xml_name and member.size <= max_xml_bytes:
            if xml_member is None or name.count("/") < xml_member.count("/"):
                xml_member, xml_bytes = name, tar.extractfile(member).read()
    return member_sizes, xml_member, xml_bytes


def extract_members(archive: Path, shown: str, targets: dict[str, Path], max_member_bytes: int) -> None:
    """Write the named members (those no bigger than max_member_bytes) to the given paths."""
    for name, member, tar in tar_members(archive, shown):
        if name in targets and member.size <= max_member_bytes:
            targets[name].write_bytes(tar.extractfile(member).read())
