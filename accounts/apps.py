from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Account numbers")

    def ready(self) -> None:
        from django.core import checks

        from kesco_lookup.deploy_checks import redis_keeps_every_key

        checks.register(redis_keeps_every_key, checks.Tags.caches, deploy=True)
