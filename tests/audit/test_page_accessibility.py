"""The audit page passes axe (WCAG 2.x A/AA, nothing serious or critical) in both languages, filled,
filtered and paged, as the import operator's pages do (tests/kesco_lookup/test_accessibility.py)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from audit.models import AuditEntry
from tests.helpers import sign_in
from tests.kesco_lookup.test_accessibility import DESKTOP, LANGUAGES, Audit, browser_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_audit_page_has_no_serious_accessibility_problem(browser, live_server, language):
    administrator = User.objects.create_superuser("asha", "asha@example.com", "a-long-test-password")
    for number in range(60):
        AuditEntry.objects.create(
            action="mapping_viewed", username="sunita", target=f"accounts.AccountMapping #{number}"
        )
    session = sign_in(Client(), administrator).cookies[settings.SESSION_COOKIE_NAME].value
    context = browser_context(browser, live_server, language=language, viewport=DESKTOP)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    page = context.new_page()
    audit = Audit(page, language)

    page.goto(live_server.url + "/staff/")
    audit("admin index with the audit link")
    page.goto(live_server.url + "/staff/audit/")
    audit("audit trail")
    page.goto(live_server.url + "/staff/audit/?action=mapping_viewed&date_from=2026-11-30&date_to=2026-11-29")
    audit("audit trail: a refused date range")
    page.goto(live_server.url + "/staff/audit/?action=mapping_viewed&page=2")
    audit("audit trail: page 2")
    context.close()

    audit.assert_no_problems()
