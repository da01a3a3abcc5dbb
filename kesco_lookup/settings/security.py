"""Security headers and cookies, production's refusals to start unsafe, and logging that keeps personal data out.

README.md, 'Security headers', says why each header and directive is what it is.
"""

from __future__ import annotations

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from kesco_lookup.env import env_bool, env_int, env_str
from kesco_lookup.settings.core import DEVELOPMENT_SECRET_KEY, PRODUCTION, SECRET_KEY
from kesco_lookup.settings.inputs import RATELIMIT_ENABLE, TRUSTED_PROXIES
from kesco_lookup.settings.services import SILENCED_SYSTEM_CHECKS as _SERVICES_SILENCED_CHECKS

# --- Production refuses to start unsafe -----------------------------------------------------------
# DJANGO_DEBUG is refused in settings/core.py, where it is read.
if PRODUCTION and not RATELIMIT_ENABLE:
    raise ImproperlyConfigured(
        "RATELIMIT_ENABLE must be on when KESCO_ENV=production: without the rate limits anyone can guess "
        "mobile endings and harvest numbers."
    )


def _weak_secret_key(key: str) -> str | None:
    """Why this key must not sign production's sessions and tokens, or None. Django's own check (W009)
    asks for 50 characters and 5 different ones; a key that says it is for development is refused too."""
    if len(key) < 50:
        return f"it has {len(key)} characters, fewer than 50"
    if len(set(key)) < 5:
        return "it has fewer than 5 different characters"
    lowered = key.lower()
    if key == DEVELOPMENT_SECRET_KEY or "insecure" in lowered or "development" in lowered:
        return "it looks like the development key"
    return None


if PRODUCTION and SECRET_KEY and (_reason := _weak_secret_key(SECRET_KEY)):
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY is too weak for KESCO_ENV=production: {_reason}. Make one with "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

# --- Security headers -----------------------------------------------------------------------------
# Each middleware is first in MIDDLEWARE (settings/core.py), so error pages, static files and the
# API's JSON get the headers too.
# django-csp 4: nothing inline runs or styles a page. Scripts and stylesheets are files under static/
# (or an app's static/). Django 5.2's admin has one inline <style>, in change_list.html, rendered only
# for a ModelAdmin with actions_on_top and actions_on_bottom both off: none here. One that turns them
# off must add that style's hash to style-src (the header crawl's test fails and names it).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the pages' empty icon (<link rel="icon" href="data:,">, templates/base.html), which
        # spares phones a request for /favicon.ico. A picture cannot run script.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# django-permissions-policy: browser features no page of the site uses, off for it and anything it
# could ever embed. The copy button's clipboard stays on, and so does web-share for the site itself
# (the "Share the official link" button opens the phone's share sheet). The QR page's file field
# opens the phone's own camera app through the picker, which "camera" does not govern (that is
# getUserMedia).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",  # Chrome on Android knows it (desktop Linux Chromium warns it does not)
        "browsing-topics",  # ad interest tracking (the successor of FLoC's interest-cohort)
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "otp-credentials",
        "payment",
        "picture-in-picture",
        "publickey-credentials-create",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "window-management",
        "xr-spatial-tracking",
    )
}
PERMISSIONS_POLICY["web-share"] = ["self"]  # Chrome on Android knows it (desktop Linux Chromium warns it does not)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # for browsers older than CSP's frame-ancestors

# --- Cookies --------------------------------------------------------------------------------------
# Every cookie the site sets is Secure in production: the session, CSRF and language cookies here,
# and the admin's messages cookie, which Django sets with the session cookie's flags. None is read
# by a script (the forms carry the CSRF token), so all are HttpOnly.
CSRF_FAILURE_VIEW = "kesco_lookup.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True

# --- HTTPS (production) ---------------------------------------------------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXIES else None
    # A year, subdomains included: a browser that has seen the site once never tries plain HTTP again.
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
# Load balancers and Prometheus ask the node itself over plain HTTP: a redirect would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# check --deploy warns (security.W021) while preload is off. Off is deliberate: the browsers' preload
# list takes a whole registered domain (kesco.co.in, not this site's host), its owner decides, and
# leaving the list takes months. SECURE_HSTS_PRELOAD=1 once they have.
SILENCED_SYSTEM_CHECKS = [*_SERVICES_SILENCED_CHECKS, "security.W021"]

# --- Logging --------------------------------------------------------------------------------------
# Request lines never reach the logs with personal data: numbers only travel in POST bodies, and
# django.request logs only the path. Our own loggers log ids and counts, never numbers or names.
# A logged exception keeps its traceback but loses its message (kesco_lookup/logs.py): a database
# error quotes the row it failed on, and django.request logs the exception of every 500. The filter
# sits on django.request itself, so that any handler added there later gets the record already
# cleaned, and on the console handler for everything else. Every line carries the request's id
# (kesco_lookup/request_id.py); LOG_FORMAT=json writes one JSON object a line for log shippers.
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'plain' or 'json'; got {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_exception_messages": {"()": "kesco_lookup.logs.ExceptionMessagesRemoved"},
        "no_task_error_messages": {"()": "kesco_lookup.logs.TaskErrorsWithoutMessages"},
        "request_id": {"()": "kesco_lookup.request_id.RequestIdLogFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "kesco_lookup.logs.JsonLinesFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["no_exception_messages", "request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Replaces Django's default "django" handlers, including mail_admins: its error e-mails carry
        # POST data and local variables, which here would mean account numbers and mobiles.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"filters": ["no_exception_messages"]},
        # At DEBUG Django logs every variable a template misses together with the whole context: a
        # result page's numbers, a batch's refused rows with names and mobiles. Never wanted, even
        # when someone turns the django logger up to DEBUG to look at something else.
        "django.template": {"level": "INFO"},
        # A task that raises is logged by Celery with the exception's text inside the message itself.
        "celery.app.trace": {"filters": ["no_task_error_messages"]},
    },
}
