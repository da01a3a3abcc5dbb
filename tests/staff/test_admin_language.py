"""The staff pages read the same in both languages: permissions named in Hindi, one sidebar order."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from tests.helpers import sign_in


@pytest.fixture
def administrator() -> tuple[Client, User]:
    user = User.objects.create_superuser("admin", password="a-long-test-password")
    client = Client()
    sign_in(client, user)
    return client, user


def _app_order(client: Client, language: str) -> list[tuple[str, list[str]]]:
    client.cookies["django_language"] = language
    response = client.get("/staff/")
    assert response.status_code == 200
    return [
        (app["app_label"], [model["object_name"] for model in app["models"]]) for app in response.context["app_list"]
    ]


@pytest.mark.django_db
def test_the_user_page_names_permissions_in_hindi(administrator):
    client, user = administrator

    page = client.get(f"/staff/auth/user/{user.pk}/change/").content.decode()

    assert "खाता मैपिंग जोड़ सकते हैं" in page
    assert "मैपिंग फ़ाइलें आयात कर सकते हैं" in page
    assert "Can add account mapping" not in page
    assert "Can import mapping files" not in page


@pytest.mark.django_db
def test_the_role_page_names_permissions_in_hindi_and_in_english_after_the_switch(administrator):
    client, _user = administrator
    role = Group.objects.get(name="Support desk")

    hindi = client.get(f"/staff/auth/group/{role.pk}/change/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(f"/staff/auth/group/{role.pk}/change/").content.decode()

    assert "खाता मैपिंग देख सकते हैं" in hindi
    assert "Can view account mapping" in english


@pytest.mark.django_db
def test_the_sidebar_lists_apps_and_models_in_the_same_order_in_hindi_and_english(administrator):
    client, _user = administrator

    hindi, english = _app_order(client, "hi"), _app_order(client, "en")

    assert len(hindi) > 3
    assert hindi == english
