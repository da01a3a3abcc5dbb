"""The official registry as the checker sees it: a snapshot passed in, so the checker needs no database."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Registry:
    """What is official, normalised for comparison. Values map to True when they are demo data."""

    domains: dict[str, bool] = field(default_factory=dict)  # registered domains: "kesco.co.in"
    apps: dict[tuple[str, str], bool] = field(default_factory=dict)  # (store host, app id)
    phones: dict[str, bool] = field(default_factory=dict)  # E.164 "+915122345678" or short code "1912"
    upi_ids: dict[str, bool] = field(default_factory=dict)  # lower case "kesco@sbi"
    sender_ids: dict[str, bool] = field(default_factory=dict)  # upper case "UPPCLT"
