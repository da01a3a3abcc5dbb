"""Showing account numbers so that people can read them back without losing their place."""

from __future__ import annotations

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

register = template.Library()

GROUP = 5


@register.filter
def digit_groups(number: str) -> SafeString:
    """``2100000001`` as ``21000`` ``00001``: spans set apart by CSS, with no space between them.

    Read aloud or copied by hand, ten digits in a row are easy to get wrong. The gap is only a
    margin, so selecting, copying or reading the element's text still gives the plain digits that
    payment apps and forms expect.
    """
    groups = [number[start : start + GROUP] for start in range(0, len(number), GROUP)]
    return format_html_join("", '<span class="digit-group">{}</span>', ((group,) for group in groups))
