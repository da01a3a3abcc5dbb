"""The site's routes plus two ceilings for `make bench-load`; never used outside the bench.

- ``bench/trivial``: a constant JSON answer through the same middleware: the cost of the stack.
- ``bench/bare``: one indexed query on the mappings, a JSON answer: what a lookup could cost at best.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.models import AccountMapping


@csrf_exempt
def trivial(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


@csrf_exempt
@require_POST
def bare(request: HttpRequest) -> JsonResponse:
    old = json.loads(request.body).get("old_account_number", "")
    new = AccountMapping.objects.filter(old_account_number=old).values_list("new_account_number", flat=True).first()
    return JsonResponse({"new_account_number": new})


urlpatterns = [
    path("bench/trivial", trivial),
    path("bench/bare", bare),
    path("", include("kesco_lookup.urls")),
]

handler400 = "kesco_lookup.views.bad_request"
handler403 = "kesco_lookup.views.permission_denied"
handler404 = "kesco_lookup.views.page_not_found"
handler500 = "kesco_lookup.views.server_error"
