"""The poster for division offices and cash counters: who may open it, what it prints (the verified
helpline only), one A4 page, and a QR code that opens the configured address."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from safety.demo import load_safety_demo
from safety.models import OfficialContact, SafetyRule
from tests.helpers import SCREENSHOTS, sign_in
from tests.staff.usage_helpers import bare_staff, desk, operator

pytestmark = pytest.mark.django_db

POSTER = "/staff/poster/"
SITE = "https://lookup.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def editor(client: Client) -> Client:
    """Kavita, a content editor: the Content editor group only."""
    user = User.objects.create_user("kavita", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Content editor"))
    return sign_in(client, user)


def registry_reader(client: Client) -> Client:
    """Staff who may view the registry, the permission the poster asks for (a transactional test's flush
    removes the migrations' groups)."""
    user = User.objects.create_user("kavita", password="a-long-test-password", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_officialcontact"))
    return sign_in(client, user)


def poster_part(html: str) -> str:
    return html.split('<article class="poster"', 1)[1].split("</article>", 1)[0]


def verify_the_helpline() -> OfficialContact:
    helpline = OfficialContact.objects.get(seed_key="phone-helpline")
    # As the admin's "verify" action does (safety/admin.py): no longer demo, and dated.
    helpline.is_demo = False
    helpline.verified_on = timezone.localdate()
    helpline.save()
    return helpline


def test_it_shows_the_poster_to_a_content_editor_with_the_address_qr_code_and_three_rules(client):
    load_safety_demo()
    client.cookies["django_language"] = "en"
    response = editor(client).get(POSTER)
    assert response.status_code == 200
    poster = poster_part(response.content.decode())
    assert '<p class="poster-address" id="poster-address">lookup.example</p>' in poster
    assert '<svg viewBox="0 0 ' in poster and 'class="poster-qr-code"' in poster
    # Both languages whatever the editor's own: the rules as the registry words them, the first three.
    rules = list(SafetyRule.objects.filter(is_active=True))
    for rule in rules[:3]:
        assert rule.text_hi in poster and rule.text_en in poster
    assert rules[3].text_en not in poster
    assert "पुरानी खाता संख्या से नई खाता संख्या जानें" in poster
    assert "Find your new account number from the old one" in poster


def test_it_prints_the_builtin_rules_when_the_registry_has_none(client):
    poster = poster_part(editor(client).get(POSTER).content.decode())
    assert "KESCO कभी भी WhatsApp पर भुगतान का लिंक या QR कोड नहीं भेजता।" in poster
    assert "KESCO never sends payment links or QR codes on WhatsApp." in poster


def test_it_never_prints_a_demo_helpline_and_tells_staff_so(client):
    load_safety_demo()  # the helpline 1912 is seeded as demo data, not yet verified
    client.cookies["django_language"] = "en"
    html = editor(client).get(POSTER).content.decode()
    assert "1912" not in poster_part(html)
    assert "Helpline" not in poster_part(html)
    assert 'id="no-verified-helpline"' in html
    assert "No helpline in the official registry is verified yet" in html


def test_it_prints_the_verified_helpline(client):
    load_safety_demo()
    verify_the_helpline()
    html = editor(client).get(POSTER).content.decode()
    assert "<strong>1912</strong>" in poster_part(html)
    assert 'id="no-verified-helpline"' not in html


def test_it_names_a_rule_too_long_for_the_page_for_the_editor_to_shorten(client):
    load_safety_demo()
    long_rule = SafetyRule.objects.order_by("display_order", "pk").first()
    long_rule.text_en = "KESCO never asks you to pay a 'reconnection fee' to an agent " * 3
    long_rule.save()
    client.cookies["django_language"] = "en"
    html = editor(client).get(POSTER).content.decode()
    assert 'id="rules-too-long"' in html
    assert "This rule is longer than 160 characters" in html
    assert "KESCO never asks you to pay a" in html.split('id="rules-too-long"')[1].split("</div>")[0]


def test_it_warns_of_no_long_rule_when_the_seeded_ones_fit(client):
    load_safety_demo()
    assert 'id="rules-too-long"' not in editor(client).get(POSTER).content.decode()


def test_an_administrator_may_open_it_too(admin_client):
    assert admin_client.get(POSTER).status_code == 200


@pytest.mark.parametrize("who", [desk, operator, bare_staff])
def test_it_is_refused_to_staff_who_may_not_read_the_registry(client, who):
    response = who(client).get(POSTER)
    assert response.status_code == 403
    assert 'class="poster"' not in response.content.decode()


def test_it_sends_someone_not_signed_in_to_the_sign_in_page(client):
    response = client.get(POSTER)
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


def test_the_admin_home_links_to_it_for_editors_only(client):
    assert 'href="/staff/poster/"' in editor(client).get("/staff/").content.decode()
    other = Client()
    assert 'href="/staff/poster/"' not in desk(other).get("/staff/").content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("verified", [True, False])
def test_it_prints_on_exactly_one_a4_page_and_its_qr_code_opens_the_site(browser, live_server, verified):
    load_safety_demo()
    for rule in SafetyRule.objects.all():  # rules of 160 characters, twice the longest seeded: still one page
        rule.text_hi = (rule.text_hi + " संदेह हो तो हेल्पलाइन पर कॉल करें" * 8)[:160]
        rule.text_en = (rule.text_en + " if in doubt, call the helpline" * 8)[:160]
        rule.save()
    if verified:
        verify_the_helpline()
    client = registry_reader(Client())
    context = browser.new_context(viewport={"width": 1000, "height": 1400})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.goto(live_server.url + POSTER)
    assert page.locator("#poster-address").inner_text() == "lookup.example"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"poster-{'verified' if verified else 'no-helpline'}.png"), full_page=True)
    # The QR code as the browser draws it, decoded the way the site decodes consumers' pictures.
    picture = Image.open(io.BytesIO(page.locator(".poster-qr-code").screenshot()))
    assert [code.text for code in zxingcpp.read_barcodes(picture)] == [SITE]
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    assert "lookup.example" in text
    assert ("1912" in text) is verified
    # The staff's instructions and warning stay on the screen.
    assert "Ctrl+P" not in text and "verified yet" not in text
    context.close()
