"""Pages that are the same for every visitor, rendered once per process, address, language and stamp.

The form pages (GET /, GET /check/) differ between visitors only by the CSRF token; everything else
comes from the registry, which staff change a few times a year. The page is rendered with a
placeholder for the token, kept, and served again with each visitor's own token put in. The stamp
says what the page was rendered from (safety.selectors.page_shared_stamp): a staff change writes a
new one, so the next page load renders afresh. Why: README, 'Speed'.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language

# Different in every process and never sent: no text a page shows can hold it by chance.
_TOKEN_PLACEHOLDER = f"csrf-placeholder-{secrets.token_hex(16)}"
# Pages x languages x the alerts showing: a handful. Cleared whole if ever this many (a new stamp).
_KEPT_MAX = 64
_kept: dict[tuple[Hashable, ...], str] = {}


def page_render_shared(
    request: HttpRequest, template_name: str, context: Callable[[], dict], *, stamp: Hashable | None
) -> HttpResponse:
    """The page as `render` would give it, rendered once for `stamp` (None: the cache is down, render
    every time). `context` must hold nothing of the visitor's; it is called only to render."""
    if stamp is None or request.method != "GET" or request.META.get("QUERY_STRING"):
        # A query string can reach the page (the language switch's return address), and a HEAD's page
        # differs (templates/_search_meta.html reads the method): neither is shared.
        return render(request, template_name, context())
    # The path too: a page's canonical and alternate addresses name it (/ and /en/).
    key = (template_name, request.path, get_language(), stamp)
    html = _kept.get(key)
    if html is None:
        html = render_to_string(template_name, {**context(), "csrf_token": _TOKEN_PLACEHOLDER}, request)
        if len(_kept) >= _KEPT_MAX:
            _kept.clear()
        _kept[key] = html
    if _TOKEN_PLACEHOLDER in html:
        # get_token also has the CSRF middleware set the cookie, exactly as {% csrf_token %} would.
        html = html.replace(_TOKEN_PLACEHOLDER, get_token(request))
    return HttpResponse(html)
