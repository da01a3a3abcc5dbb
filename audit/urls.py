"""/staff/audit/: the trail's page and its export, behind the admin's sign-in (admin_view)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("", admin.site.admin_view(views.audit_entries), name="entries"),
    path("export/", admin.site.admin_view(views.audit_export), name="export"),
]
