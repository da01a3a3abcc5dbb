"""An XLSX's zip, checked before anything is parsed: a workbook small when packed and huge unpacked is refused.

The central directory (members, sizes) is checked first, then every member is read through a
counter of the bytes it really unpacks to, which stops the read as soon as its limit is passed:
a size a member declares is never trusted. Limits and why: docs/imports.md, "Upload bombs".
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from imports.reader.mapping_file import FileRefused

_MB = 1024 * 1024
# Parts this small are never refused for their ratio: a styles part of repeated tags can pack 50 to 1.
_RATIO_FLOOR_BYTES = _MB
# A read unpacks at most this much at a time: the counter then never holds more than one chunk too many.
READ_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class ZipLimits:
    members: int
    member_bytes: int
    ratio: int

    @classmethod
    def from_settings(cls) -> ZipLimits:
        return cls(
            members=settings.IMPORTS_XLSX_MAX_PARTS,
            member_bytes=settings.IMPORTS_XLSX_MAX_PART_MB * _MB,
            ratio=settings.IMPORTS_XLSX_MAX_RATIO,
        )


def too_large(limit: str, **details: object) -> FileRefused:
    """The refusal of a workbook past one of the limits; ``limit`` names which (imports.reasons)."""
    return FileRefused("workbook_too_large", limit=limit, **details)


class _CountedMember(io.RawIOBase):
    """A member's bytes as they are unpacked, counted; past ``limit`` bytes the read stops with a refusal."""

    def __init__(self, stream: zipfile.ZipExtFile, *, limit: int, refusal: FileRefused) -> None:
        self._stream = stream
        self._limit = limit
        self._refusal = refusal
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        try:
            # ZipExtFile unpacks no more than it is asked for, so one call never balloons.
            data = self._stream.read(min(len(buffer), READ_CHUNK_BYTES))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            raise DamagedMember from error
        self.bytes_read += len(data)
        if self.bytes_read > self._limit:
            raise self._refusal
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._stream.close()
        super().close()


class DamagedMember(Exception):
    """The zip stream itself broke off (bad CRC, truncated deflate data): the caller names the row."""


_END_OF_DIRECTORY = b"PK\x05\x06"
_ZIP64_END_OF_DIRECTORY = b"PK\x06\x06"
# What one member's entry in the directory may take: 46 bytes, its name, its extra fields. Excel's are
# under 150 bytes; a directory past this times the parts allowed is not a workbook's.
_DIRECTORY_BYTES_PER_PART = 1024


def _directory_size(path: Path) -> tuple[int, int] | None:
    """(members, bytes) the zip's end record gives its directory, read before zipfile builds it.

    zipfile makes an object per member: a 200 MB upload of empty members would be two million of
    them, a gigabyte, before any count could refuse it. None when there is no end record (zipfile
    then says it is not a zip).
    """
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - 65_557))  # the end record (22 bytes) and its comment (at most 65,535)
        tail = handle.read()
        at = tail.rfind(_END_OF_DIRECTORY)
        if at < 0 or len(tail) < at + 22:
            return None
        members = int.from_bytes(tail[at + 10 : at + 12], "little")
        directory = int.from_bytes(tail[at + 12 : at + 16], "little")
        if (members == 0xFFFF or directory == 0xFFFFFFFF) and at >= 20:
            # Zip64: the locator just before the record says where the zip64 end record is.
            offset = int.from_bytes(tail[at - 12 : at - 4], "little")
            handle.seek(offset)
            record = handle.read(56)
            if record[:4] == _ZIP64_END_OF_DIRECTORY and len(record) == 56:
                members = int.from_bytes(record[32:40], "little")
                directory = int.from_bytes(record[40:48], "little")
    return members, directory


class WorkbookZip:
    """An opened XLSX zip whose directory passed the limits; its members open through the counter."""

    def __init__(self, path: Path, limits: ZipLimits) -> None:
        directory = _directory_size(path)
        if directory is not None:
            members, directory_bytes = directory
            if members > limits.members:
                raise too_large("parts", count=members, maximum=limits.members)
            if directory_bytes > limits.members * _DIRECTORY_BYTES_PER_PART:
                raise too_large("directory", maximum=limits.members)
        try:
            self._zip = zipfile.ZipFile(path)
            members = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise FileRefused("not_a_workbook") from error
        self.limits = limits
        if len(members) > limits.members:
            self._zip.close()
            raise too_large("parts", count=len(members), maximum=limits.members)
        self._members = {member.filename: member for member in members}
        for member in members:
            try:
                self._check_declared(member)
            except FileRefused:
                self._zip.close()
                raise

    def _check_declared(self, member: zipfile.ZipInfo) -> None:
        if member.file_size > self.limits.member_bytes:
            raise too_large("part_size", maximum=self.limits.member_bytes // _MB)
        if member.file_size > _RATIO_FLOOR_BYTES and member.file_size > self.limits.ratio * max(
            member.compress_size, 1
        ):
            raise too_large("ratio", maximum=self.limits.ratio)

    def _limit(self, member: zipfile.ZipInfo) -> tuple[int, FileRefused]:
        # What it may really unpack to, whatever it declared: the same two limits, on the packed bytes
        # that are actually read (the directory's compressed size bounds what zipfile reads).
        by_ratio = max(self.limits.ratio * member.compress_size, _RATIO_FLOOR_BYTES)
        if by_ratio < self.limits.member_bytes:
            return by_ratio, too_large("ratio", maximum=self.limits.ratio)
        return self.limits.member_bytes, too_large("part_size", maximum=self.limits.member_bytes // _MB)

    def has(self, name: str) -> bool:
        return name in self._members

    def size(self, name: str) -> int:
        """The size ``name`` declares: for progress only, never for a limit."""
        return self._members[name].file_size

    @contextmanager
    def open(self, name: str) -> Iterator[_CountedMember]:
        member = self._members[name]
        limit, refusal = self._limit(member)
        try:
            stream = self._zip.open(member)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as error:
            # A bad local header, an unknown compression, an encrypted member: not a workbook we can read.
            raise FileRefused("not_a_workbook") from error
        counted = _CountedMember(stream, limit=limit, refusal=refusal)
        try:
            yield counted
        finally:
            counted.close()

    def close(self) -> None:
        self._zip.close()
