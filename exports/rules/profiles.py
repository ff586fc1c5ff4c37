"""Profiles: the few dates and readings where the rules' answers can change, and stand-in
facts that judge exactly like the real ones. No Django import."""

from collections.abc import Iterable
from datetime import date

from .engine import (
    RULES,
    Rule,
    parameter_problems,
)


def registration_cutoffs(all_rules: Iterable[Rule], on: date) -> tuple[date, ...]:
    """Every registration date, ascending, at which some valid rule in force can change."""
    cutoffs = set()
    for rule in all_rules:
        spec = RULES.get(rule.code)
        if spec is None or spec.registration_cutoffs is None or not rule.in_force(on):
            continue
        if parameter_problems(rule.code, rule.params):
            continue
        cutoffs.update(spec.registration_cutoffs(rule, on))
    return tuple(sorted(cutoffs))


def odometer_limits(all_rules: Iterable[Rule], on: date) -> tuple[int, ...]:
    """Every odometer reading, ascending, over which some valid rule in force answers
    differently."""
    limits = set()
    for rule in all_rules:
        spec = RULES.get(rule.code)
        if spec is None or spec.odometer_limits is None or not rule.in_force(on):
            continue
        if parameter_problems(rule.code, rule.params):
            continue
        limits.update(spec.odometer_limits(rule))
    return tuple(sorted(limits))


def canonical_odometer(bucket: int, limits: tuple[int, ...]) -> int:
    """A stand-in reading: 0 below every limit, else one kilometre over the highest limit the
    real reading is over (`bucket` is how many limits it is over)."""
    return 0 if bucket == 0 else limits[bucket - 1] + 1


def canonical_built_on(year: int, month: int, day_class: int, on: date) -> date:
    """A stand-in build date that every rule judges like the real one on `on`.

    The rules read a build date only through its year, its month and how its day of the month
    compares with `on`'s (ages are counted to the day, the anniversary itself included):
    `day_class` is 0 before, 1 on, 2 after that day.
    """
    return date(year, month, (1, on.day, on.day + 1)[day_class])


def canonical_registered_on(bucket: int, cutoffs: tuple[date, ...]) -> date | None:
    """A stand-in registration date: the latest cutoff on or before the real one.

    `bucket` is the index of that cutoff, -1 for a date before every cutoff, -2 for none.
    """
    if bucket == -2:
        return None
    if bucket == -1:
        return date.fromordinal(cutoffs[0].toordinal() - 1) if cutoffs else date(1970, 1, 1)
    return cutoffs[bucket]
