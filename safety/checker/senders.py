"""SMS sender IDs (VM-UPPCLT): read only where an SMS app puts them, and judged against the registry."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from safety.checker.findings import Finding, ItemKind
from safety.checker.registry import Registry
from safety.checker.text import clean

# The header an SMS shows: two letters for the operator and region, a dash, six characters,
# sometimes a -S/-T/-P/-G suffix for the message type (VM-UPPCLT, AD-UPPCLA-S).
_SENDER_HEADER_RE = re.compile(r"[A-Z]{2}-([A-Z0-9]{6})(?:-[SPTG])?(?![\w@-]|\.\w)")
_BARE_SENDER_RE = re.compile(r"(?:[a-z]{2}-)?([a-z0-9]{6})(?:-[sptg])?", re.I)
# Some phones paste the sender without its operator prefix, in capitals, before a colon or a dash:
# "UPPCLT: Your bill...", "UPPCLA - ...". Case-sensitive, so an ordinary "Please: ..." is no sender.
_LEADING_SENDER_RE = re.compile(r"([A-Z0-9]{6})(?:-[SPTG])?[ \t]*(?::|-[ \t]|\n)")
# Capital words that open a message as a heading rather than name its sender.
_HEADINGS = frozenset({"NOTICE", "UPDATE", "URGENT", "PLEASE", "REMIND"})


def extract_sender_ids(text: str, *, allow_bare: bool = True) -> list[str]:
    """The sender ID of a pasted SMS: its header at the very start (VM-UPPCLT, or UPPCLT: before the
    text), where an SMS app pastes it, or an ID alone.

    Anywhere else anyone could have typed it (docs/safety.md, "Known limits").
    """
    text = clean(text).strip()
    alone = _BARE_SENDER_RE.fullmatch(text) if allow_bare else None
    # Pasted alone, a six-character ID counts in any case; with a message only a header does.
    if alone and not alone.group(1).isdigit():
        return [alone.group(1).upper()]
    header = _SENDER_HEADER_RE.match(text) or _LEADING_SENDER_RE.match(text)
    if not header or header.group(1).isdigit() or header.group(1) in _HEADINGS:
        return []
    return [header.group(1)]


def judge_sender(sender_id: str, registry: Registry) -> Finding:
    if sender_id in registry.sender_ids:
        return Finding(
            ItemKind.SENDER_ID, sender_id, True, _("An official KESCO SMS sender ID."),
            is_demo=registry.sender_ids[sender_id],
        )  # fmt: skip
    return Finding(ItemKind.SENDER_ID, sender_id, False, _("This SMS sender ID is not one of KESCO's."))
