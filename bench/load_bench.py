"""Load benchmark of the production server: `make bench-load` (README, 'Speed').

Not a test (machines are noisy). It creates and fills a scratch PostgreSQL database (750,000
mappings by COPY), starts gunicorn with the repository's gunicorn.conf.py and production settings
plus the bench's two ceiling views (bench/settings.py, bench/urls.py), drives each request with
Debian's wrk on loopback (2 threads, 32 connections, 2 s untimed, then BENCH_SECONDS timed, 5 by
default; each thread steps through its own half of the numbers), each right after the bare view,
in BENCH_ROUNDS rounds (3), and prints the medians of req/s, p50, p99 and the share of the bare
view's throughput, the errors, and the throughput that p99 under 50 ms would need. Rate limits stay
on, raised so they count but do not refuse; the refused-lookup flood runs on a second server start
with the per-number limits at their defaults, so every answer after the first few is a 429.

BENCH_DATABASE_URL names the scratch database (created if missing, its mappings replaced);
BENCH_REDIS_URL the Redis database (keys get a per-run prefix; nothing is flushed).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from io import StringIO
from pathlib import Path
from statistics import median
from urllib.parse import urlsplit, urlunsplit

# The same numbers as the import bench (bench/ is on sys.path when this runs as a script).
from import_bench import _new, _old

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
ROWS = int(os.environ.get("BENCH_ROWS", 750_000))
SECONDS = int(os.environ.get("BENCH_SECONDS", 5))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
WARM_SECONDS = 2
PORT = int(os.environ.get("BENCH_PORT", 8391))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://root@127.0.0.1:5432/kesco_bench_load")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
ROTATED = 5000  # distinct real numbers the lookups rotate through, so per-number limits stay quiet
RAISED = "100000000/m"
THREADS = 2
CONNECTIONS = 32
P99_TARGET_MS = 50


def _mobile4(index: int) -> str:
    return f"{(index * 37) % 10_000:04d}"


def _env(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "KESCO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "https://lookup.example",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"bench-{os.getpid()}-{time.time_ns()}",
        "SECURE_SSL_REDIRECT": "0",
        "WEB_BIND": f"127.0.0.1:{PORT}",
    }
    env.pop("CACHE_URL", None)
    for name in (
        "LOOKUP_PER_IP_MINUTE",
        "LOOKUP_PER_IP_DAY",
        "LOOKUP_FAILURES_PER_ACCOUNT_ADDRESS_HOUR",
        "LOOKUP_FAILURES_PER_ACCOUNT_ADDRESS_DAY",
        "LOOKUP_FAILURES_PER_ACCOUNT_HOUR",
        "LOOKUP_FAILURES_PER_ACCOUNT_DAY",
        "SAFETY_CHECK_PER_IP_MINUTE",
        "SAFETY_CHECK_PER_IP_DAY",
    ):
        env[f"RATE_{name}"] = RAISED
    env.update(extra)
    return env


def prepare_database() -> None:
    import psycopg2

    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    subprocess.run([BIN / "python", "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=_env(), check=True)
    subprocess.run([BIN / "python", "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=_env(), check=True)
    rows = StringIO()
    stamp = "2026-01-01 00:00:00+00"
    for index in range(ROWS):
        rows.write(f"{_old(index)}\t{_new(index)}\tBench Consumer\tKidwai Nagar\t{_mobile4(index)}\t{stamp}\t{stamp}\n")
    rows.seek(0)
    started = time.monotonic()
    connection = psycopg2.connect(DATABASE_URL)
    with connection, connection.cursor() as cursor:
        cursor.execute("TRUNCATE accounts_accountmapping")
        cursor.copy_expert(
            "COPY accounts_accountmapping (old_account_number, new_account_number, consumer_name, division,"
            " mobile_last4, created_at, updated_at) FROM STDIN WITH (FORMAT text)",
            rows,
        )
    # Settled before anything is timed: hint bits set and the visibility map built by VACUUM, dirty
    # pages written by CHECKPOINT, or the first step (the bare view) pays for them all.
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) accounts_accountmapping")
        cursor.execute("CHECKPOINT")
    connection.close()
    print(f"{ROWS:,} mappings copied in {time.monotonic() - started:.1f} s", flush=True)


class Server:
    def __init__(self, **extra: str) -> None:
        self.log = Path(tempfile.gettempdir()) / f"kesco-bench-load-{PORT}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [BIN / "gunicorn", "-c", "gunicorn.conf.py", "kesco_lookup.wsgi:application"],
                cwd=ROOT,
                env=_env(**extra),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/readyz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"the bench server did not become ready within 60 s: see {self.log}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def cpu_seconds(self) -> float:
        """CPU time of gunicorn's processes so far: the master's own and its reaped workers' (a recycled
        worker's time moves there), and the live workers'. PostgreSQL's and Redis's are not in it."""
        return _cpu_seconds(self.process.pid, children_too=True) + sum(
            _cpu_seconds(child) for child in _children(self.process.pid)
        )


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int, *, children_too: bool = False) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # the worker ended meanwhile: its time is in the master's count of reaped children
        return 0.0
    # utime, stime, cutime, cstime are the 14th to 17th fields; [0] here is the 3rd (state).
    ticks = int(fields[11]) + int(fields[12]) + ((int(fields[13]) + int(fields[14])) if children_too else 0)
    return ticks / _TICK


def _children(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            children.extend(int(child) for child in (task / "children").read_text().split())
    return children


# Each thread counts answers whose status is not the expected one; done() prints one JSON line.
_LUA_COMMON = """
local threads = {}
function setup(thread) table.insert(threads, thread); thread:set("id", #threads) end
-- Each thread starts its own stretch of the numbers: wrk seeds every thread's random numbers alike, and
-- two threads stepping through the same numbers together would wait for each other's turn on them.
function init(args) unexpected = 0; n = (id - 1) * math.floor(#bodies / thread_count) end
function response(status, headers, body) if status ~= expected then unexpected = unexpected + 1 end end
function request()
  n = n % #bodies + 1
  return wrk.format(method, nil, headers, bodies[n])
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("unexpected") end
  local e = summary.errors
  io.write(string.format('RESULT {"rps": %f, "p50_ms": %f, "p99_ms": %f, "errors": %d}\\n',
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    bad + e.connect + e.read + e.write + e.timeout))
end
"""


def _lua(method: str, expected: int, bodies: list[str], headers: dict[str, str]) -> str:
    def quote(text: str) -> str:
        return json.dumps(text)  # a JSON string is a valid Lua string literal for this ASCII text

    lines = [f"method = {quote(method)}", f"expected = {expected}", f"thread_count = {THREADS}"]
    lines.append("headers = {" + ", ".join(f"[{quote(k)}] = {quote(v)}" for k, v in headers.items()) + "}")
    lines.append("bodies = {" + ", ".join(quote(body) for body in bodies) + "}")
    return "\n".join(lines) + _LUA_COMMON


def run_wrk(path: str, script: str, seconds: int = SECONDS) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        output = subprocess.run(
            [
                "wrk",
                f"-t{THREADS}",
                f"-c{CONNECTIONS}",
                f"-d{seconds}s",
                "--timeout",
                "5s",
                "-s",
                handle.name,
                f"http://127.0.0.1:{PORT}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        os.unlink(handle.name)
    return json.loads(output.split("RESULT ", 1)[1].splitlines()[0])


def _measured(server: Server, path: str, script: str) -> dict[str, float]:
    # Untimed first: every worker's connections, caches and pages warm, whichever step comes first.
    run_wrk(path, script, seconds=WARM_SECONDS)
    before = server.cpu_seconds()
    result = run_wrk(path, script)
    requests = result["rps"] * SECONDS
    result["cpu_ms"] = 1000 * (server.cpu_seconds() - before) / requests if requests else 0.0
    return result


def _paired(server: Server, bare: tuple[str, str], step: tuple[str, str]) -> dict[str, float]:
    """A step measured right after the bare view, and its shares of it: the machine's speed drifts
    by half within a minute (other tenants), so a share is only fair between neighbours."""
    baseline, result = _measured(server, *bare), _measured(server, *step)
    result["share"] = result["rps"] / baseline["rps"]
    result["cpu_share"] = baseline["cpu_ms"] / result["cpu_ms"] if result["cpu_ms"] else 0.0
    result["bare"] = baseline
    return result


def _csrf() -> tuple[str, str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/", timeout=5) as answer:
        cookies = [value.split(";", 1)[0] for key, value in answer.headers.items() if key.lower() == "set-cookie"]
        page = answer.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise SystemExit("no CSRF token in the form")
    return "; ".join(cookies), token.group(1)


def _check_a_match(match: tuple[str, str], headers: dict[str, str]) -> None:
    """A 200 alone proves nothing (misses answer 200 too): the rotated numbers must really match."""
    body = json.dumps({"old_account_number": match[0], "mobile_last4": match[1]}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}/api/v1/lookup", body, headers, method="POST")
    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
        if _new(0) not in answer.read().decode():
            raise SystemExit("the bench's numbers do not match: the table would measure misses")


def main() -> None:
    if subprocess.run(["which", "wrk"], capture_output=True).returncode != 0:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    prepare_database()
    step = max(1, ROWS // ROTATED)
    matches = [(_old(i), _mobile4(i)) for i in range(0, ROWS, step)][:ROTATED]
    json_bodies = [json.dumps({"old_account_number": old, "mobile_last4": m4}) for old, m4 in matches]
    json_headers = {"Content-Type": "application/json"}
    bare = ("/bench/bare", _lua("POST", 200, json_bodies, json_headers))
    results: dict[str, list[dict[str, float]]] = {}
    load_before = os.getloadavg()

    server = Server()
    try:
        _check_a_match(matches[0], json_headers)
        cookie, token = _csrf()
        form_bodies = [f"csrfmiddlewaretoken={token}&old_account_number={old}&mobile_last4={m4}" for old, m4 in matches]
        form_headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        plan = [
            (API, ("/api/v1/lookup", _lua("POST", 200, json_bodies, json_headers))),
            (PAGE, ("/lookup/", _lua("POST", 200, form_bodies, form_headers))),
            ("`GET /`", ("/", _lua("GET", 200, [""], {}))),
            ("`GET /check/`", ("/check/", _lua("GET", 200, [""], {}))),
            ("`GET /check/qr/`", ("/check/qr/", _lua("GET", 200, [""], {}))),
            ("`GET /report/`", ("/report/", _lua("GET", 200, [""], {}))),
        ]
        for round_number in range(1, ROUNDS + 1):
            print(f"round {round_number} of {ROUNDS}: {TRIVIAL}", flush=True)
            results.setdefault(TRIVIAL, []).append(_measured(server, "/bench/trivial", _lua("GET", 200, [""], {})))
            for label, target in plan:
                print(f"round {round_number} of {ROUNDS}: {label}, after the bare view", flush=True)
                paired = _paired(server, bare, target)
                results.setdefault(BARE, []).append(paired["bare"])
                results.setdefault(label, []).append(paired)
    finally:
        server.stop()

    # The flood: the per-number failure limits at their defaults (the per-address ones stay raised).
    defaults = {
        f"RATE_LOOKUP_FAILURES_PER_ACCOUNT_{name}": value
        for name, value in [("ADDRESS_HOUR", "5/h"), ("ADDRESS_DAY", "10/d"), ("HOUR", "20/h"), ("DAY", "30/d")]
    }
    server = Server(**defaults)
    try:
        old, m4 = matches[0]
        wrong = f"{(int(m4) + 1) % 10_000:04d}"
        flood = [json.dumps({"old_account_number": old, "mobile_last4": wrong})]
        for _ in range(10):  # spend the allowance first, so the timed run is all refusals
            request = urllib.request.Request(
                f"http://127.0.0.1:{PORT}/api/v1/lookup", flood[0].encode(), json_headers, method="POST"
            )
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(request, timeout=5).close()  # noqa: S310 (loopback http)
        for round_number in range(1, ROUNDS + 1):
            print(f"round {round_number} of {ROUNDS}: {REFUSED}, after the bare view", flush=True)
            paired = _paired(server, bare, ("/api/v1/lookup", _lua("POST", 429, flood, json_headers)))
            results.setdefault(BARE, []).append(paired["bare"])
            results.setdefault(REFUSED, []).append(paired)
    finally:
        server.stop()
    _report(results, load_before)


API, PAGE = "`POST /api/v1/lookup`, a match", "`POST /lookup/`, a match (page)"
TRIVIAL, BARE = "trivial view through the middleware", "bare view: one indexed query, JSON"
REFUSED = "refused lookups (one number, wrong mobile: 429)"


def _report(results: dict[str, list[dict[str, float]]], load_before: tuple[float, float, float]) -> None:
    load_after = os.getloadavg()
    print()
    loads = f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}"
    rounds = f"{ROUNDS} rounds, each step right after the bare view"
    print(f"{os.cpu_count()} CPUs; {loads}; wrk -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s; {rounds}")
    # Medians over the rounds; a share is the step's throughput over the bare view's just before it,
    # and by CPU the bare view's gunicorn CPU a request over the step's (what the share would be if
    # gunicorn alone used the cores). The range is the rounds' lowest and highest share.
    print(
        "| request | req/s | p50 | p99 | errors | share of the bare view (range) | share by CPU"
        " | server CPU a request |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, runs in results.items():
        rps = median([run["rps"] for run in runs])
        p50 = median([run["p50_ms"] for run in runs])
        p99 = median([run["p99_ms"] for run in runs])
        errors = sum(int(run["errors"]) for run in runs)
        cpu = median([run["cpu_ms"] for run in runs])
        share = by_cpu = "100%" if label == BARE else ""
        if "share" in runs[0]:
            shares = [100 * run["share"] for run in runs]
            share = f"{median(shares):.0f}% ({min(shares):.0f}-{max(shares):.0f}%)"
            by_cpu = f"{median([100 * run['cpu_share'] for run in runs]):.0f}%"
        name = f"{label} (before each step)" if label == BARE else label
        print(f"| {name} | {rps:,.0f} | {p50:.0f} ms | {p99:.0f} ms | {errors} | {share} | {by_cpu} | {cpu:.2f} ms |")
    # Little's law: with every connection always waiting on an answer, a request's mean time is the
    # connections over the throughput, wherever the server spends it. The tail sits a steady ratio
    # above it, so the p99 target is a throughput target: this one (README, 'Speed').
    tails = [run["p99_ms"] / run["p50_ms"] for runs in results.values() for run in runs if run["p50_ms"]]
    ratio = median(tails) if tails else 1.0
    needed = CONNECTIONS * 1000 / P99_TARGET_MS * ratio
    print(
        f"p99 over p50 here: {ratio:.2f} (median of every measurement); p99 under {P99_TARGET_MS} ms at"
        f" {CONNECTIONS} connections needs about {needed:,.0f} req/s"
    )


if __name__ == "__main__":
    sys.exit(main())
