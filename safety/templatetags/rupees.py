"""Money as people in India write it: ₹1,25,000.00, not ₹ 125000.00."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency
from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def rupees(value: object) -> str:
    """An amount in Indian grouping (lakhs and crores); what cannot be read is shown as it came."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not amount.is_finite():
        return str(value)
    locale = "hi_IN" if (get_language() or "").startswith("hi") else "en_IN"
    return format_currency(amount, "INR", locale=locale)
