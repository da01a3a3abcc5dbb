"""What a page says about itself to search engines and link previews (templates/_search_meta.html), and
the address of a route in the other language for the language switch."""

from __future__ import annotations

import json

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from kesco_lookup.addresses import PageAddresses, absolute, named_url, page_addresses

register = template.Library()

# As django.utils.html.json_script escapes: no "</script>" or "<!--" can end the block early.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def current_page_addresses(context: template.Context) -> PageAddresses | None:
    """The page's canonical address and its hreflang alternates, absolute, from SITE_URL."""
    return page_addresses(context["request"])


@register.simple_tag
def share_image_url() -> str:
    """The link preview's picture in the page's language, absolute (previews fetch it from elsewhere)."""
    language = "en" if get_language() == "en" else "hi"
    path = static(f"img/share-{language}.png")
    return path if path.startswith(("https://", "http://")) else absolute(path)


@register.simple_tag
def language_url(name: str, language: str) -> str:
    """A route's address in a language: where the language switch sends a page's form."""
    return named_url(name, language)


@register.simple_tag
def structured_data(data: dict) -> SafeString:
    """schema.org JSON-LD in a data block: browsers never run it, so the CSP has nothing to allow."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 (escaped above)
