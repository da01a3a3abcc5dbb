"""An answer a consumer can keep, in a real browser: printed on one page, copied, and a form on the first screen."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from safety.demo import load_safety_demo
from tests.helpers import SCREENSHOTS, make_mapping, ramesh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def small_phone(browser, *, height: int = 640):
    return browser.new_context(viewport={"width": 360, "height": height}, locale="en-US")


def look_up(page, base_url: str, old: str, mobile: str) -> None:
    page.goto(base_url + "/")
    page.locator("#id_old_account_number").fill(old)
    page.locator("#id_mobile_last4").fill(mobile)
    page.locator("#lookup-form button.primary").click()


@pytest.mark.parametrize("language", ["hi", "en"])
def test_it_prints_the_answer_on_one_page_with_both_numbers(browser, live_server, language):
    load_safety_demo()
    ramesh()
    context = small_phone(browser)
    page = context.new_page()
    page.goto(live_server.url + "/")
    if language == "en":
        page.get_by_role("button", name="English").click()
    look_up(page, live_server.url, "12345678", "4321")
    expect(page.locator("#old-number")).to_have_text("12345678")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"answer-{language}.png"), full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(SCREENSHOTS / f"answer-print-{language}.png"), full_page=True)
    # What the print leaves out is not merely off the page: it is not there at all.
    for hidden in (".site-header", ".safety-nav", "form", "#copy-number", ".warning-box", ".site-footer"):
        assert all(not element.is_visible() for element in page.locator(hidden).all()), hidden
    assert page.locator(".channels").is_visible()
    assert page.locator(".print-only").is_visible()
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    # Digit groups are apart by a margin only: the PDF may or may not put a space between them.
    assert "9912345678" in text.replace(" ", "")
    assert "12345678" in text
    assert "R***** K****" in text
    assert "Kidwai Nagar" in text
    assert "WhatsApp" in text
    context.close()


def test_already_your_new_number_has_the_same_copy_button(browser, live_server):
    ramesh()
    context = small_phone(browser)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    look_up(page, live_server.url, "9912345678", "4321")
    assert page.get_by_role("heading", level=1).inner_text() == "यह पहले से ही आपकी नई खाता संख्या है"
    expect(page.locator("#old-number")).to_have_text("9912345678")
    copy = page.get_by_role("button", name="खाता संख्या कॉपी करें")
    expect(copy).to_be_visible()
    copy.click()
    expect(page.get_by_role("status")).to_have_text("कॉपी हो गया")
    assert page.evaluate("navigator.clipboard.readText()") == "9912345678"
    page.screenshot(path=str(SCREENSHOTS / "already-new-hi.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("language", ["hi", "en"])
def test_the_whole_home_form_is_on_the_first_screen_of_a_360_by_640_phone(browser, live_server, language):
    # With the demo alert on, as on the live site: the warning stays, above the form.
    load_safety_demo()
    context = small_phone(browser)
    page = context.new_page()
    page.goto(live_server.url + "/")
    if language == "en":
        page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator(".alert, .warning-line").first.is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"home-360x640-{language}.png"))
    for element in (
        page.locator("#id_old_account_number"),
        page.locator("#id_mobile_last4"),
        page.locator("#lookup-form button.primary"),
    ):
        box = element.bounding_box()
        assert box is not None
        assert box["y"] >= 0 and box["y"] + box["height"] <= 640, (language, box)
    context.close()


def test_a_miss_lists_the_division_offices_marked_as_demo(browser, live_server):
    load_safety_demo()
    make_mapping()
    context = small_phone(browser)
    page = context.new_page()
    look_up(page, live_server.url, "87654321", "4321")
    offices = page.locator(".offices li")
    expect(offices).to_have_count(3)
    expect(offices.first).to_contain_text("डेमो खंड कार्यालय A")
    expect(offices.first.locator(".demo-badge")).to_be_visible()
    assert page.locator("#old-number").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "miss-offices-hi.png"), full_page=True)
    context.close()


def test_reporting_from_a_check_carries_what_was_found_and_ends_with_a_reference(browser, live_server):
    context = small_phone(browser, height=740)
    page = context.new_page()
    page.goto(live_server.url + "/check/")
    page.locator("#id_message").fill("VM-KESCOB: Your bill is not updated. Power cut tonight. Call 9876543210")
    page.locator("#check-form button.primary").click()
    page.locator(".report-start button").click()
    expect(page.locator("#id_suspect")).to_have_value("KESCOB")
    expect(page.locator("#id_message_text")).to_contain_text("Power cut tonight")
    expect(page.locator("input[name=channel][value=sms]")).to_be_checked()
    assert "KESCOB" not in page.url and "9876543210" not in page.url
    page.screenshot(path=str(SCREENSHOTS / "report-prefilled-hi.png"), full_page=True)
    page.locator("input[name=money_lost][value=no]").check()
    page.locator("#report-form button.primary").click()
    expect(page.locator("#report-reference")).to_have_text(re.compile(r"^[2-9A-Z]{8}$"))
    page.screenshot(path=str(SCREENSHOTS / "report-done-hi.png"), full_page=True)
    context.close()
