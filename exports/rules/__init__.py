"""Export eligibility: a market's rules, and China's origin rules, judged against a vehicle's facts.

Plain Python with no Django import. Rules are data (`Rule`, loaded from the database by the
caller); each rule code is implemented once, in the module of its family, by a check function
registered with the schema of its parameters (`engine.rule`). `evaluate_market` applies the
origin rules and one destination's rules on a given day and returns a `MarketVerdict`:

* `blocked` - a rule in force forbids the export (a "block" rule that the car breaks);
* `not_evaluated` - nothing blocks, but a rule could not be judged (unknown code or bad
  parameters), so the car is never called eligible on that market;
* `needs_documents` - the export is allowed once the named documents are supplied;
* `eligible` - nothing stands in the way.

Every reason carries the rule code, a sentence with the numbers, the severity and the source.

The families register their checks when imported, so importing this package (or any module in
it) makes the registry `RULES` complete.
"""

# Every family, so that each rule code is registered.
from . import ages, china, condition, documents, licences, notes, steering
from .engine import (
    AUDIENCE_TAGS,
    DATE_TEXT,
    ELECTRIC,
    HP_PER_KW,
    KIND_NAMES,
    NUMBER,
    RULES,
    SEVERITIES,
    Broken,
    Document,
    Doubt,
    HeldDocument,
    MarketVerdict,
    Met,
    Missing,
    Note,
    Outcome,
    Param,
    Reason,
    Rule,
    RuleSpec,
    Situation,
    VehicleFacts,
    Verdict,
    parameter_problems,
    rule,
)
from .evaluation import (
    ORIGIN_SOURCE,
    applies,
    destination_class,
    evaluate_market,
    evaluate_origin,
    is_new_there,
    judge,
    not_a_used_car,
    verdict_of,
)
from .helpers import add_years, age_text, built_on, letters, months_between, over_age
from .memo import ReadMemo
from .profiles import (
    canonical_built_on,
    canonical_odometer,
    canonical_registered_on,
    odometer_limits,
    registration_cutoffs,
)

__all__ = [
    "AUDIENCE_TAGS",
    "DATE_TEXT",
    "ELECTRIC",
    "HP_PER_KW",
    "KIND_NAMES",
    "NUMBER",
    "ORIGIN_SOURCE",
    "RULES",
    "SEVERITIES",
    "Broken",
    "Document",
    "Doubt",
    "HeldDocument",
    "MarketVerdict",
    "Met",
    "Missing",
    "Note",
    "Outcome",
    "Param",
    "ReadMemo",
    "Reason",
    "Rule",
    "RuleSpec",
    "Situation",
    "VehicleFacts",
    "Verdict",
    "add_years",
    "age_text",
    "ages",
    "applies",
    "built_on",
    "canonical_built_on",
    "canonical_odometer",
    "canonical_registered_on",
    "china",
    "condition",
    "destination_class",
    "documents",
    "evaluate_market",
    "evaluate_origin",
    "is_new_there",
    "judge",
    "letters",
    "licences",
    "months_between",
    "not_a_used_car",
    "notes",
    "odometer_limits",
    "over_age",
    "parameter_problems",
    "registration_cutoffs",
    "rule",
    "steering",
    "verdict_of",
]
