"""Links in a pasted text: found, read as a browser reads them (offline), and judged against the registry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, unquote, unquote_to_bytes

import idna
import tldextract
from django.utils.translation import gettext as _

from safety.checker import data
from safety.checker.findings import Finding, ItemKind
from safety.checker.registry import Registry
from safety.checker.text import TRAILING_PUNCTUATION, clean, shortened

# No network, ever: the public-suffix list is the snapshot bundled with tldextract.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def load_link_words(path: Path) -> tuple[tuple[str, ...], frozenset[str]]:
    """The brand words and the shorteners' domains of a links file; DataFileError if it is malformed."""
    content = data.table(path, "the file", data.read_table(path), required={"brand_words", "shorteners"})
    brand_words = data.string_list(path, "brand_words", content["brand_words"], lower_case=True)
    shorteners = data.string_list(path, "shorteners", content["shorteners"], lower_case=True)
    return brand_words, frozenset(shorteners)


# What each is for: safety/data/links.toml.
_BRAND_WORDS, SHORTENERS = load_link_words(data.DATA_DIR / "links.toml")

# A link: with a scheme (browsers need no slashes after http: or https:, and take "\\" for "/"),
# starting with www., or a bare host name ending in a letters-only suffix.
# \w also matches Devanagari and Cyrillic letters, so look-alike hosts are caught too. The start
# of a UPI ID or e-mail address (name.ac.in@ybl) is not a link.
_LINK_RE = re.compile(
    r"""(?ix)
    (?:https?:|www\.)[^\s<>"'`]+
    | (?<![@\w.-])(?:[\w-]+\.)+(?:[a-z]{2,24}|xn--[a-z0-9-]{2,30})(?![\w@-]|\.[\w.-]*@)
      # A port, or what a browser would read as a user name before the real host:
      # "kesco.co.in:1@evil.com" goes to evil.com, and must be judged as such.
      (?::[^\s/<>"'`@]*@[^\s<>"'`]+|:\d+)?
      (?:/[^\s<>"'`]*)?
    """
)


@dataclass(frozen=True)
class Link:
    raw: str
    host: str  # lower case, Unicode form when the link used punycode
    registered_domain: str  # "kesco.co.in"; empty for an IP address or an unknown suffix
    subdomain: str
    has_foreign_letters: bool  # non-ASCII letters or punycode in the host
    app_id: str  # the ?id= of a store link, else ""
    has_userinfo: bool = False  # something@ before the host: a disguise, never official
    is_ip_address: bool = False  # however written: 192.168.1.1, 3232235777, 0xC0A80101, [::1]
    is_unreadable: bool = False  # written as a link, but no host we can judge
    inner: tuple[Link, ...] = ()  # addresses it carries (?r=https://...), where a redirect would lead


@dataclass(frozen=True)
class _UrlParts:
    host: str  # decoded and mapped as a browser would look it up, no trailing dot; "" when unreadable
    has_userinfo: bool  # something@ stood before the host
    is_ip_address: bool
    path: str
    query: str
    fragment: str


# Characters a browser refuses in a host name (WHATWG "forbidden domain code points").
_FORBIDDEN_IN_HOST = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|\x7f]")
# A browser takes a host whose last label is a number (decimal, or hexadecimal with 0x) for an IPv4
# address, however few parts it has: 3232235777, 0xC0A80101 and 192.168.257 are all 192.168.1.1.
_ENDS_IN_NUMBER = re.compile(r"(?:^|\.)(?:[0-9]+|0x[0-9a-f]*)$")


# A scheme, as a browser takes it: http: and https: need no slashes after them.
_SCHEME_RE = re.compile(r"(?i)^(?:https?:|[a-z][a-z0-9+.-]*://)")


def _url_parts(raw: str) -> _UrlParts:
    """A link's host as a browser finds it (WHATWG URL rules), not as urlsplit does: why in docs/safety.md.

    A link without a scheme is read as http. A host a browser would refuse comes back as "".
    """
    scheme = _SCHEME_RE.match(raw)
    rest = (raw[scheme.end() :] if scheme else raw).replace("\\", "/").lstrip("/")
    end = re.search(r"[/?#]", rest)
    authority, tail = (rest[: end.start()], rest[end.start() :]) if end else (rest, "")
    _userinfo, at, host_port = authority.rpartition("@")
    before_fragment, _, fragment = tail.partition("#")
    path, _, query = before_fragment.partition("?")
    rest_parts = {"path": path, "query": query, "fragment": fragment}
    if host_port.startswith("["):  # an IPv6 address
        host, bracket, _port = host_port.partition("]")
        return _UrlParts(host=f"{host}]" if bracket else "", has_userinfo=bool(at), is_ip_address=True, **rest_parts)
    host, _colon, port = host_port.partition(":")
    if not port.isascii() or not (port.isdigit() or port == ""):
        host = "%"  # a browser refuses a port that is not a number: nothing we can judge
    try:
        host = unquote_to_bytes(host).decode("utf-8")
        host = idna.uts46_remap(host, std3_rules=False, transitional=False).rstrip(".")
    except (UnicodeError, idna.IDNAError, ValueError):
        host = ""
    if _FORBIDDEN_IN_HOST.search(host):
        host = ""
    is_ip_address = bool(host) and bool(_ENDS_IN_NUMBER.search(host))
    return _UrlParts(host=host, has_userinfo=bool(at), is_ip_address=is_ip_address, **rest_parts)


def _unicode_host(host: str) -> tuple[str, bool]:
    """The host as a person reads it, and whether it uses punycode or non-ASCII letters."""
    foreign = not host.isascii() or any(label.startswith("xn--") for label in host.split("."))
    if not foreign:
        return host, False
    labels = []
    for label in host.split("."):
        try:
            labels.append(idna.decode(label) if label.startswith("xn--") else label)
        except idna.IDNAError:
            labels.append(label)
    return ".".join(labels), True


# A link inside another, once decoded: with a scheme or starting with www. In a query or fragment
# value also protocol-relative (?r=//evil.com); in a path, "//" is only an empty path segment.
_INNER_LINK_RE = re.compile(r"""(?i)(?:https?:|www\.)[^\s<>"'`]+""")
_INNER_VALUE_RE = re.compile(r"""(?i)(?:https?:|www\.|^[/\\]{2})[^\s<>"'`]+""")
# How many times an address inside a link may have been percent-encoded, and links within links.
_DECODE_ROUNDS = 3
_MAX_DEPTH = 3


def _inner_links(url: _UrlParts, depth: int) -> tuple[Link, ...]:
    """The addresses a link carries (where an open redirect would send the consumer), decoded as a server would."""
    pieces = [(url.path, _INNER_LINK_RE)]
    for part in (url.query, url.fragment):
        for key, value in parse_qsl(part, keep_blank_values=True):
            pieces += [(key, _INNER_VALUE_RE), (value, _INNER_VALUE_RE)]
    links: dict[str, Link] = {}
    for piece, pattern in pieces:
        for _round in range(_DECODE_ROUNDS):
            for match in pattern.finditer(piece):
                raw = match.group(0).rstrip(TRAILING_PUNCTUATION)
                raw = f"https:{raw}" if raw[:1] in "/\\" else raw
                if raw.lower() not in links and (link := _link_of(raw, depth + 1)):
                    links[raw.lower()] = link
            decoded = unquote(piece)
            if decoded == piece:
                break
            piece = decoded
    return tuple(links.values())


def _link_of(raw: str, depth: int = 0) -> Link | None:
    """The link as judged, or None when it is no link at all ("e.g.", "file.txt")."""
    url = _url_parts(raw)
    # Written with http(s):, it is a link whatever follows, never dropped (docs/safety.md says why).
    written_as_link = bool(re.match(r"(?i)https?:", raw))
    bare = {"raw": raw, "host": url.host, "registered_domain": "", "subdomain": "", "app_id": ""}
    if url.is_ip_address:
        return Link(**bare, has_foreign_letters=False, has_userinfo=url.has_userinfo, is_ip_address=True)
    readable_host, foreign = _unicode_host(url.host)
    try:
        ascii_host = idna.encode(readable_host, uts46=True).decode() if foreign else url.host
    except idna.IDNAError:
        ascii_host = url.host
    parts = _EXTRACT(ascii_host) if url.host else None
    if not parts or not parts.top_domain_under_public_suffix:
        if not written_as_link:
            return None  # "e.g.", "file.txt" or a bare suffix ("co.in"): no domain, not a link
        return Link(**bare, has_foreign_letters=foreign, has_userinfo=url.has_userinfo, is_unreadable=True)
    query = parse_qs(url.query)
    return Link(
        raw=raw,
        host=readable_host,
        registered_domain=parts.top_domain_under_public_suffix,
        subdomain=parts.subdomain.lower(),
        has_foreign_letters=foreign,
        app_id=(query.get("id") or [""])[0],
        has_userinfo=url.has_userinfo,
        inner=_inner_links(url, depth) if depth < _MAX_DEPTH else (),
    )


def extract_links(text: str) -> list[Link]:
    links: list[Link] = []
    seen: set[str] = set()
    for match in _LINK_RE.finditer(clean(text)):
        raw = match.group(0).rstrip(TRAILING_PUNCTUATION)
        if raw.lower() in seen:
            continue
        link = _link_of(raw)
        if link:
            seen.add(raw.lower())
            links.append(link)
    return links


def registered_domain(url_or_host: str) -> str:
    """kesco.co.in for https://www.kesco.co.in/pay; empty when it has none."""
    return _EXTRACT(_url_parts(url_or_host.strip()).host).top_domain_under_public_suffix or ""


def judge_link(link: Link, registry: Registry) -> Finding:
    finding = _judge_link_alone(link, registry)
    if not finding.is_official:
        return finding
    outside = _outside_address(link, registry)
    if outside:
        reason = _(
            "This link starts at an official website but carries another address, %(address)s, "
            "that it can send you on to. Do not open it."
        ) % {"address": outside}
        return Finding(ItemKind.LINK, finding.shown, False, reason)
    return finding


def _outside_address(link: Link, registry: Registry) -> str:
    """The first address carried by a link, at any depth, that is not official; else ""."""
    for inner in link.inner:
        if not _judge_link_alone(inner, registry).is_official:
            return inner.registered_domain or inner.host or shortened(inner.raw, 60)
        if deeper := _outside_address(inner, registry):
            return deeper
    return ""


def _judge_link_alone(link: Link, registry: Registry) -> Finding:
    domain = link.registered_domain
    # The link as pasted (shortened), with the host as a person reads it when it used punycode.
    shown = shortened(link.raw, 80)
    if link.has_foreign_letters and link.host not in link.raw.lower():
        shown = f"{shown} ({link.host})"
    if link.has_userinfo:
        # Apps disagree on where such a link goes; KESCO never sends one (docs/safety.md).
        reason = _("This link hides where it really goes behind an “@” in its address. KESCO's links never have one.")
        return Finding(ItemKind.LINK, shown, False, reason)
    if link.is_unreadable:
        reason = _(
            "We cannot tell where this link goes: its address is written in an unusual way. "
            "KESCO's links are plain addresses. Do not open it."
        )
        return Finding(ItemKind.LINK, shown, False, reason)
    if link.app_id and (link.host, link.app_id) in registry.apps:
        return Finding(
            ItemKind.LINK, f"{shown} ({link.app_id})", True, _("The official app's store page."),
            is_demo=registry.apps[(link.host, link.app_id)],
        )  # fmt: skip
    if link.has_foreign_letters:
        reason = _(
            "This address uses letters from other alphabets that can look like ours. It is not an official address."
        )
        return Finding(ItemKind.LINK, shown, False, reason)
    if domain in registry.domains:
        return Finding(ItemKind.LINK, shown, True, _("An official KESCO website."), is_demo=registry.domains[domain])
    if domain in SHORTENERS or link.host in SHORTENERS:
        reason = _("A shortened link: we cannot see where it goes, and we never open it. KESCO does not send these.")
        return Finding(ItemKind.LINK, shown, False, reason)
    if link.is_ip_address or not domain:
        reason = _("A link to a bare number address (IP address), not to an official website.")
        return Finding(ItemKind.LINK, shown, False, reason)
    official_in_subdomain = any(
        official in link.subdomain or official.split(".")[0] in link.subdomain.split(".")
        for official in registry.domains
    )
    if official_in_subdomain or any(word in link.subdomain for word in _BRAND_WORDS):
        reason = _("It starts with an official-looking name, but the address really belongs to %(domain)s.") % {
            "domain": domain
        }
        return Finding(ItemKind.LINK, shown, False, reason)
    if any(word in domain for word in _BRAND_WORDS) or any(
        official.split(".")[0] in domain for official in registry.domains
    ):
        reason = _("A look-alike address: %(domain)s looks like KESCO's but is not an official website.") % {
            "domain": domain
        }
        return Finding(ItemKind.LINK, shown, False, reason)
    if link.app_id or link.host in {"play.google.com", "apps.apple.com"}:
        return Finding(ItemKind.LINK, shown, False, _("An app that is not in our list of official apps."))
    reason = _("This link is not an official KESCO website (%(domain)s).") % {"domain": domain}
    return Finding(ItemKind.LINK, shown, False, reason)
