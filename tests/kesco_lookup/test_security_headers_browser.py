"""The policy in Chromium: on the consumer pages and the staff's main admin pages, in Hindi and English,
the browser refuses nothing (no CSP violation, a Permissions-Policy it reads), and what runs on them
(the copy button, the language switch, the import progress) still works with the policy on."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from safety.demo import load_safety_demo
from tests.helpers import authenticator_for, ramesh, totp_code
from tests.imports.helpers import batch_validated, csv_bytes
from tests.kesco_lookup.headers import PolicyWatch
from tests.staff.helpers import PASSWORD, member_of_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["hi", "en"]
SWITCH_TO = {"hi": "English", "en": "हिन्दी"}


def _context(browser, live_server, language: str, **options):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="en-US", **options)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    return context


def _submit(page, form: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(f"{form} button[type=submit]").first.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", LANGUAGES)
def test_chromium_refuses_nothing_on_the_consumer_pages(browser, live_server, tmp_path, language):
    import segno

    load_safety_demo()
    ramesh()
    qr_picture = tmp_path / "qr.png"
    segno.make("upi://pay?pa=fraudster@okaxis&pn=KESCO%20Bill&am=10", error="m").save(str(qr_picture), scale=6)
    url = live_server.url
    context = _context(browser, live_server, language, viewport={"width": 360, "height": 740})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    watch = PolicyWatch(context)
    page = context.new_page()

    page.goto(url + "/")
    watch.visited(page, "home")
    page.locator("#id_old_account_number").fill("12345678")
    page.locator("#id_mobile_last4").fill("4321")
    _submit(page, "form.lookup-form")
    watch.visited(page, "a lookup answer")
    # The copy button's script (static/js/copy.js) runs under the policy.
    page.locator("#copy-number").click()
    expect(page.locator("#copy-status")).not_to_have_text("")
    assert page.evaluate("navigator.clipboard.readText()") == "9912345678"
    # The language switch on an answer posts its form again (form-action 'self').
    page.get_by_role("button", name=SWITCH_TO[language]).click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") != language
    assert page.locator("#new-number").inner_text() == "9912345678"
    watch.visited(page, "the answer, switched")

    page.goto(url + "/check/")
    watch.visited(page, "check")
    page.locator("form.check-form textarea").fill("Pay your bill now at http://kesco-bill.in/pay or 9876543210")
    _submit(page, "form.check-form")
    watch.visited(page, "check: a verdict")
    page.goto(url + "/check/qr/")
    watch.visited(page, "QR check")
    page.locator("form.qr-form input[type=file]").set_input_files(str(qr_picture))
    _submit(page, "form.qr-form")
    expect(page.locator(".verdict-scam")).to_be_visible()
    watch.visited(page, "QR check: a verdict")
    page.goto(url + "/report/")
    watch.visited(page, "report")
    page.locator("input[name=channel][value=whatsapp]").check()
    page.locator("#id_suspect").fill("98765 43210")
    page.locator("input[name=money_lost][value=no]").check()
    _submit(page, "form.report-form")
    page.wait_for_url(re.compile(r"/report/thanks/"))
    watch.visited(page, "report: thanks")
    page.goto(url + "/no-such-page/")
    watch.visited(page, "404")
    page.goto(url + "/limited/?minutes=20")
    watch.visited(page, "the limited notice")
    # The plain language switch (Django's set_language, then a redirect back), to the language we began in.
    page.goto(url + "/")
    switched = page.locator("html").get_attribute("lang")
    page.get_by_role("button", name=SWITCH_TO[switched]).click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language
    watch.visited(page, "home, switched")
    context.close()

    watch.assert_none()


@pytest.mark.parametrize("language", LANGUAGES)
def test_chromium_refuses_nothing_on_the_main_admin_pages(browser, live_server, media_in_tmp, language):
    administrator = member_of_staff("chief", superuser=True)
    app = authenticator_for(administrator)
    ramesh()
    load_safety_demo()
    batch = batch_validated(csv_bytes("12345670,9912345670,Ram Lal,Kidwai Nagar,9876543210"))
    url = live_server.url
    context = _context(browser, live_server, language, viewport={"width": 1280, "height": 900})
    watch = PolicyWatch(context)
    page = context.new_page()

    page.goto(url + "/staff/login/")
    watch.visited(page, "sign-in")
    page.locator("#id_username").fill("chief")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_code").fill(totp_code(app))
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(url + "/staff/")
    watch.visited(page, "index")
    for path, name in [
        ("/staff/accounts/accountmapping/", "the mappings (no bulk actions)"),
        ("/staff/safety/scamreport/", "the scam reports (bulk actions)"),
        ("/staff/accounts/accountmapping/find/", "find a mapping"),
        ("/staff/imports/importbatch/", "import batches"),
        ("/staff/imports/importbatch/add/", "upload a file"),
        (f"/staff/imports/importbatch/{batch.pk}/change/", "an import batch"),
        ("/staff/audit/", "the audit trail"),
        ("/staff/dashboard/", "the usage dashboard and its chart"),
        ("/staff/missing-numbers/", "what consumers could not find"),
        (f"/staff/imports/importbatch/{batch.pk}/apply/", "the apply confirmation"),
        ("/staff/auth/user/", "staff members"),
        (f"/staff/auth/user/{administrator.pk}/change/", "a staff member"),
        ("/staff/safety/alert/add/", "a new alert"),
    ]:
        page.goto(url + path)
        watch.visited(page, name)
    # The admin's language switch in the user tools.
    page.get_by_role("button", name=SWITCH_TO[language]).click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") != language
    watch.visited(page, "the admin, switched")
    # A newcomer's first sign-in: enrolment (its QR code is inline SVG), then the recovery codes.
    context.clear_cookies()
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url}])
    member_of_staff("newcomer")
    page.goto(url + "/staff/login/")
    page.locator("#id_username").fill("newcomer")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(url + "/staff/enrol/")
    watch.visited(page, "enrolment")
    key = b32decode(page.locator(".key").inner_text().replace(" ", ""))
    page.locator("#id_code").fill(totp_code(TOTPDevice(key=key.hex())))
    page.locator("#enrol-form [type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    watch.visited(page, "recovery codes")
    context.close()

    watch.assert_none()


def test_the_watch_sees_what_the_policy_refuses(browser, live_server):
    # The tests above are only worth something if a refusal is seen: an inline style put into a page.
    context = _context(browser, live_server, "hi")
    watch = PolicyWatch(context)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">injected</p>')")
    watch.visited(page, "home, with an injected style")
    context.close()

    assert any("style-src" in problem for problem in watch.problems), watch.problems
