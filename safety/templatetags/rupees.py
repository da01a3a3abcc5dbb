"""Money as people in India write it: ₹1,25,000.00, not ₹ 125000.00."""

from __future__ import annotations

from decimal import Decimal, DecimalException

from babel.numbers import format_currency
from django import template
from django.utils.translation import get_language

register = template.Library()

# Ten lakh crore rupees: more than any bill, well within what Babel formats.
_MAX_AMOUNT = Decimal(10) ** 13


@register.filter
def rupees(value: object) -> str:
    """An amount in Indian grouping (lakhs and crores); what cannot be read is shown as it came."""
    # The amount comes from a QR code a fraudster made: anything Babel cannot format (1E+2000, 30
    # digits) is shown as written rather than breaking the page that warns about it.
    try:
        amount = Decimal(str(value))
        if not amount.is_finite() or abs(amount) >= _MAX_AMOUNT:
            return str(value)
        locale = "hi_IN" if (get_language() or "").startswith("hi") else "en_IN"
        return format_currency(amount, "INR", locale=locale)
    except (DecimalException, ValueError, OverflowError):
        return str(value)
