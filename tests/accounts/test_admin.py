"""Staff views: mappings without GET search, the registry with demo entries standing out."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from safety.demo import load_safety_demo
from safety.models import OfficialContact
from tests.helpers import ramesh, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def support_desk() -> Client:
    """A support-desk member who may view mappings and nothing else."""
    user = User.objects.create_user("priya", password="pw-priya-123", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_accountmapping"))
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def administrator() -> Client:
    user = User.objects.create_superuser("admin", password="pw-admin-123")
    client = Client()
    sign_in(client, user)
    return client


def test_the_mapping_list_has_no_search_box_that_would_put_numbers_in_urls(support_desk):
    ramesh()
    response = support_desk.get("/staff/accounts/accountmapping/")
    assert response.status_code == 200
    assert 'name="q"' not in response.content.decode()


def test_support_staff_find_a_mapping_with_a_post_form(support_desk):
    mapping = ramesh()
    response = support_desk.post("/staff/accounts/accountmapping/find/", {"account_number": "9912-345678"})
    assert response.status_code == 302
    assert response["Location"] == f"/staff/accounts/accountmapping/{mapping.pk}/change/"


def test_finding_an_unknown_number_says_so(support_desk):
    response = support_desk.post("/staff/accounts/accountmapping/find/", {"account_number": "87654321"}, follow=True)
    assert "इस पुरानी या नई संख्या की कोई मैपिंग नहीं है।" in response.content.decode()  # Hindi by default


def test_the_find_page_is_for_staff_only():
    response = Client().get("/staff/accounts/accountmapping/find/")
    assert response.status_code == 302
    assert "/staff/login/" in response["Location"]


def test_demo_entries_are_labelled_for_staff_to_verify(administrator):
    load_safety_demo()
    for page in ("/staff/safety/officialcontact/", "/staff/safety/genuinemessage/"):
        html = administrator.get(page).content.decode()
        assert "डेमो: उपयोग से पहले सत्यापित करें" in html, page


def test_staff_can_mark_entries_verified(administrator):
    load_safety_demo()
    entry = OfficialContact.objects.get(seed_key="phone-helpline")
    administrator.post(
        "/staff/safety/officialcontact/",
        {"action": "mark_verified", "_selected_action": [entry.pk]},
    )
    entry.refresh_from_db()
    assert entry.is_demo is False
    assert entry.verified_by.username == "admin"
    assert entry.verified_on is not None
    # Entries not selected stay demo data.
    assert OfficialContact.objects.filter(is_demo=True).count() == OfficialContact.objects.count() - 1


def test_payment_channels_in_the_admin_are_the_registry_rows(administrator):
    load_safety_demo()
    html = administrator.get("/staff/safety/paymentchannel/").content.decode()
    assert "https://www.kesco.co.in" in html
    assert "UPPCLT" not in html  # a sender ID is in the registry but is no payment channel


def test_staff_get_the_one_click_language_switch_too(administrator):
    html = administrator.get("/staff/").content.decode()
    assert 'action="/i18n/setlang/"' in html and 'name="language" value="en"' in html
    administrator.post("/i18n/setlang/", {"language": "en", "next": "/staff/"})
    assert 'name="language" value="hi"' in administrator.get("/staff/").content.decode()


def test_the_warning_box_says_if_in_doubt_only_once(client):
    load_safety_demo()
    html = client.get("/").content.decode()
    assert html.count('href="tel:1912">1912</a> पर कॉल करें') >= 1  # the seeded rule, tap-to-call
    assert "संदेह हो तो फ़ोन काट दें" not in html  # the seeded rule already says it


@pytest.mark.parametrize(
    "query",
    ["old_account_number=12345678", "new_account_number__startswith=99", "mobile_last4=4321", "consumer_name=R"],
)
def test_the_mapping_list_cannot_be_filtered_by_a_number_or_name_from_the_address_bar(support_desk, query):
    ramesh()

    response = support_desk.get(f"/staff/accounts/accountmapping/?{query}")

    assert response.status_code == 400
    assert "9912345678" not in response.content.decode()


def test_the_mapping_list_still_filters_by_division(support_desk):
    ramesh()

    response = support_desk.get("/staff/accounts/accountmapping/?division=Kidwai+Nagar")

    assert response.status_code == 200
    assert "9912345678" in response.content.decode()
