"""The consumer lookup page: what a match, a miss and a new number typed look like."""

from __future__ import annotations

import logging
import re

import pytest
from django.urls import reverse

from accounts.selectors import NO_MATCH, mapping_lookup
from safety.selectors import PAGE_ALERTS_KEY, PAGE_CONTACT_KEYS, PAGE_RULES_KEY
from safety.services import page_copies_drop
from tests.helpers import anita_without_mobile, page_text, ramesh

pytestmark = pytest.mark.django_db

LOOKUP = "/lookup/"
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def post_lookup(client, old: str, mobile: str):
    return client.post(LOOKUP, {"old_account_number": old, "mobile_last4": mobile})


def test_it_shows_the_form_with_both_fields_and_why_the_mobile_is_asked(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="old_account_number"' in html and 'name="mobile_last4"' in html
    assert 'action="/lookup/#error-summary"' in html and 'method="post"' in html
    # The reason for the second field, in Hindi by default.
    assert "केवल आपकी पुरानी खाता संख्या जानते हैं" in html
    # The introduction asks for both numbers, not only the old one.
    assert "पुरानी खाता संख्या और बिजली कनेक्शन में दर्ज मोबाइल नंबर के आख़िरी 4 अंक लिखें" in html


def test_it_asks_for_the_old_account_number_by_name_when_it_is_left_empty(client):
    html = post_lookup(client, "", "4321").content.decode()
    assert "कृपया अपनी पुरानी खाता संख्या लिखें।" in html


def test_it_ties_labels_and_help_to_their_fields(client):
    html = client.get("/").content.decode()
    assert '<label for="id_old_account_number">' in html
    assert 'aria-describedby="id_old_account_number_help"' in html
    assert 'id="id_old_account_number_help"' in html


def test_it_answers_a_match_with_the_new_number_masked_name_and_division(client):
    ramesh()
    response = post_lookup(client, "1234-5678", "4321")
    html = response.content.decode()
    assert response.status_code == 200
    # Grouped for reading by a margin between spans, not a space: its text is the plain digits.
    assert (
        '<p class="new-number" id="new-number">'
        '<span class="digit-group">99123</span><span class="digit-group">45678</span></p>'
    ) in html
    assert "R***** K****" in html
    assert "Ramesh" not in html
    assert "Kidwai Nagar" in html
    assert "खंड (डिवीज़न)" in html  # the English word consumers know, beside the Hindi one


def test_it_puts_payment_channels_and_the_warning_right_under_the_result(client, django_db_setup):
    from safety.demo import load_safety_demo

    load_safety_demo()
    ramesh()
    html = post_lookup(client, "12345678", "4321").content.decode()
    new_number_at = html.index('id="new-number"')
    assert new_number_at < html.index('id="channels-title"') < html.index('id="never-title"')
    assert "https://www.kesco.co.in" in html
    # Seeded contacts are demo data and say so to the consumer.
    assert "डेमो प्रविष्टि" in html


def test_each_answer_has_its_own_title_and_every_miss_the_same(client):
    ramesh()
    anita_without_mobile()
    titles = {
        "found": _title(post_lookup(client, "12345678", "4321").content.decode()),
        "already_new": _title(post_lookup(client, "9912345678", "4321").content.decode()),
        "misses": {
            _title(post_lookup(client, old, mobile).content.decode())
            for old, mobile in (("87654321", "4321"), ("12345678", "9999"), ("22223333", "4321"))
        },
    }
    assert titles == {
        "found": "आपकी नई खाता संख्या",
        "already_new": "यह पहले से ही आपकी नई खाता संख्या है",
        "misses": {"आपके दिए नंबरों से कोई रिकॉर्ड मेल नहीं खाया"},
    }


def test_it_announces_the_copy_in_a_live_region_and_keeps_the_buttons_name(client):
    ramesh()
    html = post_lookup(client, "12345678", "4321").content.decode()
    assert (
        '<span id="copy-status" class="copy-status" role="status" aria-live="polite" data-done="कॉपी हो गया">' in html
    )
    assert "data-done" not in html.split('id="copy-number"', 1)[1].split(">", 1)[0]


def test_it_accepts_devanagari_digits_in_both_fields(client):
    ramesh()
    html = post_lookup(client, "१२३४५६७८", "४३२१").content.decode()
    assert "9912345678" in page_text(html)


def test_it_says_when_the_number_typed_is_already_the_new_one(client):
    ramesh()
    html = post_lookup(client, "9912345678", "4321").content.decode()
    assert "यह पहले से ही आपकी नई खाता संख्या है" in html


def test_it_does_not_confirm_a_new_number_without_the_right_mobile(client):
    ramesh()
    html = post_lookup(client, "9912345678", "0000").content.decode()
    assert "आपके दिए नंबरों से कोई रिकॉर्ड मेल नहीं खाया" in html
    assert "पहले से ही" not in html


def _normalised(response) -> bytes:
    return CSRF.sub(b"", response.content)


def test_it_answers_the_same_for_unknown_number_wrong_mobile_and_no_mobile_on_file(client):
    ramesh()
    anita_without_mobile()
    unknown = post_lookup(client, "87654321", "4321")
    wrong_mobile = post_lookup(client, "12345678", "9999")
    # The same digits that would match, were a mobile on file: still a plain miss.
    no_mobile = post_lookup(client, "22223333", "4321")
    assert unknown.status_code == wrong_mobile.status_code == no_mobile.status_code == 200
    # Same typed mobile, and an old number of the same length: the pages must be byte-identical
    # once the per-request CSRF token is set aside.
    assert _normalised(unknown) == _normalised(no_mobile)
    assert len(_normalised(unknown)) == len(_normalised(wrong_mobile))
    assert abs(len(unknown.content) - len(wrong_mobile.content)) <= 10
    for response in (unknown, wrong_mobile, no_mobile):
        assert "आपके दिए नंबरों से कोई रिकॉर्ड मेल नहीं खाया" in response.content.decode()
        assert "1912" in response.content.decode()


def test_a_wrong_mobile_gives_the_very_result_of_an_unknown_number():
    # The page shows no details on a miss; the result it renders must hold none either (no masked
    # name, no division), so that no template or API field can ever tell whose number was typed.
    ramesh()
    anita_without_mobile()
    unknown = mapping_lookup(account_number="87654321", mobile_last4="4321")
    wrong_mobile = mapping_lookup(account_number="12345678", mobile_last4="9999")
    no_mobile = mapping_lookup(account_number="22223333", mobile_last4="4321")
    new_number_wrong_mobile = mapping_lookup(account_number="9912345678", mobile_last4="9999")
    assert unknown == NO_MATCH
    assert wrong_mobile == no_mobile == new_number_wrong_mobile == unknown


@pytest.mark.parametrize(
    "language,cause",
    [
        ("hi", "हो सकता है आपके कनेक्शन में कोई दूसरा मोबाइल नंबर"),
        ("en", "Your connection may have a different mobile number on file"),
    ],
)
def test_it_names_a_different_or_missing_mobile_on_file_as_a_cause_of_every_miss(client, language, cause):
    ramesh()
    anita_without_mobile()
    client.cookies["django_language"] = language
    for old, mobile in (("87654321", "4321"), ("12345678", "9999"), ("22223333", "4321")):
        html = post_lookup(client, old, mobile).content.decode()
        assert cause in html
        assert 'href="tel:1912"' in html.split(cause, 1)[1].split("</li>", 1)[0]


def test_it_sends_the_same_headers_for_every_kind_of_miss(client):
    ramesh()
    anita_without_mobile()
    responses = [
        post_lookup(client, "87654321", "4321"),
        post_lookup(client, "12345678", "9999"),
        post_lookup(client, "22223333", "4321"),
    ]
    header_sets = [
        # Expires is "now" (never_cache), so it differs between requests a second apart, whatever the number;
        # X-Request-ID is new for every request (random, the same shape for all, checked below).
        {
            name: value
            for name, value in response.headers.items()
            if name not in {"Content-Length", "Expires", "X-Request-ID"}
        }
        for response in responses
    ]
    assert header_sets[0] == header_sets[1] == header_sets[2]
    assert all(re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"]) for response in responses)
    assert [r.cookies.keys() for r in responses] == [responses[0].cookies.keys()] * 3


def test_it_runs_the_same_queries_for_every_kind_of_miss(client, django_assert_num_queries):
    # The database work is the one source of timing difference the code controls: make it equal.
    ramesh()
    anita_without_mobile()
    for old, mobile in (("87654321", "4321"), ("12345678", "9999"), ("22223333", "4321")):
        # With the page's cached registry copies dropped (as after a staff change or their expiry):
        # the lookup, the payment channels, the division offices, the safety rules, the alerts.
        page_copies_drop(keys=(PAGE_RULES_KEY, PAGE_ALERTS_KEY, *PAGE_CONTACT_KEYS))
        with django_assert_num_queries(5):
            post_lookup(client, old, mobile)
    for old, mobile in (("87654321", "4321"), ("12345678", "9999"), ("22223333", "4321")):
        # With them cached (safety/selectors.py), as the payment channels and division offices: the lookup.
        with django_assert_num_queries(1):
            post_lookup(client, old, mobile)


def test_it_does_not_echo_the_typed_number_back_on_a_miss(client):
    ramesh()
    html = post_lookup(client, "12345678", "9999").content.decode()
    assert "12345678" not in html
    assert "9999" not in html


def test_it_shows_field_errors_in_hindi_tied_to_the_field(client):
    response = post_lookup(client, "12ab", "12")
    html = response.content.decode()
    assert response.status_code == 200
    assert "खाता संख्या में केवल अंक होते हैं" in html
    assert 'id="id_old_account_number_error"' in html
    assert 'aria-describedby="id_old_account_number_error id_old_account_number_help"' in html
    assert 'aria-invalid="true"' in html


def _title(html: str) -> str:
    return html.split("<title>", 1)[1].split("</title>", 1)[0]


@pytest.mark.parametrize("language,prefix,action", [("hi", "त्रुटि: ", "/lookup/"), ("en", "Error: ", "/en/lookup/")])
def test_it_sums_up_the_errors_first_in_the_form_each_linked_to_its_field(client, language, prefix, action):
    client.cookies["django_language"] = language
    html = post_lookup(client, "12ab", "12").content.decode()
    form = html.split('<form class="lookup-form"', 1)[1]
    summary = form.split('<div class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert form.index('class="error-summary"') < form.index("<label")
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and 'id="error-summary"' in summary
    assert summary.index('href="#id_old_account_number"') < summary.index('href="#id_mobile_last4"')
    assert _title(html).startswith(prefix)
    # The answer opens at the summary, below the fold otherwise on a small phone (the form posts to
    # the address of the page's language).
    assert f'action="{action}#error-summary"' in html


def test_it_has_no_error_summary_or_error_title_without_errors(client):
    for html in (client.get("/").content.decode(), post_lookup(client, "87654321", "1111").content.decode()):
        assert "error-summary" not in html.replace('action="/lookup/#error-summary"', "")
        assert not _title(html).startswith("त्रुटि")


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"old_account_number": "x" * 5000, "mobile_last4": "1"},
        {"old_account_number": "\x00\x01", "mobile_last4": "\u202e1234"},
        {"old_account_number": "٣٣٣", "mobile_last4": "-"},
    ],
)
def test_it_never_crashes_on_bad_input(client, payload):
    response = client.post(LOOKUP, payload)
    assert response.status_code == 200
    assert "field-error" in response.content.decode()


def test_it_survives_a_body_that_is_not_utf8(client):
    response = client.post(
        LOOKUP, b"old_account_number=%FF%FE&mobile_last4=%C0", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "field-error" in response.content.decode()


def test_it_sends_a_get_on_the_lookup_url_back_to_the_form(client):
    response = client.get(LOOKUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")


def test_it_rejects_a_post_without_csrf_token_with_a_hindi_page():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(LOOKUP, {"old_account_number": "12345678", "mobile_last4": "4321"})
    assert response.status_code == 403
    assert "कृपया फिर से प्रयास करें" in response.content.decode()


def test_it_keeps_account_numbers_names_and_mobiles_out_of_the_logs(client, caplog):
    ramesh()
    with caplog.at_level(logging.DEBUG):
        post_lookup(client, "12345678", "4321")
        post_lookup(client, "12345678", "9999")
        post_lookup(client, "87654321", "1111")
        client.post(
            "/api/v1/lookup",
            {"old_account_number": "12345678", "mobile_last4": "4321"},
            content_type="application/json",
        )
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "lookup outcome=found" in logged  # the log does say what happened...
    for secret in ("12345678", "9912345678", "87654321", "4321", "9999", "Ramesh", "R*****"):
        assert secret not in logged  # ...but never to whom


def test_it_never_lets_the_result_page_be_cached(client):
    ramesh()
    response = post_lookup(client, "12345678", "4321")
    assert "no-store" in response["Cache-Control"]


def test_error_reports_would_hide_the_typed_numbers(rf):
    # Should an error ever be reported with the request attached, the numbers are masked.
    from django.views.debug import SafeExceptionReporterFilter

    from accounts.views import lookup

    request = rf.post(LOOKUP, {"old_account_number": "12345678", "mobile_last4": "4321"})
    lookup(request)
    cleansed = SafeExceptionReporterFilter().get_post_parameters(request)
    assert "12345678" not in str(cleansed.values()) and "4321" not in str(cleansed.values())


def test_django_errors_are_not_emailed_with_request_data():
    # The loggers as configured, not the settings dict: Django's default adds mail_admins to "django".
    import logging

    from django.utils.log import AdminEmailHandler

    for name in ("django", "django.request"):
        logger = logging.getLogger(name)
        handlers = [*logger.handlers, *(logging.getLogger("django").handlers if logger.propagate else [])]
        assert handlers
        assert not any(isinstance(handler, AdminEmailHandler) for handler in handlers)


@pytest.mark.parametrize(
    "payload",
    [
        {"old_account_number": "1234\x005678", "mobile_last4": "43\x0021"},
        {"old_account_number": "1" * 100, "mobile_last4": "1" * 100_000},
    ],
)
def test_it_translates_djangos_own_messages_for_null_characters_and_length(client, payload):
    html = client.post(LOOKUP, payload).content.decode()
    assert "Null characters" not in html
    assert "Ensure this value" not in html
    assert "field-error" in html
    assert "आख़िरी 4 अंक" in html
