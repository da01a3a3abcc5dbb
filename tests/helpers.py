"""Named builders for test data: who is who in the lookup tests."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth.models import Permission, User

from accounts.models import AccountMapping


def service_missing(reason: str) -> None:
    """Skip on a developer's machine without the service; fail in CI (KESCO_REQUIRE_SERVICES=1)."""
    if os.environ.get("KESCO_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (KESCO_REQUIRE_SERVICES=1: CI must run this test)")
    pytest.skip(reason)


def make_mapping(
    old: str = "12345678",
    new: str = "9912345678",
    *,
    name: str = "Ramesh Kumar",
    division: str = "Kidwai Nagar",
    mobile_last4: str = "4321",
) -> AccountMapping:
    return AccountMapping.objects.create(
        old_account_number=old,
        new_account_number=new,
        consumer_name=name,
        division=division,
        mobile_last4=mobile_last4,
    )


def ramesh() -> AccountMapping:
    """A consumer with a mobile on file: old 12345678, mobile ending 4321, new 9912345678."""
    return make_mapping()


def anita_without_mobile() -> AccountMapping:
    """A consumer whose record has no mobile: no lookup can ever match her."""
    return make_mapping("22223333", "9922223333", name="Anita Sharma", mobile_last4="")


def page_text(html: str) -> str:
    """The text of a page without its tags: the new number is shown in digit groups, one span each,
    so it is one run of digits only in the text (and a check that it is absent must look there)."""
    import re

    return re.sub(r"<[^>]+>", "", html)


def staff_user(username: str, *, can_import: bool) -> User:
    user = User.objects.create_user(username=username, password="a-long-test-password", is_staff=True)
    if can_import:
        user.user_permissions.add(Permission.objects.get(codename="import_mapping", content_type__app_label="accounts"))
    return user


def staff_login(client, user: User) -> None:
    """Sign a staff member in for an admin test: the one place that knows how (a second factor
    joins it when the admin asks for one)."""
    client.force_login(user)
