"""Numbers and money as the reader's language writes them: 97,800 and ¥97,800.00."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format

CENT = Decimal("0.01")
# The sign a reader knows an amount by; other currencies keep their code ("KZT 1,000.00").
CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€"}
EMPTY = "—"


def format_number(value, decimals: int | None = None) -> str:
    """`value` with thousands grouped in the active language; `decimals` places when given.

    Text that is not a number (a dash, a label) comes back as it is, so a template can pass
    whatever a column holds.
    """
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return str(value)
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return number_format(number, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def currency_symbol(currency: str) -> str:
    """What stands before an amount: ¥, $ or €, else the code and a space; "" for none."""
    if not currency:
        return ""
    return CURRENCY_SYMBOLS.get(currency, f"{currency} ")


def format_money(amount, currency: str = "") -> str:
    """An amount to the cent, grouped, after its currency's sign: ¥97,800.00, -$1,200.50."""
    if amount is None or amount == "":
        return EMPTY
    try:
        value = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        return str(amount)
    text = format_number(abs(value), 2)
    sign = "-" if value < 0 else ""
    return f"{sign}{currency_symbol(currency)}{text}"
