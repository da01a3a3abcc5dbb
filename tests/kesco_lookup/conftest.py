"""Fixtures of the crawls of every route (test_fuzz.py, test_security_headers.py)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from accounts.models import AccountMapping
from safety.demo import load_safety_demo
from safety.models import Alert, GenuineMessage, OfficialContact, SafetyRule
from safety.services import scam_report_create
from tests.helpers import make_mapping, sign_in
from tests.imports.helpers import batch_validated, csv_bytes
from tests.staff.helpers import member_of_staff


@pytest.fixture
def site(settings, tmp_path) -> dict[str, str]:
    """One of everything the admin shows, and a signed-in administrator: the ids the paths use."""
    settings.MEDIA_ROOT = tmp_path / "media"
    load_safety_demo()
    now = timezone.now()
    alert = Alert.objects.create(title_hi="चेतावनी", title_en="Alert", text_hi="पाठ", text_en="Text", starts_at=now)
    genuine = GenuineMessage.objects.create(
        sender_id="UPPCLT",
        description_hi="बिल",
        description_en="Bill",
        never_contains_hi="लिंक",
        never_contains_en="links",
    )
    report = scam_report_create(
        channel="sms", suspect="9876543210", message_text="Pay now", contacted_on=None, money_lost=False, contact=""
    )
    batch = batch_validated(csv_bytes("12345670,9912345670,Ram Lal,Kidwai Nagar,9876543210"))
    administrator = member_of_staff("fuzz-admin", superuser=True)
    session_key = sign_in(Client(), administrator).session.session_key
    return {
        "ID_MAPPING": str(make_mapping().pk),
        "ID_REPORT": str(report.pk),
        "ID_BATCH": str(batch.pk),
        "ID_STAFF": str(administrator.pk),
        "ID_ALERT": str(alert.pk),
        "ID_CONTACT": str(OfficialContact.objects.first().pk),
        "ID_RULE": str(SafetyRule.objects.first().pk),
        "ID_GENUINE": str(genuine.pk),
        "ID_TYPE": str(ContentType.objects.get_for_model(AccountMapping).pk),
        "session_key": session_key,
    }
