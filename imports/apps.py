from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Mapping imports")

    def ready(self) -> None:
        from imports import (
            checks,  # noqa: F401  (registers the system check)
            signals,  # noqa: F401  (deleting a batch deletes its files)
        )
        from imports.metrics import import_batches_by_status
        from kesco_lookup.metrics import scrape_collector_register

        scrape_collector_register(import_batches_by_status)
