"""The address a sign-in came from, for its failure limits: the project's one rule, so that a forged
X-Forwarded-For is read only from TRUSTED_PROXIES and buys no extra attempts (settings.AXES_*)."""

from __future__ import annotations

from django.http import HttpRequest

from accounts.limits import client_ip


def signin_client_ip(request: HttpRequest) -> str:
    return client_ip(request)
