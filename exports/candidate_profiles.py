"""A vehicle's candidate profile: the facts the rules read, reduced in SQL to what they can
tell apart on a given day, and the stand-in facts each profile is judged by."""

from datetime import date

from django.db import connection

from . import rules
from .eligibility import OWNER_IS_EXPORTER

STRFTIME = {"YEAR": "%%Y", "MONTH": "%%m", "DAY": "%%d"}  # %% survives parameter binding


def _sql_date_part(part, column):
    if connection.vendor == "postgresql":
        # date_part, a float, rather than EXTRACT, a numeric since PostgreSQL 14: the same
        # whole number, cheaper to work out over a million rows.
        return f"CAST(date_part('{part.lower()}', {column}) AS integer)"
    return f"CAST(strftime('{STRFTIME[part]}', {column}) AS integer)"


def profile_key_sql(on: date, cutoffs: tuple[date, ...], limits: tuple[int, ...]):
    """SQL for a vehicle's profile key (alias v), and its parameters.

    The key holds only what the rules can tell apart on `on`: build year and month and
    whether the build day falls before, on or after today's day of the month; the
    registration date as the latest rule cutoff on or before it
    (see `rules.canonical_registered_on`); the odometer as the number of rule limits it is
    over (see `rules.canonical_odometer`).
    """
    registered = ["CASE WHEN v.registered_on IS NULL THEN -2"]
    params = [on.day, on.day]
    for index in reversed(range(len(cutoffs))):
        registered.append(f"WHEN v.registered_on >= %s THEN {index}")
        params.append(cutoffs[index])
    registered.append("ELSE -1 END")
    odometer = ["CASE"]
    for index in reversed(range(len(limits))):
        odometer.append(f"WHEN v.odometer_km > %s THEN {index + 1}")
        params.append(limits[index])
    odometer.append("ELSE 0 END")
    columns = [
        "v.powertrain",
        "v.steering_side",
        "v.model_year",
        f"COALESCE({_sql_date_part('YEAR', 'v.manufactured_on')}, 0)",
        f"COALESCE({_sql_date_part('MONTH', 'v.manufactured_on')}, 0)",
        f"CASE WHEN {_sql_date_part('DAY', 'v.manufactured_on')} > %s THEN 2 "
        f"WHEN {_sql_date_part('DAY', 'v.manufactured_on')} = %s THEN 1 ELSE 0 END",
        " ".join(registered),
        " ".join(odometer) if limits else "0",
        "v.is_salvage",
        "v.is_flood_damaged",
        "v.registered_owner",
    ]
    return columns, params


KEY_NAMES = (
    "powertrain",
    "steering_side",
    "model_year",
    "built_year",
    "built_month",
    "built_day",
    "registered",
    "odometer",
    "salvage",
    "flood",
    "registered_owner",
)


def profile_facts(key, on, cutoffs, limits) -> rules.VehicleFacts:
    (
        powertrain,
        steering,
        model_year,
        year,
        month,
        day,
        registered,
        odometer,
        salvage,
        flood,
        owner,
    ) = key
    return rules.VehicleFacts(
        powertrain=powertrain,
        steering_side=steering,
        model_year=model_year,
        built_on=rules.canonical_built_on(year, month, day, on) if year else None,
        registered_on=rules.canonical_registered_on(registered, cutoffs),
        odometer_km=rules.canonical_odometer(odometer, limits),
        is_salvage=bool(salvage),
        flood_damage=bool(flood),
        owner_is_exporter=OWNER_IS_EXPORTER.get(owner, None),
    )
