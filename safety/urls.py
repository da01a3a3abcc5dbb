from __future__ import annotations

from django.urls import path

from safety import views

app_name = "safety"

urlpatterns = [
    path("check/", views.check, name="check"),
    path("check/qr/", views.check_qr, name="check_qr"),
    path("report/", views.report, name="report"),
    path("report/thanks/", views.report_done, name="report_done"),
]
