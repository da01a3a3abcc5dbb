"""Enrolment: a member of staff without an authenticator app sets one up before anything else."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
import segno
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.helpers import totp_code
from tests.staff.helpers import LOGIN_URL, member_of_staff, sign_in_by_form

pytestmark = pytest.mark.django_db

ENROL_URL = "/staff/enrol/"


def _shown_key(html: str) -> str:
    return re.search(r'<p class="key">([A-Z2-7 ]+)</p>', html).group(1).replace(" ", "")


def _code_for(key_base32: str, *, steps_ahead: int = 0) -> str:
    # What the phone's app computes from the key it was given: the test's own authenticator.
    return totp_code(TOTPDevice(key=b32decode(key_base32).hex()), steps_ahead=steps_ahead)


@pytest.fixture
def newcomer(client):
    """Sunita, signed in with her password for the first time: no app yet."""
    member_of_staff(superuser=True)
    response = sign_in_by_form(client, "sunita")
    assert response.status_code == 302 and response["Location"] == ENROL_URL
    return client


def test_a_first_sign_in_goes_to_enrolment_with_the_password_alone(newcomer):
    response = newcomer.get(ENROL_URL)
    assert response.status_code == 200
    assert "अपना ऑथेंटिकेटर ऐप सेट करें" in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0") and "no-store" in response["Cache-Control"]


def test_nothing_else_in_the_admin_opens_before_enrolment(newcomer):
    for url in ("/staff/", "/staff/auth/user/", "/staff/password_change/", "/staff/imports/importbatch/add/"):
        response = newcomer.get(url)
        assert response.status_code == 302, url
        # Back to sign-in, which sends a signed-in newcomer on to enrolment.
        assert response["Location"].startswith(LOGIN_URL), url
        assert newcomer.get(response["Location"])["Location"] == ENROL_URL, url


def test_the_enrolment_page_can_sign_out(newcomer):
    html = newcomer.get(ENROL_URL).content.decode()
    assert 'id="logout-form"' in html and 'action="/staff/logout/"' in html
    newcomer.post("/staff/logout/")
    assert newcomer.get(ENROL_URL)["Location"] == "/staff/"


def test_the_page_shows_a_qr_code_of_the_key_as_svg_made_on_the_server(newcomer):
    html = newcomer.get(ENROL_URL).content.decode()
    key = _shown_key(html)
    expected = segno.make(
        f"otpauth://totp/KESCO%20staff%3Asunita?secret={key}&algorithm=SHA1&digits=6&period=30&issuer=KESCO%20staff",
        error="m",
    ).svg_inline(scale=5, dark="#000", light="#fff")
    assert expected in html
    assert "<img" not in html.split('class="qr"')[1].split("</div>")[0]


def test_the_key_stays_the_same_until_it_is_confirmed(newcomer):
    first = _shown_key(newcomer.get(ENROL_URL).content.decode())
    assert _shown_key(newcomer.get(ENROL_URL).content.decode()) == first
    assert not TOTPDevice.objects.exists()  # nothing written until a code confirms it


def test_a_wrong_code_confirms_nothing(newcomer):
    key = _shown_key(newcomer.get(ENROL_URL).content.decode())
    right = _code_for(key)
    response = newcomer.post(ENROL_URL, {"code": f"{(int(right) + 1) % 1_000_000:06d}"})
    assert response.status_code == 200
    assert "यह कोड मेल नहीं खाता" in response.content.decode()
    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    assert newcomer.get("/staff/").status_code == 302


def test_a_code_from_the_key_shown_enrols_and_shows_ten_recovery_codes_once(newcomer):
    key = _shown_key(newcomer.get(ENROL_URL).content.decode())

    response = newcomer.post(ENROL_URL, {"code": _code_for(key)})

    assert response.status_code == 200
    html = response.content.decode()
    codes = re.findall(r"<li>([a-z2-7]{4} [a-z2-7]{4})</li>", html)
    assert len(codes) == 10
    assert "no-store" in response["Cache-Control"]
    assert 'id="logout-form"' in html  # signing out works here too
    device = TOTPDevice.objects.get(user__username="sunita")
    assert device.confirmed and b32decode(key) == device.bin_key
    stored = set(StaticToken.objects.filter(device__user__username="sunita").values_list("token", flat=True))
    assert stored == {code.replace(" ", "") for code in codes}
    # This session is signed in with a code now; the page is never shown again.
    assert newcomer.get("/staff/").status_code == 200
    assert newcomer.get(ENROL_URL)["Location"] == "/staff/"
    assert key not in newcomer.get("/staff/").content.decode()


def test_after_enrolment_a_code_computed_from_the_key_signs_in(newcomer, client):
    key = _shown_key(newcomer.get(ENROL_URL).content.decode())
    newcomer.post(ENROL_URL, {"code": _code_for(key)})
    newcomer.post("/staff/logout/")

    without_code = sign_in_by_form(newcomer, "sunita")
    # The code of the next 30 seconds: the one used to enrol cannot sign in again.
    with_code = sign_in_by_form(newcomer, "sunita", code=_code_for(key, steps_ahead=1))

    assert without_code.status_code == 200  # enrolled: the password alone is no longer enough
    assert with_code.status_code == 302 and with_code["Location"] == "/staff/"
    assert newcomer.get("/staff/").status_code == 200


def test_each_recovery_code_signs_in_once(newcomer):
    key = _shown_key(newcomer.get(ENROL_URL).content.decode())
    html = newcomer.post(ENROL_URL, {"code": _code_for(key)}).content.decode()
    first, second = re.findall(r"<li>([a-z2-7]{4} [a-z2-7]{4})</li>", html)[:2]
    newcomer.post("/staff/logout/")

    assert sign_in_by_form(newcomer, "sunita", code=first).status_code == 302
    newcomer.post("/staff/logout/")
    assert sign_in_by_form(newcomer, "sunita", code=first).status_code == 200  # used up
    # Typed as shown, with its space, or without it and in capitals: both are the same code.
    assert sign_in_by_form(newcomer, "sunita", code=second.replace(" ", "").upper()).status_code == 302
    assert StaticToken.objects.filter(device__user__username="sunita").count() == 8


def test_enrolment_is_not_offered_to_someone_who_has_an_app(client):
    from tests.helpers import sign_in

    user = member_of_staff()
    sign_in(client, user)
    response = client.post(ENROL_URL, {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_enrolment_is_not_offered_to_anyone_signed_out(client):
    response = client.get(ENROL_URL)
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"].startswith(LOGIN_URL)
