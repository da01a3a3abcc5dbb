"""Reads of the official registry, the safety rules, alerts and the genuine-message list."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

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


def safety_rules_list() -> QuerySet[SafetyRule]:
    return SafetyRule.objects.filter(is_active=True)


def current_alerts_list() -> QuerySet[Alert]:
    now = timezone.now()
    return Alert.objects.filter(is_active=True, starts_at__lte=now).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))


def genuine_messages_list() -> QuerySet[GenuineMessage]:
    return GenuineMessage.objects.filter(is_active=True)


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
