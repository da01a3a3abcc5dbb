"""Finds the header row (below title rows, or merged over two rows) and which column holds each field."""

from __future__ import annotations

import itertools
import operator
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from imports.reader.mapping_file import FileRefused

FIELDS = ("old", "new", "name", "division", "mobile")
REQUIRED = ("old", "new")

# Header aliases, compared after _header_key ("Old A/c No." is "oldacno"); docs/imports.md lists them in
# words. The account number headers are every combination of the words below, in either order:
# billing exports, hand-made sheets and Hindi offices spell them all ways.
_OLD_WORDS = ("old", "previous", "prev", "पुराना", "पुरानी", "पुराने")
_NEW_WORDS = ("new", "नया", "नई", "नयी", "नए", "नये")
# Words that may stand without a number word after them ("Old Account", "पुराना खाता"); "consumer"
# may not: "New Consumer" could be a yes/no column.
_ACCOUNT_WORDS = ("account", "acct", "acc", "a/c", "खाता")
_ACCOUNT_WORDS_NEEDING_NUMBER = ("consumer", "उपभोक्ता")
_NUMBER_WORDS = ("number", "no", "num", "nbr", "संख्या", "सं", "नंबर", "नम्बर", "क्रमांक")


def _account_number_aliases(which_words: tuple[str, ...]) -> list[str]:
    aliases = []
    for which in which_words:
        for account in _ACCOUNT_WORDS:
            aliases += [f"{which} {account}", f"{account} {which}"]
        for number in _NUMBER_WORDS:
            aliases += [f"{which} {number}", f"{number} {which}"]
            for account in _ACCOUNT_WORDS + _ACCOUNT_WORDS_NEEDING_NUMBER:
                aliases += [f"{which} {account} {number}", f"{account} {number} {which}"]
    return aliases


_MOBILE_WORDS = ("mobile", "mob", "मोबाइल", "मोबाईल")
_MOBILE_PREFIXES = ("", "registered", "regd", "consumer", "रजिस्टर्ड", "पंजीकृत", "उपभोक्ता का")
_MOBILE_SUFFIXES = ("", "no", "number", "num", "नंबर", "नम्बर", "संख्या", "सं")

_ALIASES = {
    "old": _account_number_aliases(_OLD_WORDS),
    "new": _account_number_aliases(_NEW_WORDS),
    "name": [
        "consumer_name",
        "name",
        "consumer",
        "consumer's name",
        "name of consumer",
        "customer name",
        "customer",
        "उपभोक्ता का नाम",
        "उपभोक्ता नाम",
        "नाम",
    ],
    "division": ["division", "div", "division name", "खंड", "खण्ड", "डिवीजन", "डिवीज़न", "डिविजन"],
    "mobile": [
        f"{prefix} {mobile} {suffix}"
        for prefix in _MOBILE_PREFIXES
        for mobile in _MOBILE_WORDS
        for suffix in _MOBILE_SUFFIXES
    ],
}
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u00a0 \t_-./()#:'’"), None)


def _header_key(value: object) -> str:
    text = unicodedata.normalize("NFC", str(value or ""))
    return "".join(text.casefold().translate(_INVISIBLE).split())


def _alias_to_field() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for name, aliases in _ALIASES.items():
        for alias in aliases:
            key = _header_key(alias)
            # Two fields sharing an alias would make a column's meaning depend on dict order.
            assert mapping.setdefault(key, name) == name, f"header alias {alias!r} is both {mapping[key]} and {name}"
    return mapping


_ALIAS_TO_FIELD = _alias_to_field()


# The header is looked for in the first rows that are not blank: title rows ("KESCO mapping,
# Division X", a date) often sit above it. Any further down and a data row could be taken for it.
HEADER_SEARCH_ROWS = 20
_FOUND_CELLS = 12
_FOUND_CELL_CHARS = 40


@dataclass(frozen=True)
class Header:
    record_number: int  # its row as Excel numbers it (the lower row of a header on two rows)
    positions: dict[str, int]


def _header_positions(cells: list[object]) -> tuple[dict[str, int], list[str]]:
    """Which column holds each field, and the fields named more than once."""
    positions: dict[str, int] = {}
    duplicates: list[str] = []
    for index, cell in enumerate(cells):
        name = _ALIAS_TO_FIELD.get(_header_key(cell))
        if name is None:
            continue  # extra columns (meter number, address...) are ignored
        if name in positions:
            duplicates.append(name)
        positions[name] = index
    return positions, duplicates


def _cell_text(cell: object) -> str:
    return " ".join(str(cell).split()) if cell is not None else ""


def _header_of_two_rows(upper: list[object], lower: list[object]) -> list[str]:
    """Column names of a header split over two rows: a merged cell ("Account number") above its parts.

    A merged cell's text sits in its first column only (the others read as blank), so the upper
    row is carried to the right across blanks. Each column then takes the first of: the lower
    cell, both in either order, or (where the lower cell is blank) the upper one, that is a name.
    """
    carried: list[str] = []
    for cell in upper:
        carried.append(_cell_text(cell) or (carried[-1] if carried else ""))
    names = []
    for index in range(max(len(carried), len(lower))):
        above = carried[index] if index < len(carried) else ""
        below = _cell_text(lower[index]) if index < len(lower) else ""
        candidates = [below, f"{above} {below}", f"{below} {above}"] if below else [above]
        names.append(next((name for name in candidates if _header_key(name) in _ALIAS_TO_FIELD), below))
    return names


def _looks_like_data(cells: list[object]) -> bool:
    # Four digits or more in a cell: an account number, a mobile, a date. Never shown as "found".
    return any(isinstance(cell, int | float) or sum(ch.isdigit() for ch in _cell_text(cell)) >= 4 for cell in cells)


def _shown(cells: list[object]) -> list[str]:
    """The cells of a header row as staff should see them in the refusal: cut short, no data."""
    texts = [_cell_text(cell)[:_FOUND_CELL_CHARS] for cell in cells]
    return [text for text in texts if text][:_FOUND_CELLS]


def find_header(records: Iterator[tuple[int, list[object]]]) -> Header:
    """The header among the first HEADER_SEARCH_ROWS non-blank records, as (row number, cells).

    Stops reading right after the header, so the caller's iterator goes on with the first data row.
    A refusal names the columns found in the row that looked most like a header, and that row.
    """
    previous: tuple[int, list[object]] | None = None
    best: tuple[tuple[int, int, int], int, list[object]] | None = None
    for number, cells in itertools.islice(records, HEADER_SEARCH_ROWS):
        attempts = [cells]
        if previous is not None and previous[0] == number - 1:
            attempts.append(_header_of_two_rows(previous[1], cells))
        for names in attempts:
            positions, duplicates = _header_positions(names)
            if all(name in positions for name in REQUIRED):
                if duplicates:
                    raise FileRefused("duplicate_columns", columns=duplicates, row=number, found=_shown(names))
                return Header(record_number=number, positions=positions)
        data = _looks_like_data(cells)
        score = (len(_header_positions(cells)[0]), 0 if data else 1, len(_shown(cells)))
        if best is None or score > best[0]:
            best = (score, number, cells)
        previous = (number, cells)
    if best is None:
        raise FileRefused("no_header")
    _score, number, cells = best
    positions, _duplicates = _header_positions(cells)
    missing = [name for name in REQUIRED if name not in positions]
    if _looks_like_data(cells):
        raise FileRefused("missing_columns", columns=missing, found=[], searched=HEADER_SEARCH_ROWS)
    raise FileRefused("missing_columns", columns=missing, row=number, found=_shown(cells))


def is_blank(cells: list[object]) -> bool:
    # A loop, not all() over a generator: called for every row, and a row's first cell mostly decides.
    for cell in cells:  # noqa: SIM110
        if cell is not None and (not isinstance(cell, str) or cell.strip()):
            return False
    return True


def picker(positions: dict[str, int]) -> Callable[[list[object]], dict[str, object]]:
    """A fast function from a row's cells to {field: cell}; short rows get None for what they lack."""
    names = tuple(positions)
    indexes = tuple(positions.values())
    getter = operator.itemgetter(*indexes)
    widest = max(indexes)

    def pick(cells: list[object]) -> dict[str, object]:
        if len(cells) > widest:
            values = getter(cells)
            return dict(zip(names, values if len(indexes) > 1 else (values,), strict=True))
        return {name: (cells[index] if index < len(cells) else None) for name, index in positions.items()}

    return pick
