"""Puts the "KESCO never..." rules on every page."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from safety.selectors import safety_rules_list


def safety_rules(request: HttpRequest) -> dict[str, object]:
    # Lazy: the admin and the JSON API never render it, so they never pay for the query.
    return {"kesco_never_rules": SimpleLazyObject(lambda: list(safety_rules_list()))}
