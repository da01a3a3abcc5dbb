"""``{% helplines %}…{% endhelplines %}``: the helpline numbers in a block become tap-to-call links.

Nearly everyone reads this site on a phone, where a ``tel:`` link is one tap to call 1930 (cyber
fraud) or 1912 (KESCO). The numbers sit inside translated sentences, some of them in another app's
catalogue and some written by staff (rules, alerts), so the links are added to the rendered text
rather than written into every message: translators and staff keep writing plain numbers.
"""

from __future__ import annotations

import re

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

HELPLINES = ("1912", "1930")
# A helpline standing alone: not the middle or the end of a longer number ("01912", "1912-") or a word,
# and not an amount ("₹1930", "Rs 1930", "रु 1912"), which a staff-written alert may well contain.
_NUMBER = re.compile(
    r"(?<![\w+.-])(?<!₹)(?<!₹ )(?<!rs )(?<!Rs )(?<!RS )(?<!rs\. )(?<!Rs\. )(?<!रु )(?<!रु\. )"
    r"(" + "|".join(HELPLINES) + r")(?![\w-])"
)
# Never touched: anything inside a tag (attributes), an existing link (links cannot nest) or a
# textarea (whose content is shown as typed, markup included).
_LEFT_ALONE = re.compile(r"(<a\b.*?</a>|<textarea\b.*?</textarea>|<[^>]*>)", re.IGNORECASE | re.DOTALL)


def helplines_linked(html: str) -> str:
    """Wrap each helpline number in the text (not the tags) of ``html`` in a tel: link."""
    if not any(number in html for number in HELPLINES):
        return html  # most blocks name no helpline: skip cutting the page into tags and text
    parts = _LEFT_ALONE.split(html)
    # re.split with one group: text at even positions, the parts left alone at odd ones.
    for index in range(0, len(parts), 2):
        parts[index] = _NUMBER.sub(r'<a class="tel" href="tel:\1">\1</a>', parts[index])
    return "".join(parts)


class HelplinesNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        # The block was rendered (and escaped) by the template engine; only fixed markup is added.
        return mark_safe(helplines_linked(self.nodelist.render(context)))  # noqa: S308


@register.tag("helplines")
def helplines(parser: template.base.Parser, token: template.base.Token) -> HelplinesNode:
    nodelist = parser.parse(("endhelplines",))
    parser.delete_first_token()
    return HelplinesNode(nodelist)
