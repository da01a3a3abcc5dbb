"""Settings for `make bench-load` only: production settings plus the bench's two ceiling views.

The ceilings live in bench/urls.py, selected here; kesco_lookup.urls never has them (a test checks).
"""

from kesco_lookup.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
