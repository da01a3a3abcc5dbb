"""The staff pages, served inside the admin (StaffAdminSite.get_urls): /staff/enrol/ and so on,
named admin:staff_*, and like every admin page never gzipped (kesco_lookup.middleware)."""

from __future__ import annotations

from django.urls import path

from staff import views

urlpatterns = [
    path("enrol/", views.enrol, name="staff_enrol"),
]
