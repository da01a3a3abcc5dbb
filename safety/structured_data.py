"""The home page's schema.org JSON-LD: the service, and the official website and helpline behind it.

So that a search result can show the real helpline next to the real site. Only what staff verified
in the registry is named (safety/selectors.py, verified_contacts_list): a demo entry presented to
a search engine as official would be exactly the fraud this site exists to stop.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kesco_lookup.addresses import absolute, named_url
from safety.models import OfficialContact
from safety.selectors import page_verified_contacts_list

Kind = OfficialContact.Kind


def official_service_data() -> dict[str, object]:
    """A GovernmentService in the active language, provided by KESCO with its verified contacts."""
    language = get_language() or settings.LANGUAGE_CODE
    contacts = page_verified_contacts_list()
    websites = [contact for contact in contacts if contact.kind == Kind.WEBSITE]
    phones = [contact for contact in contacts if contact.kind == Kind.PHONE]
    provider: dict[str, object] = {"@type": "Organization", "name": _("Kanpur Electricity Supply Company (KESCO)")}
    if websites:
        provider["url"] = websites[0].value  # the registry's order: the first is the main site
    if phones:
        provider["contactPoint"] = [
            {"@type": "ContactPoint", "telephone": phone.value, "contactType": "customer service", "name": phone.name}
            for phone in phones
        ]
    service: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": _("Find your new KESCO account number"),
        "url": absolute(named_url("accounts:home", language)),
        "inLanguage": language,
        "areaServed": {"@type": "City", "name": _("Kanpur")},
        "provider": provider,
    }
    if websites:
        service["availableChannel"] = [
            {"@type": "ServiceChannel", "name": website.name, "serviceUrl": website.value} for website in websites
        ]
    return service
