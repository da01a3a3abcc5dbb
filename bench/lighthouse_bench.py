"""Lighthouse on every public page in both languages: the four category scores and each failing audit.

Not a test: Lighthouse's performance score swings with the machine's load. Run with
`make bench-lighthouse`, which installs the pinned Lighthouse (bench/lighthouse/package.json and its
lock: 12.x, the last line that runs on Node 20; 13 needs Node 22.19) into bench/lighthouse/node_modules
(gitignored) with `npm ci`. The site is served as production serves it (bench/page_weight.py's
serve(): DEBUG off, hashed and compressed static files, gzipped pages) from a test database of its own
with the demo data; Lighthouse drives Debian's Chromium (CHROME_PATH, default /usr/bin/chromium)
headless with its default mobile preset (a mid-range phone, simulated slow 4G).

The English pages are at their own addresses (/en/...), opened with no cookie, as a search engine does.
The answers (lookup, message check, QR check, report) are POSTs, which Lighthouse cannot make: not run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.page_weight import demo_site  # sets up Django, as production serves the pages

HERE = Path(__file__).resolve().parent
LIGHTHOUSE = HERE / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROME_PATH = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
PAGES = {"home": "/", "check a message": "/check/", "check a QR code": "/check/qr/", "report a scam": "/report/"}
ATTEMPTS = 3
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# Audits that say nothing is wrong whatever their score: informational, not applicable, checked by hand.
NOT_SCORED = {"informative", "notApplicable", "manual"}


def lighthouse(url: str) -> dict:
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    # Lighthouse sometimes loses the trace of a load ("NO_NAVSTART") on a busy machine: try again.
    for _attempt in range(ATTEMPTS):
        result = subprocess.run(
            command, env={**os.environ, "CHROME_PATH": CHROME_PATH}, capture_output=True, text=True, check=False
        )
        if result.returncode == 0:
            return json.loads(result.stdout)
    sys.exit(f"lighthouse failed {ATTEMPTS} times on {url}: {result.stderr.strip()[-2000:]}")


def failing_audits(report: dict) -> tuple[list[str], list[str]]:
    """The audits that cost points (one line each), and the ids of those flagged that carry no weight in
    the score (Lighthouse's "insights" and the like: worth a look, not a failure)."""
    failing, unweighted = [], []
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if audit["scoreDisplayMode"] in NOT_SCORED or audit["score"] is None or audit["score"] >= 1:
                continue
            if not ref.get("weight"):
                unweighted.append(ref["id"])
                continue
            value = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
            failing.append(f"    {category}: {ref['id']} {audit['score']:.2f}: {audit['title']}{value}")
    return failing, unweighted


def main() -> None:
    if not LIGHTHOUSE.exists():
        sys.exit("run `make bench-lighthouse` (it installs Lighthouse into bench/lighthouse/node_modules)")
    if not Path(CHROME_PATH).exists():
        sys.exit(f"needs Chromium at {CHROME_PATH} (apt-get install chromium, or set CHROME_PATH)")
    with demo_site() as base:
        version = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True).stdout.strip()
        print(f"Lighthouse {version}, mobile preset, {CHROME_PATH} headless; scores 0-100")
        header = f"{'page':18s} {'lang':4s} " + " ".join(f"{name:>14s}" for name in CATEGORIES)
        print(header)
        print("-" * len(header))
        for language in ("hi", "en"):
            for name, path in PAGES.items():
                report = lighthouse(base + ("" if language == "hi" else f"/{language}") + path)
                scores = [report["categories"][category]["score"] for category in CATEGORIES]
                print(
                    f"{name:18s} {language:4s} "
                    + " ".join(f"{'-' if s is None else round(s * 100):>14}" for s in scores),
                    flush=True,
                )
                failing, unweighted = failing_audits(report)
                for line in failing:
                    print(line, flush=True)
                if unweighted:
                    print(f"    flagged, no weight in the score: {', '.join(unweighted)}", flush=True)


if __name__ == "__main__":
    main()
