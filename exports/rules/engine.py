"""The rule engine's vocabulary: a vehicle's facts, rules as data, the reasons and verdicts
they give, parameter schemas and the registry of rule checks (`rule`). No Django import."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from inventory.messages import Message, gettext_noop


class Verdict(StrEnum):
    ELIGIBLE = "eligible"
    NEEDS_DOCUMENTS = "needs_documents"
    NOT_EVALUATED = "not_evaluated"
    BLOCKED = "blocked"


class Outcome(StrEnum):
    PASS = "pass"  # the rule is met
    BLOCK = "block"  # a blocking rule is broken
    NEEDS_DOCUMENT = "needs_document"  # met once a document is supplied
    WARN = "warn"  # a warning rule is broken; the export is still possible
    INFO = "info"  # something to know or do; no effect on the verdict
    NOT_EVALUATED = "not_evaluated"  # unknown rule code or malformed parameters


class Document(StrEnum):
    """Documents a rule can ask for; the vehicle's documents and inspections supply them."""

    AFTER_SALES_CONFIRMATION = "manufacturer_after_sales_confirmation"
    INSPECTION_REPORT = "inspection_report"
    BATTERY_HEALTH_REPORT = "battery_health_report"
    CONFORMITY_CERTIFICATE = "conformity_certificate"
    GSO_CONFORMITY_CERTIFICATE = "gso_conformity_certificate"
    RUSSIAN_TYPE_APPROVAL = "era_glonass_sbkts"
    COMPLIANCE_CERTIFICATE = "compliance_certificate"
    # Facts recorded on the vehicle or the shipment rather than papers filed, asked for the
    # same way: the registration certificate's owner, the shipment's import declarant.
    REGISTERED_OWNER = "registered_owner"
    IMPORT_DECLARANT = "import_declarant"


# Metric horsepower per kilowatt, exact as a decimal: 1 PS = 735.49875 W, so 1 kW = 1.35962 PS.
HP_PER_KW = Decimal("1.35962")
ELECTRIC = frozenset({"BEV"})  # "EV" in the rules: cars driven by an electric motor only
SEVERITIES = ("block", "warn", "info")
AUDIENCE_TAGS = frozenset({"all", "new", "used", "ev", "individual", "commercial"})


@dataclass(frozen=True)
class HeldDocument:
    kind: str
    country_code: str = ""  # the destination it was issued for; empty: any destination
    issuer_is_listed_manufacturer: bool | None = None
    issuer: str = ""  # who issued it, as written on the paper
    holder: str = ""  # whom it was issued to, as written on the paper


@dataclass(frozen=True)
class VehicleFacts:
    """What the rules read about one vehicle; hashable, so equal profiles evaluate once."""

    powertrain: str
    steering_side: str
    model_year: int
    make: str = ""
    built_on: date | None = None
    registered_on: date | None = None
    engine_cc: int | None = None
    fuel: str = "petrol"
    body_type: str = ""
    power_kw: int | None = None
    odometer_km: int | None = None
    battery_soh_pct: Decimal | None = None
    is_salvage: bool = False
    flood_damage: bool = False
    fire_damage: bool = False
    structural_damage: bool = False
    # Accreditation of the lab behind the latest issued inspection ("" if none is stated);
    # None when the vehicle has no issued inspection.
    inspection_accreditation: str | None = None
    # Whether the registration certificate names the exporter (the dealer) as owner; None
    # when nobody recorded it. The owner's name, when it is someone else.
    owner_is_exporter: bool | None = True
    registered_owner: str = ""
    documents: frozenset[HeldDocument] = frozenset()

    @property
    def is_electric(self):
        return self.powertrain in ELECTRIC

    @property
    def is_registered(self):
        """China's test for a used car (C3): traded after registration. An unregistered car
        leaves China as a new car, whatever its odometer shows."""
        return self.registered_on is not None

    def holds(self, kind, country_code=""):
        return any(
            doc.kind == kind and doc.country_code in ("", country_code) for doc in self.documents
        )


@dataclass(frozen=True)
class Rule:
    market: str  # country code of the market the rule belongs to
    code: str
    severity: str
    params: dict = field(default_factory=dict, hash=False, compare=False)
    applies_to: tuple[str, ...] = ("all",)
    effective_from: date | None = None
    effective_to: date | None = None
    source_url: str = ""

    def in_force(self, on: date) -> bool:
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to
        )

    @cached_property
    def problems(self) -> tuple[Message, ...]:
        """Why this rule cannot be judged (unknown code, bad parameters or groups); () if fine.

        Worked out once per rule: a frozen dataclass still lets cached_property store it.
        """
        problems = parameter_problems(self.code, self.params)
        unknown_tags = tuple(str(tag) for tag in self.applies_to if tag not in AUDIENCE_TAGS)
        if unknown_tags:
            problems.append(
                Message(gettext_noop("Unknown groups in applies-to: %(tags)s."), tags=unknown_tags)
            )
        if self.severity not in SEVERITIES:
            problems.append(
                Message(
                    gettext_noop("The severity %(severity)s is not block, warn or info."),
                    severity=repr(self.severity),
                )
            )
        return tuple(problems)


@dataclass(frozen=True)
class Situation:
    """The export being judged: the day, the destination and who buys."""

    on: date
    destination: str
    buyer: str = "commercial"  # or "individual"
    # How the rule's own country classes the car: used (its "used" rules apply) or new (its
    # "new" rules apply); maybe_new when a used car may still count as new there, so that
    # its "new" rules apply as well.
    used: bool = True
    maybe_new: bool = False
    # Who declares the cars at import, as the shipment records it ("" when it does not);
    # None when the car is judged outside a shipment.
    declarant: str | None = None


@dataclass(frozen=True)
class Reason:
    market: str
    rule_code: str
    outcome: Outcome
    message: Message
    severity: str
    source_url: str
    document: str | None = None


@dataclass(frozen=True)
class MarketVerdict:
    market: str
    verdict: Verdict
    reasons: tuple[Reason, ...]

    # Worked out once per verdict: many cars share one verdict object (`memo`).
    @cached_property
    def missing_documents(self) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(r.document for r in self.reasons if r.outcome is Outcome.NEEDS_DOCUMENT)
        )

    @cached_property
    def warnings(self) -> tuple[Reason, ...]:
        """The warning rules the car breaks: the export stays possible, but is in doubt."""
        return tuple(r for r in self.reasons if r.outcome is Outcome.WARN)

    @property
    def exportable(self) -> bool:
        """Eligible now, or once the missing documents are supplied."""
        return self.verdict in (Verdict.ELIGIBLE, Verdict.NEEDS_DOCUMENTS)


# --- what a check returns ----------------------------------------------------------------------


@dataclass(frozen=True)
class Met:
    message: Message | None = None


@dataclass(frozen=True)
class Broken:
    message: Message


@dataclass(frozen=True)
class Missing:
    document: str
    message: Message


@dataclass(frozen=True)
class Note:
    message: Message


@dataclass(frozen=True)
class Doubt:
    """The rule can no longer vouch for the export (its window has ended, say): a warning
    whatever the rule's severity, so the market is never read as plainly open."""

    message: Message


# --- parameter schemas ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    kind: type | tuple[type, ...]
    required: bool = True
    minimum: float | None = None
    choices: tuple | None = None
    of: type | None = None  # element type for lists
    is_date: bool = False  # text written YYYY-MM-DD

    def problems(self, name, value):
        kinds = self.kind if isinstance(self.kind, tuple) else (self.kind,)
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            return [
                Message(
                    gettext_noop("%(name)s must be %(kind)s, not %(value)s."),
                    name=name,
                    kind=self.describe(),
                    value=repr(value),
                )
            ]
        if self.minimum is not None and value < self.minimum:
            return [
                Message(
                    gettext_noop("%(name)s must be at least %(minimum)s, not %(value)s."),
                    name=name,
                    minimum=self.minimum,
                    value=repr(value),
                )
            ]
        if self.choices is not None and value not in self.choices:
            return [
                Message(
                    gettext_noop("%(name)s must be one of %(choices)s, not %(value)s."),
                    name=name,
                    choices=tuple(map(str, self.choices)),
                    value=repr(value),
                )
            ]
        if self.of is not None and any(not isinstance(item, self.of) for item in value):
            return [
                Message(
                    gettext_noop("%(name)s must be a list of %(kind)s values."),
                    name=name,
                    kind=self.of.__name__,
                )
            ]
        if self.is_date:
            try:
                date.fromisoformat(value)
            except ValueError:
                return [
                    Message(
                        gettext_noop("%(name)s must be a date written YYYY-MM-DD, not %(value)s."),
                        name=name,
                        value=repr(value),
                    )
                ]
        return []

    def describe(self):
        kinds = self.kind if isinstance(self.kind, tuple) else (self.kind,)
        return Message(KIND_NAMES[kinds])


KIND_NAMES = {
    (int,): gettext_noop("a whole number"),
    (int, float): gettext_noop("a number"),
    (str,): gettext_noop("text"),
    (bool,): gettext_noop("true or false"),
    (list,): gettext_noop("a list"),
}
NUMBER = (int, float)
DATE_TEXT = Param(str, is_date=True)


@dataclass(frozen=True)
class RuleSpec:
    code: str
    check: Callable[[Rule, VehicleFacts, Situation], object]
    params: dict[str, Param]
    description: str
    # The first-registration dates where the rule's answer can change on a given day: it
    # compares the registration date only with these (registered on or after each one).
    registration_cutoffs: Callable[[Rule, date], list[date]] | None = None
    # The odometer readings where the rule's answer can change: it compares the reading only
    # with these (over each one or not).
    odometer_limits: Callable[[Rule], list[int]] | None = None


RULES: dict[str, RuleSpec] = {}


def rule(code, description, registration_cutoffs=None, odometer_limits=None, **params):
    def register(check):
        RULES[code] = RuleSpec(
            code, check, params, description, registration_cutoffs, odometer_limits
        )
        return check

    return register


def parameter_problems(code: str, params) -> list[Message]:
    """What is wrong with a rule's parameters, each naming the parameter; [] when fine."""
    spec = RULES.get(code)
    if spec is None:
        return [Message(gettext_noop("%(code)s is not a rule code DealerHub knows."), code=code)]
    if not isinstance(params, dict):
        return [Message(gettext_noop("The parameters must be an object of names and values."))]
    problems = []
    for name, param in spec.params.items():
        if name not in params:
            if param.required:
                problems.append(Message(gettext_noop("%(name)s is missing."), name=name))
            continue
        problems.extend(param.problems(name, params[name]))
    unknown = tuple(sorted(set(params) - set(spec.params)))
    if unknown:
        problems.append(Message(gettext_noop("Unknown parameter(s): %(names)s."), names=unknown))
    return problems
