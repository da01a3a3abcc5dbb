"""Division offices live in the official registry: content editors keep them, demo ones say so until verified."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from safety.demo import load_safety_demo
from safety.models import OfficialContact
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

OFFICES = "/staff/safety/officialcontact/?kind__exact=division_office"


def test_the_seeded_offices_are_demo_data_labelled_so_in_the_admin(client):
    load_safety_demo()
    offices = OfficialContact.objects.filter(kind=OfficialContact.Kind.DIVISION_OFFICE)
    assert offices.count() == 3 and all(office.is_demo for office in offices)
    assert all("invented" in office.name_en and "काल्पनिक" in office.name_hi for office in offices)
    sign_in(client, User.objects.create_superuser("asha", password="a-long-test-password"))
    page = client.get(OFFICES).content.decode()
    assert page.count("डेमो: उपयोग से पहले सत्यापित करें") == 3


def test_a_content_editor_can_change_an_office(client):
    load_safety_demo()
    editor = User.objects.create_user("meera", password="a-long-test-password", is_staff=True)
    editor.groups.add(Group.objects.get(name="Content editor"))
    sign_in(client, editor)
    office = OfficialContact.objects.get(seed_key="office-demo-a")
    assert client.get(f"/staff/safety/officialcontact/{office.pk}/change/").status_code == 200
    assert client.get(OFFICES).status_code == 200
