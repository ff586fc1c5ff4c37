"""{{ amount|money:"CNY" }} and {{ count|number }}: money and numbers grouped as the reader's
language writes them (`core.formatting`); never for form inputs, CSV, URLs or data attributes."""

from django import template

from core.formatting import format_money, format_number

register = template.Library()

__all__ = ["format_money", "format_number"]


@register.filter
def money(amount, currency=""):
    return format_money(amount, currency)


@register.filter
def number(value, decimals=None):
    """{{ 97800|number }} is 97,800; {{ 12.5|number:1 }} is 12.5."""
    return format_number(value, None if decimals in (None, "") else int(decimals))
