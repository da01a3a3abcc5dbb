"""Site-wide error pages, rendered in the consumer's language."""

from __future__ import annotations

import math
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kesco_lookup.limits import Limited


def _limited_context(minutes: int) -> dict:
    # "After 772 minutes" means nothing to anyone; whole hours, rounded up so that coming back after
    # that long always works.
    hours = math.ceil(minutes / 60) if minutes >= 60 else None
    return {
        "retry_after_minutes": minutes,
        "retry_after_hours": hours,
        # The language switch comes back to this notice, not to the form that was refused (a POST).
        "switch_next": f"{reverse('limited_notice')}?minutes={minutes}",
    }


def rate_limited(request: HttpRequest, limited: Limited) -> HttpResponse:
    """The 429 page: in the consumer's language, saying when to try again (minutes, or hours from 60)."""
    response = render(request, "429.html", _limited_context(limited.retry_after_minutes), status=429)
    response["Retry-After"] = str(limited.retry_after_seconds)
    refusal_unlogged(response)
    return response


def refusal_unlogged(response: HttpResponse) -> None:
    """No 'Too Many Requests' warning line for a refusal: the metrics count it by rule
    (limiter_refusals_total) and a flood would write a line for each. Why: README, 'Speed'."""
    response._has_been_logged = True  # type: ignore[attr-defined]  # what django.utils.log reads


@require_safe
def limited_notice(request: HttpRequest) -> HttpResponse:
    """The same notice after a language switch; the wait travels in the address (no personal data)."""
    try:
        minutes = min(max(int(request.GET.get("minutes", "")), 1), 24 * 60)
    except ValueError:
        minutes = 60
    return render(request, "429.html", _limited_context(minutes))


def limiter_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 page when the rate-limit store is down: limited pages close rather than open."""
    response = render(request, "503.html", status=503)
    response["Retry-After"] = "120"
    return response


def _is_api(request: HttpRequest) -> bool:
    # The app and chatbots parse JSON; an HTML error page would only confuse them.
    return request.path_info.startswith("/api/")  # without any URL prefix, as the URLconf sees it


def request_too_large(request: HttpRequest) -> HttpResponse:
    """The 413 page: the body was refused unread, so say what is accepted instead."""
    if _is_api(request):
        return JsonResponse({"error": "too_large", "message": _("The request body is too large.")}, status=413)
    max_megabytes = settings.SAFETY_IMAGE_MAX_BYTES // (1024 * 1024)
    return render(request, "413.html", {"max_megabytes": max_megabytes}, status=413)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 400 page. Not Django's default view, which reads the body again for its CSRF token: a body it
    had refused to parse (a form in UTF-16) was refused again there, and the 400 became a 500."""
    if _is_api(request):
        return JsonResponse({"error": "bad_request", "message": _("The request could not be read.")}, status=400)
    return render(request, "400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # The usual cause is a form left open for hours on a phone: say so, never show Django's page.
    return render(request, "403_csrf.html", status=403)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Outside the admin (whose 403 is an admin page, staff.middleware), in the site's layout and language.
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 while the database is down or restarting: "try again shortly" is true, "error" is not."""
    if _is_api(request):
        response: HttpResponse = JsonResponse({"error": "unavailable"}, status=503)
    else:
        # Rendered without the database: the registry's alerts and rules (context processors that
        # query it) give way to the built-in warning lines, and no shared block is kept or reused
        # (page_stamp: kesco_lookup/templatetags/shared.py).
        context = {"safety_alerts": [], "kesco_never_rules": [], "page_stamp": None}
        response = render(request, "503.html", context, status=503)
    response["Retry-After"] = "60"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception: a database that cannot be reached (down,
    # restarting, a connection it dropped) is a wait, not a fault, wherever it was first touched.
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request)
    if _is_api(request):
        return JsonResponse({"error": "internal"}, status=500)
    return render(request, "500.html", status=500)
