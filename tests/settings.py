"""The project's settings, with what only tests want: a password hasher that costs nothing."""

from kesco_lookup.settings import *  # noqa: F403

# PBKDF2 at Django's default cost is a tenth of a second per user made; tests make hundreds.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
