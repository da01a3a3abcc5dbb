"""XML text with its references (``&amp;``, ``&#2352;``, ``&#x930;``) read as an XML parser reads it.

For the fast reader, which matches text with regular expressions: TEXT below matches only what may
stand between tags unchanged or as one of XML's five entities and character references, and
``unescaped`` turns it into the parser's text. A reference to a character XML forbids (``&#0;``) is
BrokenXml, as lxml finds it. Literal carriage returns are not taken (XML turns them into line
feeds): text holding one is left to lxml.
"""

from __future__ import annotations

import re

from imports.reader.xlsx_xml import BrokenXml

# Text up to the next tag: characters, and references where a "&" is. Unrolled and possessive (*+):
# nothing that may follow it can start inside it, so the engine keeps no backtracking state.
TEXT = r"[^<&\r]*+(?:&(?:amp|lt|gt|quot|apos|#[0-9]++|#x[0-9a-fA-F]++);[^<&\r]*+)*+"

_REFERENCE = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
# openpyxl writes every character past ASCII as a reference: the same few names and divisions,
# decoded once each. Only short texts, and only so many, so the cache stays small whatever the file.
_CACHED_CHARS = 1024
_CACHED_TEXTS = 4096


def _character(match: re.Match[str]) -> str:
    name = match.group(1)
    if name[0] != "#":
        return _NAMED[name]  # TEXT let no other name through
    code = int(name[2:], 16) if name[1] == "x" else int(name[1:])
    # XML's Char: a reference to anything else is not well-formed.
    if code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF:
        return chr(code)
    raise BrokenXml


class Unescaper:
    """Decodes TEXT matches, remembering the short ones; one per file read, dropped with it."""

    def __init__(self) -> None:
        self._known: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        """``text`` (a TEXT match) as XML's text: the caller calls it only where a "&" is."""
        known = self._known.get(text)
        if known is not None:
            return known
        plain = _REFERENCE.sub(_character, text)
        if len(text) <= _CACHED_CHARS:
            if len(self._known) >= _CACHED_TEXTS:
                self._known.clear()
            self._known[text] = plain
        return plain
