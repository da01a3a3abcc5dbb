"""Site-wide middleware: the language choice (Hindi unless the consumer clicked English), gzip for the
consumer pages, a cap on request bodies, and a 400 for bodies that cannot be read as declared."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.log import log_response

from kesco_lookup.addresses import prefixed_languages
from kesco_lookup.handlers import text_encoding
from kesco_lookup.views import bad_request, request_too_large


class HindiFirstLocaleMiddleware:
    """Like LocaleMiddleware, but ignores Accept-Language. An address's language prefix (/en/check/)
    decides; on any other address only the language cookie (set by Django's set_language, or by the
    page's own view, kesco_lookup/language.py) changes the language, so a consumer who chose English
    still gets it at / (rendered there, not redirected: no extra round trip on a slow line).

    Why: README, 'Languages' and 'Search and sharing'.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}
        self.prefixed = set(prefixed_languages())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        prefix = request.path_info.split("/", 2)[1]
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen not in self.supported:
            chosen = settings.LANGUAGE_CODE
        language = prefix if prefix in self.prefixed else chosen
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        # A language switch on a result page (kesco_lookup/language.py) answers in the new language.
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class ConsumerPagesGZipMiddleware(GZipMiddleware):
    """Gzip for the consumer pages, never for the staff admin. Why (BREACH): README, 'Compressed pages'.

    On a 400 kbit/s connection that saves a tenth of a second a page, and paid-for data; staff work on
    office connections, so the admin loses little. The one GET parameter a consumer page echoes is
    /limited/'s clamped number of minutes. Static files never get here: WhiteNoise, above, serves its
    own .gz copies.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        # Every /staff/ path resolves in the admin's namespace (its catch-all too): no reverse() per
        # response, and right under a URL prefix as well.
        match = request.resolver_match
        if match is not None and "admin" in match.app_names:
            return response
        return super().process_response(request, response)


# The only page that takes more than REQUEST_BODY_MAX_BYTES: the admin's mapping-file upload.
_IMPORT_UPLOAD_URL = "admin:imports_importbatch_add"
_IMPORT_PERMISSION = "accounts.import_mapping"
# Room for the multipart envelope around the file (boundaries, headers, the other fields).
_MULTIPART_OVERHEAD = 64 * 1024


def declared_length(request: HttpRequest) -> int:
    # As Django reads it: a missing or malformed Content-Length means an empty body, never read.
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except (TypeError, ValueError):
        return 0


class RequestBodyLimitMiddleware:
    """Refuse an oversized request body (413) from its Content-Length, before anything reads it.

    Must come after the locale middleware (the page is in the consumer's language) and the
    authentication middleware (staff importing mapping files get a larger allowance), and before
    anything that reads the body (CSRF's check reads POST in process_view, later than this).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = declared_length(request)
        if length > settings.REQUEST_BODY_MAX_BYTES and not self._import_upload_allowed(request, length):
            return request_too_large(request)
        return self.get_response(request)

    @staticmethod
    def _import_upload_allowed(request: HttpRequest, length: int) -> bool:
        if length > settings.IMPORTS_MAX_FILE_BYTES + _MULTIPART_OVERHEAD:
            return False
        if request.method != "POST" or request.path != reverse(_IMPORT_UPLOAD_URL):
            return False
        user = getattr(request, "user", None)
        # Signed in with the code too (django-otp's middleware gives users is_verified): a password
        # alone opens no admin page, so it buys no larger body either.
        verified = getattr(user, "is_verified", None)
        return bool(
            user and user.is_active and user.is_staff and verified and verified() and user.has_perm(_IMPORT_PERMISSION)
        )


_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


class UnreadableRequestMiddleware:
    """Answer 400 to a request whose body cannot be read as declared, before anything reads it.

    - A Content-Length that is not a number: Django would fail on it reading a form (a 500); HTTP
      calls it unrecoverable. (Most servers and proxies refuse it first; runserver does not.)
    - A charset Python has no text codec for (x-nonsense; base64, which the site's request classes
      keep out of the encoding, kesco_lookup/handlers.py).
    - A form sent by POST in anything but UTF-8. Our pages are UTF-8, so browsers send forms in it;
      Django refuses other charsets for a URL-encoded form (and its own 400 page then failed on the
      body again: a 500) and would decode a multipart one's fields into garbage. UTF-8 under another
      name ("utf8") is read as UTF-8.

    Logged as one warning with the path: the body is never read here, nor logged.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH") or "0"
        charset = request.content_params.get("charset")
        encoding = text_encoding(charset) if charset is not None else "utf-8"
        is_form = request.method == "POST" and request.content_type in _FORM_TYPES
        if not (length.isascii() and length.isdigit()):
            return self._refused(request, "Bad Request (malformed Content-Length): %s")
        if encoding is None or (is_form and encoding != "utf-8"):
            return self._refused(request, "Bad Request (unreadable charset): %s")
        if is_form and charset is not None:
            request.encoding = "utf-8"  # the one spelling Django accepts for a URL-encoded form
        return self.get_response(request)

    @staticmethod
    def _refused(request: HttpRequest, message: str) -> HttpResponse:
        response = bad_request(request)
        log_response(message, request.path, response=response, request=request)
        return response
