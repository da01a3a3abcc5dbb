"""End to end in a real browser: a consumer on a 360 px phone, with and without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.helpers import SCREENSHOTS, ramesh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def phone(browser, *, javascript: bool = True):
    return browser.new_context(viewport={"width": 360, "height": 740}, locale="en-US", java_script_enabled=javascript)


def test_a_consumer_finds_the_new_number_in_hindi_on_a_small_phone(browser, live_server):
    ramesh()
    context = phone(browser)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "hi"
    # Nothing wider than the screen: no sideways scrolling on a 360 px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_label("पुरानी खाता संख्या").fill("१२३४-५६७८")
    page.get_by_label("बिजली कनेक्शन में दर्ज (रजिस्टर्ड) मोबाइल नंबर के आख़िरी 4 अंक").fill("4321")
    # The keyboard's Go/Enter sends the lookup (not the language switch, which also submits this form).
    page.get_by_label("बिजली कनेक्शन में दर्ज (रजिस्टर्ड) मोबाइल नंबर के आख़िरी 4 अंक").press("Enter")
    assert page.locator("#new-number").inner_text() == "9912345678"
    assert page.locator("html").get_attribute("lang") == "hi"
    # The number never reaches the address bar (the fragment only aims an answer with errors at the summary).
    assert page.url == live_server.url + "/lookup/#error-summary"
    assert page.locator("#never-title").is_visible()
    # Shown in two groups of five for reading, yet selecting it gives the plain digits.
    first, second = page.locator("#new-number .digit-group").all()
    assert second.bounding_box()["x"] > first.bounding_box()["x"] + first.bounding_box()["width"] + 4
    selected = "(s => { s.selectAllChildren(document.getElementById('new-number')); return s.toString(); })"
    assert page.evaluate(selected + "(window.getSelection())") == "9912345678"
    # The deferred script reveals the copy button; expect() waits for it instead of racing it.
    copy = page.get_by_role("button", name="खाता संख्या कॉपी करें")
    expect(copy).to_be_visible()
    copy.click()
    expect(page.get_by_role("status")).to_have_text("कॉपी हो गया")
    assert page.evaluate("navigator.clipboard.readText()") == "9912345678"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "result-hi.png"), full_page=True)
    # Switching language keeps the answer.
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#new-number").inner_text() == "9912345678"
    assert page.get_by_role("heading", level=1).inner_text() == "Your new account number"
    assert "12345678" not in page.url and "4321" not in page.url
    context.close()


def test_english_is_one_click_away_and_works_without_javascript(browser, live_server):
    ramesh()
    context = phone(browser, javascript=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    # What was typed before the switch is still there after it.
    page.get_by_label("पुरानी खाता संख्या").fill("12345678")
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_label("Old account number")).to_have_value("12345678")
    page.get_by_label("Last 4 digits of your registered mobile number").fill("12")
    page.get_by_role("button", name="Find my new account number").click()
    error = page.locator("#id_mobile_last4_error")
    assert "exactly the last 4 digits" in error.inner_text()
    # The answer opens at the error summary, focused (a screen reader reads it out), in view.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    assert page.title().startswith("Error: ")
    summary.get_by_role("link", name="exactly the last 4 digits").click()
    assert page.url.endswith("#id_mobile_last4")
    assert page.get_by_label("Last 4 digits of your registered mobile number").get_attribute("aria-invalid") == "true"
    page.screenshot(path=str(SCREENSHOTS / "error-en.png"), full_page=True)
    context.close()


def test_a_consumer_checks_a_scam_message_and_sees_why(browser, live_server):
    context = phone(browser)
    page = context.new_page()
    page.goto(live_server.url + "/check/")
    page.locator("form.check-form textarea").fill(
        "प्रिय उपभोक्ता, आपका बिजली बिल अपडेट नहीं हुआ है, आज रात 9:30 बजे बिजली काट दी जाएगी। "
        "तुरंत बिजली अधिकारी को 9876543210 पर कॉल करें या http://kesco-bill.in/pay पर भुगतान करें"
    )
    page.locator("form.check-form button[type=submit]").click()
    expect(page.locator(".verdict-scam")).to_be_visible()
    html = page.content()
    assert "kesco-bill.in" in html and "+919876543210" in html
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(SCREENSHOTS / "check-hi.png"), full_page=True)
    page.get_by_role("button", name="English").click()
    expect(page.locator(".verdict-scam")).to_have_text("Likely a scam")
    assert "kesco-bill.in" in page.content()
    context.close()


def test_a_consumer_uploads_a_qr_code_without_javascript(browser, live_server, tmp_path):
    import segno

    picture = tmp_path / "qr.png"
    segno.make("upi://pay?pa=fraudster@okaxis&pn=KESCO%20Bill&am=10", error="m").save(str(picture), scale=6)
    context = phone(browser, javascript=False)
    page = context.new_page()
    page.goto(live_server.url + "/check/qr/")
    page.locator("form.qr-form input[type=file]").set_input_files(str(picture))
    page.locator("form.qr-form button[type=submit]").click()
    expect(page.locator(".verdict-scam")).to_be_visible()
    assert "fraudster@okaxis" in page.content()
    context.close()


def test_every_tap_target_outside_running_text_is_at_least_44_px_tall(browser, live_server):
    from safety.demo import load_safety_demo

    load_safety_demo()  # an alert, payment channel links, the rules
    context = phone(browser)
    page = context.new_page()
    targets = {
        "/": [
            ".site-name",
            ".language-switch button:visible",
            ".safety-nav a",
            ".alert-action",
            ".channels a",
            ".site-footer a.tel",
        ],
        "/check/": [".tap-link", "button.primary"],
        "/report/": [".call-button", "fieldset label", "button.primary"],
        "/no-such-page/": [".tap-link"],
    }
    too_small = []
    for path, selectors in targets.items():
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        for selector in selectors:
            boxes = [element.bounding_box() for element in page.locator(selector).all()]
            assert boxes, f"{path} {selector}: nothing found"
            too_small += [(path, selector, round(box["height"])) for box in boxes if box["height"] < 44]
        if path == "/report/":
            radios = [element.bounding_box() for element in page.locator("input[type=radio]").all()]
            assert radios and all(box["width"] >= 24 and box["height"] >= 24 for box in radios)
    assert too_small == []
    context.close()
