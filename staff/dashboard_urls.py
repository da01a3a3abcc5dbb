"""The dashboard's, missing numbers' and poster's pages, under /staff/ beside the admin (kesco_lookup/urls.py
includes them before the admin's own routes, whose catch-all would answer them with a 404)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path

from staff import dashboard, poster

app_name = "staff"

urlpatterns = [
    path("missing-numbers/", admin.site.admin_view(dashboard.missing_numbers), name="missing_numbers"),
    path(
        "missing-numbers/export/",
        admin.site.admin_view(dashboard.missing_numbers_export),
        name="missing_numbers_export",
    ),
    path("dashboard/", admin.site.admin_view(dashboard.dashboard), name="dashboard"),
    path("poster/", admin.site.admin_view(poster.poster), name="poster"),
]
