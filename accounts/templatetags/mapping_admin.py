"""{% find_mapping_form %}: the admin's "Find a mapping" POST form, wherever staff start from."""

from __future__ import annotations

from django import template

from accounts.admin import FindMappingForm

register = template.Library()


@register.inclusion_tag("admin/accounts/accountmapping/_find_form.html", takes_context=True)
def find_mapping_form(context: template.Context, form: FindMappingForm | None = None, heading: bool = True) -> dict:
    # The admin's home page and the mapping list have no form of their own: a blank one. The find
    # page passes its bound form, so a refused number shows its error, and has its own title.
    return {"form": form or FindMappingForm(), "heading": heading, "csrf_token": context.get("csrf_token")}
