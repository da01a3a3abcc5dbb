"""``{% shared "name" [variable …] %}…{% endshared %}``: a block rendered once per process, language and
registry stamp, then given as it was to every page.

For the parts of a page drawn from the registry and the catalogues alone (the warning box, the payment
channels, the division offices, the alerts): most of a page's rendering, the same for every visitor.
The stamp is the context's ``page_stamp`` (safety.context_processors), which a staff change renews,
so the next page load renders afresh; without one (the cache is down) the block renders every time.
Nothing that differs between visitors may be used inside: the variables named after the name (such
as ``compact``) are part of the key. Why: README, 'Speed'.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

# Blocks x languages x variants: a few dozen at most. Cleared whole if ever this many (new stamps).
_KEPT_MAX = 256
_kept: dict[tuple, str] = {}


class SharedNode(template.Node):
    def __init__(self, name: str, variables: list[template.base.FilterExpression], nodelist: template.NodeList):
        self.name, self.variables, self.nodelist = name, variables, nodelist

    def render(self, context: template.Context) -> SafeString:
        stamp_of = context.get("page_stamp")
        stamp = stamp_of() if callable(stamp_of) else None
        if stamp is None:
            return self.nodelist.render(context)
        variant = tuple(variable.resolve(context) for variable in self.variables)
        key = (self.name, variant, get_language(), stamp)
        html = _kept.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(_kept) >= _KEPT_MAX:
                _kept.clear()
            _kept[key] = html
        return mark_safe(html)  # noqa: S308 (rendered, and escaped, by the template engine)


@register.tag("shared")
def shared(parser: template.base.Parser, token: template.base.Token) -> SharedNode:
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'":
        raise template.TemplateSyntaxError("{% shared %} takes a quoted name, then variables of the key")
    nodelist = parser.parse(("endshared",))
    parser.delete_first_token()
    return SharedNode(bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]], nodelist)
