"""The environment the site runs in, its apps, middleware and templates; languages and static files."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kesco_lookup.env import env_bool, env_list, env_str

BASE_DIR = Path(__file__).resolve().parents[2]

# "development" gives safe local defaults; "production" demands every secret and service explicitly.
KESCO_ENV = env_str("KESCO_ENV", "development")
if KESCO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"KESCO_ENV must be 'development' or 'production'; got {KESCO_ENV!r}.")
PRODUCTION = KESCO_ENV == "production"

DEBUG = env_bool("DJANGO_DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off when KESCO_ENV=production.")

DEVELOPMENT_SECRET_KEY = "development-only-insecure-key-do-not-use-in-production"  # noqa: S105 (never production's)
SECRET_KEY = env_str(
    "DJANGO_SECRET_KEY",
    # Only ever used on a developer's machine: production refuses to start without its own key (nor
    # with one like this: settings/security.py).
    default=None if PRODUCTION else DEVELOPMENT_SECRET_KEY,
    required=PRODUCTION,
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when KESCO_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The site's public address, scheme and host only (https://lookup.example): canonical and hreflang
# links, the share message and the poster's QR code name it. Configured, never taken from the
# request's Host, so a link the site hands out always points at the official address.
SITE_URL = env_str("SITE_URL", default=None if PRODUCTION else "http://127.0.0.1:8000", required=PRODUCTION)
_site = urlsplit(SITE_URL or "")
if _site.scheme not in {"http", "https"} or not _site.hostname or _site.path not in {"", "/"} or _site.query:
    raise ImproperlyConfigured(
        f"SITE_URL must be a scheme and a host only, like https://lookup.example; got {SITE_URL!r}."
    )
if PRODUCTION and _site.scheme != "https":
    raise ImproperlyConfigured("SITE_URL must start with https:// when KESCO_ENV=production.")
SITE_URL = f"{_site.scheme}://{_site.netloc}"

INSTALLED_APPS = [
    # Django's admin with our site, which asks every page for a code from an authenticator app.
    "staff.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",  # its sitemap.xml template (kesco_lookup/search.py)
    "django_ratelimit",
    "csp",  # django-csp: the Content-Security-Policy header (settings/security.py) and its checks
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "staff.apps.SignInAttemptsConfig",  # django-axes
    "accounts",
    "safety",
    "imports",
    "audit",
    # Last: its admin replaces the user admin and takes out pages the apps above registered.
    "staff",
]

MIDDLEWARE = [
    # First: every line logged while serving a request carries its id, redirects and errors too.
    "kesco_lookup.request_id.RequestIdMiddleware",
    # Times every answer, the ones the middleware below gives too (kesco_lookup/metrics.py).
    "kesco_lookup.metrics.RequestMetricsMiddleware",
    # Next, so that every response gets the headers, whichever middleware below answers it (static
    # files, the 413 and 400 of unreadable bodies, axes' lock-out, the HTTPS redirect): settings/security.py.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, which answers static files (already compressed) before this is reached.
    "kesco_lookup.middleware.ConsumerPagesGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kesco_lookup.middleware.HindiFirstLocaleMiddleware",
    # Below WhiteNoise: static files are no pages. README, 'Search and sharing'.
    "kesco_lookup.search.NoindexMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the user is known: the audit trail's signal handlers read who and from where from it.
    "audit.middleware.AuditRequestMiddleware",
    # request.user.is_verified(): signed in with a code as well as the password.
    "django_otp.middleware.OTPMiddleware",
    "kesco_lookup.middleware.RequestBodyLimitMiddleware",
    "kesco_lookup.middleware.UnreadableRequestMiddleware",  # a 400 before the CSRF check reads the body
    "django.contrib.messages.middleware.MessageMiddleware",
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
                "safety.context_processors.page_stamp",
            ],
            "libraries": {
                # {% load helplines %} in any app's templates: 1912 and 1930 as tap-to-call links.
                "helplines": "kesco_lookup.templatetags.helplines",
                # What a page tells search engines and link previews (templates/_search_meta.html).
                "page_meta": "kesco_lookup.templatetags.page_meta",
                # {% load share %}: the "Share the official link" block.
                "share": "kesco_lookup.templatetags.share",
                # {% shared %}: blocks drawn from the registry alone, rendered once per stamp.
                "shared": "kesco_lookup.templatetags.shared",
            },
        },
    },
]

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

SITE_NAME = _("KESCO account number help")
