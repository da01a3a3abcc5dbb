"""Pages that are the same for every visitor, rendered once per process, address, language and stamp.

The form pages (GET /, /check/, /check/qr/ and /report/) differ between visitors only by the CSRF
token; everything else comes from the registry, which staff change a few times a year. The page is
rendered with a placeholder for the token, kept, and served again with each visitor's own token put
in. The stamp says what the page was rendered from (safety.selectors.page_shared_stamp): a staff
change writes a new one, so the next page load renders afresh. The lookup's answer page is kept the
same way, with a placeholder for each of its personal parts too, each filled in escaped
(page_render_filled), the one mechanism both use. Why: README, 'Speed'.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Hashable, Mapping

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.translation import get_language

# A slot's name between a prefix that is different in every process and never sent, and a dash.
_SLOT_PREFIX = f"slot-{secrets.token_hex(16)}-"
_SLOT = re.compile(re.escape(_SLOT_PREFIX) + r"(\w+?)-")
# Pages x languages x the alerts showing x answers' kinds and days: a handful. Cleared whole if ever
# this many (a new stamp).
_KEPT_MAX = 64
_kept: dict[tuple[Hashable, ...], list[str]] = {}


def page_render_shared(
    request: HttpRequest, template_name: str, context: Callable[[], dict], *, stamp: Hashable | None
) -> HttpResponse:
    """The page as `render` would give it, rendered once for `stamp` (None: the cache is down, render
    every time). `context` must hold nothing of the visitor's; it is called only to render."""
    if request.method != "GET" or request.META.get("QUERY_STRING"):
        # A query string can reach the page (the language switch's return address), and a HEAD's page
        # differs (templates/_search_meta.html reads the method): neither is shared.
        return render(request, template_name, context())
    # Only the CSRF token differs between visitors: a page with no slot but the token's.
    return page_render_filled(request, template_name, lambda _slots: context(), stamp=stamp, variant=(), filled={})


def page_render_filled(
    request: HttpRequest,
    template_name: str,
    context: Callable[[Mapping[str, str]], dict],
    *,
    stamp: Hashable | None,
    variant: Hashable,
    filled: Mapping[str, str],
) -> HttpResponse:
    """The page as `render` would give it with `filled`'s values in their places, rendered once for
    `stamp` and `variant` (what else the page shows differently) with a slot in each place.

    `context` is given a slot for each name of `filled` (or, with no stamp, the values themselves: the
    cache is down, render every time); the template must put each in as it is, no filter. Each value is
    put in escaped, as the template would (a SafeString as it is); the CSRF token has a slot too."""
    if stamp is None:
        return render(request, template_name, context(filled))
    # The path too: a page's canonical and alternate addresses name it (/ and /en/).
    key = (template_name, request.path, get_language(), stamp, variant)
    parts = _kept.get(key)
    if parts is None:
        slots = {name: f"{_SLOT_PREFIX}{name}-" for name in filled}
        html = render_to_string(template_name, {**context(slots), "csrf_token": f"{_SLOT_PREFIX}csrf_token-"}, request)
        # Text, a slot's name, text, …, text: filled in one pass, so no value is ever read as a slot.
        parts = _SLOT.split(html)
        if len(_kept) >= _KEPT_MAX:
            _kept.clear()
        _kept[key] = parts
    values = {name: conditional_escape(value) for name, value in filled.items()}
    if len(parts) > 1 and "csrf_token" in parts[1::2]:
        values["csrf_token"] = get_token(request)
    pieces = parts.copy()
    pieces[1::2] = [values[name] for name in parts[1::2]]
    return HttpResponse("".join(pieces))
