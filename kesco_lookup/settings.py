"""Settings for the KESCO account lookup.

Everything that differs between a laptop and production comes from the environment, read through
the small helpers in ``kesco_lookup.env`` that raise ImproperlyConfigured on a bad value. With no
environment at all the site runs on SQLite, a disk cache shared between processes and Celery in
eager mode, so ``make run`` needs no services.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kesco_lookup.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# "development" gives safe local defaults; "production" demands every secret and service explicitly.
KESCO_ENV = env_str("KESCO_ENV", "development")
if KESCO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"KESCO_ENV must be 'development' or 'production'; got {KESCO_ENV!r}.")
PRODUCTION = KESCO_ENV == "production"

DEBUG = env_bool("DJANGO_DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off when KESCO_ENV=production.")

SECRET_KEY = env_str(
    "DJANGO_SECRET_KEY",
    # Only ever used on a developer's machine: production refuses to start without its own key.
    default=None if PRODUCTION else "development-only-insecure-key-do-not-use-in-production",
    required=PRODUCTION,
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when KESCO_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin with our site, which asks every page for a code from an authenticator app.
    "staff.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_ratelimit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "staff.apps.SignInAttemptsConfig",  # django-axes
    "accounts",
    "safety",
    "imports",
    # Last: its admin replaces the user admin and takes out pages the apps above registered.
    "staff",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, which answers static files (already compressed) before this is reached.
    "kesco_lookup.middleware.ConsumerPagesGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kesco_lookup.middleware.HindiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a code as well as the password.
    "django_otp.middleware.OTPMiddleware",
    "kesco_lookup.middleware.RequestBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "staff.middleware.SignInAgeLimitMiddleware",
    "staff.middleware.AdminPermissionDeniedMiddleware",
    # Last, as django-axes asks: it turns a sign-in refused for too many failures into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kesco_lookup.urls"
WSGI_APPLICATION = "kesco_lookup.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safety.context_processors.safety_rules",
                "safety.context_processors.safety_alerts",
            ],
            # {% load helplines %} in any app's templates: 1912 and 1930 as tap-to-call links.
            "libraries": {"helplines": "kesco_lookup.templatetags.helplines"},
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
# DATABASE_URL switches on PostgreSQL (postgres://user@host:5432/name); unset means SQLite.
DATABASE_URL = env_str("DATABASE_URL", required=PRODUCTION)
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            # SQLite waits for a busy writer instead of failing at once (runserver + a shell, say).
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (also the rate-limit counters) ---------------------------------------------------------
# REDIS_URL (or CACHE_URL) switches on Redis. Without it, a disk cache: shared by every process on
# the machine and atomic on increment, which django-ratelimit needs (LocMem and the database cache
# are neither).
REDIS_URL = env_str("REDIS_URL") or env_str("CACHE_URL")
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL must be set (or CACHE_URL) when KESCO_ENV=production.")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "kesco"),
            # Fail fast when Redis is down: the lookup then answers 503 (see kesco_lookup/limits.py).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "diskcache.DjangoCache",
            "LOCATION": env_str("DISK_CACHE_DIR", str(BASE_DIR / ".cache" / "django")),
            "TIMEOUT": 300,
            # How long a call waits for SQLite's write lock. diskcache's default, 10 ms, made busy
            # moments fail: a get() then returns its default (a rate-limit peek would read 0) and a
            # failed count closes the lookup with a 503. A second is far longer than any write.
            "DATABASE_TIMEOUT": 1.0,
        }
    }
# django-ratelimit warns that Django's own Redis backend and diskcache are "not officially
# supported": both give the atomic add/incr it relies on (see kesco_lookup/limits.py).
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# --- Rate limits ----------------------------------------------------------------------------------
# One named rule per purpose. Rates are django-ratelimit strings: count/period (s, m, h, d).
RATE_LIMITS = {
    # A consumer needs one or two tries; a family looking up a few connections a handful more.
    "lookup_per_ip_minute": env_str("RATE_LOOKUP_PER_IP_MINUTE", "10/m"),
    # Caps what one address can harvest in a day, even slowly, with lists of stolen old numbers.
    "lookup_per_ip_day": env_str("RATE_LOOKUP_PER_IP_DAY", "100/d"),
    # Failed tries on one old number, counted for every number typed (existing or not, so the limit
    # itself reveals nothing). 5 an hour and 10 a day make guessing 10,000 mobile endings take years.
    "lookup_failures_per_account_hour": env_str("RATE_LOOKUP_FAILURES_PER_ACCOUNT_HOUR", "5/h"),
    "lookup_failures_per_account_day": env_str("RATE_LOOKUP_FAILURES_PER_ACCOUNT_DAY", "10/d"),
    # Message checks reveal nothing personal, and many consumers share one carrier address, so the
    # limits are loose; they still stop a fraudster from tuning a message against the checker by
    # the thousand, and cap the work one address can make us do.
    "safety_check_per_ip_minute": env_str("RATE_SAFETY_CHECK_PER_IP_MINUTE", "20/m"),
    "safety_check_per_ip_day": env_str("RATE_SAFETY_CHECK_PER_IP_DAY", "300/d"),
    # Decoding an image costs far more than reading text: fewer per minute. The screenshots sent with
    # reports count here too (safety.limits.IMAGE_RULES): one allowance per address for decoding
    # pictures, whichever page sends them, so alternating pages buys no extra decoding.
    "safety_qr_per_ip_minute": env_str("RATE_SAFETY_QR_PER_IP_MINUTE", "6/m"),
    "safety_qr_per_ip_day": env_str("RATE_SAFETY_QR_PER_IP_DAY", "100/d"),
    # A victim reports one or two scams; a family or a shop on one address a few more. Beyond that
    # it is someone flooding the staff's triage list.
    "safety_report_per_ip_hour": env_str("RATE_SAFETY_REPORT_PER_IP_HOUR", "5/h"),
    "safety_report_per_ip_day": env_str("RATE_SAFETY_REPORT_PER_IP_DAY", "20/d"),
}
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", default=True)
# The client address is REMOTE_ADDR. X-Forwarded-For is read only when the connecting peer is one
# of these proxies (comma-separated addresses or networks, e.g. "10.0.0.5,10.1.0.0/16").
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
RATELIMIT_IP_META_KEY = "kesco_lookup.limits.client_ip"
# A cache that cannot be reached counts as "limited": the lookup closes rather than open up to
# unlimited guessing (README, 'Rate limits').
RATELIMIT_FAIL_OPEN = False

# --- Consumer safety (safety app) -----------------------------------------------------------------
# A forwarded SMS or WhatsApp message is a few hundred characters; 2,000 fits the longest real ones.
SAFETY_MESSAGE_MAX_CHARS = env_int("SAFETY_MESSAGE_MAX_CHARS", 2000)
# A phone screenshot is well under 2 MB as PNG/JPEG and under 12 megapixels; anything bigger is
# refused before it is decoded (decompression bombs included).
SAFETY_IMAGE_MAX_BYTES = env_int("SAFETY_IMAGE_MAX_BYTES", 2 * 1024 * 1024)
SAFETY_IMAGE_MAX_PIXELS = env_int("SAFETY_IMAGE_MAX_PIXELS", 12_000_000)

# --- Account numbers ------------------------------------------------------------------------------
OLD_ACCOUNT_NUMBER_LENGTH = env_int("OLD_ACCOUNT_NUMBER_LENGTH", 8)
# Odd legacy numbers exist: accept 6 to 12 digits in the old-number field.
OLD_ACCOUNT_NUMBER_MIN_LENGTH = env_int("OLD_ACCOUNT_NUMBER_MIN_LENGTH", 6)
OLD_ACCOUNT_NUMBER_MAX_LENGTH = env_int("OLD_ACCOUNT_NUMBER_MAX_LENGTH", 12)
NEW_ACCOUNT_NUMBER_LENGTH = env_int("NEW_ACCOUNT_NUMBER_LENGTH", 10)

# --- Imports --------------------------------------------------------------------------------------
# The importer's settings (work_mem, file retention, upload-bomb limits, memory ceilings), each with
# its reason, live in their own module to keep this one short.
from kesco_lookup.settings_imports import *  # noqa: E402, F403

# --- Celery ---------------------------------------------------------------------------------------
# CELERY_BROKER_URL switches on a real worker. Without it tasks run in-process (eager), so the
# embedded default works with no broker.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", required=PRODUCTION)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
# A task is acknowledged only when it finishes, and redelivered if its worker dies (kill -9): the
# tasks are written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The worker keeps LOGGING above (its filters keep personal data out) instead of replacing the root
# logger's handlers with its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 30 * 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 35 * 60)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Kolkata"
# Periodic work, for `celery -A kesco_lookup beat` (make beat): one beat process per deployment.
# The purge is safe to run twice and at any hour; 02:30 IST is when nobody is importing.
CELERY_BEAT_SCHEDULE = {
    "imports-files-purge": {
        "task": "imports.tasks.imports_files_purge_task",
        "schedule": crontab(hour=2, minute=30),
    },
    # A batch left validating or applying by a dead worker is marked failed within a minute (its
    # page says so at once, without writing). Expires unsent to a worker after a minute: the next one
    # does the same.
    "imports-batches-fail-abandoned": {
        "task": "imports.tasks.imports_batches_fail_abandoned_task",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
}

# --- Languages ------------------------------------------------------------------------------------
# Hindi first, whatever the browser asks for: most phones here ask for English by default, but
# most consumers read Hindi first. English is one click away (a cookie, see the middleware).
LANGUAGE_CODE = "hi"
LANGUAGES = [("hi", "हिन्दी"), ("en", "English")]
# The project's catalogue first; then overrides/locale: better Hindi for Django's own admin, auth
# and date strings (LOCALE_PATHS win over the apps' and Django's catalogues, the first path over the
# next). Kept apart so `make makemessages --no-obsolete` never drops Django's msgids from it.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "overrides" / "locale"]
USE_I18N = True
# Dates as India writes them, in both languages: 29 नवंबर 2026, 13:05 and 29 Nov 2026, 13:05; typed
# dates are read day first (see kesco_lookup/formats/).
FORMAT_MODULE_PATH = "kesco_lookup.formats"
TIME_ZONE = "Asia/Kolkata"
USE_TZ = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# In development WhiteNoise serves straight from the source folders; production runs collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
# Production serves the copies collectstatic makes (a deploy step): names that carry a hash of the
# content, which WhiteNoise lets phones cache for a year (a new stylesheet gets a new name), and
# gzip versions for slow networks (no brotli: the Brotli package is not installed). Only there: the
# manifest storage refuses to render any page whose stylesheet is not in the manifest, so `make run`
# and the tests, which never run collectstatic, keep the plain storage.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"

# --- Staff sign-in (staff app; docs/admin.md) -------------------------------------------------------
# A password and a code from an authenticator app (django-otp) on every admin page; failed sign-ins
# limited per username and per address (django-axes, whose backend refuses a paused sign-in first).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# 12 characters, not common, not like the username, not all digits: with the lockout below, guessing
# is hopeless, and a passphrase is still easy to type at a shared helpdesk PC.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Staff sessions end when the browser closes (shared PCs) and 8 hours after sign-in, a working day,
# at most (staff.middleware counts from the sign-in: Django's expiry moves on with every save).
# Consumers' one session, the report-sent page's, needs minutes.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 8 * 3600
# 10 failures (wrong password or wrong code) with one username, or from one address, pause sign-in
# for it until an hour after the last failure (each failure in the pause starts the hour again):
# 240 guesses a day find neither a 12-character password nor a code, and 10 leaves room for a
# helpdesk office behind one address mistyping at the start of a shift. Either parameter pauses on
# its own: one account guessed from many addresses, many from one. (A pause can keep an account's
# owner out for the hour: the price of limiting guesses on it from anywhere.)
AXES_FAILURE_LIMIT = env_int("STAFF_SIGNIN_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("STAFF_SIGNIN_COOLOFF_MINUTES", 60, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
# The project's rule for the address: X-Forwarded-For only from TRUSTED_PROXIES (forging buys nothing).
AXES_CLIENT_IP_CALLABLE = "kesco_lookup.limits.client_ip"
AXES_LOCKOUT_CALLABLE = "staff.views.signin_locked_out"
# The database handler: counts survive a restarted or full cache, SQLite and PostgreSQL alike, and
# administrators see and lift pauses in the admin; sign-ins are rare enough for its writes.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# A success would also wipe its address's failures: anyone able to sign in could then reset the count
# of someone guessing other accounts from the same address.
AXES_RESET_ON_SUCCESS = False
# Axes keeps what the limit needs; who signed in when is the audit trail's (Django's signals). Not
# verbose: its log lines then mask the username and address (AXES_SENSITIVE_PARAMETERS).
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
OTP_TOTP_ISSUER = "KESCO staff"  # the name authenticator apps show
# django-otp's own throttle (a wait doubling with each wrong code, kept on the device) is off: axes
# counts every wrong code already, and the throttle would grow to days from someone else's guesses.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # nobody but their owner sees a key or recovery code

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

# Uploads larger than this go to a temporary file, not memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Request bodies larger than this are refused (413) from their Content-Length, before Django reads a
# byte: Django would otherwise stream any upload to a temporary file, however large. The largest
# thing a consumer sends is a 2 MB screenshot; 3 MB leaves room for the form around it. The front
# proxy should cap bodies too (client_max_body_size), this is the backstop.
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 3 * 1024 * 1024, minimum=64 * 1024)
# Mapping files, uploaded by staff with the import permission only. A 750,000-row CSV is about 55 MB,
# twice that as Excel's UTF-16 "Unicode text".
IMPORTS_MAX_FILE_BYTES = env_int("IMPORTS_MAX_FILE_BYTES", 200 * 1024 * 1024, minimum=1024 * 1024)

# --- Logging --------------------------------------------------------------------------------------
# Request lines never reach the logs with personal data: numbers only travel in POST bodies, and
# django.request logs only the path. Our own loggers log ids and counts, never numbers or names.
# A logged exception keeps its traceback but loses its message (kesco_lookup/logs.py): a database
# error quotes the row it failed on, and django.request logs the exception of every 500. The filter
# sits on django.request itself, so that any handler added there later gets the record already
# cleaned, and on the console handler for everything else.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_exception_messages": {"()": "kesco_lookup.logs.ExceptionMessagesRemoved"},
        "no_task_error_messages": {"()": "kesco_lookup.logs.TaskErrorsWithoutMessages"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["no_exception_messages"]}
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

SITE_NAME = _("KESCO account number help")
