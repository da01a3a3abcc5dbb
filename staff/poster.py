"""The printable poster for division offices and cash counters: the official address, a QR code of it,
the verified helpline and the "KESCO never..." rules, in Hindi and English on one A4 page.

An admin page (staff/dashboard_urls.py) for those who may view the official registry: content editors
and administrators (docs/admin.md, 'The poster').
"""

from __future__ import annotations

from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from safety.selectors import page_rules_list, verified_helplines_list

# The rules printed: the first of the active ones, in the order editors gave them. Three fit the page
# in both languages at a size readable from a queue.
POSTER_RULES = 3
# Three rules of this many characters in each language still print on one page (a browser test); a
# longer one may be cut at the frame's edge, so the preview names it for the editor to shorten.
POSTER_RULE_CHARACTERS = 160


def poster_qr_svg(address: str) -> str:
    """The address as an SVG QR code drawn on the server, sized by the stylesheet (no inline style)."""
    # Error level "h": a poster gets folded, taped over and faded, and still scans.
    return segno.make(address, error="h").svg_inline(
        border=4, omitsize=True, svgclass="poster-qr-code", dark="#000", light="#fff", title=address
    )


@require_safe
def poster(request: HttpRequest) -> HttpResponse:
    # What the poster prints is the registry's, so those who may read the registry may print it.
    if not request.user.has_perm("safety.view_officialcontact"):
        raise PermissionDenied
    address = settings.SITE_URL
    rules = page_rules_list()[:POSTER_RULES]
    context = {
        **admin.site.each_context(request),
        "title": _("Poster for offices and cash counters"),
        "address": address,
        "address_host": urlsplit(address).netloc,
        "qr_svg": poster_qr_svg(address),
        "helplines": list(verified_helplines_list()),
        "rules": rules,
        "too_long_rules": [
            rule for rule in rules if max(len(rule.text_hi), len(rule.text_en)) > POSTER_RULE_CHARACTERS
        ],
        "rule_characters": POSTER_RULE_CHARACTERS,
    }
    return TemplateResponse(request, "staff/poster.html", context)
