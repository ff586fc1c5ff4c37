"""China's origin rules, applied to every export: the maker's after-sales confirmation, the
registered owner, the scrapping age and the inspection report. No Django import."""

from datetime import date

from inventory.messages import Country, Message, gettext_noop

from .engine import Broken, Document, HeldDocument, Met, Missing, Param, VehicleFacts, rule
from .helpers import add_years, age_text, built_on, letters, months_between


def issued_by_maker(document: HeldDocument, make: str) -> bool:
    """The paper comes from the car's own maker as MIIT lists it (C13): flagged as issued by the
    listed manufacturer, and the issuer's name contains the make ("BYD Auto Co., Ltd." for a
    BYD). Its sales company, overseas department or dealers may not issue it."""
    return bool(
        document.issuer_is_listed_manufacturer
        and letters(make)
        and letters(make) in letters(document.issuer)
    )


def confirmation_problem(facts: VehicleFacts, destination: str) -> Message | None:
    """Why no confirmation on file is valid for `destination`; None when one is.

    C12: the confirmation states the export country, so a paper naming no country or another
    one does not count; C13: only the car's own MIIT-listed maker may issue it.
    """
    confirmations = [d for d in facts.documents if d.kind == Document.AFTER_SALES_CONFIRMATION]
    naming = [d for d in confirmations if destination and d.country_code == destination]
    if any(issued_by_maker(d, facts.make) for d in naming):
        return None
    if naming:
        return Message(
            gettext_noop(
                "The after-sales confirmation on file for %(country)s was not issued by "
                "%(make)s, the manufacturer listed in MIIT's announcement; its sales company "
                "or dealers may not issue it."
            ),
            country=Country(destination),
            make=facts.make,
        )
    if confirmations:
        return Message(
            gettext_noop(
                "The after-sales confirmation on file does not name %(country)s; it must state "
                "the export country."
            ),
            country=Country(destination)
            if destination
            else Message(gettext_noop("each destination")),
        )
    return Message(gettext_noop("No after-sales confirmation is on file."))


@rule(
    "AFTER_SALES_CONFIRMATION_IF_REGISTERED_WITHIN",
    "A car exported within N days of registration needs the manufacturer's after-sales "
    "confirmation.",
    registration_cutoffs=lambda rule, on: [
        date.fromordinal(on.toordinal() - rule.params["max_days_since_registration"])
    ],
    max_days_since_registration=Param(int, minimum=0),
    requires_document=Param(str, choices=tuple(Document)),
)
def after_sales_confirmation(rule, facts, situation):
    """C12: from 2026-01-01 a car applying for export within 180 days (inclusive) of its
    registration needs its maker's confirmation; later than that, none is asked for, so a
    paper on file, valid or not, changes nothing."""
    limit = rule.params["max_days_since_registration"]
    document = rule.params["requires_document"]
    country = (
        Country(situation.destination)
        if situation.destination
        else Message(gettext_noop("each destination"))
    )
    if facts.registered_on is None:
        days = None
        message = Message(
            gettext_noop(
                "Not registered yet: exported within %(limit)s days of registration, it needs "
                "the manufacturer's after-sales confirmation for %(country)s."
            ),
            limit=limit,
            country=country,
        )
    else:
        days = (situation.on - facts.registered_on).days
        message = Message(
            gettext_noop(
                "Registered %(days)s days ago (at most %(limit)s): the export needs the "
                "manufacturer's after-sales confirmation for %(country)s."
            ),
            days=days,
            limit=limit,
            country=country,
        )
    if days is not None and days > limit:
        return Met(
            Message(
                gettext_noop("Registered %(days)s days ago, more than %(limit)s."),
                days=days,
                limit=limit,
            )
        )
    problem = confirmation_problem(facts, situation.destination)
    if problem is None:
        return Met(Message(gettext_noop("The manufacturer's after-sales confirmation is on file.")))
    return Missing(
        document, Message(gettext_noop("%(need)s %(problem)s"), need=message, problem=problem)
    )


@rule(
    "CONFIRMATION_ISSUER_MUST_BE_MIIT_LISTED_MANUFACTURER",
    "Only the manufacturer listed in MIIT's announcement may issue the confirmation.",
)
def confirmation_issuer(rule, facts, situation):
    # The issuer matters only for a confirmation that is needed: the after-sales rule accepts
    # a paper only from the car's listed maker (`issued_by_maker`) and says why it refuses one.
    # Judged here on its own, a paper nobody asked for would create a need.
    return Met(
        Message(
            gettext_noop(
                "When a confirmation is needed, only one from the car's manufacturer listed in "
                "MIIT's announcement counts."
            )
        )
    )


@rule(
    "EXPORTER_EQUALS_REGISTERED_OWNER",
    "The registration certificate must name the exporter as the owner.",
)
def exporter_is_owner(rule, facts, situation):
    """C6: the owner on the registration certificate must be the exporter named on the
    licence, that is the dealer exporting the car."""
    if facts.owner_is_exporter:
        return Met(Message(gettext_noop("The car is registered to the exporter.")))
    if facts.owner_is_exporter is None:
        return Missing(
            Document.REGISTERED_OWNER,
            Message(
                gettext_noop(
                    "Record whom the registration certificate names as owner: the registered "
                    "owner must be the exporter on the licence."
                )
            ),
        )
    return Broken(
        Message(
            gettext_noop(
                "The car is registered to %(owner)s, not to the exporter: transfer it to the "
                "exporter before applying for the licence."
            ),
            owner=facts.registered_owner or Message(gettext_noop("someone else")),
        )
    )


@rule(
    "NO_EXPORT_WITHIN_YEARS_OF_SCRAP_AGE",
    "No export within N years of the mandatory scrapping age.",
    years=Param(int, minimum=0),
    scrap_age_years=Param(int, required=False, minimum=1),
)
def scrap_age(rule, facts, situation):
    scrap_age_years = rule.params.get("scrap_age_years")
    if scrap_age_years is None:
        return Met(
            Message(gettext_noop("Passenger cars have no mandatory scrapping age in China."))
        )
    last_day = add_years(built_on(facts), scrap_age_years - rule.params["years"])
    if situation.on < last_day:
        return Met()
    return Broken(
        Message(
            gettext_noop(
                "Cars within %(years)s year(s) of the %(scrap)s-year scrapping age may not be "
                "exported; this car is %(age)s old."
            ),
            years=rule.params["years"],
            scrap=scrap_age_years,
            age=age_text(months_between(built_on(facts), situation.on)),
        )
    )


@rule(
    "INSPECTION_ONE_PER_VEHICLE",
    "Every car needs its own inspection report from an accredited lab.",
    lab_accreditation=Param(list, of=str),
)
def inspection_report(rule, facts, situation):
    accepted = rule.params["lab_accreditation"]
    if facts.inspection_accreditation is None:
        return Missing(
            Document.INSPECTION_REPORT,
            Message(
                gettext_noop(
                    "Inspection needed: every car needs an issued inspection report from a "
                    "%(labs)s-accredited lab."
                ),
                labs=" / ".join(accepted),
            ),
        )
    if accepted and not any(
        label.upper() in facts.inspection_accreditation.upper() for label in accepted
    ):
        return Missing(
            Document.INSPECTION_REPORT,
            Message(
                gettext_noop(
                    "The latest inspection report does not name a %(labs)s accreditation."
                ),
                labs=" / ".join(accepted),
            ),
        )
    return Met(Message(gettext_noop("An issued inspection report is on file.")))
