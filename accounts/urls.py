from __future__ import annotations

from django.urls import path

from accounts import views
from kesco_lookup.addresses import language_patterns

app_name = "accounts"

urlpatterns = [
    # Hindi at /, English at /en/ (kesco_lookup/addresses.py); the API has one address.
    language_patterns(
        path("", views.home, name="home"),
        path("lookup/", views.lookup, name="lookup"),
    ),
    path("api/v1/lookup", views.api_lookup, name="api_lookup"),
]
