"""Pasted text as a person reads it: the cleaning every extractor and the phrase matcher start from."""

from __future__ import annotations

import re
import unicodedata

# Zero-width characters hide inside words to dodge filters ("Any\u200bDesk").
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


# Full stops that browsers read as "." in a host (UTS-46): https://evil。com opens evil.com. NFKC
# already turns the small full stop into "." and the half-width one into the ideographic one.
_DOTS = dict.fromkeys(map(ord, "\u3002\uff61\ufe52"), ".")


def clean(text: str) -> str:
    """NFKC, no invisible characters, and every kind of full stop a browser takes for a dot as "."."""
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_DOTS)


# Phones type ’ for the apostrophe: "don’t share your OTP" must read as "don't".
_CURLY_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
# Cyrillic and Greek letters that look Latin ("nоt updаted" with a Cyrillic о and а): folded for the
# phrase patterns only, so a fraudster cannot dodge them letter by letter. Links are judged apart.
_LOOK_ALIKES = str.maketrans("аеорсухіјѕԁһԛԝοαεικνρτυχ", "aeopcyxijsdhqwoaeikvptyx")


def normalise_text(text: str) -> str:
    """NFKC (full-width letters become plain), no invisible characters, lower case, single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_CURLY_QUOTES)
    return re.sub(r"\s+", " ", text).strip().lower().translate(_LOOK_ALIKES)


# What ends a sentence rather than a link, a UPI ID or a payment link: "pay at kesco.co.in."
TRAILING_PUNCTUATION = ".,;:!?)]}'\"।"


def shortened(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
