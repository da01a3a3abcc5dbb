"""Settings for `make bench-load` only: production settings plus the bench's two ceiling views.

The ceilings live in bench/urls.py, selected here; kesco_lookup.urls never has them (a test checks).
"""

import os

from kesco_lookup.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# Before/after measurements of kesco_lookup/cache.py: BENCH_PLAIN_REDIS_CACHE=1 runs Django's own backend.
if os.environ.get("BENCH_PLAIN_REDIS_CACHE") == "1":
    CACHES["default"]["BACKEND"] = "django.core.cache.backends.redis.RedisCache"  # noqa: F405
