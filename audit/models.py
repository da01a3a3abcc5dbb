"""One row per thing a person did on the staff side. Rows are only ever added (see the migration's trigger)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        SIGN_OUT = "sign_out", _("Signed out")
        DEVICE_ENROLLED = "device_enrolled", _("Authenticator enrolled")
        DEVICE_RESET = "device_reset", _("Authenticator reset")
        IMPORT_UPLOADED = "import_uploaded", _("Import uploaded")
        IMPORT_APPLIED = "import_applied", _("Import applied")
        IMPORT_ROLLED_BACK = "import_rolled_back", _("Import rolled back")
        IMPORT_RETRIED = "import_retried", _("Import run again")
        IMPORT_REQUEUED = "import_requeued", _("Import queued again")
        REGISTRY_CHANGED = "registry_changed", _("Official registry changed")
        ALERT_CHANGED = "alert_changed", _("Alert changed")
        RULE_CHANGED = "rule_changed", _("'KESCO never...' rule changed")
        GENUINE_MESSAGE_CHANGED = "genuine_message_changed", _("'What KESCO really sends' changed")
        SCAM_REPORT_CHANGED = "scam_report_changed", _("Scam report changed")
        MAPPING_CHANGED = "mapping_changed", _("Mapping changed by hand")
        USER_CHANGED = "user_changed", _("User changed")
        ROLE_CHANGED = "role_changed", _("Role changed")
        MAPPING_VIEWED = "mapping_viewed", _("Mapping viewed")
        MAPPING_FOUND = "mapping_found", _("Mapping found")
        MAPPING_NOT_FOUND = "mapping_not_found", _("Mapping searched, not found")
        AUDIT_EXPORTED = "audit_exported", _("Audit trail exported")
        RECORD_CHANGED = "record_changed", _("Other record changed")

    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    # SET_NULL keeps a deleted user's entries; `username` still says who they were.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The username at the time, or the one typed at a failed sign-in.
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    # A model label and a primary key ("accounts.AccountMapping #123"): never a number, name or mobile.
    target = models.CharField(_("target"), max_length=200, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    # Field names, a change's kind: never a value a person typed.
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ("-occurred_at", "-pk")
        # Entries are read, never added, changed or deleted by hand: only the view permission exists.
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["-occurred_at"], name="audit_entry_time"),
            models.Index(fields=["action", "-occurred_at"], name="audit_entry_action_time"),
            models.Index(fields=["username", "-occurred_at"], name="audit_entry_username_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.pk}"

    @property
    def detail_text(self) -> str:
        """The detail as one line: "change: changed; fields: status"."""
        parts = []
        for key, value in (self.detail or {}).items():
            shown = ", ".join(str(item) for item in value) if isinstance(value, list) else str(value)
            parts.append(f"{key}: {shown}")
        return "; ".join(parts)
