"""Staff sessions end 8 hours after sign-in at most, and a 403 inside the admin is an admin page."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from staff.signals import SIGNED_IN_AT_SESSION_KEY


def _in_admin(request: HttpRequest) -> bool:
    # Every /staff/ path resolves in the admin's namespace (as for gzip), under any URL prefix too.
    match = request.resolver_match
    return match is not None and "admin" in match.app_names


class SignInAgeLimitMiddleware:
    """Sign out a session whose sign-in is older than SESSION_COOKIE_AGE, whatever happened since.

    Django's own expiry starts again whenever the session is saved, so on its own it would let a
    busy session live on. Checked on admin pages only: consumer pages are not slowed, and a staff
    session there opens nothing. A signed-in session without a sign-in time predates this rule and
    is ended too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict) -> None:
        if not _in_admin(request) or SESSION_KEY not in request.session:
            return
        signed_in_at = request.session.get(SIGNED_IN_AT_SESSION_KEY)
        if signed_in_at is None or time.time() - signed_in_at > settings.SESSION_COOKIE_AGE:
            logout(request)  # sends user_logged_out; the admin view then asks to sign in again


class AdminPermissionDeniedMiddleware:
    """A PermissionDenied raised by an admin view gets the admin's 403 page.

    The site's handler403 is the consumers' page (their layout, a link to the lookup); staff who
    meet a page their role does not open need the admin's header, sign-out and a way back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, PermissionDenied) and _in_admin(request):
            from staff.views import admin_permission_denied  # views need the apps loaded

            return admin_permission_denied(request)
        return None
