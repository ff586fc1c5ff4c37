"""Messages of the pure modules (`core.messages`) as sentences in the active language, with
their numbers grouped and their countries named in it."""

from decimal import Decimal

from django.utils.translation import gettext

from .countries import COUNTRY_NAMES
from .formatting import format_number
from .messages import Country, Message


def country_name(code: str) -> str:
    """The country's name in the active language; the code itself for a country not listed."""
    name = COUNTRY_NAMES.get(code)
    return gettext(name) if name else code


def market_name(code: str, name: str) -> str:
    """A market's name as the reader says it: the stored name when the catalogue translates it,
    else the translated name of its country, else the stored name as an operator wrote it."""
    translated = gettext(name) if name else name
    if translated != name:
        return translated
    listed = COUNTRY_NAMES.get(code)
    if listed and gettext(listed) != listed:
        return gettext(listed)
    return name or code


def message_text(message) -> str:
    """A message from a pure module (`inventory.vin`, `exports.rules`) in the active language."""
    if not isinstance(message, Message):
        return str(message)

    def param(value):
        if isinstance(value, tuple):
            return ", ".join(param(item) for item in value)
        if isinstance(value, Country):
            return country_name(value.code)
        # Quantities are grouped (10,000 EVs); years and codes reach here as text.
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return format_number(value)
        return message_text(value)

    translated = gettext(message.template)
    if not message.params:
        return translated
    return translated % {k: param(v) for k, v in message.params.items()}
