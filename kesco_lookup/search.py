"""What search engines are told: robots.txt, the sitemap, and which answers they may index.

Consumers search for "KESCO new account number" and find fraudsters; the public pages must be what
they find (README, 'Search and sharing'). Everything else says noindex: answers to a POST, error and
limit pages, the staff side, the API, anything holding a consumer's data.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from kesco_lookup.addresses import absolute

# The pages a search may show, each in Hindi and English: the lookup form, the message and QR
# checks, the report form. Their answers (POSTs) are never indexed, nor is any other route.
PUBLIC_PAGES = ("accounts:home", "safety:check", "safety:check_qr", "safety:report")
# Search engines read robots.txt; a noindex on it would say nothing useful.
_NOT_NOINDEXED = frozenset((*PUBLIC_PAGES, "robots_txt"))
# A day: the rules change with a deploy, not by the hour.
_CRAWLER_FILES_SECONDS = 24 * 3600


class PublicPagesSitemap(Sitemap):
    """The public pages in both languages, each naming the other (hreflang) and x-default (Hindi).

    Addresses from SITE_URL, never from the request's Host.
    """

    i18n = True
    alternates = True
    x_default = True

    @property
    def protocol(self) -> str:  # type: ignore[override]
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site: object = None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def items(self) -> list[str]:
        return list(PUBLIC_PAGES)

    def location(self, item: str) -> str:
        return reverse(item)  # in the language the sitemap framework activates for each entry


@require_safe
@cache_control(public=True, max_age=_CRAWLER_FILES_SECONDS)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawl the public pages; keep out of the staff side and the API. No database, no session."""
    lines = [
        "User-agent: *",
        "Disallow: /staff/",
        "Disallow: /api/",
        "Allow: /",
        "",
        f"Sitemap: {absolute(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
@cache_control(public=True, max_age=_CRAWLER_FILES_SECONDS)
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    """The public pages in both languages (django.contrib.sitemaps). No database, no session."""
    return sitemap(request, sitemaps={"pages": PublicPagesSitemap})


class NoindexMiddleware:
    """X-Robots-Tag: noindex on every answer but a public page's GET that succeeded (and robots.txt).

    The pages also say so in a <meta> (templates/_search_meta.html); the header covers what has no
    <head>: the API's JSON, redirects, the staff side's downloads.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not may_be_indexed(request, response):
            response.headers.setdefault("X-Robots-Tag", "noindex")
        return response


def may_be_indexed(request: HttpRequest, response: HttpResponse) -> bool:
    match = request.resolver_match
    return (
        request.method in {"GET", "HEAD"}
        and response.status_code == 200
        and match is not None
        and match.view_name in _NOT_NOINDEXED
    )
