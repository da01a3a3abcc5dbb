"""What the audit tests look at: the entries a test's own actions made."""

from __future__ import annotations

from django.db.models import QuerySet

from audit.models import AuditEntry

# tests.helpers.sign_in signs staff in with a new authenticator app: that records these two.
SIGNING_IN = ("sign_in", "device_enrolled")


def recorded_besides_signing_in() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.exclude(action__in=SIGNING_IN).order_by("pk")
