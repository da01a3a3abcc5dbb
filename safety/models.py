"""What is official: KESCO's channels and contacts, and the "KESCO never..." rules.

One registry (OfficialContact) holds every official website, number, sender ID, UPI ID, app and
cash counter; the payment channels on the lookup page are the registry entries marked as such.
Entries seeded by load_demo are demo data until a staff member verifies them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Bilingual:
    """Pick the Hindi or English version of a field for the active language (Hindi as fallback)."""

    def localised(self, field: str) -> str:
        language = (get_language() or "hi")[:2]
        value = getattr(self, f"{field}_{language}", "") if language in {"hi", "en"} else ""
        return value or getattr(self, f"{field}_hi", "") or getattr(self, f"{field}_en", "")


class OfficialContact(Bilingual, models.Model):
    class Kind(models.TextChoices):
        WEBSITE = "website", _("Website")
        APP = "app", _("Mobile app")
        CASH_COUNTER = "cash_counter", _("Cash counter")
        UPI = "upi", _("UPI ID")
        BBPS = "bbps", _("BBPS biller")
        PHONE = "phone", _("Phone number")
        SENDER_ID = "sender_id", _("SMS sender ID")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_hi = models.CharField(_("name (Hindi)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    # The thing a consumer compares against: a URL or domain, a phone number, a sender ID, a UPI
    # ID, a biller name, or a street address for a counter.
    value = models.CharField(_("address, URL, number or ID"), max_length=300)
    hours_hi = models.CharField(_("hours (Hindi)"), max_length=200, blank=True)
    hours_en = models.CharField(_("hours (English)"), max_length=200, blank=True)
    # For apps: the store page (its host and app id are what the checker compares).
    store_link = models.URLField(_("store link (apps)"), max_length=300, blank=True)
    # For cash counters and division phone numbers: which division they belong to.
    division = models.CharField(_("division"), max_length=100, blank=True)
    is_payment_channel = models.BooleanField(
        _("shown as a payment channel"), default=False, help_text=_("Listed under 'Pay your bill only here'.")
    )
    display_order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(
        _("demo data, not yet verified"),
        default=True,
        help_text=_("Seeded for the demo. A staff member must check it against KESCO's records and then verify it."),
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    # A stable key so that load_demo can update its own entries without duplicating them.
    seed_key = models.SlugField(max_length=60, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("official contact")
        verbose_name_plural = _("official contacts (registry)")
        ordering = ("display_order", "kind", "name_en")

    def __str__(self) -> str:
        # In the staff member's language: admin titles, breadcrumbs and history pages show it.
        return f"{self.get_kind_display()}: {self.localised('name')}"

    @property
    def name(self) -> str:
        return self.localised("name")

    @property
    def hours(self) -> str:
        return self.localised("hours")

    @property
    def is_link(self) -> bool:
        return self.value.startswith("https://")


class PaymentChannelManager(models.Manager["PaymentChannel"]):
    def get_queryset(self) -> models.QuerySet[PaymentChannel]:
        return super().get_queryset().filter(is_payment_channel=True)


class PaymentChannel(OfficialContact):
    """The registry entries shown to consumers as the places to pay: the same rows, not a copy."""

    objects = PaymentChannelManager()

    class Meta:
        proxy = True
        verbose_name = _("payment channel")
        verbose_name_plural = _("payment channels")

    def save(self, *args, **kwargs) -> None:
        self.is_payment_channel = True
        super().save(*args, **kwargs)


class SafetyRule(Bilingual, models.Model):
    """One line of the "KESCO never..." list shown on every consumer page."""

    text_hi = models.CharField(_("text (Hindi)"), max_length=300)
    text_en = models.CharField(_("text (English)"), max_length=300)
    display_order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    seed_key = models.SlugField(max_length=60, unique=True, null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("'KESCO never...' rule")
        verbose_name_plural = _("'KESCO never...' rules")
        ordering = ("display_order", "id")

    def __str__(self) -> str:
        return self.localised("text")

    @property
    def text(self) -> str:
        return self.localised("text")


def _screenshot_path(report: ScamReport, filename: str) -> str:
    # A random name: nothing the consumer typed (or the upload's own name) reaches the file system.
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"scam-reports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class ScamReport(models.Model):
    """A consumer's report of a suspected scam, for staff to triage and pass to the police.

    Holds what the consumer chose to send, nothing more: the checker stores nothing by itself.
    """

    class Channel(models.TextChoices):
        CALL = "call", _("Phone call")
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        REVIEWED = "reviewed", _("Reviewed")
        FORWARDED = "forwarded", _("Forwarded to police")
        CLOSED = "closed", _("Closed")

    channel = models.CharField(_("how they contacted"), max_length=20, choices=Channel.choices)
    # Normalised (E.164 for phone numbers, upper case for sender IDs) so that reports group by it.
    suspect = models.CharField(_("suspect number or sender ID"), max_length=40, blank=True, db_index=True)
    suspect_as_typed = models.CharField(_("number or sender ID as typed"), max_length=60, blank=True)
    message_text = models.TextField(_("message text"), blank=True)
    contacted_on = models.DateField(_("when"), null=True, blank=True)
    money_lost = models.BooleanField(_("money lost"), default=False)
    contact = models.CharField(_("contact for follow-up"), max_length=100, blank=True)
    # Re-encoded on upload (see safety.forms), so no EXIF location or other metadata is kept.
    screenshot = models.FileField(_("screenshot"), upload_to=_screenshot_path, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    # When it was closed (empty while open): the contact and screenshot go SCAM_REPORT_PERSONAL_DATA_DAYS
    # later (staff.services.retention_purge). updated_at would not do: the triage actions do not touch it.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("scam report")
        verbose_name_plural = _("scam reports")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        # No message text or contact here: __str__ ends up in admin messages and log lines.
        return f"#{self.pk} {self.get_channel_display()} {self.suspect or '-'}"

    def save(self, *args, **kwargs) -> None:
        # The change form sets the status too: keep closed_at with it (the actions use the service).
        if self.status == self.Status.CLOSED and self.closed_at is None:
            self.closed_at = timezone.now()
        elif self.status != self.Status.CLOSED:
            self.closed_at = None
        super().save(*args, **kwargs)


class Alert(Bilingual, models.Model):
    """A short warning staff publish on the home and result pages while it is current."""

    title_hi = models.CharField(_("title (Hindi)"), max_length=150)
    title_en = models.CharField(_("title (English)"), max_length=150)
    text_hi = models.TextField(_("text (Hindi)"), max_length=600)
    text_en = models.TextField(_("text (English)"), max_length=600)
    starts_at = models.DateTimeField(_("show from"))
    ends_at = models.DateTimeField(
        _("show until"), null=True, blank=True, help_text=_("Leave empty to show it until you switch it off.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    seed_key = models.SlugField(max_length=60, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ("-starts_at",)

    def __str__(self) -> str:
        return self.localised("title")

    @property
    def title(self) -> str:
        return self.localised("title")

    @property
    def text(self) -> str:
        return self.localised("text")


class GenuineMessage(Bilingual, models.Model):
    """A kind of message KESCO really sends, and what such a message never contains."""

    sender_id = models.CharField(_("sender ID"), max_length=20, help_text=_("For example UPPCLT."))
    description_hi = models.CharField(_("what it is (Hindi)"), max_length=300)
    description_en = models.CharField(_("what it is (English)"), max_length=300)
    never_contains_hi = models.CharField(_("it never contains (Hindi)"), max_length=300)
    never_contains_en = models.CharField(_("it never contains (English)"), max_length=300)
    display_order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data, not yet verified"), default=True)
    seed_key = models.SlugField(max_length=60, unique=True, null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("message KESCO really sends")
        verbose_name_plural = _("messages KESCO really sends")
        ordering = ("display_order", "id")

    def __str__(self) -> str:
        return self.sender_id

    @property
    def description(self) -> str:
        return self.localised("description")

    @property
    def never_contains(self) -> str:
        return self.localised("never_contains")
