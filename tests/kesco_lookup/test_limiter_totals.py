"""The Redis limiter's running totals (kesco_lookup/limiter_redis.py): each window's total is kept
beside its buckets, so a check reads a key or two instead of summing 61. These hold it to the buckets
themselves: the same decisions and waits as the disk cache, which sums every bucket on every check;
exact under clocks a little apart; and right again within a window after a bucket is lost."""

from __future__ import annotations

import random

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory

from kesco_lookup import limiter_redis, limits
from kesco_lookup.limits import COUNT, PEEK, SPEND, Rules, limits_run

pytestmark = pytest.mark.redis

HOUR = 3600
RULES = ("test_minute", "test_hour", "test_day")


@pytest.fixture
def redis_store(settings):
    if not isinstance(caches["default"], RedisCache):
        pytest.skip("the running totals are the Redis limiter's (REDIS_URL)")
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "test_minute": "4/m", "test_hour": "9/h", "test_day": "20/d"}
    return caches["default"]


def _decisions(clock, seed: int) -> list[tuple]:
    """A random afternoon of counts, peeks and spends from two addresses: what each step answered."""
    rng = random.Random(seed)
    requests = [RequestFactory().get("/", REMOTE_ADDR=f"192.0.2.{n}") for n in (1, 2)]
    clock.now = 1_800_000_000.0
    answers = []
    for _ in range(300):
        clock.now += rng.choice([0, 0.5, 3, 20, 70, 400, 1500, 5000])
        mode = rng.choice([COUNT, COUNT, PEEK, SPEND])
        run = limits_run(rng.choice(requests), [Rules(RULES, "ip", mode)])
        standing = run.standings[0]
        answers.append((mode, run.limited, standing))
    return answers


def test_it_decides_and_waits_exactly_as_the_disk_cache_that_sums_every_bucket(redis_store, clock, settings, tmp_path):
    on_redis = _decisions(clock, seed=5)
    settings.CACHES = {
        **settings.CACHES,
        "limits-disk": {"BACKEND": "diskcache.DjangoCache", "LOCATION": str(tmp_path / "limits")},
    }
    settings.RATELIMIT_USE_CACHE = "limits-disk"
    on_disk = _decisions(clock, seed=5)

    assert on_redis == on_disk
    assert any(limited for _mode, limited, _standing in on_redis), "the afternoon must reach the limits"
    assert any(limited is None for mode, limited, _standing in on_redis if mode == COUNT)


def _view(clock, offset: float, request, rule: str) -> tuple[int, int]:
    """Spend one under `rule` on a node whose clock is `offset` seconds off: the limiter's total then,
    and the buckets' own sum from the window's start on (other nodes may have counted ahead of it)."""
    clock.now += offset
    try:
        run = limits_run(request, [Rules((rule,), "ip", SPEND)])
        window = limits._windows(request, (rule,), "ip", clock.now)[0]
    finally:
        clock.now -= offset
    keys = [f"{window.stem}{bucket}" for bucket in range(window.first_bucket, window.current_bucket + 10)]
    brute = sum(int(value) for value in caches["default"].get_many(keys).values())
    return window.rate.count - run.standings[0].left, brute


def test_it_counts_exactly_with_web_nodes_whose_clocks_are_a_little_apart(redis_store, clock, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "test_hour": "100000/h"}
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.9")
    rng = random.Random(3)
    for _ in range(400):
        clock.now += rng.choice([1, 15, 45, 200])
        # Three nodes: one on time, one 50 s ahead, one 50 s behind: up to two buckets apart, what the
        # limiter allows for (limiter_redis.AHEAD; NTP keeps real nodes within milliseconds).
        total, brute = _view(clock, rng.choice([0, 50, -50]), request, "test_hour")
        assert total == brute


def test_a_lost_bucket_skews_the_total_for_at_most_one_window(redis_store, clock, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "test_hour": "100000/h"}
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.10")
    for _ in range(6):
        _view(clock, 0, request, "test_hour")
        clock.now += 120
    window = limits._windows(request, ("test_hour",), "ip", clock.now)[0]
    redis_store.delete(f"{window.stem}{window.current_bucket - 2}")  # evicted, say
    total, brute = _view(clock, 0, request, "test_hour")
    assert total == brute + 1  # the total still holds the lost count

    # Busy all along (the total never expires): summed afresh once a window after it was last summed.
    for _ in range(13):
        clock.now += 300
        total, brute = _view(clock, 0, request, "test_hour")
    assert total == brute


def test_a_total_outlives_its_window_and_its_buckets_outlive_the_total(redis_store, clock, settings):
    # A missing total then means nothing was counted in the window: a number never looked up is
    # read, never summed. That needs every total to outlast the buckets it could still hold.
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.11")
    _view(clock, 0, request, "test_hour")
    window = limits._windows(request, ("test_hour",), "ip", clock.now)[0]
    client = redis_store._cache.get_client()
    total_ttl = client.ttl(redis_store.make_key(f"{window.stem}s"))
    bucket_ttl = client.ttl(redis_store.make_key(f"{window.stem}{window.current_bucket}"))
    slack = limiter_redis.AHEAD_BUCKETS * window.rate.bucket_seconds

    assert total_ttl >= window.rate.period + window.rate.bucket_seconds + slack - 1
    assert bucket_ttl >= 2 * total_ttl


def test_a_peek_at_a_number_never_counted_writes_nothing(redis_store, clock):
    client = redis_store._cache.get_client()
    before = set(client.keys("*"))
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.12")

    assert limits_run(request, [Rules(RULES, "ip", PEEK)]).limited is None
    assert set(client.keys("*")) == before
