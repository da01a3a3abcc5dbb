"""The checker's data files (safety/data/): what it matches comes from them, and a malformed one is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from safety.checker import SCAM_PHRASES, SHORTENERS, Verdict, check_message, find_scam_phrases, links, phrases
from safety.checker.data import DataFileError
from tests.safety.helpers import kesco_registry

SHIPPED_PHRASES = Path(settings.BASE_DIR) / "safety" / "data" / "phrases.toml"
SHIPPED_LINKS = Path(settings.BASE_DIR) / "safety" / "data" / "links.toml"


def a_phrases_file(tmp_path: Path, *, replace: tuple[str, str] | None = None, append: str = "") -> Path:
    """A copy of the shipped phrases file, with one piece of text replaced or something appended."""
    content = SHIPPED_PHRASES.read_text(encoding="utf-8")
    if replace:
        assert replace[0] in content, "the edit must change the file"
        content = content.replace(replace[0], replace[1], 1)
    path = tmp_path / "phrases.toml"
    path.write_text(content + append, encoding="utf-8")
    return path


def test_the_checker_matches_the_phrases_of_the_shipped_file():
    assert phrases.PHRASES_FILE == SHIPPED_PHRASES
    assert phrases.load_scam_phrases(SHIPPED_PHRASES) == SCAM_PHRASES
    assert [phrase.key for phrase in SCAM_PHRASES] == [
        "disconnection", "pressure", "bill_not_updated", "call_officer",
        "install_app", "small_payment", "scan_qr", "otp",
    ]  # fmt: skip


def test_the_pieces_are_filled_into_the_patterns():
    [disconnection] = [phrase for phrase in SCAM_PHRASES if phrase.key == "disconnection"]
    assert not any("{{" in pattern for phrase in SCAM_PHRASES for pattern in phrase.patterns)
    assert "आज (रात|शाम).{0,60}(काट|कट(?!ौती)|बंद(?! रह)|रोक)" in disconnection.patterns


def test_a_phrase_added_to_the_file_is_found_by_the_checker(tmp_path, monkeypatch):
    text = "Meter inspector aapke ghar aa raha hai, unse milein."
    assert check_message(text, kesco_registry()).verdict is Verdict.UNSURE
    edited = a_phrases_file(
        tmp_path,
        replace=(
            "[phrases.call_officer]\npatterns = [\n",
            "[phrases.call_officer]\npatterns = [\n    'meter inspector',\n",
        ),
    )
    monkeypatch.setattr(phrases, "SCAM_PHRASES", phrases.load_scam_phrases(edited))
    [call_officer] = [phrase for phrase in phrases.SCAM_PHRASES if phrase.key == "call_officer"]
    result = check_message(text, kesco_registry())
    assert result.verdict is Verdict.SCAM
    assert [(finding.shown, finding.reason) for finding in result.phrases] == [
        ("meter inspector", str(call_officer.reason))
    ]


def test_a_phrase_taken_out_of_the_file_is_no_longer_found(tmp_path, monkeypatch):
    text = "Please install AnyDesk so we can update your bill."
    assert [phrase.key for phrase, _words in find_scam_phrases(text)] == ["bill_not_updated", "install_app"]
    edited = a_phrases_file(tmp_path, replace=("    'any ?desk',\n", ""))
    monkeypatch.setattr(phrases, "SCAM_PHRASES", phrases.load_scam_phrases(edited))
    assert [phrase.key for phrase, _words in find_scam_phrases(text)] == ["bill_not_updated"]


OTP = "[phrases.otp]\npatterns = [\n"


@pytest.mark.parametrize(
    ("replace", "append", "entry", "problem"),
    [
        (None, "\n[phrases.otp\n", "the file", "is not valid TOML"),
        (("[phrases.otp]\npatterns =", "[phrases.otp]\npattern ="), "", "phrases.otp", "lacks patterns"),
        (("[phrases.otp]\npatterns = [", "[phrases.otp]\nweight = 2\npatterns = ["), "", "phrases.otp", "has weight"),
        (None, "\n[phrases.lottery]\npatterns = ['you have won']\n", "phrases.lottery", "has no reason"),
        (("[phrases.scan_qr]", "[phrases.scan_the_qr]"), "", "phrases.scan_the_qr", "has no reason"),
        (("[pieces]", "[bits]"), "", "the file", "has bits, which the checker does not know"),
        ((OTP, OTP + "    '(unclosed',\n"), "", "phrases.otp.patterns, item 1", "is not a valid regular expression"),
        ((OTP, OTP + "    '{{nowhere}} otp',\n"), "", "phrases.otp.patterns, item 1", "uses {{nowhere}}"),
        ((OTP, OTP + "    '(otp)?',\n"), "", "phrases.otp.patterns, item 1", "matches an empty message"),
        ((OTP, OTP + "    '',\n"), "", "phrases.otp.patterns, item 1", "must be a non-empty string"),
        ((OTP, OTP + "    42,\n"), "", "phrases.otp.patterns, item 1", "must be a non-empty string"),
        (("[pieces]\n", "[pieces]\nempty = 7\n"), "", "pieces.empty", "must be a non-empty string"),
    ],
)
def test_a_malformed_phrases_file_is_refused_naming_the_file_and_the_entry(tmp_path, replace, append, entry, problem):
    path = a_phrases_file(tmp_path, replace=replace, append=append)
    with pytest.raises(DataFileError) as refusal:
        phrases.load_scam_phrases(path)
    assert str(refusal.value).startswith(f"{path}: {entry}: ")
    assert problem in str(refusal.value)


def test_a_phrases_file_missing_a_kind_is_refused(tmp_path):
    content = SHIPPED_PHRASES.read_text(encoding="utf-8")
    path = tmp_path / "phrases.toml"
    path.write_text(content[: content.index("[phrases.otp]")], encoding="utf-8")
    with pytest.raises(DataFileError, match=r": phrases: lacks otp: each reason"):
        phrases.load_scam_phrases(path)


def test_a_missing_phrases_file_is_refused(tmp_path):
    with pytest.raises(DataFileError, match=r"nowhere\.toml: the file: cannot be read"):
        phrases.load_scam_phrases(tmp_path / "nowhere.toml")


# --- The link judge's words -----------------------------------------------------------------------------


def test_the_link_judge_uses_the_shortener_domains_of_the_shipped_file():
    brand_words, shorteners = links.load_link_words(SHIPPED_LINKS)
    assert shorteners == SHORTENERS
    assert "bit.ly" in shorteners
    assert brand_words == ("kesco", "uppcl", "bijli", "vidyut", "kanpur", "electricity")


@pytest.fixture
def in_english():
    with translation.override("en"):
        yield


def test_a_shortener_added_to_the_file_is_judged_as_one(tmp_path, monkeypatch, in_english):
    [before] = check_message("https://kurz.link/abc", kesco_registry()).items
    assert "shortened link" not in before.reason
    path = tmp_path / "links.toml"
    path.write_text(
        SHIPPED_LINKS.read_text(encoding="utf-8").replace('"bit.ly",', '"bit.ly", "kurz.link",'), encoding="utf-8"
    )
    _brand_words, shorteners = links.load_link_words(path)
    monkeypatch.setattr(links, "SHORTENERS", shorteners)
    [after] = check_message("https://kurz.link/abc", kesco_registry()).items
    assert "shortened link" in after.reason


@pytest.mark.parametrize(
    ("old", "new", "entry", "problem"),
    [
        ('"bit.ly",', '"Bit.ly",', "shorteners, item 1", "must be in lower case without spaces"),
        ('"kesco",', '"kes co",', "brand_words, item 1", "must be in lower case without spaces"),
        ("brand_words =", "brand_word =", "the file", "lacks brand_words"),
        ("shorteners = [", "shorteners = 'bit.ly'\nx = [", "the file", "has x"),
    ],
)
def test_a_malformed_links_file_is_refused_naming_the_file_and_the_entry(tmp_path, old, new, entry, problem):
    path = tmp_path / "links.toml"
    content = SHIPPED_LINKS.read_text(encoding="utf-8")
    assert old in content
    path.write_text(content.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataFileError) as refusal:
        links.load_link_words(path)
    assert str(refusal.value).startswith(f"{path}: {entry}: ")
    assert problem in str(refusal.value)
