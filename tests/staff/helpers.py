"""Named staff for the sign-in tests, and the sign-in form as a person fills it in."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

PASSWORD = "a-long-test-password"
LOGIN_URL = "/staff/login/"


def member_of_staff(username: str = "sunita", *, role: str | None = None, superuser: bool = False) -> User:
    """A member of staff with the test password, in the named role's group (see staff migration 0001)."""
    user = User.objects.create_user(username=username, password=PASSWORD, is_staff=True, is_superuser=superuser)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def sign_in_by_form(client: Client, username: str, *, password: str = PASSWORD, code: str = "", **extra):
    """POST the admin's sign-in form, as the browser does; ``extra`` goes into the request (headers)."""
    data = {"username": username, "password": password, "code": code, "next": reverse("admin:index")}
    return client.post(LOGIN_URL, data, **extra)
