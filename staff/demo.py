"""The demo administrator that `make run` prints, on the embedded default only (SQLite, not production).

A known administrator on a real database would be a way in for anyone who read the output, so with
DATABASE_URL set or KESCO_ENV=production there is none (createsuperuser makes the first one).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model

from staff.selectors import staff_is_enrolled

DEMO_ADMINISTRATOR = "demo-admin"


@dataclass(frozen=True)
class DemoAdministrator:
    username: str
    password: str
    enrolled: bool


def demo_administrator_load() -> DemoAdministrator | None:
    """Create the demo administrator, or give it a fresh password: printed once, never stored in clear.

    None away from the embedded default. Its authenticator app, once set up, is kept.
    """
    if settings.PRODUCTION or settings.DATABASE_URL:
        return None
    password = secrets.token_urlsafe(12)
    user, _created = get_user_model().objects.get_or_create(username=DEMO_ADMINISTRATOR)
    user.is_staff = user.is_superuser = user.is_active = True
    user.set_password(password)
    user.save()
    return DemoAdministrator(username=user.username, password=password, enrolled=staff_is_enrolled(user=user))
