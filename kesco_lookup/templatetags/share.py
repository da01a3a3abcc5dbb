"""``{% share_official_link %}``: the "Share the official link" block on the home page and every answer.

README, 'Sharing the official link'. The tag takes no context on purpose: nothing a consumer typed or
was shown (numbers, a name, a message) can reach the prewritten message or its links.
"""

from __future__ import annotations

from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from kesco_lookup.addresses import absolute

register = template.Library()


def share_message() -> str:
    """The prewritten message, in the active language: the official address and where to check a message."""
    # Always the configured address (absolute), never the request's host, which a proxy or a copy sets.
    address = absolute(reverse("accounts:home"))
    check_address = absolute(reverse("safety:check"))
    return "\n".join(
        (
            _("Find your new KESCO account number on the official site: %(address)s") % {"address": address},
            _("KESCO never asks for payment on WhatsApp or by phone; check any message at %(check_address)s")
            % {"check_address": check_address},
        )
    )


@register.inclusion_tag("_share.html")
def share_official_link() -> dict[str, str]:
    message = share_message()
    return {
        "address": absolute(reverse("accounts:home")),
        "whatsapp_url": "https://wa.me/?text=" + quote(message, safe=""),
        # "?&body=" is read by Android's and iOS's messaging apps alike.
        "sms_url": "sms:?&body=" + quote(message, safe=""),
    }
