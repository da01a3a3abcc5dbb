"""Consumer safety pages: check a message, check a QR code, report a scam.

Nothing pasted or uploaded is stored or logged unless the consumer sends a report, and nothing in
it is ever opened, fetched or followed. Text travels only in POST bodies, never in a URL.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from kesco_lookup.language import language_switch, switched_on_form, typed_initial
from kesco_lookup.limits import LimiterUnavailable
from kesco_lookup.pages import page_render_shared
from kesco_lookup.views import limiter_unavailable, rate_limited
from safety import limits
from safety.checker import check_message
from safety.forms import (
    CheckForm,
    QrForm,
    ReportForm,
    report_initial_from_check,
    report_initial_from_qr,
    report_prefill,
)
from safety.qr import image_too_large_error, image_validate, qr_read
from safety.selectors import (
    official_registry_get,
    page_genuine_messages_list,
    page_payment_channels_list,
    page_shared_stamp,
)
from safety.services import scam_report_create
from safety.uploads import upload_capped, upload_refused

_REPORT_DONE_SESSION_KEY = "safety_report_money_lost"
_REPORT_REFERENCE_SESSION_KEY = "safety_report_reference"


def _refused_by_limits(request: HttpRequest, rules: tuple[str, ...], *, count: bool = True) -> HttpResponse | None:
    """Count the request under the rules (or only look): the 429 or 503 page to send instead, or None."""
    try:
        limited = limits.ip_limit_hit(request, rules, count=count)
    except LimiterUnavailable:
        return limiter_unavailable(request)
    return rate_limited(request, limited) if limited else None


def _check_context(form: CheckForm) -> dict[str, object]:
    return {"form": form, "genuine_messages": page_genuine_messages_list()}


def _check_page(request: HttpRequest, form: CheckForm, status: int = 200) -> HttpResponse:
    return render(request, "safety/check.html", _check_context(form), status=status)


@sensitive_post_parameters()  # a pasted message or a report can hold a consumer's numbers
@never_cache
@require_http_methods(["GET", "POST"])
@language_switch  # on the result page it checks the same message again, in the other language
def check(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        # The same for everyone but the CSRF token: rendered once (kesco_lookup/pages.py).
        return page_render_shared(
            request,
            "safety/check.html",
            lambda: _check_context(CheckForm()),
            stamp=page_shared_stamp(),
        )
    if switched_on_form(request):
        return _check_page(request, CheckForm(initial=typed_initial(CheckForm, request.POST)))
    if refused := _refused_by_limits(request, limits.CHECK_RULES):
        return refused
    form = CheckForm(request.POST)
    if not form.is_valid():
        return _check_page(request, form)
    message = form.cleaned_data["message"]
    result = check_message(message, official_registry_get())
    context = {
        "result": result,
        # Echoed back only inside the report form, so that reporting needs no second paste.
        "message": message,
        "report_initial": report_initial_from_check(result, message),
        "form": CheckForm(),
        "genuine_messages": page_genuine_messages_list(),
        "payment_channels": page_payment_channels_list(),
    }
    return render(request, "safety/check_result.html", context)


@sensitive_post_parameters()  # a pasted message or a report can hold a consumer's numbers
@csrf_exempt  # only so that the upload cap is in place before the CSRF check reads the body
@never_cache
@require_http_methods(["GET", "POST"])
def check_qr(request: HttpRequest) -> HttpResponse:
    upload_capped(request)
    return _check_qr(request)


@csrf_protect
def _check_qr(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return page_render_shared(request, "safety/qr.html", lambda: {"form": QrForm()}, stamp=page_shared_stamp())
    if refused := _refused_by_limits(request, limits.QR_RULES):
        return refused
    if upload_refused(request):
        context = {"form": QrForm(), "page_error": _upload_refused_message(request)}
        return render(request, "safety/qr.html", context, status=413)
    form = QrForm(request.POST, request.FILES)
    contents = None
    if form.is_valid():
        try:
            contents = qr_read(image_validate(form.cleaned_data["image"].read()), official_registry_get())
        except ValidationError as error:
            form.add_error("image", error)
    if contents is None:
        return render(request, "safety/qr.html", {"form": form})
    # Each UPI payment gets its own "Report this", filled in with its payee (in the POST, never a URL).
    contents_with_reports = [
        (content, report_initial_from_qr(content.upi) if content.upi else None) for content in contents
    ]
    context = {"form": QrForm(), "contents": contents_with_reports, "payment_channels": page_payment_channels_list()}
    return render(request, "safety/qr_result.html", context)


def _upload_refused_message(request: HttpRequest) -> str:
    if request.safety_upload_too_many:
        return _("Please send only one picture.")
    return image_too_large_error().messages[0]


@sensitive_post_parameters()  # a pasted message or a report can hold a consumer's numbers
@csrf_exempt  # only so that the upload cap is in place before the CSRF check reads the body
@never_cache
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    upload_capped(request)
    return _report(request)


@csrf_protect
@language_switch
def _report(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return page_render_shared(
            request, "safety/report.html", lambda: {"form": ReportForm()}, stamp=page_shared_stamp()
        )
    if switched_on_form(request):
        return render(
            request, "safety/report.html", {"form": ReportForm(initial=typed_initial(ReportForm, request.POST))}
        )
    if request.POST.get("prefill"):
        # From a check result: what the checker found, filled in (in the POST body, never a URL).
        # Nothing is stored until the consumer sends the form.
        return render(request, "safety/report.html", {"form": ReportForm(initial=report_prefill(request.POST))})
    # An address that has used up its reports is answered before anything it sent is decoded. Only
    # a look here: the report is counted below, once the form has accepted it.
    if refused := _refused_by_limits(request, limits.REPORT_RULES, count=False):
        return refused
    # Validating the form decodes the screenshot, and that costs the same whether or not the report
    # is then accepted: each one is counted first, against the address's allowance for pictures.
    # A refused upload is not read at all (its files may already be closed).
    files = None if upload_refused(request) else request.FILES
    screenshot = files.get("screenshot") if files else None
    if screenshot and screenshot.size and (refused := _refused_by_limits(request, limits.IMAGE_RULES)):
        return refused
    form = ReportForm(request.POST, files)
    if upload_refused(request):
        # The text fields arrived; only the picture was dropped. Keep what was typed.
        form.is_valid()
        form.add_error("screenshot", ValidationError(_upload_refused_message(request)))
    if not form.is_valid():
        return render(request, "safety/report.html", {"form": form})
    # Counted only for reports that would be saved: a typo does not use up the allowance.
    if refused := _refused_by_limits(request, limits.REPORT_RULES):
        return refused
    report = scam_report_create(**form.cleaned_data)
    request.session[_REPORT_DONE_SESSION_KEY] = form.cleaned_data["money_lost"]
    request.session[_REPORT_REFERENCE_SESSION_KEY] = report.reference
    return HttpResponseRedirect(reverse("safety:report_done"))


@never_cache
@require_GET
def report_done(request: HttpRequest) -> HttpResponse:
    if _REPORT_DONE_SESSION_KEY not in request.session:
        return HttpResponseRedirect(reverse("safety:report"))
    # Kept (a yes/no, nothing personal), so that a language switch here shows the page again.
    money_lost = request.session[_REPORT_DONE_SESSION_KEY]
    reference = request.session.get(_REPORT_REFERENCE_SESSION_KEY, "")
    return render(request, "safety/report_done.html", {"money_lost": money_lost, "reference": reference})
