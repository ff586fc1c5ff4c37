"""Age limits of the destination markets, and how long a registered car still counts as new
there. No Django import."""

from datetime import date

from inventory.messages import Country, Message, gettext_noop

from .engine import DATE_TEXT, NUMBER, Broken, Doubt, Met, Note, Param, rule
from .helpers import add_years, age_text, built_on, months_between, over_age


@rule(
    "MAX_AGE_YEARS_LIGHT",
    "Used light vehicles at most N model years old.",
    max_age_years=Param(int, minimum=0),
    max_gvw_t=Param(NUMBER, required=False, minimum=0),
    exclude_current_year=Param(bool, required=False),
)
def max_age_light(rule, facts, situation):
    limit = rule.params["max_age_years"]
    oldest = situation.on.year - limit
    if not rule.params.get("exclude_current_year", False):
        oldest += 1
    if facts.model_year >= oldest:
        return Met()
    return Broken(
        Message(
            gettext_noop(
                "Used cars older than %(limit)s years may not be imported into %(country)s: "
                "the oldest model year accepted in %(year)s is %(oldest)s; this car is a "
                "%(model_year)s."
            ),
            limit=limit,
            country=Country(rule.market),
            # Years are names of years, never grouped like quantities (2,025).
            year=str(situation.on.year),
            oldest=str(oldest),
            model_year=str(facts.model_year),
        )
    )


@rule(
    "EV_MAX_AGE_YEARS",
    "Electric cars at most N years old.",
    max_age_years=Param(int, minimum=0),
    count_clearance_year=Param(bool, required=False),
)
def ev_max_age(rule, facts, situation):
    limit = rule.params["max_age_years"]
    made = built_on(facts)
    months = months_between(made, situation.on)
    if rule.params.get("count_clearance_year"):
        counted = situation.on.year - made.year + 1
        if counted <= limit:
            return Met()
        return Broken(
            Message(
                gettext_noop(
                    "EVs older than %(limit)s years, counting the year of clearance, are banned "
                    "in %(country)s; this car, built in %(built)s, counts %(counted)s years in "
                    "%(year)s (%(age)s old)."
                ),
                limit=limit,
                country=Country(rule.market),
                built=str(made.year),
                counted=counted,
                year=str(situation.on.year),
                age=age_text(months),
            )
        )
    if not over_age(made, limit, situation.on):
        return Met()
    return Broken(
        Message(
            gettext_noop(
                "EVs older than %(limit)s years are banned in %(country)s; this car is %(age)s "
                "old and its last day within the limit was %(last)s."
            ),
            limit=limit,
            country=Country(rule.market),
            age=age_text(months),
            last=add_years(made, limit).isoformat(),
        )
    )


@rule(
    "USED_EV_MAX_AGE_YEARS",
    "Used electric cars at most N years from production to shipment.",
    max_years_production_to_shipment=Param(int, minimum=0),
)
def used_ev_max_age(rule, facts, situation):
    limit = rule.params["max_years_production_to_shipment"]
    made = built_on(facts)
    if not over_age(made, limit, situation.on):
        return Met()
    return Broken(
        Message(
            gettext_noop(
                "Used EVs more than %(limit)s years from production to shipment are banned in "
                "%(country)s; this car is %(age)s old and its last day within the limit was "
                "%(last)s."
            ),
            limit=limit,
            country=Country(rule.market),
            age=age_text(months_between(made, situation.on)),
            last=add_years(made, limit).isoformat(),
        )
    )


@rule(
    "UNDER_3Y_ONLY_OTTS_HOLDER",
    "Cars under N years may be imported only by the type-approval (OTTS) holder.",
    max_age_years=Param(int, minimum=1),
)
def under_age_otts(rule, facts, situation):
    limit = rule.params["max_age_years"]
    made = built_on(facts)
    months = months_between(made, situation.on)
    if situation.on >= add_years(made, limit):
        return Met()
    return Broken(
        Message(
            gettext_noop(
                "Cars under %(limit)s years old may be imported into %(country)s only by the "
                "holder of the type approval (OTTS), a legal entity; this car is %(age)s."
            ),
            limit=limit,
            country=Country(rule.market),
            age=age_text(months),
        )
    )


def _earliest_registration(rule, on):
    earliest = date.fromisoformat(rule.params["min_first_registration"])
    rolling = rule.params.get("rolling_age_years")
    if rolling:
        # The year of first registration counts as the first of the N years, as the seeded
        # notice does: under the 8-year rule, 2026 takes cars first registered from 2019-01-01
        # (2026 - 7), so 2027 takes them from 2020-01-01.
        earliest = max(earliest, date(on.year - rolling + 1, 1, 1))
    return earliest


@rule(
    "MIN_FIRST_REG_YEAR",
    "First registered on or after a date, or within a rolling number of years.",
    registration_cutoffs=lambda rule, on: [_earliest_registration(rule, on)],
    min_first_registration=DATE_TEXT,
    rolling_age_years=Param(int, required=False, minimum=1),
)
def min_first_registration(rule, facts, situation):
    earliest = _earliest_registration(rule, situation.on)
    first = facts.registered_on or situation.on
    if first >= earliest:
        return Met()
    return Broken(
        Message(
            gettext_noop(
                "%(country)s takes cars first registered on or after %(earliest)s; this car was "
                "registered on %(registered)s."
            ),
            country=Country(rule.market),
            earliest=earliest.isoformat(),
            registered=first.isoformat(),
        )
    )


@rule(
    "COMMERCIAL_USED_MAX_AGE_YEARS",
    "Commercial imports of used cars less than N years old, until a date.",
    max_age_years_exclusive=Param(int, minimum=1),
    until=DATE_TEXT,
    pct_headings=Param(list, required=False, of=str),
)
def commercial_used_max_age(rule, facts, situation):
    until = date.fromisoformat(rule.params["until"])
    limit = rule.params["max_age_years_exclusive"]
    if situation.on > until:
        # The channel was opened only until `until`; what follows is not on file.
        return Doubt(
            Message(
                gettext_noop(
                    "The window for commercial imports of used cars into %(country)s ended on "
                    "%(until)s; no rule on file says they are still allowed: check the current "
                    "import policy before shipping."
                ),
                country=Country(rule.market),
                until=until.isoformat(),
            )
        )
    made = built_on(facts)
    months = months_between(made, situation.on)
    # "Less than N years old": the N-th anniversary is already too old.
    if situation.on < add_years(made, limit):
        return Met()
    return Broken(
        Message(
            gettext_noop(
                "Commercial imports of used cars into %(country)s must be less than %(limit)s "
                "years old; this car is %(age)s."
            ),
            country=Country(rule.market),
            limit=limit,
            age=age_text(months),
        )
    )


@rule(
    "PERSONAL_SCHEME_CAR_MAX_AGE",
    "Cars on personal schemes at most N years old, counted from 1 January after manufacture.",
    max_age_years=Param(int, minimum=0),
    age_from=Param(str, required=False),
    age_to=Param(str, required=False),
)
def personal_scheme_age(rule, facts, situation):
    limit = rule.params["max_age_years"]
    # The Import Policy counts from 1 January of the year after manufacture to the B/L date.
    start = date(built_on(facts).year + 1, 1, 1)
    if not over_age(start, limit, situation.on):
        return Met()
    return Broken(
        Message(
            gettext_noop(
                "Personal imports into %(country)s take cars at most %(limit)s years old "
                "(from 1 January after manufacture); this car counts %(age)s and its last day "
                "within the limit was %(last)s."
            ),
            country=Country(rule.market),
            limit=limit,
            age=age_text(months_between(start, situation.on)),
            last=add_years(start, limit).isoformat(),
        )
    )


@rule(
    "NEW_VEHICLE_DEFINITION",
    "A registered car still counts as new within N days of registration and/or under N km.",
    registration_cutoffs=lambda rule, on: (
        [date.fromordinal(on.toordinal() - rule.params["max_days_since_registration"])]
        if "max_days_since_registration" in rule.params
        else []
    ),
    odometer_limits=lambda rule: [rule.params["max_km"]] if "max_km" in rule.params else [],
    max_days_since_registration=Param(int, required=False, minimum=0),
    max_km=Param(int, required=False, minimum=0),
)
def new_vehicle_definition(rule, facts, situation):
    # The definition decides which of the market's rules apply (`destination_class`); as a
    # rule of its own it only says how the car was classed.
    if situation.used and not situation.maybe_new:
        return Met(
            Message(
                gettext_noop("%(country)s treats this car as used."), country=Country(rule.market)
            )
        )
    return Note(
        Message(gettext_noop("%(country)s treats this car as new."), country=Country(rule.market))
    )
