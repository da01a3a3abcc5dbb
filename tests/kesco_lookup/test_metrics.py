"""GET /metrics: Prometheus's text, counted right, shown only to allowed addresses or the token, and
never a path with values or anything a consumer typed."""

from __future__ import annotations

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from imports.models import ImportBatch
from kesco_lookup.limits import LimiterUnavailable, _trusted_networks
from tests.helpers import ramesh

pytestmark = pytest.mark.django_db

MONITOR = "10.9.8.7"
STRANGER = "203.0.113.50"
TOKEN = "a-long-random-scrape-token"


@pytest.fixture(autouse=True)
def metrics_settings(settings):
    settings.METRICS_ALLOWED_ADDRESSES = ["10.9.8.0/24"]
    settings.METRICS_TOKEN = TOKEN
    settings.TRUSTED_PROXIES = []
    _trusted_networks.cache_clear()  # memoised from the settings, which the tests change
    yield
    _trusted_networks.cache_clear()


def scrape(client: Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", REMOTE_ADDR=MONITOR)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def lookup(client: Client, old: str, mobile: str):
    return client.post("/lookup/", {"old_account_number": old, "mobile_last4": mobile}, REMOTE_ADDR="198.51.100.9")


def test_it_counts_requests_by_route_name_and_lookups_by_outcome(client, settings) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "lookup_per_ip_minute": "2/m"}
    ramesh()
    before = scrape(client)
    assert lookup(client, "12345678", "4321").status_code == 200  # a match
    assert lookup(client, "87654321", "4321").status_code == 200  # a miss
    assert lookup(client, "12345678", "4321").status_code == 429  # limited
    client.get("/no/such/page/12345678")
    after = scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("lookup_outcomes_total", outcome="matched") == 1
    assert delta("lookup_outcomes_total", outcome="no_match") == 1
    assert delta("lookup_outcomes_total", outcome="limited") == 1
    assert delta("limiter_refusals_total", rule="lookup_per_ip_minute") == 1
    assert delta("http_requests_total", route="accounts:lookup", status="200") == 2
    assert delta("http_requests_total", route="accounts:lookup", status="429") == 1
    assert delta("http_requests_total", route="unmatched", status="404") == 1
    assert delta("http_request_duration_seconds_count", route="accounts:lookup") == 3


def test_it_counts_a_lookup_paused_by_a_limiter_that_cannot_count(client, monkeypatch) -> None:
    def store_down(*args: object) -> None:
        raise LimiterUnavailable

    monkeypatch.setattr("accounts.views.lookup_account_turn", store_down)
    before = value(scrape(client), "lookup_outcomes_total", outcome="paused")
    assert lookup(client, "12345678", "4321").status_code == 503
    api = client.post(
        "/api/v1/lookup", {"old_account_number": "12345678", "mobile_last4": "4321"}, content_type="application/json"
    )
    assert api.status_code == 503
    assert value(scrape(client), "lookup_outcomes_total", outcome="paused") - before == 2


def test_it_shows_no_path_and_nothing_typed(client) -> None:
    ramesh()
    lookup(client, "12345678", "4321")
    lookup(client, "87654321", "4321")
    client.get("/no/such/page/87654321")
    text = client.get("/metrics", REMOTE_ADDR=MONITOR).content.decode()
    # Names, labels and help only: a sample's value (a count, a timestamp) may hold any digits.
    text = "\n".join(line if line.startswith("#") else line.rsplit(" ", 1)[0] for line in text.splitlines())
    for typed in ("12345678", "87654321", "9912345678", "4321", "Ramesh", "198.51.100.9", "/lookup/", "/no/such"):
        assert typed not in text


def test_it_reports_the_health_of_the_database_and_the_cache_and_batches_by_status(client) -> None:
    samples = scrape(client)
    assert value(samples, "service_up", service="database") == 1
    assert value(samples, "service_up", service="cache") == 1
    assert ("import_batches", (("status", ImportBatch.Status.QUEUED),)) in samples


def test_it_answers_404_to_a_stranger(client) -> None:
    response = client.get("/metrics", REMOTE_ADDR=STRANGER)
    assert response.status_code == 404
    assert b"lookup_outcomes_total" not in response.content


def test_it_answers_404_to_a_wrong_token(client) -> None:
    response = client.get("/metrics", REMOTE_ADDR=STRANGER, HTTP_AUTHORIZATION="Bearer not-the-token")
    assert response.status_code == 404


def test_it_answers_the_token_from_anywhere(client) -> None:
    response = client.get("/metrics", REMOTE_ADDR=STRANGER, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert b"# TYPE lookup_outcomes_total counter" in response.content


def test_it_answers_no_one_by_token_when_none_is_configured(client, settings) -> None:
    settings.METRICS_TOKEN = ""
    response = client.get("/metrics", REMOTE_ADDR=STRANGER, HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 404


def test_it_ignores_a_forged_forwarded_address_from_an_untrusted_peer(client) -> None:
    response = client.get("/metrics", REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=MONITOR)
    assert response.status_code == 404


def test_it_believes_the_forwarded_address_from_a_trusted_proxy(client, settings) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    _trusted_networks.cache_clear()
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=MONITOR)
    assert response.status_code == 200


def test_it_is_never_rate_limited(client, settings) -> None:
    settings.RATE_LIMITS = {name: "1/m" for name in settings.RATE_LIMITS}
    for _ in range(5):
        assert client.get("/metrics", REMOTE_ADDR=MONITOR).status_code == 200


def test_it_answers_plain_http_in_production_behind_an_https_redirect(client, settings) -> None:
    # Prometheus scrapes the node itself, over HTTP; the exemption is the real setting's, not the test's.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/metrics", REMOTE_ADDR=MONITOR).status_code == 200
    assert client.get("/", REMOTE_ADDR=MONITOR).status_code == 301
