"""The staff pages of this app, under /staff/ beside the admin (kesco_lookup/urls.py includes them first)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path

from staff import views

app_name = "staff"

urlpatterns = [
    path("missing-numbers/", admin.site.admin_view(views.missing_numbers), name="missing_numbers"),
    path("missing-numbers/export/", admin.site.admin_view(views.missing_numbers_export), name="missing_numbers_export"),
    path("dashboard/", admin.site.admin_view(views.dashboard), name="dashboard"),
]
