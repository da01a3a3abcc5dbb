"""The production stack as it runs: `make serve` from the repository, and gunicorn with persistent
connections across a PostgreSQL restart (a throwaway cluster of the test's own, never the shared one).
"""

from __future__ import annotations

import glob
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.helpers import ramesh, service_missing

REPO = Path(__file__).resolve().parents[2]
LOOKUP = json.dumps({"old_account_number": "12345678", "mobile_last4": "4321"}).encode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _request(url: str, data: bytes | None = None) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"} if data is not None else {}
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310  (our own http:// server)
    try:
        with urllib.request.urlopen(request, timeout=15) as answer:  # noqa: S310
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _wait_ready(base: str, process: subprocess.Popen, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server stopped before it was ready"
        try:
            if _request(f"{base}/readyz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{base}/readyz did not answer 200 within {timeout} s")


def _stop(process: subprocess.Popen, sig: int = signal.SIGINT) -> int:
    """Ctrl-C to the whole process group, as a terminal sends it; kill what is left after 30 s."""
    try:
        os.killpg(process.pid, sig)
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        raise AssertionError("did not stop within 30 s of Ctrl-C") from None
    except ProcessLookupError:
        return process.wait(timeout=10)


def _group_gone(pgid: int, *, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def _database_url(**changes: str) -> str:
    database = {**connection.settings_dict, **changes}
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def _production_env(**extra: str) -> dict[str, str]:
    if not (settings.REDIS_URL and settings.CELERY_BROKER_URL):
        service_missing("needs REDIS_URL and CELERY_BROKER_URL: the production stack runs on them")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kesco_lookup.settings",
        "DJANGO_SECRET_KEY": "test-only-secret-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://lookup.example",
        "SECURE_SSL_REDIRECT": "0",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "WEB_WORKERS": "2",
        "LOG_FORMAT": "plain",
        # Counted, never refusing: the test makes more lookups than a consumer may.
        "RATE_LOOKUP_PER_IP_MINUTE": "1000/m",
        "RATE_LOOKUP_FAILURES_PER_ACCOUNT_HOUR": "1000/h",
        "RATE_LOOKUP_FAILURES_PER_ACCOUNT_DAY": "1000/d",
        "RATE_LOOKUP_FAILURES_PER_ACCOUNT_ADDRESS_HOUR": "1000/h",
        "RATE_LOOKUP_FAILURES_PER_ACCOUNT_ADDRESS_DAY": "1000/d",
        **extra,
    }
    # Set by the browser tests in this process; `check --deploy` rightly refuses to serve with it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_make_serve_runs_the_production_stack_until_ctrl_c(tmp_path) -> None:
    ramesh()  # committed: the server's own connections see it
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    output = tmp_path / "serve.log"
    env = _production_env(DATABASE_URL=_database_url(), WEB_BIND=f"127.0.0.1:{port}", KESCO_ENV="development")
    with output.open("wb") as log:
        serve = subprocess.Popen(
            ["make", "serve"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            try:
                _wait_ready(base, serve, timeout=120)
            except AssertionError as error:
                raise AssertionError(f"{error}\n{output.read_text(errors='replace')[-4000:]}") from None
            status, body = _request(f"{base}/api/v1/lookup", LOOKUP)
            assert (status, json.loads(body)["new_account_number"]) == (200, "9912345678")
            status, page = _request(f"{base}/?campaign=personal-query-value")
            assert status == 200
            assert b'href="/static/css/site.' in page and b"site.css" not in page  # collectstatic's hashed names
            # The worker and beat start beside the web server, not before it answers: wait for their lines.
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not all(
                started in output.read_text(errors="replace") for started in ("celery@", "beat: Starting")
            ):
                time.sleep(0.5)
        finally:
            exit_code = _stop(serve)
    written = output.read_text(errors="replace")
    assert _group_gone(serve.pid), written[-3000:]
    assert exit_code is not None
    # honcho ran all three, under KESCO_ENV=production (make's, over the caller's development).
    for started in ("web.1", "worker.1", "beat.1", "celery@", "beat: Starting"):
        assert started in written, started
    assert "warmed before forking: " in written  # gunicorn.conf.py's when_ready (kesco_lookup/warm.py)
    assert "POST '/api/v1/lookup' 200" in written
    assert "GET '/' 200" in written
    assert "readyz" not in written  # the probes that succeeded are not logged
    assert "personal-query-value" not in written  # nor any query string
    assert "12345678" not in written


def test_make_serve_names_every_missing_variable_before_starting_anything() -> None:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "CACHE_URL"}}
    env.pop("DJANGO_SECRET_KEY", None)
    done = subprocess.run(["make", "serve"], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY" in done.stderr and "DATABASE_URL" in done.stderr and "REDIS_URL" in done.stderr
    assert "collectstatic" not in done.stdout + done.stderr


# --- A PostgreSQL restart -----------------------------------------------------------------------------


def _postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        service_missing(f"needs PostgreSQL's {name} (/usr/lib/postgresql/*/bin)")
    return found[-1]


def _as_postgres(*command: str) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True, timeout=90)


@pytest.fixture
def throwaway_cluster() -> Iterator[tuple[str, int]]:
    """A PostgreSQL cluster of this test's own on a free port: (its data directory, its port)."""
    try:
        subprocess.run(["id", "postgres"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        service_missing("needs the postgres OS user to run a cluster of its own")
    home = tempfile.mkdtemp(prefix="kesco-restart-")
    os.chmod(home, 0o755)  # noqa: S103  (the postgres user must reach the data directory inside)
    data_dir = f"{home}/data"
    port = _free_port()
    subprocess.run(["install", "-d", "-m", "700", "-o", "postgres", "-g", "postgres", data_dir], check=True)
    _as_postgres(_postgres_bin("initdb"), "-D", data_dir, "-A", "trust", "-U", "postgres", "--no-sync")
    options = f"-p {port} -k {data_dir} -c listen_addresses=127.0.0.1 -c shared_buffers=16MB -c fsync=off"
    start = [_postgres_bin("pg_ctl"), "-D", data_dir, "-o", options, "-l", f"{data_dir}/log", "-w", "-t", "60"]
    _as_postgres(*start, "start")
    try:
        yield data_dir, port
    finally:
        subprocess.run(["runuser", "-u", "postgres", "--", start[0], "-D", data_dir, "-m", "immediate", "stop"])
        subprocess.run(["rm", "-rf", home], check=False)


@pytest.mark.postgres
@pytest.mark.redis
def test_after_postgresql_restarts_no_request_fails_and_while_it_is_down_consumers_get_the_503_page(
    throwaway_cluster, tmp_path
) -> None:
    data_dir, db_port = throwaway_cluster
    database_url = f"postgres://postgres@127.0.0.1:{db_port}/postgres"
    web_port = _free_port()
    base = f"http://127.0.0.1:{web_port}"
    env = _production_env(DATABASE_URL=database_url, WEB_BIND=f"127.0.0.1:{web_port}", KESCO_ENV="production")
    env["DB_CONN_MAX_AGE"] = "600"  # persistent: each worker keeps the connection the restart breaks
    for prepare in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):  # as a deploy does
        subprocess.run(
            [str(REPO / ".venv/bin/python"), "manage.py", *prepare],
            cwd=REPO, env=env, check=True, capture_output=True, timeout=180,
        )  # fmt: skip
    pg_ctl = _postgres_bin("pg_ctl")
    output = tmp_path / "gunicorn.log"
    with output.open("wb") as log:
        server = subprocess.Popen(
            [str(REPO / ".venv/bin/gunicorn"), "kesco_lookup.wsgi:application"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            _wait_ready(base, server, timeout=60)
            # Every worker and thread holds a connection before the restart.
            assert {_request(f"{base}/api/v1/lookup", LOOKUP)[0] for _ in range(12)} == {404}

            options = f"-p {db_port} -k {data_dir} -c listen_addresses=127.0.0.1 -c shared_buffers=16MB -c fsync=off"
            start = [pg_ctl, "-D", data_dir, "-o", options, "-l", f"{data_dir}/log", "-w", "-t", "60", "start"]

            # A restart between two requests: every kept connection is dead, and nothing noticed yet.
            _as_postgres(pg_ctl, "-D", data_dir, "-m", "fast", "-w", "stop")
            _as_postgres(*start)
            answers = [_request(f"{base}/api/v1/lookup", LOOKUP)[0] for _ in range(12)]
            assert set(answers) == {404}, answers

            # Down for a while: the wait page, not an error; then back.
            _as_postgres(pg_ctl, "-D", data_dir, "-m", "fast", "-w", "stop")
            status, page = _request(f"{base}/")
            assert (status, b"<html" in page, b"tel:1912" in page) == (503, True, True), page[:300]
            assert _request(f"{base}/api/v1/lookup", LOOKUP) == (503, b'{"error": "unavailable"}')
            status, ready = _request(f"{base}/readyz")
            assert (status, json.loads(ready)["database"]) == (503, "down")

            _as_postgres(*start)
            answers = [_request(f"{base}/api/v1/lookup", LOOKUP)[0] for _ in range(12)]
            answers += [_request(f"{base}/")[0] for _ in range(8)]
            assert set(answers) <= {200, 404}, answers
        finally:
            _stop(server, signal.SIGTERM)
    assert " 500 " not in output.read_text(errors="replace")
