"""Security headers and cookies, and logging that keeps personal data out."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from kesco_lookup.env import env_bool, env_int, env_str
from kesco_lookup.settings.core import PRODUCTION
from kesco_lookup.settings.inputs import TRUSTED_PROXIES

# --- Security -------------------------------------------------------------------------------------
CSRF_FAILURE_VIEW = "kesco_lookup.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXIES else None
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 3600)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe the nodes over plain HTTP, behind the proxy's HTTPS.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

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
