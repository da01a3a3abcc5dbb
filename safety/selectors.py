"""Reads of the official registry and the safety rules."""

from __future__ import annotations

from django.db.models import QuerySet

from safety.models import PaymentChannel, SafetyRule


def payment_channels_list() -> QuerySet[PaymentChannel]:
    return PaymentChannel.objects.filter(is_active=True)


def safety_rules_list() -> QuerySet[SafetyRule]:
    return SafetyRule.objects.filter(is_active=True)
