"""Hindi at the root, English under /en/: the consumer pages' addresses in each language.

Search engines and shared links only ever see an address, so each language needs its own (README,
'Search and sharing'). The URL pattern here resolves both forms whatever language is active, so a
consumer whose cookie says English still reaches /check/ (the middleware then answers in English,
as before) and Django's set_language can translate any page's address into the other language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, reverse
from django.utils import translation


class HindiRootPrefix:
    """Reverses as i18n_patterns(prefix_default_language=False) does: /en/check/ in English, /check/ in
    Hindi. Resolves both forms in any language: Django's LocalePrefixPattern matches only the active
    language's, and on an unprefixed address the active language follows the cookie (the middleware).

    Not a LocalePrefixPattern: Django allows those only in the root URLconf, and the apps' routes with
    a page in each language sit beside routes without one (the API) in the apps' own URLconfs.
    """

    def __init__(self) -> None:
        self.converters: dict = {}

    @property
    def language_prefix(self) -> str:
        language = translation.get_language() or settings.LANGUAGE_CODE
        return "" if language == settings.LANGUAGE_CODE else f"{language}/"

    @property
    def regex(self) -> re.Pattern[str]:
        # Used by reverse(), which Django caches per active language.
        return re.compile(re.escape(self.language_prefix))

    def match(self, path: str) -> tuple[str, tuple, dict]:
        for code in prefixed_languages():
            if path.startswith(f"{code}/"):
                return path.removeprefix(f"{code}/"), (), {}
        return path, (), {}

    def check(self) -> list:
        return []

    def describe(self) -> str:
        return f"'{self}'"

    def __str__(self) -> str:
        return self.language_prefix


def prefixed_languages() -> list[str]:
    """The languages with an address prefix of their own: every one but the default (Hindi)."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def language_patterns(*urls: URLPattern | URLResolver) -> URLResolver:
    """Routes with a page in each language: Hindi at the root, the others under their code."""
    return URLResolver(HindiRootPrefix(), list(urls))


@dataclass(frozen=True)
class Alternate:
    language: str  # an hreflang value: a language code, or x-default
    url: str


@dataclass(frozen=True)
class PageAddresses:
    canonical: str
    alternates: tuple[Alternate, ...]


def absolute(path: str) -> str:
    """An address on the configured site (never the request's Host, which anyone can send)."""
    return f"{settings.SITE_URL}{path}"


def named_url(name: str, language: str, *args: object, **kwargs: object) -> str:
    """The path of a named route in a language: /en/check/ for ("safety:check", "en")."""
    with translation.override(language):
        return reverse(name, args=args, kwargs=kwargs)


def page_addresses(request: HttpRequest) -> PageAddresses | None:
    """The page's absolute address in the language it is shown in, and in each language (hreflang).

    None for a request that matched no route (an error page). The query string is left out: a
    campaign's ?utm_... is the same page.
    """
    match = request.resolver_match
    if match is None:
        return None
    urls = {
        code: absolute(named_url(match.view_name, code, *match.args, **match.kwargs)) for code, _ in settings.LANGUAGES
    }
    shown_in = translation.get_language() or settings.LANGUAGE_CODE
    alternates = [Alternate(code, url) for code, url in urls.items()]
    alternates.append(Alternate("x-default", urls[settings.LANGUAGE_CODE]))
    return PageAddresses(canonical=urls.get(shown_in, urls[settings.LANGUAGE_CODE]), alternates=tuple(alternates))
