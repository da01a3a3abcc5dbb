"""The admin site: Django's, asking every page for a verified code from an authenticator app.

It is ``admin.site`` (staff.apps.StaffAdminConfig), so the apps' ``admin.site.register`` calls and
``@admin.register`` stay as they are.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import translation

from staff import selectors
from staff.forms import SignInForm


def code_verified(request: HttpRequest) -> bool:
    # django-otp's middleware gives request.user is_verified(); without it nobody counts as verified.
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


class StaffAdminSite(admin.AdminSite):
    login_form = SignInForm
    login_template = "staff/login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        # A password alone opens nothing: every admin view is behind this (admin_view), and a staff
        # member signed in without a code is sent to the sign-in page, or to enrolment.
        return super().has_permission(request) and code_verified(request)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if request.method == "GET" and selectors.staff_enrolment_pending(user=request.user):
            return HttpResponseRedirect(reverse("admin:staff_enrol", current_app=self.name))
        response = super().login(request, extra_context)
        if request.method == "POST" and selectors.staff_enrolment_pending(user=request.user):
            # Signed in by password, no app yet: enrolment first, wherever they were going.
            return HttpResponseRedirect(reverse("admin:staff_enrol", current_app=self.name))
        return response

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        # One order in every language, the English names': sorted by their Hindi names, the sidebar
        # and the index came out shuffled for staff who switch languages.
        app_list = super().get_app_list(request, app_label)
        with translation.override("en"):
            for app in app_list:
                app["models"].sort(key=lambda entry: str(entry["model"]._meta.verbose_name_plural).lower())
            app_list.sort(key=lambda app: str(apps.get_app_config(app["app_label"]).verbose_name).lower())
        return app_list

    def get_urls(self) -> list[URLPattern | URLResolver]:
        from staff.urls import urlpatterns  # the staff pages sit in the admin's namespace and prefix

        # Django's logout is behind has_permission, which would send someone signed in without a
        # code (on the enrolment page) to the index instead: signing out must always work.
        admin_urls = [url for url in super().get_urls() if getattr(url, "name", None) != "logout"]
        return [*urlpatterns, path("logout/", self.logout, name="logout"), *admin_urls]
