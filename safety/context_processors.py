"""Puts the "KESCO never..." rules, the current alerts and the registry's stamp on every page (cached:
safety/selectors.py)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from safety.selectors import page_alerts_list, page_rules_list, page_shared_stamp


def safety_rules(request: HttpRequest) -> dict[str, object]:
    # Lazy: the admin and the JSON API never render it, so they never pay for the query.
    return {"kesco_never_rules": SimpleLazyObject(page_rules_list)}


def safety_alerts(request: HttpRequest) -> dict[str, object]:
    return {"safety_alerts": SimpleLazyObject(page_alerts_list)}


def page_stamp(request: HttpRequest) -> dict[str, object]:
    # Called by {% shared %} blocks only (kesco_lookup/templatetags/shared.py): read once a request.
    return {"page_stamp": page_shared_stamp}
