"""{{ amount|money }} and {{ amount|money:"CNY" }}: amounts to the cent with thousands commas."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()
CENT = Decimal("0.01")


def format_money(amount, currency="") -> str:
    if amount is None or amount == "":
        return "—"
    try:
        value = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        return str(amount)
    text = f"{value:,.2f}"
    return f"{currency} {text}" if currency else text


@register.filter
def money(amount, currency=""):
    return format_money(amount, currency)
