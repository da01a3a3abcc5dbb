from __future__ import annotations

from django.urls import path

from kesco_lookup.addresses import language_patterns
from safety import views

app_name = "safety"

# Hindi at /check/, English at /en/check/ (kesco_lookup/addresses.py).
urlpatterns = [
    language_patterns(
        path("check/", views.check, name="check"),
        path("check/qr/", views.check_qr, name="check_qr"),
        path("report/", views.report, name="report"),
        path("report/thanks/", views.report_done, name="report_done"),
    ),
]
