"""The scam report list in the admin: reports where money was lost stand out and come first."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User

from safety.models import ScamReport
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

CHANGELIST = "/staff/safety/scamreport/"


@pytest.fixture
def desk(client):
    user = User.objects.create_user("sunita", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Support desk"))
    sign_in(client, user)
    client.cookies["django_language"] = "en"
    return client


def test_reports_with_money_lost_come_first_and_say_so_in_red(desk):
    older_lost = ScamReport.objects.create(channel="call", suspect="+911111111111", money_lost=True)
    ScamReport.objects.create(channel="sms", suspect="+912222222222")
    ScamReport.objects.create(channel="sms", suspect="+913333333333")
    html = desk.get(CHANGELIST).content.decode()
    rows = re.findall(r"<tr>.*?</tr>", html.split('id="result_list"', 1)[1], re.S)[1:]
    assert "+911111111111" in rows[0], "the report with money lost is first, though older"
    assert f"/staff/safety/scamreport/{older_lost.pk}/change/" in rows[0]
    assert '<strong class="money-lost" style="color:#ba2121">Money lost</strong>' in rows[0]
    assert "money-lost" not in rows[1] and "icon-yes" not in html and "icon-no" not in html
