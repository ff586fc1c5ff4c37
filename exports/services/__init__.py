"""Every write to shipments, market rules, export-candidate flags and cash-flow snapshots.

One module per sub-domain: `shipments` (create, change, move, documents), `shipment_lines`
(the cars on a shipment), `shipment_checks` (what the rules ask before a car joins or a
shipment moves), `markets` (destination markets and their rules), `candidates` (the nightly
candidate job) and `cashflow` (the nightly snapshot). The names are re-exported here, so callers
keep writing `services.shipment_advance(...)`.
"""

from .candidates import (
    CANDIDATE_JOB,
    CANDIDATE_LOCK_CACHE_KEY,
    CANDIDATE_LOCK_KEY,
    _single_candidate_run,
    export_candidates_flag,
    export_verdicts_sweep,
)
from .cashflow import SNAPSHOT_FIELDS, SNAPSHOT_JOB, cash_flow_snapshot_take
from .markets import (
    destination_market_save,
    market_rule_delete,
    market_rule_mark_verified,
    market_rule_save,
)
from .shipment_checks import LICENCE_RULE, NEEDED_FOR, NOT_BEFORE_ETD
from .shipment_lines import (
    LINE_DATES,
    OPEN_FOR_LINES,
    SHIPPABLE_VEHICLE_STATUSES,
    PlannedAddition,
    shipment_add_plan,
    shipment_add_vehicle,
    shipment_add_vehicles,
    shipment_line_set_dates,
    shipment_line_set_price,
    shipment_remove_vehicle,
    shipment_set_prices,
)
from .shipments import (
    CHECKED_WHEN_ADDED,
    COMMITTING_MOVES,
    FIXED_AT_BOOKING,
    NEXT_STATUSES,
    VEHICLE_STATUS_FOR,
    next_statuses,
    shipment_advance,
    shipment_create,
    shipment_delete_draft,
    shipment_documents_generate,
    shipment_update,
)

__all__ = [
    "CANDIDATE_JOB",
    "CANDIDATE_LOCK_CACHE_KEY",
    "CANDIDATE_LOCK_KEY",
    "CHECKED_WHEN_ADDED",
    "COMMITTING_MOVES",
    "FIXED_AT_BOOKING",
    "LICENCE_RULE",
    "LINE_DATES",
    "NEEDED_FOR",
    "NEXT_STATUSES",
    "NOT_BEFORE_ETD",
    "OPEN_FOR_LINES",
    "SHIPPABLE_VEHICLE_STATUSES",
    "SNAPSHOT_FIELDS",
    "SNAPSHOT_JOB",
    "VEHICLE_STATUS_FOR",
    "PlannedAddition",
    "_single_candidate_run",
    "cash_flow_snapshot_take",
    "destination_market_save",
    "export_candidates_flag",
    "export_verdicts_sweep",
    "market_rule_delete",
    "market_rule_mark_verified",
    "market_rule_save",
    "next_statuses",
    "shipment_add_plan",
    "shipment_add_vehicle",
    "shipment_add_vehicles",
    "shipment_advance",
    "shipment_create",
    "shipment_delete_draft",
    "shipment_documents_generate",
    "shipment_line_set_dates",
    "shipment_line_set_price",
    "shipment_remove_vehicle",
    "shipment_set_prices",
    "shipment_update",
]
