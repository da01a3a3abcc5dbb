"""Named staff for the staff pages' tests, and missing numbers as a fold would leave them."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.utils import timezone

from accounts.models import MissingNumberDay
from tests.helpers import sign_in


def signed_in(client: Client, user: User) -> Client:
    sign_in(client, user)
    return client


def operator(client: Client) -> Client:
    """Imran, an import operator: staff with the import permission."""
    user = User.objects.create_user("imran", password="a-long-test-password", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="import_mapping", content_type__app_label="accounts"))
    return signed_in(client, user)


def desk(client: Client) -> Client:
    """Sunita, on the helpdesk: the Support desk group only."""
    user = User.objects.create_user("sunita", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Support desk"))
    return signed_in(client, user)


def bare_staff(client: Client) -> Client:
    """Staff status and no permission at all."""
    return signed_in(client, User.objects.create_user("guest", password="a-long-test-password", is_staff=True))


def missed(number: str, day: datetime.date, searches: int, addresses: int = 1) -> MissingNumberDay:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
    return MissingNumberDay.objects.create(
        old_account_number=number,
        day=day,
        searches=searches,
        addresses=addresses,
        first_seen=moment,
        last_seen=moment + datetime.timedelta(hours=1),
    )
