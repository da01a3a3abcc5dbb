"""URL routes. No route carries an account number: numbers travel only in POST bodies."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from kesco_lookup.addresses import language_patterns
from kesco_lookup.health import healthz, readyz
from kesco_lookup.scrape import metrics
from kesco_lookup.search import robots_txt, sitemap_xml
from kesco_lookup.views import limited_notice

admin.site.site_header = _("KESCO account lookup: staff")
admin.site.site_title = _("KESCO staff")
admin.site.index_title = _("Administration")

urlpatterns = [
    # Probes of the proxy and the orchestrator (README, 'Serving').
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    # Prometheus's scrape, for allowed addresses or the token only (README, 'Serving').
    path("metrics", metrics, name="metrics"),
    # For search engines, from SITE_URL and without a query (README, 'Search and sharing').
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap_xml, name="sitemap"),
    # The consumer pages: Hindi at /, English at /en/ (kesco_lookup/addresses.py); the API, the
    # probes, the language switch and the staff side have one address each.
    path("", include("accounts.urls")),
    path("", include("safety.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    language_patterns(path("limited/", limited_notice, name="limited_notice")),
    # Before the admin's own routes, which would otherwise answer /staff/audit/ (audit/urls.py).
    path("staff/audit/", include("audit.urls")),
    # Before the admin, whose catch-all would answer these paths with a 404.
    path("staff/", include("staff.dashboard_urls")),
    path("staff/", admin.site.urls),
]

handler400 = "kesco_lookup.views.bad_request"
handler403 = "kesco_lookup.views.permission_denied"
handler404 = "kesco_lookup.views.page_not_found"
handler500 = "kesco_lookup.views.server_error"
