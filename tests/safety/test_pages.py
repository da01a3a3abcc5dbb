"""The consumer safety pages: check, report, alerts and the genuine-message list, with their limits."""

from __future__ import annotations

import datetime
import io
import socket

import pytest
import segno
from django.conf import settings
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from safety.models import Alert, GenuineMessage, OfficialContact, ScamReport
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

TYPICAL_SCAM = (
    "प्रिय उपभोक्ता, आपका बिल अपडेट नहीं हुआ है। आज रात 9:30 बजे बिजली काट दी जाएगी। तुरंत बिजली अधिकारी 9876543210 से संपर्क करें।"
)
LINK_STORM = " ".join(
    [
        "https://kesco.co.in.pay-now.xyz/login",
        "http://bit.ly/3kEsCo",
        "https://tinyurl.com/kesco-update",
        "kesco-bill.in/pay",
        "https://xn--ksco-v4d.co.in",
        "http://203.0.113.9/apk",
        "https://www.kesco.co.in",
        "wa.me/919876543210",
        "https://example.com/AnyDesk.apk",
    ]
)


def in_english(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def with_rate(**rules: str):
    return override_settings(RATE_LIMITS={**settings.RATE_LIMITS, **rules})


def a_report(**overrides: str) -> dict[str, str]:
    return {
        "channel": "whatsapp",
        "suspect": "+91 98765 43210",
        "message_text": "Bill not updated, call officer",
        "contacted_on": "2026-11-20",
        "money_lost": "no",
        "contact": "",
        **overrides,
    }


@pytest.fixture
def outbound_attempts(monkeypatch) -> list[object]:
    """Refuse (and record) any connection or name lookup that would leave this machine.

    Loopback stays open: the test database and Redis live there.
    """
    attempts: list[object] = []
    loopback = {"127.0.0.1", "::1", "localhost"}
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def guarded_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(address, tuple) and host not in loopback:
            attempts.append(address)
            raise OSError("outbound connection refused by the test")
        return real_connect(sock, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if host not in loopback and host is not None:
            attempts.append(host)
            raise OSError("name lookup refused by the test")
        return real_getaddrinfo(host, *args, **kwargs)

    def guarded_create_connection(address, *args, **kwargs):
        attempts.append(address)
        raise OSError("outbound connection refused by the test")

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", guarded_create_connection)
    return attempts


# --- Check a message --------------------------------------------------------------------------------


def test_the_check_page_is_in_hindi_with_a_labelled_field(client):
    response = client.get("/check/")
    assert response.status_code == 200
    assert response["Content-Language"] == "hi"
    html = response.content.decode()
    assert '<label for="id_message"' in html
    assert 'aria-describedby="id_message_helptext"' in html


def test_it_calls_the_typical_scam_a_scam_with_every_reason_and_what_to_do(client):
    in_english(client)
    response = client.post("/check/", {"message": TYPICAL_SCAM})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Likely a scam" in html
    assert "+919876543210" in html
    assert html.count('class="finding-scam"') >= 4
    for step in ("1930", "cybercrime.gov.in", "sancharsaathi.gov.in", "1912"):
        assert step in html


def test_it_calls_a_message_with_only_official_items_official(client):
    OfficialContact.objects.create(kind="sender_id", name_hi="आईडी", name_en="ID", value="UPPCLT", is_demo=False)
    OfficialContact.objects.create(kind="website", name_hi="साइट", name_en="Site", value="https://www.kesco.co.in")
    in_english(client)
    html = client.post("/check/", {"message": "VM-UPPCLT: pay at https://www.kesco.co.in"}).content.decode()
    assert "verdict-official" in html
    assert "Demo entry: not yet verified" in html  # the website entry is still demo data


def test_it_says_not_sure_when_there_is_nothing_to_compare(client):
    in_english(client)
    html = client.post("/check/", {"message": "Namaste, kaise ho?"}).content.decode()
    assert "verdict-unsure" in html


def test_it_stores_nothing_that_was_pasted(client):
    client.post("/check/", {"message": TYPICAL_SCAM})
    assert ScamReport.objects.count() == 0


def test_it_refuses_a_message_over_the_length_limit_without_checking_it(client):
    in_english(client)
    response = client.post("/check/", {"message": "a" * (settings.SAFETY_MESSAGE_MAX_CHARS + 1)})
    html = response.content.decode()
    assert "This is too long" in html
    assert "verdict" not in html


def test_it_never_opens_anything_that_was_pasted_or_scanned(client, outbound_attempts):
    response = client.post("/check/", {"message": f"{TYPICAL_SCAM} {LINK_STORM}"})
    assert response.status_code == 200
    buffer = io.BytesIO()
    segno.make("https://kesco.co.in.pay-now.xyz/qr", error="m").save(buffer, kind="png", scale=5)
    image = SimpleUploadedFile("qr.png", buffer.getvalue(), content_type="image/png")
    response = client.post("/check/qr/", {"image": image})
    assert response.status_code == 200
    assert "pay-now.xyz" in response.content.decode()
    assert outbound_attempts == []


def test_the_network_guard_itself_catches_an_outbound_request(outbound_attempts):
    # Proves the guard above would notice: a plain urllib request is refused and recorded.
    import urllib.request

    with pytest.raises(OSError):
        urllib.request.urlopen("http://example.com/", timeout=1)
    assert outbound_attempts != []


@with_rate(safety_check_per_ip_minute="2/m")
def test_it_limits_checks_per_address_with_a_translated_429(client):
    for _ in range(2):
        assert client.post("/check/", {"message": "hello"}).status_code == 200
    response = client.post("/check/", {"message": "hello"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response["Content-Language"] == "hi"
    other = client.post("/check/", {"message": "hello"}, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 200


def test_the_checker_and_the_report_close_with_a_503_when_the_cache_is_down(client, settings):
    # As the lookup does: an unlimited checker is what a spammer of uploads and checks wants.
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit-down": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on port 9
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    settings.RATELIMIT_USE_CACHE = "ratelimit-down"
    try:
        check = client.post("/check/", {"message": TYPICAL_SCAM})
        report = client.post("/report/", a_report())
    finally:
        caches["ratelimit-down"].close()

    assert (check.status_code, report.status_code) == (503, 503)
    assert "verdict" not in check.content.decode()
    assert ScamReport.objects.count() == 0


def test_the_checker_closes_with_a_503_when_the_cache_answers_but_cannot_count(client, monkeypatch, settings, tmp_path):
    # A counter evicted between the cache API's add and its incr: the store answered, nothing was
    # counted. (On Redis the limiter counts in one script, where a key cannot vanish in between: this
    # is the cache API's path, the disk cache's.)
    def evicted(*args, **kwargs):
        raise ValueError("Key not found")

    settings.CACHES = {
        **settings.CACHES,
        "limits-disk": {"BACKEND": "diskcache.DjangoCache", "LOCATION": str(tmp_path / "limits")},
    }
    settings.RATELIMIT_USE_CACHE = "limits-disk"
    monkeypatch.setattr(caches["limits-disk"], "add", lambda *args, **kwargs: False)
    monkeypatch.setattr(caches["limits-disk"], "incr", evicted)

    response = client.post("/check/", {"message": TYPICAL_SCAM})

    assert response.status_code == 503
    assert "verdict" not in response.content.decode()


def test_a_get_never_carries_the_message(client):
    response = client.get("/check/", {"message": TYPICAL_SCAM})
    assert "verdict" not in response.content.decode()


# --- Report a scam ----------------------------------------------------------------------------------


def test_the_report_page_shows_1930_before_the_form(client):
    html = client.get("/report/").content.decode()
    assert html.index("1930") < html.index('name="channel"')


def test_it_saves_a_report_with_the_suspect_number_normalised(client):
    response = client.post("/report/", a_report())
    assert response.status_code == 302
    report = ScamReport.objects.get()
    assert report.suspect == "+919876543210"
    assert report.suspect_as_typed == "+91 98765 43210"
    assert report.status == ScamReport.Status.NEW
    assert report.money_lost is False
    assert "+91" not in response["Location"]


def test_it_normalises_a_sender_id_from_an_sms_header(client):
    client.post("/report/", a_report(channel="sms", suspect="vm-kescob"))
    assert ScamReport.objects.get().suspect == "KESCOB"


def test_after_a_report_with_money_lost_the_page_shows_1930_first(client):
    in_english(client)
    response = client.post("/report/", a_report(money_lost="yes"), follow=True)
    main = response.content.decode().split("<main>", 1)[1]
    assert "call 1930 now" in main
    assert main.index("1930") < main.index("Thank you for your report")


def test_it_refuses_an_empty_report_and_saves_nothing(client):
    in_english(client)
    response = client.post("/report/", a_report(suspect="", message_text=""))
    assert response.status_code == 200
    assert "Please give their number or sender ID" in response.content.decode()
    assert ScamReport.objects.count() == 0


def test_it_refuses_a_date_in_the_future(client):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    client.post("/report/", a_report(contacted_on=tomorrow))
    assert ScamReport.objects.count() == 0


def test_it_refuses_a_message_over_the_length_limit(client):
    client.post("/report/", a_report(message_text="x" * (settings.SAFETY_MESSAGE_MAX_CHARS + 1)))
    assert ScamReport.objects.count() == 0


def test_reporting_from_the_result_page_fills_the_form_but_stores_nothing(client):
    response = client.post("/report/", {"prefill": "1", "message_text": TYPICAL_SCAM})
    assert response.status_code == 200
    assert "बिजली अधिकारी" in response.content.decode()
    assert ScamReport.objects.count() == 0


@with_rate(safety_report_per_ip_hour="2/h")
def test_it_limits_reports_per_address(client):
    for _ in range(2):
        assert client.post("/report/", a_report()).status_code == 302
    response = client.post("/report/", a_report())
    assert response.status_code == 429
    assert ScamReport.objects.count() == 2


def test_it_never_logs_what_was_reported(client, caplog):
    caplog.set_level("DEBUG")
    client.post("/report/", a_report(contact="ramesh@example.com"))
    assert ScamReport.objects.count() == 1
    assert "98765" not in caplog.text
    assert "ramesh" not in caplog.text
    assert "not updated" not in caplog.text


# --- Alerts, genuine messages, navigation -----------------------------------------------------------


def an_alert(**overrides) -> Alert:
    now = timezone.now()
    fields = {
        "title_hi": "नई चेतावनी",
        "title_en": "New warning",
        "text_hi": "ठगों से सावधान",
        "text_en": "Beware of fraudsters",
        "starts_at": now - datetime.timedelta(hours=1),
        "ends_at": now + datetime.timedelta(days=1),
        **overrides,
    }
    return Alert.objects.create(**fields)


def test_a_current_alert_shows_on_the_home_and_result_pages_in_hindi(client):
    an_alert()
    assert "नई चेतावनी" in client.get("/").content.decode()
    lookup = {"old_account_number": "87654321", "mobile_last4": "1111"}
    assert "नई चेतावनी" in client.post("/lookup/", lookup).content.decode()


def test_an_expired_future_or_switched_off_alert_does_not_show(client):
    now = timezone.now()
    an_alert(title_hi="चेतावनी-समाप्त", ends_at=now - datetime.timedelta(minutes=1))
    an_alert(title_hi="चेतावनी-भविष्य", starts_at=now + datetime.timedelta(hours=1))
    an_alert(title_hi="चेतावनी-बंद", is_active=False)
    an_alert(title_hi="चेतावनी-चालू")
    html = client.get("/").content.decode()
    assert "चेतावनी-चालू" in html
    assert "चेतावनी-समाप्त" not in html
    assert "चेतावनी-भविष्य" not in html
    assert "चेतावनी-बंद" not in html


def test_the_check_page_lists_what_kesco_really_sends(client):
    GenuineMessage.objects.create(
        sender_id="UPPCLT",
        description_hi="बिल की सूचना",
        description_en="Bill notice",
        never_contains_hi="कोई लिंक नहीं",
        never_contains_en="No link",
    )
    in_english(client)
    html = client.get("/check/").content.decode()
    assert "UPPCLT" in html
    assert "No link" in html


@pytest.mark.parametrize("path", ["/", "/check/", "/check/qr/", "/report/"])
def test_every_consumer_page_shows_the_never_rules_and_the_safety_links(client, path):
    call_command("load_demo", stdout=io.StringIO())
    html = client.get(path).content.decode()
    assert 'href="/check/"' in html
    assert 'href="/report/"' in html
    assert 'class="warning-box"' in html
    assert "UPPCLT" in html


def test_load_demo_keeps_staff_edits_and_marks_seeds_as_demo():
    call_command("load_demo", stdout=io.StringIO())
    alert = Alert.objects.get(seed_key="alert-new-numbers")
    alert.title_en = "Edited by staff"
    alert.save()
    call_command("load_demo", stdout=io.StringIO())
    assert Alert.objects.get(seed_key="alert-new-numbers").title_en == "Edited by staff"
    assert Alert.objects.count() == 1
    assert not OfficialContact.objects.filter(is_demo=False).exists()
    assert not GenuineMessage.objects.filter(is_demo=False).exists()


@pytest.mark.redis
@with_rate(safety_check_per_ip_minute="1/m")
def test_the_check_limit_is_counted_in_the_real_redis(client):
    import redis

    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    server = redis.Redis.from_url(settings.REDIS_URL)
    assert server.dbsize() == 0  # the cache was cleared for this test
    assert client.post("/check/", {"message": "hello"}).status_code == 200
    assert server.dbsize() > 0  # the counters live in Redis
    assert client.post("/check/", {"message": "hello"}).status_code == 429


# --- Report screenshots -----------------------------------------------------------------------------


def jpeg_with_location() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (120, 80), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (26.0, 27.0, 0.0)}  # GPS info: latitude
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    assert b"PhoneMaker" in buffer.getvalue()
    return buffer.getvalue()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_report_keeps_a_screenshot_without_its_exif(client, media_root):
    shot = SimpleUploadedFile("my photo near home.jpg", jpeg_with_location(), content_type="image/jpeg")
    assert client.post("/report/", {**a_report(), "screenshot": shot}).status_code == 302
    report = ScamReport.objects.get()
    assert report.screenshot.name.startswith("scam-reports/")
    assert "home" not in report.screenshot.name
    stored = report.screenshot.read()
    assert stored.startswith(b"\xff\xd8\xff")
    assert b"PhoneMaker" not in stored


@override_settings(SAFETY_IMAGE_MAX_BYTES=5000)
def test_an_oversized_screenshot_is_refused_and_what_was_typed_is_kept(client, media_root):
    in_english(client)
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 50_000, content_type="image/png")
    response = client.post("/report/", {**a_report(message_text="call officer now"), "screenshot": big})
    html = response.content.decode()
    assert "The picture is too large" in html
    assert "call officer now" in html
    assert ScamReport.objects.count() == 0
    assert list(media_root.iterdir()) == []


@override_settings(SAFETY_IMAGE_MAX_BYTES=100_000)
def test_the_upload_cap_adds_up_every_chunk_of_a_picture(rf):
    # Django hands an upload over in 64 KB chunks: each is under this limit, their total is not. Past
    # the limit the rest is thrown away unstored, before any form could look at the file's size.
    from django.core.files.uploadhandler import SkipFile

    from safety.uploads import SizeCappedUploadHandler

    request = rf.post("/report/")
    handler = SizeCappedUploadHandler(request)
    handler.new_file("screenshot", "big.png", "image/png", 300_000)
    chunk = b"\0" * 65_536

    assert handler.receive_data_chunk(chunk, 0) == chunk
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(chunk, 65_536)
    assert request.safety_upload_too_large


def test_a_screenshot_that_is_not_a_picture_is_refused(client, media_root):
    fake = SimpleUploadedFile("shot.png", b"MZ\x90\x00 an exe file", content_type="image/png")
    client.post("/report/", {**a_report(), "screenshot": fake})
    assert ScamReport.objects.count() == 0


@pytest.fixture
def decoded_pictures(monkeypatch) -> list[int]:
    """Record every report screenshot that is opened and decoded (its size in bytes)."""
    import safety.forms

    decoded: list[int] = []
    real_image_validate = safety.forms.image_validate

    def recording_image_validate(data: bytes):
        decoded.append(len(data))
        return real_image_validate(data)

    monkeypatch.setattr(safety.forms, "image_validate", recording_image_validate)
    return decoded


def a_screenshot() -> SimpleUploadedFile:
    return SimpleUploadedFile("shot.jpg", jpeg_with_location(), content_type="image/jpeg")


@with_rate(safety_report_per_ip_hour="2/h")
def test_an_address_over_the_report_limit_gets_429_before_its_screenshot_is_decoded(
    client, media_root, decoded_pictures
):
    for _ in range(2):
        assert client.post("/report/", a_report()).status_code == 302
    response = client.post("/report/", {**a_report(), "screenshot": a_screenshot()})
    assert response.status_code == 429
    assert decoded_pictures == []
    assert ScamReport.objects.count() == 2


@with_rate(safety_qr_per_ip_minute="2/m")
def test_screenshot_decoding_is_limited_per_address_even_when_the_form_is_refused(client, media_root, decoded_pictures):
    # A report the form refuses is not counted as a report, but its screenshot was still decoded.
    refused_report = {**a_report(suspect="", message_text="")}
    for _ in range(2):
        assert client.post("/report/", {**refused_report, "screenshot": a_screenshot()}).status_code == 200
    response = client.post("/report/", {**refused_report, "screenshot": a_screenshot()})
    assert response.status_code == 429
    assert len(decoded_pictures) == 2
    assert (
        client.post(
            "/report/", {**refused_report, "screenshot": a_screenshot()}, REMOTE_ADDR="198.51.100.7"
        ).status_code
        == 200
    )


@with_rate(safety_qr_per_ip_minute="2/m")
def test_qr_checks_and_report_screenshots_share_one_decoding_allowance(client, media_root, decoded_pictures):
    buffer = io.BytesIO()
    segno.make("https://kesco.co.in", error="m").save(buffer, kind="png", scale=5)
    for _ in range(2):
        image = SimpleUploadedFile("qr.png", buffer.getvalue(), content_type="image/png")
        assert client.post("/check/qr/", {"image": image}).status_code == 200
    assert client.post("/report/", {**a_report(), "screenshot": a_screenshot()}).status_code == 429
    assert decoded_pictures == []
    # A report without a picture decodes nothing and is not held back by the picture allowance.
    assert client.post("/report/", a_report()).status_code == 302


@with_rate(safety_report_per_ip_hour="2/h")
def test_reports_the_form_refuses_do_not_use_up_the_report_allowance(client):
    for _ in range(3):
        assert client.post("/report/", a_report(suspect="", message_text="")).status_code == 200
    for _ in range(2):
        assert client.post("/report/", a_report()).status_code == 302
    assert client.post("/report/", a_report()).status_code == 429


def test_a_report_with_two_screenshots_saves_nothing_and_keeps_what_was_typed(client, media_root, decoded_pictures):
    in_english(client)
    data = {**a_report(message_text="call officer now"), "screenshot": [a_screenshot(), a_screenshot()]}
    response = client.post("/report/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please send only one picture" in html
    assert "call officer now" in html
    assert decoded_pictures == []
    assert ScamReport.objects.count() == 0


def test_screenshots_are_served_to_staff_only(client, media_root):
    from django.contrib.auth import get_user_model

    shot = SimpleUploadedFile("s.jpg", jpeg_with_location(), content_type="image/jpeg")
    client.post("/report/", {**a_report(), "screenshot": shot})
    report = ScamReport.objects.get()
    url = f"/staff/safety/scamreport/{report.pk}/screenshot/"
    assert client.get(url).status_code == 302  # to the staff login
    staff = get_user_model().objects.create_superuser("ravi", "ravi@example.com", "a-long-test-password")
    sign_in(client, staff)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")
    # The report's own page links to it, through the staff-only view, never a public media URL.
    change_page = client.get(f"/staff/safety/scamreport/{report.pk}/change/").content.decode()
    assert f'href="{url}"' in change_page
    assert "media" not in change_page


@pytest.mark.parametrize("path", ["/check/", "/check/qr/", "/report/"])
def test_the_forms_still_demand_a_csrf_token(path):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(path, {"message": "x", **a_report()})
    assert response.status_code == 403
    assert ScamReport.objects.count() == 0


def test_a_report_with_mistakes_opens_at_a_summary_of_them_each_linked_to_its_field(client):
    response = client.post("/report/", a_report(channel="", contacted_on="not a date"))

    html = response.content.decode()
    assert response.status_code == 200
    assert not ScamReport.objects.exists()
    form = html.split('<form class="report-form"', 1)[1]
    summary = form.split('<div class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'role="alert"' in summary and 'href="#id_channel"' in summary and 'href="#id_contacted_on"' in summary
    assert html.split("<title>", 1)[1].startswith("त्रुटि: ")
    assert 'action="/report/#error-summary"' in html


@pytest.mark.parametrize("url", ["/check/", "/check/qr/"])
def test_an_empty_check_opens_at_a_summary_of_the_error(client, url):
    html = client.post(url, {}).content.decode()

    summary = html.split('<div class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'role="alert"' in summary and 'href="#id_' in summary
    assert html.split("<title>", 1)[1].startswith("त्रुटि: ")
    assert f'action="{url}#error-summary"' in html
