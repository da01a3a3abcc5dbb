"""axe-core in Chromium on every consumer page (a 360 px phone) and the import operator's admin pages,
in Hindi and English: no serious or critical breach of a WCAG 2 A/AA rule."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccountMapping, LookupDay, MissingNumberDay
from safety.demo import load_safety_demo
from tests.helpers import authenticator_for, ramesh, sign_in, totp_code
from tests.imports.helpers import batch_applied, batch_validated, csv_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["hi", "en"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
# WCAG 2.0, 2.1 and 2.2 at levels A and AA (2.2 AA brings target-size, the 24 px tap target).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}
PASSWORD = "a-long-test-password"

TYPICAL_SCAM = (
    "प्रिय उपभोक्ता, आपका बिजली बिल अपडेट नहीं हुआ है, आज रात 9:30 बजे बिजली काट दी जाएगी। "
    "तुरंत बिजली अधिकारी को 9876543210 पर कॉल करें या http://kesco-bill.in/pay पर भुगतान करें"
)
# Only what the official registry holds (the demo seeds UPPCLT and the website).
GENUINE = "VM-UPPCLT: Dear consumer, pay your KESCO bill at https://www.kesco.co.in"


def axe_problems(page, name: str, *, extra_rules: tuple[str, ...] = ()) -> list[str]:
    """The page's serious and critical WCAG violations, one readable line per element."""
    from axe_playwright_python.sync_playwright import Axe

    options = {
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        "rules": {rule: {"enabled": True} for rule in extra_rules},
        "resultTypes": ["violations"],
    }
    results = Axe().run(page, options=options).response
    problems = []
    for violation in results["violations"]:
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        for node in violation["nodes"]:
            problems.append(
                f"{name} [{page.url}]: {violation['id']} ({violation['impact']}) {violation['help']}\n"
                f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}\n"
                f"    {node.get('failureSummary', '').replace(chr(10), ' ')}"
            )
    return problems


class Audit:
    """Collects the problems of every page a test visits, so one failure lists them all."""

    def __init__(self, page, language: str, *, extra_rules: tuple[str, ...] = ()) -> None:
        self.page, self.language, self.problems = page, language, []
        self.extra_rules = extra_rules

    def __call__(self, name: str) -> None:
        # Each page really is in the language under test (axe checks only that lang is valid).
        lang = self.page.locator("html").get_attribute("lang")
        if lang != self.language:
            self.problems.append(f"{name} [{self.page.url}]: <html lang={lang!r}>, expected {self.language!r}")
        self.problems += axe_problems(self.page, name, extra_rules=self.extra_rules)

    def assert_no_problems(self) -> None:
        assert not self.problems, f"{len(self.problems)} accessibility problem(s):\n" + "\n".join(self.problems)


def browser_context(browser, live_server, *, language: str, viewport: dict):
    context = browser.new_context(viewport=viewport, locale="en-US")
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    return context


def staff(username: str, *codenames: str) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


# --- Consumer pages ---------------------------------------------------------------------------------


def _lookup(page, url: str, old: str, mobile_last4: str) -> None:
    page.goto(url + "/")
    page.locator("#id_old_account_number").fill(old)
    page.locator("#id_mobile_last4").fill(mobile_last4)
    page.locator("form.lookup-form button[type=submit]").click()
    page.wait_for_load_state()


def _check(page, url: str, message: str) -> None:
    page.goto(url + "/check/")
    page.locator("form.check-form textarea").fill(message)
    page.locator("form.check-form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_consumer_page_has_a_serious_accessibility_problem(browser, live_server, tmp_path, language):
    import segno

    load_safety_demo()  # an alert, payment channels, official contacts, the rules
    ramesh()
    qr_picture = tmp_path / "qr.png"
    segno.make("upi://pay?pa=fraudster@okaxis&pn=KESCO%20Bill&am=10", error="m").save(str(qr_picture), scale=6)
    not_a_picture = tmp_path / "note.png"
    not_a_picture.write_bytes(b"not a picture")
    url = live_server.url
    context = browser_context(browser, live_server, language=language, viewport=PHONE)
    page = context.new_page()
    # Consumers' pages meet the stricter AAA contrast (7:1) too: many readers are older, on cheap
    # screens in daylight.
    audit = Audit(page, language, extra_rules=("color-contrast-enhanced",))

    page.goto(url + "/")
    audit("home")
    _lookup(page, url, "12345678", "4321")
    assert page.locator("#new-number").count() == 1
    audit("lookup: a match")
    _lookup(page, url, "9912345678", "4321")
    audit("lookup: already the new number")
    _lookup(page, url, "12345678", "0000")
    audit("lookup: no match")
    _lookup(page, url, "12", "")
    assert page.locator("#error-summary").count() == 1
    audit("lookup: mistakes in the form")
    # The 429 page a limited lookup gets, as the language switch shows it again.
    page.goto(url + "/limited/?minutes=20")
    audit("429 (minutes)")
    page.goto(url + "/limited/?minutes=600")
    audit("429 (hours)")

    page.goto(url + "/check/")
    audit("check form")
    page.locator("form.check-form button[type=submit]").click()
    page.wait_for_load_state()
    audit("check: empty message")
    _check(page, url, TYPICAL_SCAM)
    assert page.locator(".verdict-scam").count() == 1
    audit("check: a scam")
    _check(page, url, GENUINE)
    assert page.locator(".verdict-official").count() == 1
    audit("check: official")
    _check(page, url, "Namaste, kaise ho?")
    audit("check: not sure")

    page.goto(url + "/check/qr/")
    audit("QR form")
    page.locator("form.qr-form input[type=file]").set_input_files(str(not_a_picture))
    page.locator("form.qr-form button[type=submit]").click()
    page.wait_for_load_state()
    audit("QR: not a picture")
    page.locator("form.qr-form input[type=file]").set_input_files(str(qr_picture))
    page.locator("form.qr-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".verdict-scam").count() == 1
    audit("QR: a scam payee")

    page.goto(url + "/report/")
    audit("report form")
    page.locator("form.report-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#error-summary").count() == 1
    audit("report: mistakes in the form")
    page.locator("input[name=channel][value=whatsapp]").check()
    page.locator("#id_suspect").fill("98765 43210")
    page.locator("input[name=money_lost][value=yes]").check()
    page.locator("form.report-form button[type=submit]").click()
    # The form's #error-summary fragment survives the redirect.
    page.wait_for_url(re.compile(r"/report/thanks/"))
    audit("report sent")

    page.goto(url + "/no-such-page/")
    audit("404")
    # The 403 a consumer meets: a form left open until its CSRF cookie is gone.
    page.goto(url + "/check/")
    context.clear_cookies()
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url}])
    page.locator("form.check-form textarea").fill("hello")
    with page.expect_navigation() as navigation:
        page.locator("form.check-form button[type=submit]").click()
    assert navigation.value.status == 403
    audit("403 (form expired)")
    context.close()

    audit.assert_no_problems()


# --- The import operator's admin pages ----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_admin_page_an_import_operator_uses_has_a_serious_accessibility_problem(
    browser, live_server, media_in_tmp, language
):
    operators_app = authenticator_for(staff("operator", "import_mapping", "view_accountmapping"))
    AccountMapping.objects.create(
        old_account_number="12345678", new_account_number="9912345678", consumer_name="Ramesh Kumar"
    )
    batch = batch_validated(
        csv_bytes("12345678,2640000001,Ram,North,9876543210", "1234567A,2640000002,,,", "123456,2640000003,,,")
    )
    url = live_server.url
    context = browser_context(browser, live_server, language=language, viewport=DESKTOP)
    page = context.new_page()
    audit = Audit(page, language)

    page.goto(url + "/staff/login/")
    audit("admin login")
    page.locator("#id_username").fill("operator")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_code").fill(totp_code(operators_app))
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(url + "/staff/")
    audit("admin index")
    page.goto(url + "/staff/imports/importbatch/")
    audit("import batches")
    page.goto(url + "/staff/imports/importbatch/add/")
    audit("upload form")
    page.locator("#content form [type=submit]").first.click()
    page.wait_for_load_state()
    audit("upload: no file chosen")
    page.goto(url + f"/staff/imports/importbatch/{batch.pk}/change/")
    audit("batch preview")
    page.goto(url + f"/staff/imports/importbatch/{batch.pk}/apply/")
    audit("apply: the confirmation page")
    applied = batch_applied(csv_bytes("22345678,2640000022,Sita,South,"), name="applied.csv")
    page.goto(url + f"/staff/imports/importbatch/{applied.pk}/rollback/")
    audit("roll back: the confirmation page")
    page.goto(url + "/staff/accounts/accountmapping/find/")
    audit("find a mapping")
    page.locator("#id_account_number").fill("55555555")
    page.locator("#content form [type=submit]").first.click()
    page.wait_for_load_state()
    audit("find: no such mapping")
    page.locator("#id_account_number").fill("12345678")
    page.locator("#content form [type=submit]").first.click()
    page.wait_for_url(re.compile(r"/change/"))
    audit("find: the mapping found")
    AccountMapping.objects.create(
        old_account_number="22334455", new_account_number="9922334455", consumer_name="Zareena Begum",
        division="North", mobile_last4="4321",
    )  # fmt: skip
    page.goto(url + "/staff/accounts/accountmapping/find/")
    page.locator("#id_consumer_name").fill("zareena")
    page.locator("#id_division").fill("north")
    page.locator("#id_mobile_last4").fill("4321")
    page.locator("#find-by-name [type=submit]").click()
    page.wait_for_load_state()
    audit("find by name: the mappings found")
    today = timezone.localdate()
    LookupDay.objects.create(day=today, matched=12, no_match=5, already_new=1, limited=2)
    MissingNumberDay.objects.create(
        old_account_number="87654321", day=today, searches=3, addresses=2,
        first_seen=timezone.now(), last_seen=timezone.now(),
    )  # fmt: skip
    page.goto(url + "/staff/dashboard/")
    audit("usage dashboard")
    page.goto(url + "/staff/missing-numbers/")
    audit("missing numbers")
    # The 403 a member of staff meets on a page their role does not open: the admin's own page now.
    clerk = Client()
    sign_in(clerk, staff("clerk"))
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": clerk.cookies[settings.SESSION_COOKIE_NAME].value, "url": url}]
    )
    response = page.goto(url + "/staff/imports/importbatch/add/")
    assert response.status == 403
    audit("403 (not allowed)")
    # A newcomer's first sign-in: enrolment, then the recovery codes.
    context.clear_cookies()
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url}])
    staff("newcomer")
    page.goto(url + "/staff/login/")
    page.locator("#id_username").fill("newcomer")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(url + "/staff/enrol/")
    audit("enrolment")
    key = b32decode(page.locator(".key").inner_text().replace(" ", ""))
    page.locator("#id_code").fill(totp_code(TOTPDevice(key=key.hex())))
    page.locator("#enrol-form [type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".recovery-codes li").count() == 10
    audit("recovery codes")
    context.close()

    audit.assert_no_problems()
