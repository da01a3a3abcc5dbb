"""Hypothesis strategies for the request fuzz test (test_fuzz.py): any route, method, body and header.

Routes come from the URL resolver itself (every pattern, its parameters filled with plausible values
or junk), so a page added later is fuzzed without anyone listing it here. Bodies are what browsers,
scripts and attackers send: forms, JSON, multipart with pictures, raw bytes, each under a declared
charset that may be UTF-8, another real one, one no codec knows, or one that is no text encoding.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import quote, urlencode

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation
from django.utils.regex_helper import normalize
from hypothesis import strategies as st
from PIL import Image

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
# POST reads bodies and GET is most of the traffic: drawn more often than the others.
_METHOD_DRAWS = ("GET", "GET", "POST", "POST", "POST", *METHODS[2:])
# The forms consumers and staff send: drawn more often than other routes, since they read bodies.
FORM_PATHS = (
    *("/lookup/", "/check/", "/check/qr/", "/report/", "/en/lookup/", "/en/report/"),
    *("/i18n/setlang/", "/staff/login/"),
)
# Not in the resolver: static files (WhiteNoise), the error pages' triggers, odd paths.
EXTRA_PATHS = (
    "/static/css/site.css",
    "/static/no-such.css",
    "/favicon.ico",
    "/no-such-page/",
    "/api/v1/lookup/",
    "/staff/no-such-page/",
    "//",
    "/%00",
    "/%FF%FE",
    "/..%2F..%2Fetc%2Fpasswd",
    "/limited/?minutes=",
    "/en",
    "/hi/check/",
    "/en/api/v1/lookup",
    "/en/staff/",
)

# Declared charsets: none, UTF-8 under its names, other real encodings, unknown names, and codecs
# that Python knows but that are no text encoding at all.
CHARSETS = (
    None,
    "utf-8",
    "UTF-8",
    "utf8",
    "latin-1",
    "iso-8859-1",
    "ascii",
    "utf-16",
    "utf-16-be",
    "utf-32",
    "utf-7",
    "cp1252",
    "x-nonsense",
    "",
    '"utf-8"',
    "base64",
    "rot13",
    "hex",
    "zlib",
    "undefined",
    "unicode_escape",
)
CONTENT_TYPES = (
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "application/json",
    "text/plain",
    "application/octet-stream",
    "image/png",
    "",
    "multipart/mixed",
    "application/x-www-form-urlencoded;;",
    "text/html; boundary=",
)

FIELD_NAMES = (
    "old_account_number",
    "mobile_last4",
    "message",
    "image",
    "channel",
    "suspect",
    "message_text",
    "contacted_on",
    "money_lost",
    "contact",
    "screenshot",
    "language",
    "again",
    "page",
    "prefill",
    "next",
    "username",
    "password",
    "code",
    "action",
    "_selected_action",
    "select_across",
    "index",
    "post",
    "q",
    "file",
    "status",
    "old_password",
    "new_password1",
    "new_password2",
)
PLAUSIBLE_VALUES = (
    "12345678",
    "4321",
    "9912345678",
    "१२३४-५६७८",
    "hi",
    "en",
    "xx",
    "1",
    "0",
    "-1",
    "yes",
    "no",
    "sms",
    "whatsapp",
    "call",
    "no_match",
    "2026-11-28",
    "2099-01-01",
    "31/02/2026",
    "9876543210",
    "VM-ABCDEF",
    "upi://pay?pa=x@y&pa=a@b",
    "https://kesco-bill.in/pay",
    "//evil.example/",
    "javascript:alert(1)",
    "a\x00b",
    "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"),
    "9" * 3000,
    "delete_selected",
    "<script>x</script>",
)


def _picture(size: tuple[int, int], format_name: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("L", size, 255).save(buffer, format=format_name)
    return buffer.getvalue()


TINY_PNG = _picture((1, 1))
TINY_JPEG = _picture((8, 8), "JPEG")
# 64 kilopixels, well within the limits, but wider than zxing-cpp's 65,535 pixels.
WIDE_PNG = _picture((65536, 1))
TALL_PNG = _picture((1, 65536))
FILE_CONTENTS = (
    TINY_PNG,
    TINY_JPEG,
    WIDE_PNG,
    TALL_PNG,
    b"\x89PNG\r\n\x1a\n" + b"garbage" * 20,
    b"\xff\xd8\xff" + b"\x00" * 50,
    b"GIF89a",
    b"",
    b"old_account_number,new_account_number\n12345678,9912345678\n",
)
BOUNDARY = "fuzzboundary"
# Stand-ins for the primary keys of the test's objects, put into paths by the test (test_fuzz.py):
# the strategies are built before any object exists, and the examples must not depend on their ids.
ID_TOKENS = (
    "ID_MAPPING",
    "ID_REPORT",
    "ID_BATCH",
    "ID_STAFF",
    "ID_ALERT",
    "ID_CONTACT",
    "ID_RULE",
    "ID_GENUINE",
    "ID_TYPE",
)

# Values a URL parameter of that name takes on real pages; any other parameter gets an object's id.
PARAMETER_VALUES = {
    "app_label": ("accounts", "auth", "axes", "imports", "safety", "staff", "otp_totp"),
    "url": ("no-such-page/", "accounts/accountmapping/ID_MAPPING/change/", "accounts"),
    "content_type_id": ("ID_TYPE",),
}


@dataclass(frozen=True)
class FuzzRequest:
    """One request as a client would send it; repr() is what hypothesis prints for a failing example."""

    path: str
    method: str = "GET"
    content_type: str | None = None
    body: bytes = b""
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    cookie_junk: str = ""
    csrf_header: bool = True  # the CSRF cookie is always sent; the matching X-CSRFToken header only if this
    content_length: str | None = None  # a declared length that is not the body's, when set
    as_staff: bool = False


def _route_formats(patterns: list, prefix: str = "") -> list[tuple[str, list[str]]]:
    formats = []
    for entry in patterns:
        regex = prefix + entry.pattern.regex.pattern.removeprefix("^")
        if isinstance(entry, URLResolver):
            formats += _route_formats(entry.url_patterns, regex)
        elif isinstance(entry, URLPattern):
            formats += normalize(regex)
    return formats


@cache
def routes() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every URL pattern as a format string and its parameters: ("staff/%(app_label)s/", ("app_label",)).

    In every language: the consumer pages' English addresses (/en/check/) are patterns of their own.
    """
    unique = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            unique |= {(f"/{text}", tuple(params)) for text, params in _route_formats(get_resolver().url_patterns)}
    return tuple(sorted(unique))


def _text(max_size: int = 40) -> st.SearchStrategy[str]:
    return st.text(max_size=max_size)


def _latin1(max_size: int = 60) -> st.SearchStrategy[str]:
    # What a WSGI server hands over as a header: bytes read as latin-1, never a line break or NUL.
    return st.text(st.characters(max_codepoint=255, exclude_characters="\r\n\x00"), max_size=max_size)


@st.composite
def paths(draw: st.DrawFn) -> str:
    choice = draw(st.integers(0, 9))
    if choice < 3:
        return draw(st.sampled_from(FORM_PATHS))
    if choice == 3:
        return draw(st.sampled_from(EXTRA_PATHS))
    template, params = draw(st.sampled_from(routes()))
    values = {}
    for name in params:
        named = st.sampled_from(PARAMETER_VALUES.get(name, ID_TOKENS))
        value = draw(st.one_of(named, st.sampled_from(ID_TOKENS), st.sampled_from(PLAUSIBLE_VALUES), _text(12)))
        values[name] = quote(value, safe="") if draw(st.booleans()) else quote(value, safe="/%")
    return template % values


def _encoded(text: str, charset: str | None) -> bytes:
    # Sent in the declared charset when that is an encoding that can carry it, as a client would.
    try:
        return text.encode(charset or "utf-8")
    except (LookupError, UnicodeError):
        return text.encode("utf-8", "surrogatepass")


def _fields() -> st.SearchStrategy[list[tuple[str, str]]]:
    name = st.one_of(st.sampled_from(FIELD_NAMES), _text(10))
    value = st.one_of(st.sampled_from(PLAUSIBLE_VALUES), _text())
    return st.lists(st.tuples(name, value), max_size=8)


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]], charset: str | None) -> bytes:
    parts = []
    for name, value in fields:
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + _encoded(value, charset)
        )
    for name, filename, data in files:
        head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        parts.append(_encoded(head, charset) + b"Content-Type: image/png\r\n\r\n" + data)
    return b"\r\n".join([*parts, f"--{BOUNDARY}--\r\n".encode()])


@st.composite
def bodies(draw: st.DrawFn, charset: str | None) -> tuple[str, bytes]:
    """A content type (without charset) and a body of any kind, whatever the type says."""
    kind = draw(st.sampled_from(("form", "multipart", "json", "binary", "none", "many-fields")))
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    if kind == "form":
        return "application/x-www-form-urlencoded", _encoded(urlencode(draw(_fields())), charset)
    if kind == "multipart":
        name = st.sampled_from(("image", "screenshot", "file", "other"))
        files = draw(st.lists(st.tuples(name, _text(12), st.sampled_from(FILE_CONTENTS)), max_size=2))
        boundary = draw(st.sampled_from((f"; boundary={BOUNDARY}", "", "; boundary=other", "; boundary=")))
        return "multipart/form-data" + boundary, multipart(draw(_fields()), files, charset)
    if kind == "json":
        leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.sampled_from(PLAUSIBLE_VALUES), _text(20))
        payload = draw(
            st.recursive(leaves, lambda inner: st.lists(inner) | st.dictionaries(_text(20), inner), max_leaves=8)
        )
        return draw(st.sampled_from(("application/json", content_type))), _encoded(json.dumps(payload), charset)
    if kind == "binary":
        return content_type, draw(st.one_of(st.binary(max_size=200), st.sampled_from(FILE_CONTENTS)))
    if kind == "many-fields":
        # More fields than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000).
        return "application/x-www-form-urlencoded", b"&".join([b"a=1"] * 1100)
    return content_type, b""


def _query() -> st.SearchStrategy[str]:
    specials = st.sampled_from(
        (
            "minutes=-1",
            "minutes=99999999999999999999",
            "next=//evil.example/",
            "q=12345678",
            "old_account_number=12345678",
            "o=zz",
            "p=-1",
            "e=1",
            "all=",
            "_changelist_filters=a%3Db",
            "division__exact=%00",
            "%FF=%FE",
            "a=%00",
            "_popup=1&_to_field=password",
        )
    )
    pairs = st.lists(
        st.one_of(specials, st.tuples(_text(8), _text(20)).map(lambda pair: urlencode([pair]))), max_size=3
    )
    return pairs.map("&".join)


@st.composite
def _headers(draw: st.DrawFn) -> dict[str, str]:
    candidates = {
        "Accept-Language": st.one_of(st.sampled_from(("en", "hi;q=x", "*", "zz-ZZ,en;q=0.5", ";;;")), _latin1()),
        "X-Forwarded-For": st.one_of(st.sampled_from(("1.2.3.4", "::1, 999.1.1.1", "unknown", ",,,")), _latin1()),
        "X-Forwarded-Proto": st.sampled_from(("https", "http", "gopher")),
        "Accept": st.sampled_from(("application/json", "*/*", "text/html;q=abc", "")),
        "Referer": st.one_of(st.just("https://evil.example/"), _latin1()),
        "User-Agent": _latin1(),
        "Range": st.sampled_from(("bytes=0-1", "bytes=-1", "bytes=x")),
        "If-Modified-Since": st.sampled_from(("yesterday", "Mon, 01 Jan 3000 00:00:00 GMT")),
        "Origin": st.sampled_from(("null", "https://evil.example")),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(candidates)), unique=True, max_size=3))
    return {name: draw(candidates[name]) for name in chosen}


@st.composite
def requests(draw: st.DrawFn) -> FuzzRequest:
    charset = draw(st.one_of(st.none(), st.sampled_from(CHARSETS)))  # half declare none, as browsers
    content_type, body = draw(bodies(charset))
    if charset is not None:
        content_type += f"; charset={charset}"
    lies = st.sampled_from(("0", "-1", "abc", "1", str(2 * 1024 * 1024), "9" * 30))
    length = draw(st.one_of(st.none(), st.none(), st.none(), lies))
    return FuzzRequest(
        path=draw(paths()),
        method=draw(st.sampled_from(_METHOD_DRAWS)),
        content_type=content_type,
        body=body,
        query=draw(_query()),
        headers=draw(_headers()),
        cookie_junk=draw(
            st.one_of(st.just(""), st.sampled_from(("django_language=xx", "csrftoken=", "sessionid=abc")), _latin1(30))
        ),
        csrf_header=draw(st.integers(0, 3)) > 0,
        content_length=length,
        as_staff=draw(st.booleans()),
    )
