"""Writes to the audit trail: add an entry, and delete those past their retention period. Nothing else."""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from audit.middleware import current_request
from audit.models import AuditEntry
from kesco_lookup.limits import client_ip

USERNAME_MAX = AuditEntry._meta.get_field("username").max_length
TARGET_MAX = AuditEntry._meta.get_field("target").max_length


def audit_target(model: type[models.Model] | models.Model, pk: object) -> str:
    """ "app.Model #pk": what an entry names, never what the record holds."""
    return f"{model._meta.label} #{pk}"[:TARGET_MAX]


def _address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    try:
        # The address the rate limits use: X-Forwarded-For only from TRUSTED_PROXIES.
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None


def _signed_in(request: HttpRequest | None) -> AbstractBaseUser | None:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class _FromRequest:
    """The default of audit_record's ``user``: whoever the request is signed in as (None is "nobody")."""


FROM_REQUEST = _FromRequest()


def audit_record(
    *,
    action: AuditEntry.Action,
    request: HttpRequest | None = None,
    user: AbstractBaseUser | _FromRequest | None = FROM_REQUEST,
    username: str | None = None,
    target: str = "",
    detail: dict | None = None,
) -> AuditEntry:
    """Add one entry. Who and from where default to the request being served (audit.middleware)."""
    request = request if request is not None else current_request()
    if isinstance(user, _FromRequest):
        user = _signed_in(request)
    if username is None:
        username = user.get_username() if user is not None else ""
    return AuditEntry.objects.create(
        action=action,
        user=user,
        username=username[:USERNAME_MAX],
        target=target[:TARGET_MAX],
        address=_address(request),
        detail=detail or {},
    )


def audit_entries_purge(*, now: datetime | None = None) -> int:
    """Delete the entries older than AUDIT_RETENTION_DAYS; the number deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _by_model = AuditEntry.objects.filter(occurred_at__lt=cutoff).delete()
    return deleted
