"""Who is who in the audit tests: Asha administers, Sunita is on the support desk."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from kesco_lookup.limits import _trusted_networks
from tests.helpers import sign_in


@pytest.fixture(autouse=True)
def _forget_trusted_proxies():
    _trusted_networks.cache_clear()
    yield
    _trusted_networks.cache_clear()


@pytest.fixture
def asha(db) -> User:
    """An administrator (superuser): may read the audit trail."""
    return User.objects.create_superuser("asha", "asha@example.com", "a-long-test-password")


@pytest.fixture
def sunita(db) -> User:
    """On the support desk: staff, in the Support desk group, nothing else."""
    user = User.objects.create_user("sunita", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Support desk"))
    return user


@pytest.fixture
def asha_client(asha) -> Client:
    return sign_in(Client(REMOTE_ADDR="203.0.113.7"), asha)


@pytest.fixture
def sunita_client(sunita) -> Client:
    return sign_in(Client(REMOTE_ADDR="203.0.113.8"), sunita)
