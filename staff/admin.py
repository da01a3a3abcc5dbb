"""Users in the admin: whether each has set up an authenticator app, and resetting it.

django-otp's own device pages are taken out: they show keys and recovery codes, which nobody but
their owner should see, and the reset below is all an administrator needs. Of django-axes' pages only
the failed attempts stay (deleting one unlocks its username or address); its access logs are off.
"""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff import selectors, services

User = get_user_model()

for model in (TOTPDevice, StaticDevice, AccessLog, AccessFailureLog, AccessAttempt):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(AccessAttempt)
class FailedSignInAdmin(AccessAttemptAdmin):
    """django-axes' page of failed attempts, with a header for its status column (in Hindi too)."""

    @admin.display(description=_("status"))
    def status(self, obj: AccessAttempt) -> str:
        return super().status(obj)


# Needs the change permission on users, which only administrators have; Django offers an action to
# anyone who can see the list unless it names one.
@admin.action(
    description=_("Reset the authenticator app (they set it up again at their next sign-in)"), permissions=["change"]
)
def reset_authenticator(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    reset = sum(1 for user in queryset if services.staff_devices_reset(user=user).totp_devices)
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d authenticator app reset: at the next sign-in its owner sets it up again.",
            "%(count)d authenticator apps reset: at the next sign-in their owners set them up again.",
            reset,
        )
        % {"count": reset},
    )


# Django stores permission names in English ("Can add account mapping") and shows them so on Hindi
# pages: the pickers label each in the page's language, from the model's translated name.
_MODEL_PERMISSIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    action, _separator, model_name = permission.codename.partition("_")
    model = permission.content_type.model_class()
    if action in _MODEL_PERMISSIONS and model is not None and model._meta.model_name == model_name:
        name = _MODEL_PERMISSIONS[action] % {"model": model._meta.verbose_name}
    else:
        name = gettext(permission.name)  # a custom permission, its name marked with gettext_noop
    return f"{permission.content_type} | {name}"


class _TranslatedPermissions:
    def formfield_for_manytomany(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if db_field.name in {"permissions", "user_permissions"}:
            field.label_from_instance = permission_label
        return field


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(_TranslatedPermissions, GroupAdmin):
    pass


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(_TranslatedPermissions, UserAdmin):
    list_display = (*UserAdmin.list_display, "authenticator")
    actions = (reset_authenticator,)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return selectors.users_with_enrolment(super().get_queryset(request))

    @admin.display(description=_("authenticator app"), boolean=True, ordering="has_authenticator")
    def authenticator(self, user) -> bool:  # type: ignore[no-untyped-def]
        return user.has_authenticator
