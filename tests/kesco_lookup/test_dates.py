"""Dates as India writes them, in the admin and everywhere: day, month, year and a 24-hour clock.

Django's own formats gave "नवम्बर. 29, 2026, 1:05 बजे" in Hindi and "Nov. 29, 2026, 1:05 p.m." in
English, and read a typed 05/06/2026 as 6 May. See kesco_lookup/formats/.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation
from django.utils.formats import date_format

from accounts.models import AccountMapping
from tests.helpers import ramesh, sign_in

MOMENT = datetime(2026, 11, 29, 13, 5, tzinfo=ZoneInfo("Asia/Kolkata"))


@pytest.mark.django_db
def test_the_admin_shows_dates_day_first_with_a_24_hour_clock():
    administrator = Client()
    sign_in(administrator, User.objects.create_superuser("admin", password="pw-admin-123"))
    mapping = ramesh()
    AccountMapping.objects.filter(pk=mapping.pk).update(updated_at=MOMENT)
    assert "29 नवंबर 2026, 13:05" in administrator.get("/staff/accounts/accountmapping/").content.decode()
    administrator.post("/i18n/setlang/", {"language": "en", "next": "/staff/"})
    assert "29 Nov 2026, 13:05" in administrator.get("/staff/accounts/accountmapping/").content.decode()


def test_dates_read_the_indian_way_in_both_languages():
    with translation.override("hi"):
        assert date_format(MOMENT, "DATETIME_FORMAT") == "29 नवंबर 2026, 13:05"
        assert date_format(MOMENT, "SHORT_DATETIME_FORMAT") == "29-11-2026 13:05"
        assert date_format(MOMENT.date()) == "29 नवंबर 2026"
        # Django's own Hindi misspells three months ("सितमबर", "नवमबर", "दिसमबर").
        assert [date_format(date(2026, month, 1), "F") for month in range(1, 13)] == [
            "जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर", "दिसंबर",
        ]  # fmt: skip
    with translation.override("en"):
        assert date_format(MOMENT, "DATETIME_FORMAT") == "29 Nov 2026, 13:05"
        assert date_format(MOMENT.date()) == "29 Nov 2026"


@pytest.mark.parametrize("language", ["hi", "en"])
def test_a_typed_date_is_read_day_first(language):
    with translation.override(language):
        field = forms.DateField()
        assert field.clean("05/06/2026") == date(2026, 6, 5)  # 5 June, never 6 May
        assert field.clean("2026-06-05") == date(2026, 6, 5)  # what the date picker and <input type=date> send
