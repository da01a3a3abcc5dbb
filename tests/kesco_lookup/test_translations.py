"""Every user-facing string has a Hindi translation, and the compiled catalogues exist."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CATALOGUES = sorted(path for path in ROOT.glob("**/locale/hi/LC_MESSAGES/django.po") if ".venv" not in path.parts)


def test_there_is_a_hindi_catalogue_for_the_project_and_each_app():
    found = {path.relative_to(ROOT).parts[0] for path in CATALOGUES}
    assert {"locale", "accounts", "safety", "imports", "staff", "audit"} <= found


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _messages(path: Path) -> list[tuple[tuple[str, ...], tuple[str, ...], bool]]:
    """Each message of a catalogue as (original forms, Hindi forms, fuzzy), header left out."""
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale="hi")
    return [
        (
            message.id if isinstance(message.id, tuple) else (message.id,),
            message.string if isinstance(message.string, tuple) else (message.string,),
            message.fuzzy,
        )
        for message in catalogue
        if message.id
    ]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_has_a_hindi_translation(path):
    untranslated = [ids[0] for ids, strings, fuzzy in _messages(path) if fuzzy or not all(strings)]
    assert untranslated == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_translation_keeps_the_placeholders_of_its_original(path):
    # A Hindi string that drops or misspells %(count)s would crash the page that formats it.
    broken = []
    for ids, strings, _fuzzy in _messages(path):
        expected = set(PLACEHOLDER.findall(" ".join(ids)))
        if any(set(PLACEHOLDER.findall(string)) != expected for string in strings):
            broken.append(ids[0])
    assert broken == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalogue_exists(path):
    assert path.with_suffix(".mo").exists(), "run `make compilemessages` (make run and make test do)"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (xgettext) to extract strings")
def test_the_catalogues_hold_every_string_in_the_code(tmp_path):
    # Extract afresh into a copy of the tree and compare message ids with the committed catalogues:
    # a wrapped string that nobody added to a .po file would reach consumers in English.
    copy = tmp_path / "tree"
    shutil.copytree(
        ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "media", "staticfiles", ".cache", "*.mo", "bench")
    )
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "makemessages", "-l", "hi", "--no-obsolete", "--ignore=.venv"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    for path in CATALOGUES:
        relative = path.relative_to(ROOT)
        committed_ids = {ids[0] for ids, _strings, _fuzzy in _messages(path)}
        fresh_ids = {ids[0] for ids, _strings, _fuzzy in _messages(copy / relative)}
        assert fresh_ids - committed_ids == set(), f"{relative}: run `make makemessages` and translate"
