"""Ages, dates and names as the rule checks compare them. No Django import."""

from datetime import date

from inventory.messages import Message, gettext_noop

from .engine import VehicleFacts


def built_on(facts: VehicleFacts) -> date:
    """When the car was made; 1 January of its model year when the date is not known."""
    return facts.built_on or date(facts.model_year, 1, 1)


def months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


AGE_TEMPLATES = {
    (True, True): gettext_noop("%(years)s year %(months)s month"),
    (True, False): gettext_noop("%(years)s year %(months)s months"),
    (False, True): gettext_noop("%(years)s years %(months)s month"),
    (False, False): gettext_noop("%(years)s years %(months)s months"),
}


def age_text(months: int) -> Message:
    years, rest = divmod(months, 12)
    return Message(AGE_TEMPLATES[years == 1, rest == 1], years=years, months=rest)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def over_age(since: date, years: int, on: date) -> bool:
    """More than `years` years from `since` to `on`, counted to the day.

    The anniversary itself is still within the limit: a car built on 2023-03-15 is exactly
    three years old on 2026-03-15 and more than three on 2026-03-16. Whole months would let a
    car almost a month too old pass.
    """
    return on > add_years(since, years)


# The wording of the seeded rules' free-text parameters, for the catalogue; an operator's own
# wording shows as written.
SEEDED_WORDING = (
    gettext_noop("25y+"),
    gettext_noop("personal 12 months"),
    gettext_noop("SEVS via RAW"),
    gettext_noop("0.6% or USD 265 (unverified)"),
    gettext_noop("SASO/SEEP portal, yearly"),
    gettext_noop("MoIAT VIN search"),
)


def wording(text):
    """A rule parameter written as prose, shown in the reader's language when the catalogue
    has it; a list of them reads as one list."""
    if isinstance(text, (list, tuple)):
        return tuple(wording(item) for item in text)
    if not isinstance(text, str) or not text:
        return text
    return Message(text)


def letters(text):
    """A name as compared: only its letters and digits, case folded, so "BYD Auto Co., Ltd."
    and "byd auto co ltd" are the same name."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())
