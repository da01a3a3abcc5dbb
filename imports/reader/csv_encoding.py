"""Which encoding a CSV is in (those Excel writes), proven before a row is read; NUL characters refused."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from imports.reader.mapping_file import FileRefused

# A valid UTF-8 sequence of two to four bytes. Windows-1252 text almost never holds one (it would take
# a capital accented letter followed by a typographic sign, such as "Ã©"); a file that is not UTF-8
# as a whole but holds them is UTF-8 in parts and something else in others.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]"
    rb"|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_CHUNK_BYTES = 1024 * 1024


def _has_utf8_sequences(path: Path) -> bool:
    with path.open("rb") as handle:
        tail = b""
        while chunk := handle.read(_CHUNK_BYTES):
            # Three bytes carried over: a sequence cut by the chunk boundary is still found.
            if _UTF8_MULTIBYTE.search(tail + chunk):
                return True
            tail = chunk[-3:]
    return False


def _looks_like_utf16(chunk: bytes) -> bool:
    """UTF-16 text without a byte-order mark: a NUL byte in every other position (ASCII's high byte)."""
    sample = chunk[:4096]
    return len(sample) >= 8 and any(sample[parity::2].count(0) >= len(sample) // 2 * 0.8 for parity in (0, 1))


def nul_character(path: Path, encoding: str) -> FileRefused:
    """The refusal of a file holding a NUL character, with the line it is on (for a text editor)."""
    newlines = returns = 0
    with path.open("r", encoding=encoding, errors="replace", newline="") as text:
        while chunk := text.read(_CHUNK_BYTES):
            position = chunk.find("\x00")
            if position >= 0:
                chunk = chunk[:position]
            newlines += chunk.count("\n")
            returns += chunk.count("\r")
            if position >= 0:
                break
    # Lines end with LF or CRLF, or with a lone CR in files from old Macs.
    return FileRefused("nul_character", line=(newlines or returns) + 1)


def detect_encoding(path: Path) -> str:
    """The codec to read ``path`` with, or FileRefused; the rules: docs/imports.md, "What a file may look like"."""
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            # Not decoded in advance (the common case for big files, read once): a byte that is not
            # UTF-8 is found while reading, and so is a NUL byte.
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            # Excel's "Unicode text": UTF-16 with a BOM, usually tab-separated. Decoded once in full
            # first: NUL bytes are normal in UTF-16, a NUL character is not.
            _decode_all(path, "utf-16")
            return "utf-16"
        handle.seek(0)
        # Prove the whole file is UTF-8 before trusting it; only then fall back to Windows-1252,
        # which Excel writes on Windows machines set to English.
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(_CHUNK_BYTES):
                if b"\x00" in chunk:
                    if _looks_like_utf16(chunk):
                        raise FileRefused("encoding")  # UTF-16 without its BOM: not a NUL in a cell
                    raise nul_character(path, "latin-1")
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
    # Read as Windows-1252, the UTF-8 parts of a file joined from two exports would go live as
    # mojibake (राम as à¤°à¤¾à¤®): refused instead.
    if _has_utf8_sequences(path):
        raise FileRefused("mixed_encoding")
    # Windows-1252 leaves five byte values undefined; a file with one of them is not text we know.
    _decode_all(path, "cp1252")
    return "cp1252"


def _decode_all(path: Path, encoding: str) -> None:
    """Read the whole file as ``encoding``: refused if it does not decode or holds a NUL character."""
    try:
        with path.open("r", encoding=encoding, newline="") as text:
            while chunk := text.read(_CHUNK_BYTES):
                if "\x00" in chunk:
                    raise nul_character(path, encoding)
    except UnicodeDecodeError:
        raise FileRefused("encoding") from None
