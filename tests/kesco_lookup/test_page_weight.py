"""A byte budget for each consumer page, as production serves it: bytes are not noisy, so this is a test.

A first visit (an empty cache) to any consumer page, in either language, costs at most BUDGET_BYTES on
the wire: the page's HTML and every file it makes the browser fetch, as sent to a browser that
accepts gzip. 14 KB is what a server can send in its first round trip (TCP's initial window, ten
segments of about 1,460 bytes), and about 0.3 s at 400 kbit/s, a slow 2G/3G line in Kanpur. The
heaviest page today (a message check's answer in Hindi, with the demo data) is about 5.6 KB, so
there is room for more words, but not for a web font (a Devanagari subset alone is 30-100 KB), an
image or a script library. Beyond the bytes: no file from another site (each costs a DNS lookup and
a connection, and tells that site who reads what), no web font, no script that blocks the page, no
image without its size (the page would jump when it arrives), and every file under a hashed name that
phones may keep for a year. `make bench-pages` measures the same pages in a throttled browser.
"""

from __future__ import annotations

import base64
import gzip
import random
import re
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client

from tests.helpers import ramesh

pytestmark = pytest.mark.django_db

BUDGET_BYTES = 14 * 1024
ONE_YEAR = 365 * 24 * 3600
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
HASHED = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9]+$")
SCAM_MESSAGE = "Your power will be cut tonight. Pay now at http://kesco-bill-update.in or call 9876543210"

# name: (method, path, POST data). The two answers are counted with all their files too, as if
# opened cold: stricter than the real visit, which brings the stylesheet with the form.
PAGES = {
    "home": ("get", "/", None),
    "lookup answer": ("post", "/lookup/", {"old_account_number": "12345678", "mobile_last4": "4321"}),
    "lookup no match": ("post", "/lookup/", {"old_account_number": "87654321", "mobile_last4": "4321"}),
    "check": ("get", "/check/", None),
    "check answer": ("post", "/check/", {"message": SCAM_MESSAGE}),
    "check qr": ("get", "/check/qr/", None),
    "report": ("get", "/report/", None),
    "not found": ("get", "/no-such-page/", None),
}


@dataclass
class PageCost:
    html_bytes: int
    files: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.html_bytes + sum(self.files.values())


# The <link>s a browser fetches or connects to while loading; a canonical or hreflang address is not
# fetched (it names the page for search engines), nor is an Open Graph picture (a <meta>).
_FETCHED_LINKS = {
    *("stylesheet", "icon", "apple-touch-icon", "manifest"),
    *("preload", "modulepreload", "prefetch", "preconnect", "dns-prefetch"),
}


class _Fetched(HTMLParser):
    """The URLs a browser fetches while loading the page (not the links a person may follow)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        rel = set((attributes.get("rel") or "").lower().split())
        if tag == "link" and attributes.get("href") and rel & _FETCHED_LINKS:
            self.urls.append(attributes["href"])
        elif tag in {"script", "img", "iframe", "video", "audio", "source", "embed"} and attributes.get("src"):
            self.urls.append(attributes["src"])
            if tag == "script" and "defer" not in attributes and "async" not in attributes:
                self.problems.append(f"script {attributes['src']} blocks the page (no defer or async)")
            if tag == "img" and not ("width" in attributes and "height" in attributes):
                self.problems.append(f"image {attributes['src']} has no width and height")
        if tag in {"img", "source"} and attributes.get("srcset"):
            self.urls.extend(part.split()[0] for part in attributes["srcset"].split(",") if part.strip())


def html_problems(html: str) -> tuple[list[str], list[str]]:
    """The same-site URLs the page makes the browser fetch, and what is wrong with the page."""
    parser = _Fetched()
    parser.feed(html)
    urls = []
    for url in parser.urls:
        if url.startswith("data:"):
            continue  # inside the HTML: already counted
        if urlsplit(url).netloc or url.startswith("//"):
            parser.problems.append(f"{url} comes from another site")
        else:
            urls.append(url)
    return urls, parser.problems


def stylesheet_urls(css: str, css_url: str) -> tuple[list[str], list[str]]:
    problems = []
    if "@font-face" in css:
        problems.append(f"{css_url} loads a web font")
    urls = []
    for url in re.findall(r"""url\(\s*['"]?([^'")]+)""", css) + re.findall(r"""@import\s+['"]([^'"]+)""", css):
        if url.startswith("data:"):
            continue
        if urlsplit(url).netloc:
            problems.append(f"{css_url} fetches {url} from another site")
        else:
            urls.append(urljoin(css_url, url))
    return urls, problems


def first_visit(client: Client, method: str, path: str, data: dict | None) -> PageCost:
    """What a first visit to the page costs on the wire, and what breaks the rules above."""
    response = client.post(path, data, **GZIP) if method == "post" else client.get(path, **GZIP)
    assert response.status_code in {200, 404}, path
    assert response.get("Content-Encoding") == "gzip", f"{path} is not sent compressed"
    html = gzip.decompress(response.content).decode()
    urls, problems = html_problems(html)
    cost = PageCost(html_bytes=len(response.content), problems=problems)
    while urls:
        url = urls.pop()
        if url in cost.files:
            continue
        if not url.startswith(django_settings.STATIC_URL):
            cost.problems.append(f"{url} is not a static file: nothing lets phones keep it")
        elif not HASHED.search(url):
            cost.problems.append(f"{url} has no hash in its name: phones cannot keep it for long")
        file_response = client.get(url, **GZIP)
        body = b"".join(file_response.streaming_content) if file_response.streaming else file_response.content
        cost.files[url] = len(body)
        if file_response.status_code != 200:
            cost.problems.append(f"{url} answers {file_response.status_code}")
            continue
        cache = file_response.get("Cache-Control", "")
        max_age = re.search(r"max-age=(\d+)", cache)
        if "immutable" not in cache or not max_age or int(max_age.group(1)) < ONE_YEAR:
            cost.problems.append(f"{url} may not be kept a year ({cache!r})")
        if url.endswith(".css"):
            plain = client.get(url)
            css = b"".join(plain.streaming_content).decode()
            more, css_problems = stylesheet_urls(css, url)
            urls.extend(more)
            cost.problems.extend(css_problems)
    return cost


@pytest.fixture
def production_static(settings, tmp_path) -> Path:
    """Static files as production serves them: collected, hashed and compressed, found by WhiteNoise."""
    settings.STATIC_ROOT = tmp_path / "collected"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    settings.RATELIMIT_ENABLE = False
    return tmp_path


def _collect() -> None:
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.mark.parametrize("language", ["hi", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_a_first_visit_to_each_consumer_page_fits_the_budget(production_static, name, language):
    _collect()
    call_command("load_demo", stdout=StringIO())  # pages as consumers see them: alerts, channels, examples
    ramesh()
    client = Client()  # a new client after collectstatic: WhiteNoise reads the collected files when it starts
    method, path, data = PAGES[name]
    if language != "hi":
        path = f"/{language}{path}"  # English at its own addresses: /en/check/
    cost = first_visit(client, method, path, data)
    assert not cost.problems
    assert cost.files, "every page has its stylesheet"
    assert cost.total <= BUDGET_BYTES, f"{name} ({language}): {cost.total} bytes > {BUDGET_BYTES}: {cost}"


def test_the_budget_catches_a_planted_large_stylesheet(production_static, settings):
    # Proof that the test above can fail: 30 KB of random text (gzip cannot shrink it much) in a comment.
    planted = production_static / "static"
    shutil.copytree(Path(django_settings.BASE_DIR) / "static", planted)
    padding = base64.b64encode(random.Random(0).randbytes(30_000)).decode()
    with (planted / "css" / "site.css").open("a") as stylesheet:
        stylesheet.write(f"/* {padding} */\n")
    settings.STATICFILES_DIRS = [planted]
    _collect()
    cost = first_visit(Client(), *PAGES["home"])
    assert cost.total > BUDGET_BYTES


def test_it_names_a_web_font_a_blocking_script_a_sizeless_image_and_other_sites():
    html = """<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Noto+Sans+Devanagari">
    <script src="/static/js/app.0123456789ab.js"></script><img src="/static/logo.0123456789ab.png">
    <script src="//cdn.example/analytics.js" async></script><link rel="icon" href="data:,">
    <link rel="canonical" href="https://lookup.example/"><link rel="alternate" hreflang="en" href="/en/">
    <meta property="og:image" content="https://lookup.example/static/img/share-hi.png">"""
    urls, problems = html_problems(html)
    assert urls == ["/static/js/app.0123456789ab.js", "/static/logo.0123456789ab.png"]
    assert problems == [
        "script /static/js/app.0123456789ab.js blocks the page (no defer or async)",
        "image /static/logo.0123456789ab.png has no width and height",
        "https://fonts.googleapis.com/css2?family=Noto+Sans+Devanagari comes from another site",
        "//cdn.example/analytics.js comes from another site",
    ]
    _urls, css_problems = stylesheet_urls("@font-face { src: url(/static/f.woff2) }", "/static/css/site.css")
    assert css_problems == ["/static/css/site.css loads a web font"]
