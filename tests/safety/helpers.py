"""Builders for the safety tests: the registry as staff would keep it."""

from __future__ import annotations

from safety.checker import Registry

OFFICIAL_UPI = "kesco.demo@exampleupi"


def kesco_registry() -> Registry:
    """The registry as staff would keep it: two websites, the helpline, a landline, a UPI ID, two sender IDs."""
    return Registry(
        domains={"kesco.co.in": False, "uppclonline.com": True},
        apps={("play.google.com", "in.example.kesco.demo"): True},
        phones={"1912": False, "+915122345678": False},
        upi_ids={OFFICIAL_UPI: True},
        sender_ids={"UPPCLT": False, "UPPCLA": False},
    )


def verified_contact(*, kind: str, value: str, name_en: str, is_active: bool = True):  # type: ignore[no-untyped-def]
    """A registry entry that staff checked and marked verified today."""
    from django.utils import timezone

    from safety.models import OfficialContact

    return OfficialContact.objects.create(
        kind=kind,
        value=value,
        name_en=name_en,
        name_hi=name_en,
        is_active=is_active,
        is_demo=False,
        verified_on=timezone.localdate(),
    )
