"""Reading the checker's data files (safety/data/*.toml) once, at import, and refusing a malformed one loudly."""

from __future__ import annotations

import tomllib
from collections.abc import Collection
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class DataFileError(ImproperlyConfigured):
    """A data file the checker cannot use; the message names the file and the entry at fault."""

    def __init__(self, path: Path, entry: str, problem: str) -> None:
        super().__init__(f"{path}: {entry}: {problem}")


def read_table(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except OSError as error:
        raise DataFileError(path, "the file", f"cannot be read ({error.strerror})") from error
    except tomllib.TOMLDecodeError as error:
        raise DataFileError(path, "the file", f"is not valid TOML ({error})") from error


def table(
    path: Path, entry: str, value: object, *, required: Collection[str] | None = None, optional: Collection[str] = ()
) -> dict:
    """The value as a table; given `required`, with those keys, maybe `optional` ones, and no other.

    A misspelt key is refused rather than ignored: ignored, it would silently drop what it holds.
    """
    if not isinstance(value, dict):
        raise DataFileError(path, entry, f"must be a table, not {type(value).__name__}")
    if required is None:
        return value
    if missing := sorted(set(required) - value.keys()):
        raise DataFileError(path, entry, f"lacks {', '.join(missing)}")
    if unknown := sorted(value.keys() - set(required) - set(optional)):
        raise DataFileError(path, entry, f"has {', '.join(unknown)}, which the checker does not know")
    return value


def string(path: Path, entry: str, value: object, *, lower_case: bool = False) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DataFileError(path, entry, f"must be a non-empty string, not {value!r}")
    if lower_case and (value != value.lower() or value.split() != [value]):
        raise DataFileError(path, entry, f"must be in lower case without spaces, not {value!r}")
    return value


def string_list(path: Path, entry: str, value: object, *, lower_case: bool = False) -> tuple[str, ...]:
    """The value as a non-empty list of non-empty strings."""
    if not isinstance(value, list) or not value:
        raise DataFileError(path, entry, f"must be a non-empty list of strings, not {value!r}")
    return tuple(
        string(path, f"{entry}, item {number}", item, lower_case=lower_case) for number, item in enumerate(value, 1)
    )
