"""What each consumer page costs a cheap phone on a slow network: bytes, requests, first paint, load.

Not a test (timings are noisy): it prints figures, and each page's as a ratio to a baseline measured
in the same run, a bare HTML page of a few bytes served by the same server. Run with
`make bench-pages`. The site is served as production serves it: DEBUG off, collectstatic into a
temporary folder with the hashed, compressed manifest storage, WhiteNoise, gzip middleware. Each
page is loaded in a fresh Chromium context (an empty cache: a first visit) with the network throttled
through the DevTools protocol (400 kbit/s each way, 400 ms round trip: 2G/slow 3G) and the CPU slowed
4x. The two answers (a lookup, a message check) are measured from the form's submit, the form page
having been loaded unthrottled first, as a consumer arrives at them. It fills a test database of its
own (Django's, dropped at the end) with the demo data, so any DATABASE_URL works, SQLite included.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesco_lookup.settings")
os.environ["RATELIMIT_ENABLE"] = "0"  # a dozen lookups and checks a round: measure pages, not the limiter
# Playwright's sync API runs an event loop in this thread; the ORM calls here are not async code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import django

django.setup()

CHROMIUM = "/usr/bin/chromium"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
DOWN_KBIT = int(os.environ.get("BENCH_DOWN_KBIT", "400"))
UP_KBIT = int(os.environ.get("BENCH_UP_KBIT", "400"))
RTT_MS = int(os.environ.get("BENCH_RTT_MS", "400"))
CPU_SLOWDOWN = float(os.environ.get("BENCH_CPU_SLOWDOWN", "4"))
BASELINE_PATH = "/bench-baseline/"
BASELINE_HTML = b'<!doctype html><title>.</title><link rel="icon" href="data:,"><p>.'
# Every request the server answered, the browser's own (a favicon) included: the page's events miss those.
SERVER_PATHS: Counter[str] = Counter()
SCAM_MESSAGE = (
    "Dear consumer, your electricity will be disconnected tonight at 9.30 pm because your last bill was not "
    "updated. Call our officer 9876543210 or pay now at http://kesco-bill-update.in/pay"
)


@dataclass
class Load:
    wire_bytes: int = 0  # as received: compressed bodies and headers
    body_bytes: int = 0  # bodies after decompression: what the same page would cost uncompressed
    requests: int = 0
    fcp_ms: float = 0.0
    load_ms: float = 0.0
    urls: list[str] = field(default_factory=list)


def _submit(form_path: str, fill: Callable) -> Callable:
    def go(page, base: str, measure: Callable) -> None:
        page.goto(base + form_path)
        fill(page)
        with measure(), page.expect_navigation(wait_until="load"):
            page.locator("main form button.primary").click()

    return go


def _get(path: str) -> Callable:
    def go(page, base: str, measure: Callable) -> None:
        with measure():
            page.goto(base + path, wait_until="load")

    return go


def _fill_lookup(page) -> None:
    page.locator("#id_old_account_number").fill("00123456")  # a demo mapping (load_demo)
    page.locator("#id_mobile_last4").fill("1111")


def _fill_check(page) -> None:
    page.locator("form.check-form textarea").fill(SCAM_MESSAGE)


PAGES: dict[str, Callable] = {
    "baseline (bare page)": _get(BASELINE_PATH),
    "home: lookup form": _get("/"),
    "lookup answer": _submit("/", _fill_lookup),
    "check a message": _get("/check/"),
    "check answer": _submit("/check/", _fill_check),
    "check a QR code": _get("/check/qr/"),
    "report a scam": _get("/report/"),
}


def serve() -> tuple[str, Callable[[], None]]:
    """The site as production serves it, on a free port; returns its address and a stop function."""
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from django.db import connection, connections
    from django.test.utils import override_settings

    static_root = tempfile.mkdtemp(prefix="kesco-bench-static-")
    from django.conf import settings

    override_settings(
        DEBUG=False,
        STATIC_ROOT=static_root,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ).enable()
    call_command("collectstatic", interactive=False, verbosity=0)
    django_app = get_wsgi_application()

    def app(environ, start_response):
        SERVER_PATHS[environ["PATH_INFO"]] += 1
        if environ["PATH_INFO"] == BASELINE_PATH:
            start_response(
                "200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BASELINE_HTML)))]
            )
            return [BASELINE_HTML]
        return django_app(environ, start_response)

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    overrides = {}
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # As Django's live server: its threads share the in-memory database. The wrapper itself, not
        # the `connection` proxy, which would look itself up through the override without end.
        connection.inc_thread_sharing()
        overrides["default"] = connections["default"]
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, connections_override=overrides)
    server.set_app(app)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server.shutdown


class _Meter:
    """Counts what one navigation costs, from the DevTools protocol's network events.

    A file the browser already holds (the stylesheet, when an answer follows its form) costs
    nothing on the wire: it is left out of the requests and bytes.
    """

    def __init__(self, cdp) -> None:
        self.cdp = cdp
        self.active = False
        self.urls: dict[str, str] = {}
        self.cached: set[str] = set()
        self.wire: dict[str, int] = {}
        self.body: dict[str, int] = {}
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.requestServedFromCache", lambda event: self.cached.add(event["requestId"]))
        cdp.on("Network.responseReceived", self._received)
        cdp.on("Network.dataReceived", self._data)
        cdp.on("Network.loadingFinished", self._finished)

    def _sent(self, event: dict) -> None:
        if self.active and not event["request"]["url"].startswith("data:"):
            self.urls[event["requestId"]] = event["request"]["url"]

    def _received(self, event: dict) -> None:
        if event["response"].get("fromDiskCache") or event["response"].get("fromPrefetchCache"):
            self.cached.add(event["requestId"])

    def _data(self, event: dict) -> None:
        if event["requestId"] in self.urls:
            self.body[event["requestId"]] = self.body.get(event["requestId"], 0) + event["dataLength"]

    def _finished(self, event: dict) -> None:
        if event["requestId"] in self.urls:
            self.wire[event["requestId"]] = int(event["encodedDataLength"])

    @property
    def load(self) -> Load:
        fetched = [request for request in self.urls if request not in self.cached]
        return Load(
            wire_bytes=sum(self.wire.get(request, 0) for request in fetched),
            body_bytes=sum(self.body.get(request, 0) for request in fetched),
            requests=len(fetched),
            urls=[urlsplit(self.urls[request]).path for request in fetched],
        )

    def throttle(self, on: bool) -> None:
        self.cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": RTT_MS if on else 0,
                "downloadThroughput": DOWN_KBIT * 1000 / 8 if on else -1,
                "uploadThroughput": UP_KBIT * 1000 / 8 if on else -1,
            },
        )
        self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN if on else 1})

    def __call__(self):
        meter = self

        class Measuring:
            def __enter__(self) -> None:
                meter.throttle(True)
                meter.active = True

            def __exit__(self, *exc: object) -> None:
                meter.active = False
                meter.throttle(False)

        return Measuring()


def load_once(browser, base: str, go: Callable, language: str) -> Load:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-US")
    if language != "hi":  # Hindi is the default: no cookie, as on a first visit
        context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    meter = _Meter(cdp)
    try:
        go(page, base, meter)
        # Polled from here: wait_for_function runs its predicate with eval in the page, which the
        # Content-Security-Policy (no 'unsafe-eval') refuses; evaluate() is not subject to it.
        for _ in range(1200):
            if page.evaluate("performance.getEntriesByName('first-contentful-paint').length > 0"):
                break
            page.wait_for_timeout(50)
        timings = page.evaluate(
            "[performance.getEntriesByName('first-contentful-paint')[0].startTime,"
            " performance.getEntriesByType('navigation')[0].loadEventEnd]"
        )
        page.wait_for_timeout(200)  # a late request would still be counted
        load = meter.load
        load.fcp_ms, load.load_ms = timings
        return load
    finally:
        context.close()


@contextmanager
def demo_site() -> Iterator[str]:
    """The site served as production serves it (serve()) from a test database of its own with the demo
    data; yields its address, and drops the database at the end."""
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process
        base, stop = serve()
        # One line per 404 and per lookup would bury the figures (set here: serving configures logging anew).
        logging.getLogger("django.request").setLevel(logging.ERROR)
        logging.getLogger("accounts").setLevel(logging.WARNING)
        try:
            yield base
        finally:
            stop()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def main() -> None:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        sys.exit("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    with demo_site() as base:
        loads: dict[tuple[str, str], list[Load]] = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
            )
            for _ in range(ROUNDS):  # rounds outermost: a slow moment of the machine hits every page alike
                for language in ("hi", "en"):
                    for name, go in PAGES.items():
                        loads.setdefault((name, language), []).append(load_once(browser, base, go, language))
            browser.close()
    report(loads)


def report(loads: dict[tuple[str, str], list[Load]]) -> None:
    def median(values: list[float]) -> float:
        return statistics.median(values)

    print(
        f"{ROUNDS} cold loads each, median; network {DOWN_KBIT} kbit/s down, {UP_KBIT} up, {RTT_MS} ms round trip; "
        f"CPU {CPU_SLOWDOWN:g}x slower; viewport 360x740"
    )
    header = (
        f"{'page':22s} {'lang':4s} {'wire B':>7s} {'unzipped B':>10s} {'req':>3s} "
        f"{'FCP ms':>7s} {'x base':>6s} {'load ms':>7s} {'x base':>6s}"
    )
    print(header)
    print("-" * len(header))
    for language in ("hi", "en"):
        base = loads[("baseline (bare page)", language)]
        base_fcp, base_load = median([x.fcp_ms for x in base]), median([x.load_ms for x in base])
        for name in PAGES:
            runs = loads[(name, language)]
            fcp, load = median([x.fcp_ms for x in runs]), median([x.load_ms for x in runs])
            print(
                f"{name:22s} {language:4s} {median([x.wire_bytes for x in runs]):7.0f} "
                f"{median([x.body_bytes for x in runs]):10.0f} {median([x.requests for x in runs]):3.0f} "
                f"{fcp:7.0f} {fcp / base_fcp:6.2f} {load:7.0f} {load / base_load:6.2f}"
            )
    print("\nrequests of the last Hindi round:")
    for name in PAGES:
        urls = loads[(name, "hi")][-1].urls
        print(f"  {name}: " + ", ".join(urls))

    print("\nevery request the server answered, all rounds: " + ", ".join(f"{p} {n}" for p, n in SERVER_PATHS.items()))


if __name__ == "__main__":
    main()
