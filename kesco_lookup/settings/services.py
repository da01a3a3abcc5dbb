"""The services the site talks to: the database, the cache (also the rate-limit counters), Celery."""

from __future__ import annotations

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from kesco_lookup.env import env_int, env_str
from kesco_lookup.settings.core import BASE_DIR, PRODUCTION

# --- Database -------------------------------------------------------------------------------------
# DATABASE_URL switches on PostgreSQL (postgres://user@host:5432/name); unset means SQLite.
DATABASE_URL = env_str("DATABASE_URL", required=PRODUCTION)
# Persistent connections, checked before each request reuses one: after PostgreSQL restarts, a
# worker's stale connection is replaced instead of failing its next request with a 500.
_CONN = {"conn_max_age": env_int("DB_CONN_MAX_AGE", 60), "conn_health_checks": True}
# A database that does not answer fails in seconds (the 503 page, /readyz), not after the OS's minutes.
_CONNECT_TIMEOUT = env_int("DB_CONNECT_TIMEOUT", 2, minimum=1)


def _database(url: str, connect_timeout: int, **options: object) -> dict:
    database = dj_database_url.parse(url, **_CONN, **options)
    # libpq's option: SQLite (a sqlite:/// URL, as the benches use) has no server to wait for.
    if database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("OPTIONS", {}).setdefault("connect_timeout", connect_timeout)
    return database


if DATABASE_URL:
    DATABASES = {"default": _database(DATABASE_URL, _CONNECT_TIMEOUT)}
    # The lookup's one read may go to a streaming replica (kesco_lookup/replica.py); everything else
    # stays on the primary. Tests see it as the primary itself (a test mirror).
    if DATABASE_REPLICA_URL := env_str("DATABASE_REPLICA_URL"):
        DATABASES["replica"] = _database(DATABASE_REPLICA_URL, 1, test_options={"MIRROR": "default"})
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            # SQLite waits for a busy writer instead of failing at once (runserver + a shell, say).
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (also the rate-limit counters) ---------------------------------------------------------
# REDIS_URL (or CACHE_URL) switches on Redis. Without it, a disk cache: shared by every process on
# the machine and atomic on increment, which the rate limiter needs (LocMem and the database cache
# are neither).
REDIS_URL = env_str("REDIS_URL") or env_str("CACHE_URL")
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL must be set (or CACHE_URL) when KESCO_ENV=production.")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, reusing one redis-py client per pool (kesco_lookup/cache.py).
            "BACKEND": "kesco_lookup.cache.ReusedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "kesco"),
            # Fail fast when Redis is down: the lookup then answers 503 (see kesco_lookup/limits.py).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "diskcache.DjangoCache",
            "LOCATION": env_str("DISK_CACHE_DIR", str(BASE_DIR / ".cache" / "django")),
            "TIMEOUT": 300,
            # How long a call waits for SQLite's write lock. diskcache's default, 10 ms, made busy
            # moments fail: a get() then returns its default (a rate-limit peek would read 0) and a
            # failed count closes the lookup with a 503. A second is far longer than any write.
            "DATABASE_TIMEOUT": 1.0,
        }
    }
# django-ratelimit warns that Django's own Redis backend and diskcache are "not officially
# supported": both give the atomic add/incr it relies on (see kesco_lookup/limits.py).
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# --- Celery ---------------------------------------------------------------------------------------
# CELERY_BROKER_URL switches on a real worker. Without it tasks run in-process (eager), so the
# embedded default works with no broker.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", required=PRODUCTION)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
# A task is acknowledged only when it finishes, and redelivered if its worker dies (kill -9): the
# tasks are written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The worker keeps LOGGING above (its filters keep personal data out) instead of replacing the root
# logger's handlers with its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 30 * 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 35 * 60)
# Redis hands an unacknowledged task to another worker after the visibility timeout: it must outlast
# the longest task, or an import still running would be started a second time (docs/deploy.md).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 10 * 60}
# Long imports get a queue of their own, so they never hold up the short periodic tasks; a worker
# started without -Q takes both (make worker, the Procfile), a dedicated host `-Q imports`.
CELERY_TASK_QUEUES = (Queue("celery"), Queue("imports"))
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "imports.tasks.import_batch_validate_task": {"queue": "imports"},
    "imports.tasks.import_batch_apply_task": {"queue": "imports"},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Kolkata"
# Periodic work, for `celery -A kesco_lookup beat` (make beat): one beat process per deployment.
# The purge is safe to run twice and at any hour; 02:30 IST is when nobody is importing.
CELERY_BEAT_SCHEDULE = {
    "imports-files-purge": {
        "task": "imports.tasks.imports_files_purge_task",
        "schedule": crontab(hour=2, minute=30),
    },
    # Lookups are counted in the cache (accounts.usage) and carried into the database every 5 minutes:
    # the dashboard is at most that far behind for past days (today adds what is not yet carried).
    "lookup-usage-fold": {
        "task": "accounts.tasks.lookup_usage_fold_task",
        "schedule": 300.0,
        "options": {"expires": 300},
    },
    # Statistics, missing numbers, audit entries and closed reports' personal data past their period.
    "staff-retention-purge": {
        "task": "staff.tasks.retention_purge_task",
        "schedule": crontab(hour=2, minute=45),
    },
    # A batch left validating or applying by a dead worker is marked failed within a minute (its
    # page says so at once, without writing). Expires unsent to a worker after a minute: the next one
    # does the same.
    "imports-batches-fail-abandoned": {
        "task": "imports.tasks.imports_batches_fail_abandoned_task",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
}
