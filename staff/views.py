"""Staff pages: enrolment (QR code, key, recovery codes), the lockout notice, the admin's 403."""

from __future__ import annotations

import math
from base64 import b32encode
from binascii import unhexlify

import segno
from axes.helpers import get_cool_off
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff import selectors, services
from staff.forms import EnrolForm, SignInForm

# The secret of an app being set up lives in the session until its first code confirms it.
_ENROLMENT_KEY_SESSION_KEY = "staff_enrolment_key"


def _admin_context(request: HttpRequest, title: str) -> dict:
    return {**admin.site.each_context(request), "title": title, "subtitle": None}


def _key_for_people(key_hex: str) -> str:
    # Authenticator apps take the key in base32; groups of four are easier to type from the screen.
    text = b32encode(unhexlify(key_hex)).decode()
    return " ".join(text[start : start + 4] for start in range(0, len(text), 4))


def _qr_svg(request: HttpRequest, key_hex: str) -> str:
    # The otpauth:// address apps scan: issuer "KESCO staff" (settings.OTP_TOTP_ISSUER), the username.
    config_url = TOTPDevice(user=request.user, key=key_hex).config_url
    # Drawn here as SVG: no picture file, no outside service, nothing cached anywhere.
    return segno.make(config_url, error="m").svg_inline(scale=5, dark="#000", light="#fff")


@never_cache
@sensitive_post_parameters("code")
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: the only admin page open to staff who have none yet."""
    if not selectors.staff_enrolment_pending(user=request.user):
        # Not signed in, or enrolled already: the admin asks for whatever is missing.
        return HttpResponseRedirect(reverse("admin:index"))
    key = request.session.get(_ENROLMENT_KEY_SESSION_KEY)
    if not key:
        key = request.session[_ENROLMENT_KEY_SESSION_KEY] = services.enrolment_key_new()
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enrolment = services.staff_device_enrol(user=request.user, key=key, code=form.cleaned_data["code"])
        if enrolment is not None:
            del request.session[_ENROLMENT_KEY_SESSION_KEY]
            otp_login(request, enrolment.device)  # this session is verified from now on
            context = {
                **_admin_context(request, _("Your recovery codes")),
                "recovery_codes": [f"{code[:4]} {code[4:]}" for code in enrolment.recovery_codes],
            }
            # The answer to the POST, never stored: the codes are shown this once.
            return render(request, "staff/recovery_codes.html", context)
        form.add_error("code", _("This code does not match. Type the 6 digits the app shows now."))
    context = {
        **_admin_context(request, _("Set up your authenticator app")),
        "form": form,
        "qr_svg": _qr_svg(request, key),
        "key_for_people": _key_for_people(key),
    }
    return render(request, "staff/enrol.html", context)


def signin_locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The sign-in page again, saying until when sign-in is paused (settings.AXES_LOCKOUT_CALLABLE)."""
    # The last failure, this one, starts the cool-off again: no sign-in works before it ends.
    attempted_at = getattr(request, "axes_attempt_time", None) or timezone.now()
    cool_off = get_cool_off(request)
    until = attempted_at + cool_off
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    context = {
        **_admin_context(request, _("Log in")),
        "form": SignInForm(request),
        "app_path": reverse("admin:login"),
        REDIRECT_FIELD_NAME: reverse("admin:index"),
        "locked_until": timezone.localtime(until),
        "locked_minutes": minutes,
    }
    response = render(request, "staff/login.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


def admin_permission_denied(request: HttpRequest) -> HttpResponse:
    """A 403 inside the admin: an admin page with the way back, not the consumer site's page."""
    return render(request, "staff/403.html", _admin_context(request, _("Not allowed")), status=403)
