"""Reads of the official registry, the safety rules, alerts and the genuine-message list."""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
from urllib.parse import parse_qs, urlsplit

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from safety.checker import Registry, normalise_phone, registered_domain
from safety.models import Alert, GenuineMessage, OfficialContact, PaymentChannel, SafetyRule, ScamReport

Kind = OfficialContact.Kind


def payment_channels_list() -> QuerySet[PaymentChannel]:
    return PaymentChannel.objects.filter(is_active=True)


def division_offices_list() -> QuerySet[OfficialContact]:
    """The offices a consumer can visit, for the lookup's no-match page: the same list for every miss."""
    return OfficialContact.objects.filter(is_active=True, kind=Kind.DIVISION_OFFICE)


def verified_helplines_list() -> QuerySet[OfficialContact]:
    """The helplines staff have verified (phone numbers of no division), for what is printed as official.
    Demo and unverified entries never appear: a poster on a counter cannot be corrected once it is up."""
    return verified_contacts_list().filter(kind=Kind.PHONE, division="")


def verified_contacts_list() -> QuerySet[OfficialContact]:
    """The websites and phone numbers staff checked and verified: never a demo or unverified entry."""
    return OfficialContact.objects.filter(
        is_active=True, is_demo=False, verified_on__isnull=False, kind__in=(Kind.WEBSITE, Kind.PHONE)
    )


def safety_rules_list() -> QuerySet[SafetyRule]:
    return SafetyRule.objects.filter(is_active=True)


def current_alerts_list() -> QuerySet[Alert]:
    now = timezone.now()
    return Alert.objects.filter(is_active=True, starts_at__lte=now).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))


# Every page shows the rules and the current alerts, which staff change a few times a year: they are
# kept in the cache under fixed names (nothing personal) and dropped by any save or delete of a rule
# or an alert (safety/signals.py), so a staff change shows on the next page load. The expiry only
# bounds a rare race (a page that read the old rows before the change stores them after the drop).
PAGE_RULES_KEY = "safety:page-rules"
PAGE_ALERTS_KEY = "safety:page-alerts"
# The registry's payment channels (on the consumer pages) and division offices (on a miss).
PAGE_PAYMENT_CHANNELS_KEY = "safety:page-payment-channels"
PAGE_DIVISION_OFFICES_KEY = "safety:page-division-offices"
# The verified websites and helplines, for the home page's structured data (safety/structured_data.py).
PAGE_VERIFIED_CONTACTS_KEY = "safety:page-verified-contacts"
PAGE_CONTACT_KEYS = (PAGE_PAYMENT_CHANNELS_KEY, PAGE_DIVISION_OFFICES_KEY, PAGE_VERIFIED_CONTACTS_KEY)
# The genuine messages listed on the message check's page.
PAGE_GENUINE_MESSAGES_KEY = "safety:page-genuine-messages"
PAGE_REGISTRY_SECONDS = 300
# Each process also keeps its own copy of each list, and reuses it while this stamp in the cache is
# the same: one small read a request instead of one a list (and no unpickling). Every drop of the
# copies (safety.services.page_copies_drop) writes a new stamp, so every process reads afresh on its
# next request: a staff change still shows on the next page load, in every process.
PAGE_REGISTRY_STAMP_KEY = "safety:page-registry-stamp"
_request_stamp = threading.local()  # the stamp as read by this thread's current request
# By key: the stamp it was read under, the rows, and when it expires like the cache's copy (a drop
# that could not write a new stamp, the cache being down, is outlived by no copy).
_process_copies: dict[str, tuple[str, list, float]] = {}


def page_stamp_forget(**kwargs: object) -> None:
    """Read the stamp again at its next use: at each request's start, and after a drop."""
    _request_stamp.value = None


def page_registry_stamp_known(value: object) -> None:
    """The stamp as this request read it in a round trip of its own (a lookup's count reads it with its
    counts, accounts/usage.py): page_registry_stamp then reads nothing. A missing one is left to it."""
    if isinstance(value, str):
        _request_stamp.value = value


def page_registry_stamp() -> str | None:
    """The registry's stamp, read once a request; None while the cache does not answer."""
    stamp = getattr(_request_stamp, "value", None)
    if stamp is None:
        try:
            stamp = cache.get(PAGE_REGISTRY_STAMP_KEY)
            if stamp is None:  # never written, or evicted: any new value makes every process read afresh
                cache.add(PAGE_REGISTRY_STAMP_KEY, secrets.token_hex(8), None)
                stamp = cache.get(PAGE_REGISTRY_STAMP_KEY)
        except Exception:  # the cache is down: the lists come from the database, as below
            return None
        _request_stamp.value = stamp
    return stamp


def _cached_list(key: str, read: object) -> list:
    stamp = page_registry_stamp()
    if stamp is not None and (held := _process_copies.get(key)) and held[0] == stamp and held[2] > time.monotonic():
        return held[1]
    try:
        rows = cache.get(key)
    except Exception:  # a page never fails because the cache is down: the database answers
        return list(read())  # type: ignore[operator]
    if rows is None:
        rows = list(read())  # type: ignore[operator]
        # As above: when the cache is down, the page is answered from the rows just read.
        with contextlib.suppress(Exception):
            cache.set(key, rows, PAGE_REGISTRY_SECONDS)
    if stamp is not None:
        _process_copies[key] = (stamp, rows, time.monotonic() + PAGE_REGISTRY_SECONDS)
    return rows


def page_rules_list() -> list[SafetyRule]:
    """The active rules, for every page: cached (see PAGE_RULES_KEY)."""
    return _cached_list(PAGE_RULES_KEY, safety_rules_list)


def page_payment_channels_list() -> list[PaymentChannel]:
    """The active payment channels, for the consumer pages: cached (see PAGE_CONTACT_KEYS)."""
    return _cached_list(PAGE_PAYMENT_CHANNELS_KEY, payment_channels_list)


def page_division_offices_list() -> list[OfficialContact]:
    """The division offices, for every miss alike: cached (see PAGE_CONTACT_KEYS)."""
    return _cached_list(PAGE_DIVISION_OFFICES_KEY, division_offices_list)


def page_verified_contacts_list() -> list[OfficialContact]:
    """The verified websites and phone numbers, for search engines: cached (see PAGE_CONTACT_KEYS)."""
    return _cached_list(PAGE_VERIFIED_CONTACTS_KEY, verified_contacts_list)


def page_alerts_list() -> list[Alert]:
    """The alerts showing now, for every page: the active, unfinished ones are cached, then timed here."""
    now = timezone.now()
    unfinished = _cached_list(
        PAGE_ALERTS_KEY,
        lambda: Alert.objects.filter(is_active=True).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now)),
    )
    return [alert for alert in unfinished if alert.starts_at <= now and (alert.ends_at is None or alert.ends_at > now)]


def genuine_messages_list() -> QuerySet[GenuineMessage]:
    return GenuineMessage.objects.filter(is_active=True)


def page_genuine_messages_list() -> list[GenuineMessage]:
    """The active genuine messages, for the message check's page: cached (see PAGE_REGISTRY_STAMP_KEY)."""
    return _cached_list(PAGE_GENUINE_MESSAGES_KEY, genuine_messages_list)


def page_shared_stamp() -> tuple[str, tuple[int, ...]] | None:
    """What a page that is the same for everyone depends on: the registry's stamp and the alerts
    showing now (one starts or ends without a staff change). None while the cache does not answer."""
    stamp = page_registry_stamp()
    if stamp is None:
        return None
    return stamp, tuple(alert.pk for alert in page_alerts_list())


def _remember(table: dict, key: object, is_demo: bool) -> None:
    # One verified entry is enough: a value listed twice is demo only if every listing is.
    if key:
        table[key] = table.get(key, True) and is_demo


def official_registry_get() -> Registry:
    """A snapshot of the active registry, normalised the way the checker compares."""
    registry = Registry()
    rows = OfficialContact.objects.filter(is_active=True).only("kind", "value", "store_link", "is_demo")
    for row in rows:
        value = row.value.strip()
        if row.kind == Kind.WEBSITE:
            _remember(registry.domains, registered_domain(value), row.is_demo)
        elif row.kind == Kind.APP and row.store_link:
            parts = urlsplit(row.store_link)
            app_id = (parse_qs(parts.query).get("id") or [""])[0]
            _remember(registry.apps, ((parts.hostname or "").lower(), app_id), row.is_demo)
        elif row.kind in (Kind.PHONE, Kind.DIVISION_OFFICE):  # an office's value is its phone
            _remember(registry.phones, normalise_phone(value), row.is_demo)
        elif row.kind == Kind.UPI:
            _remember(registry.upi_ids, value.lower(), row.is_demo)
        elif row.kind == Kind.SENDER_ID:
            _remember(registry.sender_ids, value.upper(), row.is_demo)
    return registry


def scam_reports_by_suspect() -> QuerySet:
    """Reports counted per suspect number or sender ID, most reported first (for staff)."""
    return (
        ScamReport.objects.exclude(suspect="")
        .values("suspect")
        .annotate(
            total=Count("id"),
            new=Count("id", filter=Q(status=ScamReport.Status.NEW)),
            money_lost=Count("id", filter=Q(money_lost=True)),
            latest=Max("created_at"),
        )
        .order_by("-total", "-latest")
    )
