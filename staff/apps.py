"""The staff side: the admin's sign-in (password and a code from an authenticator app), enrolment
and roles. Its admin site replaces Django's default one, so every ``admin.site.register`` stays."""

from __future__ import annotations

# Modules, not classes: Django picks an app's default AppConfig among the classes this module holds.
from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff sign-in")
    default = True

    def ready(self) -> None:
        from staff import signals  # noqa: F401  (the sign-in time that caps a session's age)


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with our site as ``admin.site``: it asks every page for a verified code."""

    default = False
    default_site = "staff.sites.StaffAdminSite"


class SignInAttemptsConfig(axes_apps.AppConfig):
    """django-axes under a name staff can read in the admin's sidebar ("Axes" says nothing)."""

    default = False
    verbose_name = _("Failed sign-ins")
