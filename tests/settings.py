"""The project's settings, with what only tests want: a password hasher that costs nothing."""

from kesco_lookup.settings import *  # noqa: F403

# PBKDF2 at Django's default cost is a tenth of a second per user made; tests make hundreds.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The audit trail hears authenticator devices when django-otp is installed: the tests use the real model.
INSTALLED_APPS += [  # noqa: F405
    app
    for app in ("django_otp", "django_otp.plugins.otp_totp")
    if app not in INSTALLED_APPS  # noqa: F405
]
