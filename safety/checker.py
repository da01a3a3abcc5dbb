"""Is this message really from KESCO? A pure function from pasted text to a verdict with reasons.

It pulls out every link, phone number, UPI ID and SMS sender ID, compares each with the official
registry (passed in as a snapshot, so no database here), and looks for the tell-tale phrases of the
"bill not updated, disconnection tonight" scam in Hindi, English and Hinglish.

It never opens, fetches or resolves anything: domains are parsed offline (tldextract with its
bundled public-suffix snapshot, idna for punycode), shortened links are flagged, not followed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from urllib.parse import parse_qs, parse_qsl, unquote, unquote_to_bytes

import idna
import phonenumbers
import tldextract
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# --- The registry snapshot ------------------------------------------------------------------------


@dataclass(frozen=True)
class Registry:
    """What is official, normalised for comparison. Values map to True when they are demo data."""

    domains: dict[str, bool] = field(default_factory=dict)  # registered domains: "kesco.co.in"
    apps: dict[tuple[str, str], bool] = field(default_factory=dict)  # (store host, app id)
    phones: dict[str, bool] = field(default_factory=dict)  # E.164 "+915122345678" or short code "1912"
    upi_ids: dict[str, bool] = field(default_factory=dict)  # lower case "kesco@sbi"
    sender_ids: dict[str, bool] = field(default_factory=dict)  # upper case "UPPCLT"


class Verdict(StrEnum):
    OFFICIAL = "official"
    SCAM = "scam"
    UNSURE = "unsure"


class ItemKind(StrEnum):
    LINK = "link"
    PHONE = "phone"
    UPI = "upi"
    SENDER_ID = "sender_id"
    PHRASE = "phrase"


@dataclass(frozen=True)
class Finding:
    kind: ItemKind
    shown: str  # the item as we understood it (a domain, an E.164 number, a UPI ID...)
    is_official: bool
    reason: str  # translated, for the consumer
    is_demo: bool = False  # official only as demo data, not yet verified by staff


@dataclass(frozen=True)
class CheckResult:
    verdict: Verdict
    findings: tuple[Finding, ...]

    @property
    def items(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind is not ItemKind.PHRASE)

    @property
    def phrases(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind is ItemKind.PHRASE)


# --- Normalising text -----------------------------------------------------------------------------

# Zero-width characters hide inside words to dodge filters ("Any\u200bDesk").
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


# Full stops that browsers read as "." in a host (UTS-46): https://evil。com opens evil.com. NFKC
# already turns the small full stop into "." and the half-width one into the ideographic one.
_DOTS = dict.fromkeys(map(ord, "\u3002\uff61\ufe52"), ".")


def _clean(text: str) -> str:
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


# --- Links and domains ----------------------------------------------------------------------------

# No network, ever: the public-suffix list is the snapshot bundled with tldextract.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)

# Link shorteners hide where a link goes; we never follow them to find out.
SHORTENERS = frozenset(
    {
        "bit.ly", "bitly.com", "tinyurl.com", "t.co", "goo.gl", "is.gd", "v.gd", "cutt.ly", "rb.gy",
        "shorturl.at", "tiny.cc", "ow.ly", "rebrand.ly", "s.id", "t.ly", "buff.ly", "shorte.st",
        "bl.ink", "short.gy", "tny.im", "urlz.fr", "clck.ru", "qr.ae", "lnkd.in", "y2u.be", "shrtco.de",
        "inshorturl.com", "surl.li", "u.to", "tinu.be", "kutt.it", "bit.do", "rebrandly.com",
    }
)  # fmt: skip

# Words a fraudster borrows to make a domain look like ours.
_BRAND_WORDS = ("kesco", "uppcl", "bijli", "vidyut", "kanpur", "electricity")

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
_TRAILING_PUNCTUATION = ".,;:!?)]}'\"।"


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
    """A link's host as a browser finds it (the WHATWG URL rules for http and https), not as urlsplit does.

    The two disagree exactly where fraudsters hide things: a browser reads "\\" as "/" (in
    kesco-pay.in\\@kesco.co.in the host is kesco-pay.in), takes the user name up to the last "@",
    percent-decodes the host (evil.c%6fm is evil.com), maps it by UTS-46 (full-width letters, odd full
    stops, capitals) and reads any host ending in a number as an IP address. A link without a scheme
    is read as http. A host a browser would refuse comes back as "".
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
    """The addresses a link carries in its path, query or fragment, decoded as a server would.

    An open redirect on an official site (kesco.co.in/?r=https://evil.com) sends the consumer on to
    the address it carries, however many times that was percent-encoded.
    """
    pieces = [(url.path, _INNER_LINK_RE)]
    for part in (url.query, url.fragment):
        for key, value in parse_qsl(part, keep_blank_values=True):
            pieces += [(key, _INNER_VALUE_RE), (value, _INNER_VALUE_RE)]
    links: dict[str, Link] = {}
    for piece, pattern in pieces:
        for _round in range(_DECODE_ROUNDS):
            for match in pattern.finditer(piece):
                raw = match.group(0).rstrip(_TRAILING_PUNCTUATION)
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
    # Written with http(s):, it is a link whatever follows; one we cannot read is never dropped
    # silently, or an odd address would slip a fraudster's link past the checker.
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
    for match in _LINK_RE.finditer(_clean(text)):
        raw = match.group(0).rstrip(_TRAILING_PUNCTUATION)
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


def _judge_link(link: Link, registry: Registry) -> Finding:
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
            return inner.registered_domain or inner.host or _shortened(inner.raw, 60)
        if deeper := _outside_address(inner, registry):
            return deeper
    return ""


def _shortened(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _judge_link_alone(link: Link, registry: Registry) -> Finding:
    domain = link.registered_domain
    # The link as pasted (shortened), with the host as a person reads it when it used punycode.
    shown = _shortened(link.raw, 80)
    if link.has_foreign_letters and link.host not in link.raw.lower():
        shown = f"{shown} ({link.host})"
    if link.has_userinfo:
        # Browsers skip what stands before the "@"; other apps may not, and people read it as the
        # address. Whichever way it is read, KESCO never sends such a link.
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


# --- Phone numbers --------------------------------------------------------------------------------

# Short codes people are told to call (helplines) are 3-5 digits; only the ones in the registry
# count as phone numbers, since any other short number in a message is more likely an amount.
# Not a group of a longer number written with separators (+91-600-000-1912).
_SHORT_NUMBER_RE = re.compile(r"(?<![\d+])(?<!\d[-\s.])\d{3,5}(?![-\s.]?\d)")


def normalise_phone(raw: str) -> str:
    """E.164 (+91...) for an Indian or international number, the digits for a short code, or ''."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", raw))
    if 3 <= len(digits) <= 5 and not raw.strip().startswith("+"):
        return digits
    try:
        number = phonenumbers.parse(raw, "IN")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def extract_phones(text: str, registry: Registry) -> list[str]:
    """Every phone number in the text, as E.164 or as an official short code."""
    text = _clean(text)
    found: list[str] = []
    for match in phonenumbers.PhoneNumberMatcher(text, "IN"):
        raw = match.raw_string.strip()
        number = match.number
        national = str(number.national_number)
        prefixed = raw.startswith(("+", "0")) or (raw.startswith("91") and len(re.sub(r"\D", "", raw)) == 12)
        # A bare 10-digit number that is not a mobile is more likely an account number than a
        # landline: new account numbers have 10 digits too. Landlines count with their 0 or +91.
        if not prefixed and not (len(national) == 10 and national[0] in "6789"):
            continue
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if e164 not in found:
            found.append(e164)
    for match in _SHORT_NUMBER_RE.finditer(text):
        if match.group(0) in registry.phones and match.group(0) not in found:
            found.append(match.group(0))
    return found


def _judge_phone(number: str, registry: Registry) -> Finding:
    if number in registry.phones:
        return Finding(ItemKind.PHONE, number, True, _("An official KESCO number."), is_demo=registry.phones[number])
    return Finding(
        ItemKind.PHONE, number, False, _("This number is not in KESCO's list of official numbers. Do not call it.")
    )


# --- UPI IDs --------------------------------------------------------------------------------------

# handle@psp, where the PSP part has no dot (an e-mail address has one: name@gmail.com).
_UPI_RE = re.compile(r"(?<![\w.@-])([a-z0-9][a-z0-9._-]{1,255}@[a-z][a-z0-9]{1,63})(?![\w@-]|\.[a-z])", re.I)


def extract_upi_ids(text: str) -> list[str]:
    text = _clean(text)
    found: list[str] = []
    for match in _UPI_RE.finditer(text):
        upi_id = match.group(1).lower()
        if upi_id not in found:
            found.append(upi_id)
    return found


def judge_upi_id(upi_id: str, registry: Registry) -> Finding:
    """Official only when the whole ID, as given, is a registered one (compared in lower case)."""
    if upi_id in registry.upi_ids:
        return Finding(ItemKind.UPI, upi_id, True, _("An official KESCO UPI ID."), is_demo=registry.upi_ids[upi_id])
    return Finding(ItemKind.UPI, upi_id, False, _("This UPI ID is not KESCO's. Money sent to it goes to someone else."))


# --- UPI payment links (upi://pay?pa=...) -------------------------------------------------------------

# A payment link as SMS, WhatsApp and QR codes carry it: tapping it opens a payment app.
_UPI_LINK_RE = re.compile(r"""(?i)upi:[^\s<>"'`]+""")
_UPI_PAY_RE = re.compile(r"(?i)\s*upi:[/\\]*pay/?(?:[?#]|\s*$)")


@dataclass(frozen=True)
class UpiPayment:
    payee_upi_ids: tuple[str, ...]  # every pa= in the code, each whole, trimmed, lower case
    payee_name: str
    amount: str  # as written in the code, e.g. "10.00"; empty when the payer types it
    repeated: tuple[str, ...] = ()  # parameters given more than once ("pa", "am")


def upi_payment_parse(text: str) -> UpiPayment | None:
    """The payees, name and amount of a upi://pay link (any number of slashes: upi:pay too), else None."""
    if not _UPI_PAY_RE.match(text):
        return None
    # Everything after the "?", fragment included: an app that splits on "&" alone would read a
    # payee hidden after a "#". Names in any case: "PA" may be read as "pa".
    pairs = [(key.strip().lower(), value) for key, value in parse_qsl(text.partition("?")[2], keep_blank_values=True)]
    values: dict[str, list[str]] = {}
    for key, value in pairs:
        values.setdefault(key, []).append(value)
    amount = (values.get("am") or [""])[0].strip()
    try:
        amount = str(Decimal(amount)) if amount and Decimal(amount).is_finite() else ""
    except InvalidOperation:
        amount = ""
    return UpiPayment(
        payee_upi_ids=tuple(dict.fromkeys(value.strip().lower() for value in values.get("pa", []))),
        payee_name=(values.get("pn") or [""])[0].strip()[:100],
        amount=amount,
        repeated=tuple(key for key, given in values.items() if len(given) > 1),
    )


def upi_payment_findings(upi: UpiPayment, registry: Registry) -> list[Finding]:
    """Judge a UPI payment link by its payee alone: the name in it is whatever its maker typed.

    A payee is official only when the complete pa= value is a registered UPI ID; anything else, or
    no payee at all, is not an official KESCO payee. A parameter given twice is a scam reason of its
    own: apps disagree on which one they use, so the page could show one payee and the app pay another.
    """
    findings = []
    if upi.repeated:
        reason = _(
            "This code gives %(names)s more than once. A payment app may use a different one from the one "
            "shown. KESCO's codes never do this."
        ) % {"names": _shortened(", ".join(upi.repeated), 40)}
        shown = _shortened(", ".join(f"{name}=…" for name in upi.repeated), 80)
        findings.append(Finding(ItemKind.UPI, shown, False, reason))
    for payee in upi.payee_upi_ids:
        finding = judge_upi_id(payee, registry)
        findings.append(replace(finding, shown=_shortened(payee, 80)))
    if not upi.payee_upi_ids:
        reason = _("This payment code names no payee UPI ID we can check.")
        findings.append(Finding(ItemKind.UPI, "-", False, reason))
    return findings


# --- SMS sender IDs -------------------------------------------------------------------------------

# The header an SMS shows: two letters for the operator and region, a dash, six characters,
# sometimes a -S/-T/-P/-G suffix for the message type (VM-UPPCLT, AD-UPPCLA-S).
_SENDER_HEADER_RE = re.compile(r"[A-Z]{2}-([A-Z0-9]{6})(?:-[SPTG])?(?![\w@-]|\.\w)")
_BARE_SENDER_RE = re.compile(r"(?:[a-z]{2}-)?([a-z0-9]{6})(?:-[sptg])?", re.I)


def extract_sender_ids(text: str, *, allow_bare: bool = True) -> list[str]:
    """The sender ID of a pasted SMS: its header at the very start, or an ID pasted alone.

    An SMS app shows the header first and pastes it first. Anywhere else in a text it proves
    nothing: anyone can type "VM-UPPCLT" into a WhatsApp message to borrow an official tick.
    """
    text = _clean(text).strip()
    alone = _BARE_SENDER_RE.fullmatch(text) if allow_bare else None
    # Pasted alone, a six-character ID counts in any case; with a message only a header does.
    if alone and not alone.group(1).isdigit():
        return [alone.group(1).upper()]
    header = _SENDER_HEADER_RE.match(text)
    return [header.group(1)] if header and not header.group(1).isdigit() else []


def _judge_sender(sender_id: str, registry: Registry) -> Finding:
    if sender_id in registry.sender_ids:
        return Finding(
            ItemKind.SENDER_ID, sender_id, True, _("An official KESCO SMS sender ID."),
            is_demo=registry.sender_ids[sender_id],
        )  # fmt: skip
    return Finding(ItemKind.SENDER_ID, sender_id, False, _("This SMS sender ID is not one of KESCO's."))


# --- Scam phrases ---------------------------------------------------------------------------------


# Pieces shared by the phrase patterns below.
# A time window after "tonight" ("tonight 11 PM-1 AM") makes a schedule, not a threat.
_WINDOW = r"(?! (from )?\d{1,2}([:.]\d\d)? ?(am|pm)? ?(to|-|till|until) ?\d)"
# Cutting the power, in Hinglish and English; katauti ("the cut", a notice's noun) and "band rahegi"
# ("will stay off", a planned shutdown) are not threats.
_CUT_HL = r"(kat(?!auti)\w*|kaat\w*|\bcut\b(?! rah)|band(?! rah)|disconnect\w*)"
_CUT_HI = r"(काट|कट(?!ौती)|बंद(?! रह)|रोक)"
_ASKED_TO_PAY = r"(pay\b|payment kar\w*|send|bhej\w*|ka bhugtan kar\w*|jama kar\w*)"


@dataclass(frozen=True)
class ScamPhrase:
    key: str
    reason: str  # lazy, translated when shown
    patterns: tuple[str, ...]  # regular expressions over normalise_text() output


# Each group: English, Hinglish (Hindi in Latin letters, as typed on phones) and Hindi variants.
SCAM_PHRASES: tuple[ScamPhrase, ...] = (
    ScamPhrase(
        "disconnection",
        gettext_lazy('It threatens to cut your electricity soon ("tonight"). KESCO never does this by message.'),
        (
            # "Tonight" alone is not enough: a genuine planned-shutdown notice may say it.
            # A time window ("tonight 11 PM-1 AM") is a schedule, not a threat; "executive" holds "cut".
            r"\b(disconnect\w*|cut|kat(?!auti)\w*|kaat\w*)\b.{0,40}tonight" + _WINDOW,
            r"tonight.{0,40}(disconnect\w*|cut off|be cut)",
            # A deadline in hours: a statutory notice says "disconnected within 15 days if not paid".
            r"disconnect\w* (today|tonight|(within|in) \d+ ?(hours?|hrs?|minutes?|mins?))",
            r"(will|shall) be disconnected (today|tonight|(within|in) \d+ ?(hours?|hrs?|minutes?|mins?))",
            # "Cut", not "off": a planned-shutdown notice says "power will be off today 10:00-14:00".
            # The "9:30 PM" wave, without "tonight"; a notice gives a window and says when supply is restored.
            r"(power|electricity|connection) (will be )?cut (today|tonight)" + _WINDOW,
            r"(disconnect\w*|\bcut( off)?|switched off|turned off|stopped|shut down) (\w+ ){0,2}(at|by|after) "
            r"\d{1,2}[:.]\d\d ?pm\b(?! ?(to|-|till|until) ?\d)(?!.{0,40}(restor|maintenance|work\b|shutdown))",
            r"\d{1,2}[:.]\d\d ?(pm|baje)( ko| se)?(?! ?(to|-|till|until|se|tak) ?\d).{0,30}" + _CUT_HL,
            r"aa?j (raa?t|shaa?m).{0,60}" + _CUT_HL,
            # The verb alone is also what a lawful 15-day notice says: a deadline in hours is the threat.
            r"(?<!\d)\d{1,3} ?(ghante|ghanton|hours?|hrs?|minutes?|mins?)( mein| me| main| ke andar| ke bhitar)?.{0,40}"
            + _CUT_HL,
            r"आज (रात|शाम).{0,60}" + _CUT_HI,
            r"(?<!\d)\d{1,3} ?(घंटे|घंटों|मिनट)( में| के अंदर| के भीतर)?.{0,40}" + _CUT_HI,
        ),
    ),
    ScamPhrase(
        "pressure",
        gettext_lazy(
            'It rushes you to pay ("urgent", "right now", "or else disconnection"). A real bill gives a due date '
            "and never threatens."
        ),
        (
            # A real bill may say "pay by 10-12-2026 to avoid disconnection"; it never says "urgent",
            # "immediately" or "or else".
            r"\burgent(ly)?\b.{0,30}(pay|payment|bill|bhugtan|jama|bhar)",
            # "abhi tak" / "अभी तक" is "yet" ("not paid yet"), and "pay now and get 1% off" is a real offer:
            # only "immediately" and its kin count, not "now".
            r"(pay|payment|bhugtan|jama kar\w*|bhar\w*) (\w+ ){0,3}(immediately|right now|turant|urgent(ly)?)\b",
            # "Otherwise pay by <date> to avoid disconnection" is what a real bill says: not if "avoid" comes first.
            # "Pay within 15 days, otherwise supply will be disconnected" is the lawful notice.
            r"(?<!days, )(?<!days )(?<!din, )(?<!din )\b(else|otherwise|warna|varna|nahi to|nahin to|nhi to)\b"
            r"(?:(?!avoid|bach).){0,30}"
            r"(disconnect\w*|\bcut\b|\bkat\w*|\bkaat\w*|\bband\b)",
            r"(तुरंत|तुरन्त|फ़ौरन|फौरन) .{0,20}(भुगतान|जमा|पेमेंट|भरें)",
            r"(भुगतान|जमा|पेमेंट).{0,20}(तुरंत|तुरन्त|फ़ौरन|फौरन)",
            # कटौती ("cut", as in "avoid the cut") is the genuine notice's word; बच ("avoid") likewise.
            r"(वरना|नहीं तो) (?:(?!बच).){0,30}(कट(?!ौती)|काट|बंद)",
        ),
    ),
    ScamPhrase(
        "bill_not_updated",
        gettext_lazy('It says your bill was "not updated". This is the scam\'s usual opening.'),
        (
            r"(bill|payment) (is |was |has )?(not|nt) (been )?updated",
            # About the bill, not the consumer's mobile number ("if your mobile is not updated, update it").
            r"(bill|payment|kyc)\b.{0,30}\bnot (updated?|reflect\w*|showing)\b",
            r"(bill|payment)\b.{0,30}\b(update|show|reflect|dikh) (nahi|nahin|nhi) (hua|ho raha|hai|dikh)",
            r"update your bill",
            r"bill update (nahi|nahin|nhi|na)",
            r"update (nahi|nahin|nhi) (hua|hai)",
            r"बिल अपडेट नहीं",
            r"(बिल|भुगतान|केवाईसी).{0,30}(अपडेट|दर्ज) नहीं",
        ),
    ),
    ScamPhrase(
        "call_officer",
        gettext_lazy('It asks you to call an "electricity officer". Call only the helpline 1912.'),
        (
            r"electricity officer",
            r"(call|contact) (the |our |this )?(electricity |bijli )?officer",
            # "Bijli vibhag" alone is just "the electricity department".
            r"bijl?i (vibhag (ke |ka )?)?(adhikari|officer)",
            r"officer (ko|se) (call|phone|baat|sampark)",
            r"बिजली अधिकारी",
            r"अधिकारी (से|को) (संपर्क|कॉल|फोन|फ़ोन|बात)",
            r"बिजली विभाग (के )?अधिकारी",
        ),
    ),
    ScamPhrase(
        "install_app",
        gettext_lazy(
            "It asks you to install an app (AnyDesk, TeamViewer or an APK file). This gives a stranger your phone."
        ),
        (
            r"any ?desk",
            r"team ?viewer",
            r"quick ?support",
            r"rust ?desk",
            r"\.apk\b",
            r"\bapk\b",
            r"install (the |this |our )?app",
            r"download (the |this |our )?app",
            r"app (install|download)",
            r"एनीडेस्क",
            r"टीम ?व्यूअर",
            r"ऐप (इंस्टॉल|इन्स्टॉल|डाउनलोड)",
            r"एप (इंस्टॉल|डाउनलोड)",
        ),
    ),
    ScamPhrase(
        "small_payment",
        gettext_lazy('It asks for a small payment to "update" something. KESCO never asks for this.'),
        (
            # Only an amount under ₹100 that the message asks to pay or send: a genuine bill may list
            # a small surcharge, but never asks for it on its own.
            r"small amount",
            r"(pay|send|transfer|deposit|bhej\w*|jama kar\w*) (only |just |sirf |keval )?"
            r"(rs\.?|inr|₹) ?\d{1,2}(\.00?)?(?![\d,])",
            # Asked for, not received: "Rs 50 jama ho gaye" is a prepaid meter's credit.
            r"(rs\.?|inr|₹) ?\d{1,2}(\.00?)?(?![\d,]) ?" + _ASKED_TO_PAY,
            # "Rs 10 token amount bhejiye": words between the amount and the ask.
            r"(?<![\d,.])(rs\.?|inr|₹) ?\d{1,2}(\.00?)?(?![\d,]) (\w+ ){1,3}(bhej\w*|send kar\w*)",
            r"(?<![\d,.])\d{1,2} ?(rs|rupees?|rupaye) " + _ASKED_TO_PAY,
            r"(chhota|chota) (sa )?(payment|bhugtan|amount)",
            r"(?<![\d,.])\d{1,2} ?(रुपये|रुपए|रु\.?) (भेजें|भेजिए|भेजो|का भुगतान कर|जमा कर)",
            r"₹ ?\d{1,2}(\.00?)?(?![\d,]) (भेजें|भेजिए|भेजो|का भुगतान कर|जमा कर)",
            r"छोटी (सी )?राशि",
            r"छोटा (सा )?भुगतान",
        ),
    ),
    ScamPhrase(
        "scan_qr",
        gettext_lazy("It asks you to scan a QR code. Scanning a QR code can only send money, never receive it."),
        (
            r"scan (this |the )?qr",
            r"qr ?(code )?(scan|bhej|send)",
            r"scan (kare?i?n?|karo|kijiye)\b",
            r"(क्यूआर|qr) (कोड )?(को )?स्कैन",
            r"स्कैन (करें|करे|करो|कीजिए|कीजिये)",
        ),
    ),
    ScamPhrase(
        "otp",
        gettext_lazy("It asks for an OTP, PIN or bank details. KESCO never asks for these."),
        (
            # Asking for it, not warning about it: "never share your OTP" is what a genuine message says.
            r"(?<!never )(?<!not )(?<!n't )(?<!dont )(?<!ever )(?<!na )(?<!mat )(?<!ask you to )(?<!asks you to )"
            r"(share|send|tell|give|bata\w*|bhej\w*) (\w+ ){0,3}(otp|pin|cvv)\b",
            r"\b(otp|pin|cvv) (bata\w*|bhej\w*|share kar\w*|send kar\w*)",
            r"(ओटीपी|otp|पिन|pin) (बताएं|बताएँ|बताइए|बताइये|बताओ|भेजें|भेजिए|भेजो|शेयर करें)",
            # "wo OTP humein bata dijiye": a word or two between the code and the verb.
            r"\b(otp|pin|cvv) (\w+ ){1,2}(?<!na )(?<!mat )(?<!nahi )(?<!nahin )(bata\w*|bhej\w*)",
            # The refund trick: a PIN is only ever typed to pay, never to receive money.
            r"(enter|daal\w*|dal\w*|likh\w*) (your |apna |apni )?(upi |atm )?(pin|mpin)\b",
        ),
    ),
)


@cache
def _compiled_phrases() -> tuple[tuple[ScamPhrase, tuple[re.Pattern[str], ...]], ...]:
    return tuple((phrase, tuple(re.compile(p) for p in phrase.patterns)) for phrase in SCAM_PHRASES)


def find_scam_phrases(text: str) -> list[tuple[ScamPhrase, str]]:
    """Each phrase group found, with the words that matched (from the consumer's own text)."""
    normalised = normalise_text(text)
    found = []
    for phrase, patterns in _compiled_phrases():
        for pattern in patterns:
            match = pattern.search(normalised)
            if match:
                found.append((phrase, match.group(0).strip()))
                break
    return found


# --- The verdict ----------------------------------------------------------------------------------


def check_message(text: str, registry: Registry) -> CheckResult:
    """Judge what a consumer pasted. Pure: no database, no network, nothing stored."""
    findings: list[Finding] = []
    text_without_links = _clean(text)
    # A payment link is judged as a QR code holding it is: by its whole payee, which is then not
    # read again as a UPI ID.
    for match in _UPI_LINK_RE.finditer(text_without_links):
        raw = match.group(0).rstrip(_TRAILING_PUNCTUATION)
        if payment := upi_payment_parse(raw):
            findings += upi_payment_findings(payment, registry)
            text_without_links = text_without_links.replace(raw, " ")
    links = extract_links(text_without_links)
    findings += [_judge_link(link, registry) for link in links]
    # What is inside a link (wa.me/91..., a path like /AA-00000A) is judged as part of the link.
    for link in links:
        text_without_links = text_without_links.replace(link.raw, " ")
    findings += [_judge_phone(number, registry) for number in extract_phones(text_without_links, registry)]
    findings += [judge_upi_id(upi_id, registry) for upi_id in extract_upi_ids(text_without_links)]
    # Read from the text as pasted: a header counts only at its very start. A bare six-letter word
    # counts only when it was pasted alone, not beside a link.
    senders = extract_sender_ids(text, allow_bare=not links)
    findings += [_judge_sender(sender_id, registry) for sender_id in senders]
    for phrase, words in find_scam_phrases(text):
        findings.append(Finding(ItemKind.PHRASE, words, False, str(phrase.reason)))
    return result_of(findings)


def result_of(findings: list[Finding]) -> CheckResult:
    """Likely a scam if anything is not official, Official if everything is, Not sure if nothing was found."""
    if any(not finding.is_official for finding in findings):
        verdict = Verdict.SCAM
    elif findings:
        verdict = Verdict.OFFICIAL
    else:
        verdict = Verdict.UNSURE
    return CheckResult(verdict=verdict, findings=tuple(findings))
