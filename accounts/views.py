"""The consumer lookup: a page and a JSON API with the same rules and limits."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.forms import LookupForm, lookup_numbers_clean
from accounts.limits import lookup_account_turn
from accounts.selectors import NO_MATCH, LookupResult, Outcome, mapping_lookup_counted
from accounts.templatetags.account_numbers import digit_groups
from accounts.usage import Counted, lookup_counted
from kesco_lookup.language import language_switch, switched_on_form, typed_initial
from kesco_lookup.limits import Limited, LimiterUnavailable, Standing, client_ip
from kesco_lookup.logs import LOOKUP_OUTCOME_KEY
from kesco_lookup.metrics import lookup_outcome_record
from kesco_lookup.middleware import declared_length
from kesco_lookup.pages import page_render_filled, page_render_shared
from kesco_lookup.views import limiter_unavailable, rate_limited, refusal_unlogged, request_too_large
from safety.selectors import (
    PAGE_REGISTRY_STAMP_KEY,
    page_division_offices_list,
    page_payment_channels_list,
    page_registry_stamp_known,
    page_shared_stamp,
)
from safety.structured_data import official_service_data

logger = logging.getLogger(__name__)

_COUNTED = {
    Outcome.FOUND: Counted.MATCHED,
    Outcome.ALREADY_NEW: Counted.ALREADY_NEW,
    Outcome.NO_MATCH: Counted.NO_MATCH,
}


def _guarded_lookup(
    request: HttpRequest, numbers: dict[str, str], *, for_page: bool = False
) -> tuple[LookupResult, Standing | None] | Limited:
    """Run a lookup of valid numbers behind the limits; a miss also says how many tries are left.

    Only here, with valid numbers in hand, is anything spent: the address's allowance first, then
    the number's on a miss. `for_page`: the answer is a page, which needs the registry's stamp: it is
    read with the count, in the same round trip.
    """
    account_number = numbers["old_account_number"]
    standing = None
    with lookup_account_turn(request, account_number) as turn:
        if turn.limited:
            lookup_counted(outcome=Counted.LIMITED, stored=turn.counted)
            return turn.limited
        result, unknown = mapping_lookup_counted(account_number=account_number, mobile_last4=numbers["mobile_last4"])
        if result.outcome is Outcome.NO_MATCH:
            standing = turn.failure_record()  # lets go of the turn in its own round trip
        # One cache write for every answer (a miss also records its number if unknown, a match lets go
        # of the turn, in the same round trip): no database write, and both kinds of miss do the same
        # work (accounts/usage.py).
        stamp = lookup_counted(
            outcome=_COUNTED[result.outcome],
            account_number=account_number,
            address=client_ip(request),
            unknown=unknown,
            release=turn.handed_over(),
            read=PAGE_REGISTRY_STAMP_KEY if for_page else None,
        )
    if for_page:
        page_registry_stamp_known(stamp)
    # Written on the request's access-log line (gunicorn.conf.py), not a line of its own: a second
    # log record cost a lookup about a tenth of its CPU (README, 'Speed').
    request.META[LOOKUP_OUTCOME_KEY] = result.outcome.value
    logger.debug("lookup outcome=%s", result.outcome.value)
    return result, standing


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    # The same for everyone but the CSRF token: rendered once (kesco_lookup/pages.py).
    return page_render_shared(
        request,
        "accounts/home.html",
        lambda: {
            "form": LookupForm(),
            "payment_channels": page_payment_channels_list(),
            # For search results: the service and its verified website and helpline (cached, no query).
            "structured_data": official_service_data(),
        },
        stamp=page_shared_stamp(),
    )


def _form_shown_again(request: HttpRequest) -> HttpResponse:
    """The language switch on a form: the same page, with what was typed, and no lookup run or counted."""
    context = {
        "form": LookupForm(initial=typed_initial(LookupForm, request.POST)),
        "payment_channels": page_payment_channels_list(),
    }
    if request.POST.get("page") == Outcome.NO_MATCH:
        # The no-match page is the same for every miss, so it can be shown again without the numbers.
        return render(
            request,
            "accounts/result.html",
            {**context, "result": NO_MATCH, "division_offices": page_division_offices_list()},
        )
    return render(request, "accounts/home.html", context)


@never_cache
@sensitive_post_parameters("old_account_number", "mobile_last4")
@require_http_methods(["GET", "POST"])
@language_switch
def lookup(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        # Numbers never travel in a URL; a GET here (a refresh) starts over.
        return HttpResponseRedirect(reverse("accounts:home"))
    if switched_on_form(request):
        return _form_shown_again(request)
    numbers, errors = lookup_numbers_clean(request.POST)
    if errors:
        # No lookup, so nothing spent: a mistyped or empty form costs the consumer no try.
        form = LookupForm(request.POST)  # the same decision, with the messages where the page shows them
        return render(request, "accounts/home.html", {"form": form, "payment_channels": page_payment_channels_list()})
    try:
        answer = _guarded_lookup(request, numbers, for_page=True)
    except LimiterUnavailable:
        lookup_outcome_record(outcome="paused")
        return limiter_unavailable(request)
    if isinstance(answer, Limited):
        return rate_limited(request, answer)
    result, standing = answer
    if result.outcome is not Outcome.NO_MATCH:
        return _answer_page(request, result, numbers)
    context = {
        "result": result,
        # Counted for every number typed, known or not: the same on every kind of miss.
        "tries": _tries_context(standing),
        "payment_channels": page_payment_channels_list(),
        # The same list for every miss: where to go next.
        "division_offices": page_division_offices_list(),
        # A fresh, empty form (an answer shows none): a miss looks the same whichever way it
        # missed, and nothing typed is echoed back.
        "form": LookupForm(),
    }
    return render(request, "accounts/result.html", context)


def _answer_page(request: HttpRequest, result: LookupResult, numbers: dict[str, str]) -> HttpResponse:
    """A match's page: rendered once per outcome and day with a slot for each personal part, which
    is filled in escaped (kesco_lookup/pages.py; README, 'Speed')."""
    answered_on = timezone.localdate()

    def context(parts: Mapping[str, str]) -> dict:
        return {
            # Only what the slots hold: nothing of this visitor's can stay in the kept page.
            "result": LookupResult(
                outcome=result.outcome, masked_name=parts["masked_name"], division=parts["division"]
            ),
            "new_number": parts["new_number"],
            # For the language switch, which asks the same again (through the same limits; a match
            # is no failure), and shown on the answer as the number it is for. Hidden in the
            # no-store page, never in a URL.
            "again": {name: parts[name] for name in ("old_account_number", "mobile_last4")},
            "answered_on": answered_on,
            "payment_channels": page_payment_channels_list(),
        }

    return page_render_filled(
        request,
        "accounts/result.html",
        context,
        stamp=page_shared_stamp(),
        variant=(result.outcome, answered_on),
        filled={
            "new_number": digit_groups(result.new_account_number),
            "masked_name": result.masked_name,
            "division": result.division,
            "old_account_number": numbers["old_account_number"],
            "mobile_last4": numbers["mobile_last4"],
        },
    )


# Two short numbers fit in well under 1 KB, whatever the spacing.
API_BODY_MAX_BYTES = 1024


def _json_error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status)


# A flood of refusals gets the same few bytes: made once per language (README, 'Speed').
_JSON_RATE_LIMITED: dict[str, bytes] = {}


def _json_rate_limited(limited: Limited) -> HttpResponse:
    language = get_language()
    body = _JSON_RATE_LIMITED.get(language)
    if body is None:
        body = _json_error("rate_limited", _("Too many attempts. Please try again later."), status=429).content
        _JSON_RATE_LIMITED[language] = body
    response = HttpResponse(body, content_type="application/json", status=429)
    response["Retry-After"] = str(limited.retry_after_seconds)
    refusal_unlogged(response)
    return response


def _tries_context(standing: Standing | None) -> dict | None:
    if standing is None:
        return None
    minutes = max(1, math.ceil(standing.pause_seconds / 60))
    # An hour's pause is an hour and up to a minute (kesco_lookup/limits.py): "61 minutes" says it
    # better than "about 2 hours". Longer pauses in whole hours, rounded up.
    hours = math.ceil(minutes / 60) if minutes > 120 else None
    return {"left": standing.left, "pause_minutes": minutes, "pause_hours": hours}


@csrf_exempt  # For the official app and chatbots: no session, no cookie, so no CSRF to defend.
@never_cache
@require_POST
def api_lookup(request: HttpRequest) -> HttpResponse:
    # Everything refused before a lookup is refused before any limit, and spends nothing.
    if request.content_type != "application/json":
        # Only JSON: a web page can make a visitor's browser send a cross-site text/plain or form
        # POST without asking, but a JSON one needs a CORS preflight, which this API never grants.
        return _json_error("unsupported_media_type", _("Send the request as application/json."), status=415)
    if declared_length(request) > API_BODY_MAX_BYTES:
        return request_too_large(request)  # the same JSON 413 as the site-wide body cap
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):
        # RecursionError: thousands of nested brackets exhaust the parser; still just bad JSON.
        return _json_error("malformed", _("The request body must be JSON."), status=400)
    if not isinstance(payload, dict):
        return _json_error("malformed", _("The request body must be a JSON object."), status=400)
    fields = {key: payload.get(key) for key in ("old_account_number", "mobile_last4")}
    if any(value is not None and not isinstance(value, str) for value in fields.values()):
        # A JSON number has already lost its leading zeros: refuse rather than guess them.
        return _json_error(
            "malformed", _("Send both numbers as text in quotes, so that leading zeros are kept."), status=400
        )
    numbers, errors = lookup_numbers_clean(fields)
    if errors:
        return JsonResponse({"error": "invalid", "fields": errors}, status=400)
    try:
        answer = _guarded_lookup(request, numbers)
    except LimiterUnavailable:
        lookup_outcome_record(outcome="paused")
        return _json_error("unavailable", _("The lookup is paused for a moment. Please try again later."), status=503)
    if isinstance(answer, Limited):
        return _json_rate_limited(answer)
    result, standing = answer
    if result.outcome is Outcome.FOUND:
        return JsonResponse(
            {
                "new_account_number": result.new_account_number,
                "masked_name": result.masked_name,
                "division": result.division,
            }
        )
    if result.outcome is Outcome.ALREADY_NEW:
        return JsonResponse({"new_account_number": result.new_account_number, "already_new": True})
    miss: dict[str, object] = {"error": "no_match"}
    if standing is not None:
        # Tries this address has left on the number typed before a pause, and that pause's length.
        miss.update(tries_left=standing.left, pause_seconds=standing.pause_seconds)
    return JsonResponse(miss, status=404)
