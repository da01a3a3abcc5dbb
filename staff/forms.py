"""The admin's sign-in form (username, password and a code) and the enrolment form."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _

from staff import selectors, services


def _code_field(*, required: bool, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=_("Code from your authenticator app"),
        required=required,
        max_length=20,
        help_text=help_text,
        # "one-time-code": browsers offer no saved values, and phones may fill it from the app.
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false", "size": 10}),
    )


class SignInForm(AdminAuthenticationForm):
    """Django's admin sign-in plus the code: a wrong code fails like a wrong password, same message.

    A staff member without an authenticator app signs in with the password alone and is taken to
    enrolment, where nothing but enrolment (and signing out) is open to them.
    """

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        # One message for a wrong password, a wrong code and a missing code: none says which was
        # right, so a guessed password is never confirmed on its own.
        "invalid_login": _(
            "Please enter the correct %(username)s, password and code for a staff account. Each may be case-sensitive."
        ),
    }

    code = _code_field(
        required=False,
        help_text=_(
            "The 6 digits the app shows now, or one of your recovery codes. At your very first sign-in, "
            "before the app is set up, leave it empty."
        ),
    )

    def confirm_login_allowed(self, user) -> None:  # type: ignore[no-untyped-def]
        super().confirm_login_allowed(user)  # active staff only
        if not selectors.staff_is_enrolled(user=user):
            return  # the password alone: the admin sends them to enrolment first
        device = services.signin_code_verify(request=self.request, user=user, code=self.cleaned_data.get("code", ""))
        if device is None:
            raise self.get_invalid_login_error()
        # Django's login() then keeps the device in the session (django-otp listens to user_logged_in).
        user.otp_device = device


class EnrolForm(forms.Form):
    code = _code_field(required=True, help_text=_("The 6 digits the app shows now for “KESCO staff”."))
