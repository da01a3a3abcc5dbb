"""Forms for the consumer safety pages: check a message, check a QR code, report a scam."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety.checker import CheckResult, ItemKind, UpiPayment
from safety.models import ScamReport
from safety.qr import image_max_megabytes, image_reencode, image_validate

# Every message a field can show is our own, translated, never Django's (why: docs/safety.md, "Report a
# scam"); tests/safety/test_translations.py fails when a field can still show one of Django's.
_TEXT_ERRORS = {
    # Django refuses text with NUL characters (ProhibitNullCharactersValidator).
    "null_characters_not_allowed": _("This text has characters we cannot accept. Please type or paste it again."),
}
# What a suspect field holds at most: a phone number, a sender ID or a UPI ID.
_SUSPECT_MAX_CHARS = 60
_CHOICE_ERRORS = {"invalid_choice": _("Please choose one of the options shown.")}
_PICTURE_ERRORS = {
    "invalid": _("No picture arrived. Please choose the picture again."),
    "missing": _("No picture arrived. Please choose the picture again."),
    "empty": _("This file is empty. Please choose another picture."),
    "contradiction": _("Please either choose a picture or remove it, not both."),
}


class _SafetyForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        # Labels end with their own "?" or ")": no Django colon after them.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.FileField):
                # The size comes from settings (SAFETY_IMAGE_MAX_BYTES), so it is filled in per form.
                field.help_text = _("PNG or JPEG, up to %(megabytes)s MB.") % {"megabytes": image_max_megabytes()}


class CheckForm(_SafetyForm):
    message = forms.CharField(
        label=_("Paste the message, number, link or UPI ID you received"),
        help_text=_("We only read it here to check it. We do not open links and do not keep what you paste."),
        max_length=settings.SAFETY_MESSAGE_MAX_CHARS,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            **_TEXT_ERRORS,
            "required": _("Please paste the message or the number you want to check."),
            "max_length": _("This is too long. Please paste at most %(limit_value)d characters."),
        },
    )


class QrForm(_SafetyForm):
    image = forms.FileField(
        label=_("Photo or screenshot of the QR code"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        error_messages={**_PICTURE_ERRORS, "required": _("Please choose a picture of the QR code.")},
    )


class ReportForm(_SafetyForm):
    channel = forms.ChoiceField(
        label=_("How did they contact you?"),
        choices=ScamReport.Channel.choices,
        widget=forms.RadioSelect,
        error_messages={**_CHOICE_ERRORS, "required": _("Please choose how they contacted you.")},
    )
    suspect = forms.CharField(
        label=_("Their phone number or SMS sender ID"),
        required=False,
        max_length=_SUSPECT_MAX_CHARS,
        help_text=_("For example 98765 43210 or VM-ABCDEF."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={**_TEXT_ERRORS, "max_length": _("This is too long for a number or a sender ID.")},
    )
    message_text = forms.CharField(
        label=_("What did the message say? (optional)"),
        required=False,
        max_length=settings.SAFETY_MESSAGE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off"}),
        error_messages={
            **_TEXT_ERRORS,
            "max_length": _("This is too long. Please paste at most %(limit_value)d characters."),
        },
    )
    contacted_on = forms.DateField(
        label=_("When did it happen? (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Please enter a date such as 2026-11-28.")},
    )
    money_lost = forms.TypedChoiceField(
        label=_("Did you lose money?"),
        choices=(("no", _("No")), ("yes", _("Yes"))),
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={**_CHOICE_ERRORS, "required": _("Please tell us whether you lost money.")},
    )
    contact = forms.CharField(
        label=_("Your phone number or e-mail, if you want us to contact you (optional)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
        error_messages={
            **_TEXT_ERRORS,
            "max_length": _("This is too long for a phone number or an e-mail address."),
        },
    )

    screenshot = forms.FileField(
        label=_("A screenshot of the message (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        error_messages=_PICTURE_ERRORS,
    )

    def clean_screenshot(self) -> ContentFile | None:
        upload = self.cleaned_data.get("screenshot")
        if not upload:
            return None
        data, extension = image_reencode(image_validate(upload.read()))
        return ContentFile(data, name=f"screenshot.{extension}")

    def clean_contacted_on(self):
        day = self.cleaned_data.get("contacted_on")
        if day and day > timezone.localdate():
            raise ValidationError(_("This date is in the future."), code="future")
        return day

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("suspect") and not cleaned.get("message_text") and not self.errors:
            raise ValidationError(
                _("Please give their number or sender ID, or paste the message, so that we can act on it."),
                code="nothing_to_report",
            )
        return cleaned


def report_initial_from_check(result: CheckResult, message: str) -> dict[str, str]:
    """The report form filled in with what a message check found: the text, the first suspect
    sender ID (else phone number) that is not official, and the channel when that tells it (a
    sender ID only comes on an SMS)."""
    suspects = [
        item for item in result.items if not item.is_official and item.kind in (ItemKind.SENDER_ID, ItemKind.PHONE)
    ]
    suspects.sort(key=lambda item: item.kind is not ItemKind.SENDER_ID)
    has_sender = any(item.kind is ItemKind.SENDER_ID for item in result.items)
    return {
        "channel": ScamReport.Channel.SMS if has_sender else "",
        "suspect": suspects[0].shown if suspects else "",
        "message_text": message,
    }


def report_initial_from_qr(payment: UpiPayment) -> dict[str, str]:
    """The report form filled in from a QR code's UPI payment: its payee's UPI ID and the name written in it."""
    upi_id = payment.payee_upi_ids[0] if payment.payee_upi_ids else ""
    text = _('A QR code that pays the UPI ID %(upi_id)s, with the name "%(name)s" written in it.') % {
        "upi_id": ", ".join(payment.payee_upi_ids) or "-",
        "name": payment.payee_name or "-",
    }
    return {"channel": "", "suspect": upi_id[:_SUSPECT_MAX_CHARS], "message_text": str(text)}


def report_prefill(data: QueryDict) -> dict[str, str]:
    """The report form's starting values from a check result's "Report this" POST, each cut to its field's size.

    A channel that is not one of the choices is dropped, not shown as an error: the form is not sent yet.
    """
    channel = data.get("channel", "")
    return {
        "channel": channel if channel in ScamReport.Channel.values else "",
        "suspect": data.get("suspect", "")[:_SUSPECT_MAX_CHARS],
        "message_text": data.get("message_text", "")[: settings.SAFETY_MESSAGE_MAX_CHARS],
    }
