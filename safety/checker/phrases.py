"""The tell-tale phrases of the "bill not updated, disconnection tonight" scam, and finding them in a text.

What is matched comes from safety/data/phrases.toml; what the consumer reads is here, to be translated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext_lazy

from safety.checker import data
from safety.checker.text import normalise_text

PHRASES_FILE = data.DATA_DIR / "phrases.toml"

# The reason shown for each kind of phrase in the file. Every kind needs one, and every reason a kind.
_REASONS: dict[str, str] = {
    "disconnection": gettext_lazy(
        'It threatens to cut your electricity soon ("tonight"). KESCO never does this by message.'
    ),
    "pressure": gettext_lazy(
        'It rushes you to pay ("urgent", "right now", "or else disconnection"). A real bill gives a due date '
        "and never threatens."
    ),
    "bill_not_updated": gettext_lazy('It says your bill was "not updated". This is the scam\'s usual opening.'),
    "call_officer": gettext_lazy('It asks you to call an "electricity officer". Call only the helpline 1912.'),
    "install_app": gettext_lazy(
        "It asks you to install an app (AnyDesk, TeamViewer or an APK file). This gives a stranger your phone."
    ),
    "small_payment": gettext_lazy('It asks for a small payment to "update" something. KESCO never asks for this.'),
    "scan_qr": gettext_lazy("It asks you to scan a QR code. Scanning a QR code can only send money, never receive it."),
    "otp": gettext_lazy("It asks for an OTP, PIN or bank details. KESCO never asks for these."),
}

_PIECE = re.compile(r"\{\{(\w+)\}\}")


@dataclass(frozen=True)
class ScamPhrase:
    key: str
    reason: str  # lazy, translated when shown
    patterns: tuple[str, ...]  # regular expressions over normalise_text() output
    compiled: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "compiled", tuple(re.compile(pattern) for pattern in self.patterns))


def load_scam_phrases(path: Path = PHRASES_FILE) -> tuple[ScamPhrase, ...]:
    """The phrases of a phrases file in its order, each with its reason; DataFileError if it is malformed."""
    content = data.table(path, "the file", data.read_table(path), required={"phrases"}, optional={"pieces"})
    pieces = {
        name: data.string(path, f"pieces.{name}", value)
        for name, value in data.table(path, "pieces", content.get("pieces", {})).items()
    }
    kinds = data.table(path, "phrases", content["phrases"])
    if unknown := [kind for kind in kinds if kind not in _REASONS]:
        raise data.DataFileError(
            path, f"phrases.{unknown[0]}", "has no reason to show consumers in safety/checker/phrases.py (_REASONS)"
        )
    if missing := [kind for kind in _REASONS if kind not in kinds]:
        raise data.DataFileError(
            path, "phrases", f"lacks {', '.join(missing)}: each reason in safety/checker/phrases.py needs patterns"
        )
    phrases = []
    for kind, entry in kinds.items():
        kind_table = data.table(path, f"phrases.{kind}", entry, required={"patterns"})
        written = data.string_list(path, f"phrases.{kind}.patterns", kind_table["patterns"])
        patterns = tuple(
            _pattern(path, f"phrases.{kind}.patterns, item {number}", pattern, pieces)
            for number, pattern in enumerate(written, 1)
        )
        phrases.append(ScamPhrase(kind, _REASONS[kind], patterns))
    return tuple(phrases)


def _pattern(path: Path, entry: str, written: str, pieces: dict[str, str]) -> str:
    """The pattern with its {{pieces}} filled in, once it is known to compile and not to match an empty text."""

    def piece(match: re.Match[str]) -> str:
        if match.group(1) not in pieces:
            raise data.DataFileError(path, entry, f"uses {match.group(0)}, which is not in [pieces]")
        return pieces[match.group(1)]

    pattern = _PIECE.sub(piece, written)
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise data.DataFileError(path, entry, f"is not a valid regular expression ({error}): {written}") from None
    if compiled.search("") is not None:
        raise data.DataFileError(path, entry, f"matches an empty message, so it would flag every one: {written}")
    return pattern


SCAM_PHRASES: tuple[ScamPhrase, ...] = load_scam_phrases()


def find_scam_phrases(text: str) -> list[tuple[ScamPhrase, str]]:
    """Each phrase group found, with the words that matched (from the consumer's own text)."""
    normalised = normalise_text(text)
    found = []
    for phrase in SCAM_PHRASES:
        for pattern in phrase.compiled:
            match = pattern.search(normalised)
            if match:
                found.append((phrase, match.group(0).strip()))
                break
    return found
