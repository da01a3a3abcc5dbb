"""Settings for the KESCO account lookup, a module per job.

Everything that differs between a laptop and production comes from the environment, read through
the small helpers in ``kesco_lookup.env`` that raise ImproperlyConfigured on a bad value. With no
environment at all the site runs on SQLite, a disk cache shared between processes and Celery in
eager mode, so ``make run`` needs no services.
"""

from kesco_lookup.settings.core import *  # noqa: F403  (environment, apps, middleware, languages, static)
from kesco_lookup.settings.imports import *  # noqa: F403  (the importer: database work, retention, bomb limits)
from kesco_lookup.settings.inputs import *  # noqa: F403  (rate limits, sizes of what the site accepts)
from kesco_lookup.settings.security import *  # noqa: F403  (headers, cookies, logging)
from kesco_lookup.settings.services import *  # noqa: F403  (database, cache, Celery)
from kesco_lookup.settings.staff import *  # noqa: F403  (staff sign-in)
