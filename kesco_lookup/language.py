"""The language switch on pages that hold typed data or a result: the same page, in the other language.

Django's set_language redirects to the page's address, and a GET cannot bring back a lookup or a check
(numbers and messages never travel in a URL): the consumer would land on an empty form. So on those
pages the switch button submits the page's own form (what was typed, or a result's hidden copy of
what was asked) with a ``language`` field, and the view answers that POST in the new language,
setting the same cookie set_language sets.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import translation

LANGUAGE_FIELD = "language"
# On a result page's hidden form: answer the same question again (otherwise the switch came from a
# form, which is shown again as it was, with nothing run).
AGAIN_FIELD = "again"


def language_switch(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let a POST carrying ``language`` switch the language for this answer and the next ones."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        language = request.POST.get(LANGUAGE_FIELD) if request.method == "POST" else None
        request.language_switched = language in dict(settings.LANGUAGES)
        if not request.language_switched:
            return view(request, *args, **kwargs)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = view(request, *args, **kwargs)
        # As django.views.i18n.set_language sets it, so the middleware reads it on the next request.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response

    return wrapped


def switched_on_form(request: HttpRequest) -> bool:
    """The switch was pressed on a form: show it again with what was typed, and run nothing."""
    return getattr(request, "language_switched", False) and request.POST.get(AGAIN_FIELD) != "1"


def typed_initial(form_class: type[forms.Form], data: QueryDict) -> dict[str, str]:
    """What was typed into a form, as initial values: shown again without checking it (no errors yet).

    Files are left out: a browser cannot be given a chosen file back.
    """
    return {
        name: data[name]
        for name, field in form_class.base_fields.items()
        if name in data and not isinstance(field, forms.FileField)
    }
