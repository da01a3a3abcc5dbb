"""What the trail hears from the rest of the site, without the other apps knowing: sign-ins and
sign-outs, every admin add/change/delete (Django's LogEntry), and authenticator devices.

Models are named by app label here, never imported: the trail sits below every app (pyproject.toml).
"""

from __future__ import annotations

import json

from django.apps import apps
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.db.models.signals import post_delete, post_init, post_save

from audit.middleware import current_request
from audit.models import AuditEntry
from audit.services import audit_record, audit_target

Action = AuditEntry.Action

# Admin changes, by the changed model's "app_label.modelname". ImportBatch has its own steps below.
ACTIONS_BY_MODEL = {
    "safety.officialcontact": Action.REGISTRY_CHANGED,
    "safety.paymentchannel": Action.REGISTRY_CHANGED,
    "safety.alert": Action.ALERT_CHANGED,
    "safety.safetyrule": Action.RULE_CHANGED,
    "safety.genuinemessage": Action.GENUINE_MESSAGE_CHANGED,
    "safety.scamreport": Action.SCAM_REPORT_CHANGED,
    "accounts.accountmapping": Action.MAPPING_CHANGED,
    "auth.user": Action.USER_CHANGED,
    "auth.group": Action.ROLE_CHANGED,
}
IMPORT_BATCH = "imports.importbatch"
# A LogEntry on an import batch says its step as JSON, [{"import": "applied"}], or as text that starts
# with the step's words ("Applied", "Rolled back", ...). Its addition is the upload. See docs/admin.md.
# The import admin's log messages ("English / हिन्दी", imports/admin.py LOG_MESSAGES), by their English
# part: this app sits below imports and names its steps by text.
IMPORT_STEPS = {
    "apply confirmed": Action.IMPORT_APPLIED,
    "rolled back": Action.IMPORT_ROLLED_BACK,
    "retried": Action.IMPORT_RETRIED,
    "queued again": Action.IMPORT_REQUEUED,
}
# The admin's bulk "delete selected" writes its LogEntries with bulk_create, which sends no post_save:
# deletions of these models are heard from post_delete instead, one per object, whatever the path.
# Only these: a delete receiver costs Django its fast delete, which the import's big tables need.
DELETIONS_HEARD_DIRECTLY = (
    "safety.OfficialContact",
    "safety.PaymentChannel",
    "safety.Alert",
    "safety.SafetyRule",
    "safety.GenuineMessage",
    "safety.ScamReport",
    "auth.User",
    "auth.Group",
)
CHANGE_KINDS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}
TOTP_DEVICE = "otp_totp.TOTPDevice"


def _model_key(app_label: str, model_name: str) -> str:
    return f"{app_label}.{model_name}".lower()


def _changed_fields(change_message: str) -> list[str]:
    """The field names of an admin change message, and nothing else: its "object" parts are the str()
    of inline records, which can be personal."""
    try:
        parts = json.loads(change_message) if change_message.startswith("[") else []
    except ValueError:
        return []
    fields: list[str] = []
    for part in parts if isinstance(parts, list) else []:
        for value in part.values() if isinstance(part, dict) else []:
            if isinstance(value, dict):
                fields += [str(name) for name in value.get("fields", []) if isinstance(name, str)]
    return fields


def _import_step(change_message: str) -> AuditEntry.Action | None:
    english = change_message.split(" / ", 1)[0].strip().lower()
    return IMPORT_STEPS.get(english)


def _log_entry_mirror(sender: type[LogEntry], instance: LogEntry, created: bool, **kwargs: object) -> None:
    if not created or instance.content_type_id is None:
        return
    content_type = instance.content_type
    key = _model_key(content_type.app_label, content_type.model)
    model = content_type.model_class()
    label = model._meta.label if model is not None else key
    if instance.action_flag == DELETION and label in DELETIONS_HEARD_DIRECTLY:
        return
    action = ACTIONS_BY_MODEL.get(key, Action.RECORD_CHANGED)
    if key == IMPORT_BATCH:
        action = Action.IMPORT_UPLOADED if instance.action_flag == ADDITION else _import_step(instance.change_message)
        action = action or Action.RECORD_CHANGED
    detail: dict = {"change": CHANGE_KINDS.get(instance.action_flag, "")}
    if fields := _changed_fields(instance.change_message):
        detail["fields"] = fields
    audit_record(
        action=action,
        user=instance.user,
        target=f"{label} #{instance.object_id}",
        detail=detail,
    )


def _deletion_record(sender: type[models.Model], instance: models.Model, **kwargs: object) -> None:
    request = current_request()
    # Deletions outside a signed-in request (a migration, a shell, a test's set-up) are nobody's action here.
    if request is None or not getattr(request, "user", None) or not request.user.is_authenticated:
        return
    key = _model_key(sender._meta.app_label, sender._meta.model_name)
    actor = request.user
    # Someone deleting their own user: the entry keeps their name, not a key to a row about to go.
    deleting_self = isinstance(instance, get_user_model()) and instance.pk == actor.pk
    audit_record(
        action=ACTIONS_BY_MODEL[key],
        request=request,
        user=None if deleting_self else actor,
        username=actor.get_username(),
        target=audit_target(sender, instance.pk),
        detail={"change": "deleted"},
    )


def _sign_in(sender: object, request: object, user: object, **kwargs: object) -> None:
    audit_record(action=Action.SIGN_IN, request=request, user=user)


def _sign_in_failed(sender: object, credentials: dict, request: object = None, **kwargs: object) -> None:
    # The username as typed (credentials are already cleansed of the password); nobody is signed in.
    attempted = str(credentials.get("username") or "")
    audit_record(action=Action.SIGN_IN_FAILED, request=request, user=None, username=attempted)


def _sign_out(sender: object, request: object, user: object, **kwargs: object) -> None:
    if user is None:  # signing out a session nobody was signed in to
        return
    audit_record(action=Action.SIGN_OUT, request=request, user=user)


def _device_loaded(sender: type[models.Model], instance: models.Model, **kwargs: object) -> None:
    # What "confirmed" was when read: a device saved on every code check is enrolled only once.
    instance._audit_was_confirmed = instance.confirmed if instance.pk else False  # type: ignore[attr-defined]


def _device_saved(sender: type[models.Model], instance: models.Model, created: bool, **kwargs: object) -> None:
    was_confirmed = getattr(instance, "_audit_was_confirmed", False) and not created
    instance._audit_was_confirmed = instance.confirmed  # type: ignore[attr-defined]
    if instance.confirmed and not was_confirmed:
        audit_record(
            action=Action.DEVICE_ENROLLED,
            target=audit_target(sender, instance.pk),
            detail={"for_user": instance.user_id},
        )


def _device_deleted(
    sender: type[models.Model], instance: models.Model, origin: object = None, **kwargs: object
) -> None:
    request = current_request()
    actor = getattr(request, "user", None)
    # A device goes with its user: someone deleting their own user keeps their name, not a key to a
    # row about to go (as in _deletion_record).
    deleting_self = isinstance(origin, get_user_model()) and actor is not None and origin.pk == actor.pk
    audit_record(
        action=Action.DEVICE_RESET,
        request=request,
        **({"user": None, "username": actor.get_username()} if deleting_self else {}),
        target=audit_target(sender, instance.pk),
        detail={"for_user": instance.user_id},
    )


def connect() -> None:
    user_logged_in.connect(_sign_in, dispatch_uid="audit_sign_in")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="audit_sign_in_failed")
    user_logged_out.connect(_sign_out, dispatch_uid="audit_sign_out")
    post_save.connect(_log_entry_mirror, sender=LogEntry, dispatch_uid="audit_log_entry_mirror")
    for label in DELETIONS_HEARD_DIRECTLY:
        app_label, _name = label.split(".")
        if apps.is_installed(f"django.contrib.{app_label}") or apps.is_installed(app_label):
            model = apps.get_model(label)
            post_delete.connect(_deletion_record, sender=model, dispatch_uid=f"audit_deletion_{label}")
    # django-otp is another branch's choice: heard when installed, not required.
    if apps.is_installed("django_otp.plugins.otp_totp"):
        device = apps.get_model(TOTP_DEVICE)
        post_init.connect(_device_loaded, sender=device, dispatch_uid="audit_device_loaded")
        post_save.connect(_device_saved, sender=device, dispatch_uid="audit_device_saved")
        post_delete.connect(_device_deleted, sender=device, dispatch_uid="audit_device_deleted")
