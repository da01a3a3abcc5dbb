"""Site-wide rate limiting: the client's address, and named rules counted in sliding windows.

Rules are named in settings.RATE_LIMITS ("count/period": 5/h, 10/m, 100/d); each app's own limits
module picks the ones its pages count. Each rule's window is cut into 60 buckets in the cache, and a
check sums the buckets that overlap the last period, so no window edge lets a burst through: never
more than the stated count in any period, wherever it starts. A cache that cannot count raises
LimiterUnavailable, and the page closes (503). Why: README, 'Rate limits'.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache as memoise
from functools import cached_property

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest

from kesco_lookup import limiter_redis
from kesco_lookup.metrics import limiter_refusal_record

logger = logging.getLogger(__name__)

# A window is summed from this many buckets (and the one it is part-way into): a hour's in minutes,
# a day's in 24-minute buckets. Counting the oldest overlapping bucket whole keeps the cap exact;
# the price is a wait up to one bucket longer than strictly needed.
BUCKETS_PER_WINDOW = 60
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# IPv6 clients each get a /64 (one household's or phone's prefix), as django-ratelimit did.
IPV6_PREFIX = 64


class LimiterUnavailable(Exception):
    """The rate-limit store (the cache) did not answer."""


@dataclass(frozen=True)
class Limited:
    retry_after_seconds: int

    @property
    def retry_after_minutes(self) -> int:
        return max(1, math.ceil(self.retry_after_seconds / 60))


def _now() -> float:
    """The limiter's clock; tests move it (tests/conftest.py freezes it for every test)."""
    return time.time()


def _unwrapped(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    # A server listening on IPv6 sees IPv4 clients as ::ffff:a.b.c.d: they are IPv4 clients.
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


@memoise
def _trusted_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    networks = []
    for entry in settings.TRUSTED_PROXIES:
        network = ipaddress.ip_network(entry, strict=False)
        if isinstance(network, ipaddress.IPv6Network) and network.network_address.ipv4_mapped is not None:
            # Written as ::ffff:10.0.0.5: the proxy is matched as the IPv4 address it is.
            mapped = network.network_address.ipv4_mapped
            network = ipaddress.ip_network(f"{mapped}/{max(0, network.prefixlen - 96)}", strict=False)
        networks.append(network)
    return tuple(networks)


def is_trusted_proxy(address: str) -> bool:
    """Whether a peer address is one of TRUSTED_PROXIES (then its forwarded headers are believed)."""
    ip = _unwrapped(address)
    return ip is not None and any(ip.version == network.version and ip in network for network in _trusted_networks())


def _remote(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    ip = _unwrapped(remote)
    return str(ip) if ip is not None else remote


def client_ip(request: HttpRequest) -> str:
    """The address a request came from (IPv4-mapped IPv6 unwrapped).

    REMOTE_ADDR, unless the peer is in TRUSTED_PROXIES: then X-Forwarded-For, read from the right,
    skipping our own proxies. Worked out once a request: a lookup asks for it several times.
    """
    if (known := request.__dict__.get("_kesco_client_ip")) is None:
        known = request.__dict__["_kesco_client_ip"] = _client_ip(request)
    return known


def _client_ip(request: HttpRequest) -> str:
    remote = _remote(request)
    if not is_trusted_proxy(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if is_trusted_proxy(hop):
            continue
        ip = _unwrapped(hop)
        # A garbled hop means the chain cannot be trusted beyond our proxy.
        return str(ip) if ip is not None else remote
    return remote


def address_key(request: HttpRequest) -> str:
    """The client's address as counted: itself for IPv4, its /64 for IPv6."""
    address = client_ip(request)
    ip = _unwrapped(address)
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return address


@memoise
def _hmac_key(salt: str, secret: str) -> bytes:
    return hashlib.sha256((salt + secret).encode()).digest()


def keyed_digest(salt: str, value: str) -> str:
    """salted_hmac(salt, value, algorithm="sha256").hexdigest(), with its key (a hash of the salt and
    the secret) worked out once per salt rather than on every call: several a lookup."""
    return hmac.new(_hmac_key(salt, settings.SECRET_KEY), value.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class _Rate:
    count: int
    period: int

    @cached_property
    def bucket_seconds(self) -> int:
        return max(1, self.period // BUCKETS_PER_WINDOW)

    @cached_property
    def buckets(self) -> int:
        # The whole buckets of a period, plus the one the window's start falls into.
        return math.ceil(self.period / self.bucket_seconds) + 1


@memoise  # a handful of rates, read several times a lookup
def _rate_of(text: str) -> _Rate:
    count, _slash, period = text.partition("/")  # "5/h", "100/d", "3/2m"
    return _Rate(int(count), int(period[:-1] or "1") * _PERIODS[period[-1]])


def limits_store():  # type: ignore[no-untyped-def]
    """The cache the limits count in (RATELIMIT_USE_CACHE): Redis in production, diskcache in development."""
    return caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]


Key = str | Callable[[HttpRequest], str]


@dataclass
class _Window:
    rule: str
    rate: _Rate
    first_bucket: int
    stem: str  # a bucket's key is the stem and the bucket's number
    counts: list[int]

    @property
    def current_bucket(self) -> int:
        return self.first_bucket + self.rate.buckets - 1

    @property
    def keys(self) -> list[str]:
        return [f"{self.stem}{bucket}" for bucket in range(self.first_bucket, self.current_bucket + 1)]

    @property
    def total(self) -> int:
        return sum(self.counts)

    def seconds_until_below(self, limit: int, now: float) -> int:
        """How long until fewer than `limit` are counted: the honest wait, rounded up."""
        running = self.total
        for offset, count in enumerate(self.counts):
            if running < limit:
                break
            running -= count
            if running < limit:
                leaves_at = (self.first_bucket + offset + self.rate.buckets) * self.rate.bucket_seconds
                return max(1, math.ceil(leaves_at - now))
        return 0 if self.total < limit else self.rate.period


def _windows(request: HttpRequest, rules: tuple[str, ...], key: Key, now: float) -> list[_Window]:
    value = address_key(request) if key == "ip" else key(request) if callable(key) else key
    windows = []
    for rule in rules:
        rate = _rate_of(settings.RATE_LIMITS[rule])
        current = int(now // rate.bucket_seconds)
        first = current - rate.buckets + 1
        # Keyed with the secret: the cache holds neither addresses nor numbers, nor plain hashes of them.
        digest = keyed_digest("kesco_lookup.limits", f"{rule}|{value}")[:32]
        windows.append(_Window(rule, rate, first, f"rl:{rule}:{digest}:", [0] * (current - first + 1)))
    return windows


def _read(store, windows: list[_Window]) -> None:  # type: ignore[no-untyped-def]
    stored = store.get_many([key for window in windows for key in window.keys])
    for window in windows:
        window.counts = [int(stored.get(key, 0)) for key in window.keys]


def _count(store, window: _Window, delta: int) -> None:  # type: ignore[no-untyped-def]
    current = window.keys[-1]
    # Most counts land in a bucket that exists: one increment. A new bucket is added with the count;
    # if another request added it meanwhile, increment that. A ValueError that survives both means
    # the key keeps vanishing (evicted): nothing was counted, and the caller closes.
    try:
        store.incr(current, delta)
    except ValueError:
        if not store.add(current, delta, window.rate.period + window.rate.bucket_seconds):
            store.incr(current, delta)


@dataclass(frozen=True)
class Standing:
    """Where a key stands under its rules: how many more it may spend, and the wait if it spends them."""

    left: int
    pause_seconds: int


def _standing(windows: list[_Window], now: float) -> Standing:
    left = min(max(0, w.rate.count - w.total) for w in windows)
    # Were every try left spent now, the wait before the next: what the last-try warning announces.
    pause = 0
    for window in windows:
        window.counts[-1] += left
        if window.total >= window.rate.count:
            pause = max(pause, window.seconds_until_below(window.rate.count, now))
        window.counts[-1] -= left
    return Standing(left=left, pause_seconds=pause)


# How a step of a run counts. COUNT: counts the request, and refuses it once over a limit, keeping
# nothing of it (the wait it is told is the wait there is). PEEK: refuses once a limit is reached,
# counting nothing (it guards an attempt not counted yet). SPEND: counts a fact, never refuses.
COUNT, PEEK, SPEND = "count", "peek", "spend"


@dataclass(frozen=True)
class Rules:
    """A step of a run: named rules counted, the way `kind` says, under one key ("ip": the address)."""

    rules: tuple[str, ...]
    key: Key
    kind: str = COUNT


@dataclass(frozen=True)
class Take:
    """A step of a run: hold `key` (one holder at a time) for at most `seconds`, or stop as busy."""

    key: str
    seconds: int
    kind = "take"


@dataclass(frozen=True)
class Free:
    """A step of a run: let go of `key`, held by a Take."""

    key: str
    kind = "free"


Step = Rules | Take | Free


@dataclass
class Reached:
    """How far a store got through a run's steps, and which of them refused (or found a Take held)."""

    steps_done: int = 0
    refused: set[int] = field(default_factory=set)
    counted: bool = False


@dataclass
class Run:
    """A run's outcome: its refusal (the longest wait of the rules over), whether a Take found its key
    held, and where each SPEND step's key then stands (None for the other steps)."""

    limited: Limited | None = None
    busy: bool = False
    standings: list[Standing | None] = field(default_factory=list)
    counted: bool = False  # the refusal was counted under `refusal_counter`


def limits_run(request: HttpRequest, steps: list[Step], *, refusal_counter: tuple[str, int] | None = None) -> Run:
    """Run the steps in order: on Redis in one round trip (kesco_lookup/limiter_redis.py).

    A COUNT step over a limit stops the run; consecutive PEEK steps are all read and any at a limit
    refuses; a Take that finds its key held stops the run as busy. A refused run lets go of what its
    Take took, and on Redis adds one to `refusal_counter` (a cache key and its lifetime) if given
    (`run.counted`). Raises LimiterUnavailable when the cache does not answer: the caller closes.
    """
    run = Run(standings=[None] * len(steps))
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return run
    now = _now()
    plan = [_windows(request, step.rules, step.key, now) if isinstance(step, Rules) else [] for step in steps]
    store = limits_store()
    try:
        if isinstance(store, RedisCache):
            reached = Reached(*limiter_redis.run(store, steps, plan, refusal_counter))
        else:
            reached = _run_in_cache(store, steps, plan)
    except Exception as error:  # any cache failure: connection refused, timeout, disk error, eviction
        logger.warning("rate-limit store unavailable: %s", type(error).__name__)
        raise LimiterUnavailable from error
    refusals = []
    for index in range(reached.steps_done):
        step, windows = steps[index], plan[index]
        if isinstance(step, Take):
            run.busy = index in reached.refused
        elif isinstance(step, Rules) and step.kind == SPEND:
            run.standings[index] = _standing(windows, now)
        elif index in reached.refused:
            # A refused COUNT was taken back: the rules over are those at their limit, as for a PEEK.
            for window in windows:
                if window.total >= window.rate.count:
                    limiter_refusal_record(rule=window.rule)
            refusals.append(max(w.seconds_until_below(w.rate.count, now) for w in windows))
    if refusals:
        run.limited = Limited(retry_after_seconds=max(refusals))
        run.counted = reached.counted
    return run


def _run_in_cache(store, steps: list[Step], plan: list[list[_Window]]) -> Reached:  # type: ignore[no-untyped-def]
    """limits_run's steps through Django's cache API, for any cache but Redis (the disk cache)."""
    reached, taken, peeked_over = Reached(), None, False
    for index, (step, windows) in enumerate(zip(steps, plan, strict=True)):
        if peeked_over and not (isinstance(step, Rules) and step.kind == PEEK):
            break
        reached.steps_done = index + 1
        if isinstance(step, Take):
            if not store.add(step.key, 1, step.seconds):
                reached.refused.add(index)
                return reached
            taken = step.key
        elif isinstance(step, Free):
            store.delete(step.key)
        else:
            if step.kind != PEEK:
                for window in windows:
                    _count(store, window, 1)
            _read(store, windows)
            if step.kind == COUNT and any(w.total > w.rate.count for w in windows):
                for window in windows:
                    store.decr(window.keys[-1])
                    window.counts[-1] -= 1
                reached.refused.add(index)
                break
            if step.kind == PEEK and any(w.total >= w.rate.count for w in windows):
                reached.refused.add(index)
                peeked_over = True
    if reached.refused and taken:
        store.delete(taken)
    return reached


def rules_check(
    request: HttpRequest, rules: tuple[str, ...], key: Key = "ip", *, increment: bool = True
) -> Limited | None:
    """Check (and by default count) a request under named rules; the longest wait if over any.

    A counted request that is over a limit is not kept: refused requests spend nothing.
    """
    return limits_run(request, [Rules(rules, key, COUNT if increment else PEEK)]).limited
