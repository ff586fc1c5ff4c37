"""Every write to shipments, market rules, export-candidate flags and cash-flow snapshots."""

from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from inventory.files import delete_files_on_commit
from inventory.models import (
    Dealer,
    JobRun,
    JobRunStatus,
    Vehicle,
    VehicleStatus,
    message_text,
    paper_label,
)
from inventory.services import (
    job_run_finish,
    job_run_start,
    job_runs_abandon,
    vehicle_set_shipment_status,
)

from . import batches, candidates, cashflow, customs, documents, eligibility, rules, shipments
from .models import (
    CashFlowSnapshot,
    DocumentKind,
    ExportShipment,
    MarketRule,
    ShipmentDocument,
    ShipmentLine,
    ShipmentMilestone,
    ShipmentStatus,
)
from .rules import Outcome

S = ShipmentStatus
NEXT_STATUSES = {
    S.DRAFT: {S.BOOKED, S.CANCELLED},
    S.BOOKED: {S.CUSTOMS_CLEARED, S.CANCELLED},
    S.CUSTOMS_CLEARED: {S.LOADED, S.CANCELLED},
    S.LOADED: {S.IN_TRANSIT},
    S.IN_TRANSIT: {S.ARRIVED},
    S.ARRIVED: {S.DELIVERED},
    S.DELIVERED: set(),
    S.CANCELLED: set(),
}
# Where the vehicles on a shipment stand once it reaches a status.
VEHICLE_STATUS_FOR = {
    S.BOOKED: VehicleStatus.ALLOCATED,
    S.LOADED: VehicleStatus.EXPORTED,
    S.CANCELLED: VehicleStatus.IN_STOCK,
}
OPEN_FOR_LINES = {S.DRAFT, S.BOOKED}
SHIPPABLE_VEHICLE_STATUSES = {VehicleStatus.IN_STOCK, VehicleStatus.RESERVED}


def next_statuses(shipment):
    return sorted(NEXT_STATUSES[ShipmentStatus(shipment.status)], key=list(S).index)


def _milestone(shipment, *, status, from_status="", on=None, by=None, note=""):
    return ShipmentMilestone.objects.create(
        shipment=shipment,
        status=status,
        from_status=from_status,
        on=on or shipment.dealer.today(),
        by=by,
        note=note,
    )


@transaction.atomic
def shipment_create(*, dealer, reference, destination, consignee, by=None, **details):
    shipment = ExportShipment(
        dealer=dealer,
        reference=reference.strip(),
        destination=destination,
        consignee=consignee,
        created_by=by,
        **details,
    )
    if destination.is_origin:
        raise ValidationError({"destination": _("Choose the country the vehicles are going to.")})
    shipment.full_clean()
    shipment._history_user = by
    shipment.save()
    _milestone(shipment, status=S.DRAFT, by=by)
    return shipment


# What booking fixes: the sale is converted at the rate agreed when the ship is booked.
FIXED_AT_BOOKING = frozenset({"fx_rate_to_base", "sale_currency"})
# What each car was checked against when it was added; another market needs a new shipment.
CHECKED_WHEN_ADDED = frozenset({"destination", "consignee_type"})


@transaction.atomic
def shipment_update(*, shipment, by=None, **changes) -> ExportShipment:
    """Change a shipment's details; its status moves only through `shipment_advance`, and its
    FX rate and currency are fixed once it is booked."""
    if {"status", "dealer"} & set(changes):
        raise TypeError("status and dealer change only through shipment_advance")
    locked = ExportShipment.objects.select_for_update().get(pk=shipment.pk)
    changed = {k: v for k, v in changes.items() if getattr(locked, k) != v}
    if not changed:
        return locked
    frozen = sorted(FIXED_AT_BOOKING & set(changed)) if locked.fx_fixed_on else []
    if locked.lines.filter(is_active=True).exists():
        judged_by = sorted(CHECKED_WHEN_ADDED & set(changed))
        if judged_by:
            raise ValidationError(
                {
                    name: _(
                        "The cars on this shipment were checked against it; remove them "
                        "first or make a new shipment."
                    )
                    for name in judged_by
                }
            )
    if frozen:
        raise ValidationError(
            {
                name: _("Fixed when the shipment was booked on %(day)s.")
                % {"day": locked.fx_fixed_on.isoformat()}
                for name in frozen
            }
        )
    for name, value in changed.items():
        setattr(locked, name, value)
    # What a past move needed stays recorded, and the ETD stays on or before the loading day.
    kept = _missing_for(locked, locked.status)
    loaded_on = locked.milestone_on(S.LOADED)
    if loaded_on and locked.etd and locked.etd > loaded_on:
        kept["etd"] = _("The cars were loaded on %(day)s; the ETD cannot be later.") % {
            "day": loaded_on.isoformat()
        }
    if kept:
        raise ValidationError(kept)
    locked.full_clean()
    locked._history_user = by
    locked.save()
    return locked


LICENCE_RULE = "EXPORT_LICENCE_MAX_VEHICLES"


def _licence_rule(on):
    """China's licence-batch rule in force on `on` with valid parameters, or None."""
    for row in (
        MarketRule.objects.in_force(on)
        .filter(market__is_origin=True, market__is_active=True, rule_code=LICENCE_RULE)
        .order_by("-effective_from", "id")
    ):
        if not rules.parameter_problems(row.rule_code, row.params):
            return row
    return None


def _rebatch(shipment, on=None):
    """Group the active lines into licence batches as China's licence rule in force says: at
    most its `max_vehicles` cars, under one 10-digit commodity code when `single_hs_code`.
    Each line's code is worked out afresh from its car, so a body type recorded since the car
    was added moves it into the right batch."""
    rule = _licence_rule(on or shipment.dealer.today())
    max_vehicles = rule.params["max_vehicles"] if rule else batches.DEFAULT_MAX_VEHICLES
    single_code = rule.params["single_hs_code"] if rule else True
    lines = list(
        shipment.lines.filter(is_active=True).select_related("vehicle").order_by("added_at", "id")
    )
    codes = {line.pk: customs.vehicle_commodity_code(line.vehicle) for line in lines}
    numbers = batches.assign(
        [(line.pk, codes[line.pk].batch_key) for line in lines],
        max_vehicles=max_vehicles,
        single_code=single_code,
    )
    for line in lines:
        line.licence_batch = numbers[line.pk]
        line.commodity_code = codes[line.pk].code
    ShipmentLine.objects.bulk_update(lines, ["licence_batch", "commodity_code"])


def _licence_problems(shipment, lines, on):
    """The cars whose commodity code cannot be told, so no licence can be applied for them,
    each named with the fact to record; none while China's licence rule is not in force."""
    if _licence_rule(on) is None:
        return []
    problems = []
    for line in lines:
        code = customs.vehicle_commodity_code(line.vehicle)
        if code.missing:
            problems.append(
                _("Vehicle %(vin)s cannot be put on an export licence: %(rule)s: %(reason)s")
                % {
                    "vin": line.vehicle.vin,
                    "rule": LICENCE_RULE,
                    "reason": message_text(code.reason),
                }
            )
    return problems


def _blocking_reasons(verdict):
    return [r for r in verdict.reasons if r.outcome in (Outcome.BLOCK, Outcome.NOT_EVALUATED)]


def _refusals(vehicle, shipment, verdict):
    """Why the destination's or China's rules refuse the car, one message per rule."""
    return [
        _("Vehicle %(vin)s cannot go to %(market)s: %(rule)s: %(reason)s")
        % {
            "vin": vehicle.vin,
            "market": shipment.destination.name,
            "rule": reason.rule_code,
            "reason": message_text(reason.message),
        }
        for reason in _blocking_reasons(verdict)
    ]


@transaction.atomic
def shipment_add_vehicle(*, shipment, vehicle, sale_price=None, by=None) -> ShipmentLine:
    """Put a dealer's vehicle on a draft or booked shipment; it can be on only one at a time.

    The destination's rules are applied as the shipment stands (its market, the day, the
    consignee): a rule that blocks the car refuses it by name; papers the car still needs are
    returned as `line.outstanding` and hold the shipment back from customs clearance."""
    shipment = (
        ExportShipment.objects.select_for_update().select_related("destination").get(pk=shipment.pk)
    )
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    if vehicle.dealer_id != shipment.dealer_id:
        raise ValidationError(
            {"vehicle": _("Vehicle %(vin)s belongs to another dealer.") % {"vin": vehicle.vin}}
        )
    if shipment.status not in OPEN_FOR_LINES:
        raise ValidationError(
            _("Shipment %(ref)s is %(status)s; vehicles can only be added while draft or booked.")
            % {"ref": shipment.reference, "status": shipment.get_status_display().lower()}
        )
    if vehicle.status not in SHIPPABLE_VEHICLE_STATUSES:
        raise ValidationError(
            {
                "vehicle": _("Vehicle %(vin)s is %(status)s and cannot be shipped.")
                % {"vin": vehicle.vin, "status": vehicle.get_status_display().lower()}
            }
        )
    existing = ShipmentLine.objects.filter(vehicle=vehicle, is_active=True).first()
    if existing:
        if existing.shipment_id == shipment.pk:
            return existing
        raise ValidationError(
            {
                "vehicle": _("Vehicle %(vin)s is already on shipment %(ref)s.")
                % {"vin": vehicle.vin, "ref": existing.shipment.reference}
            }
        )
    verdict = eligibility.market_verdict(
        vehicle,
        shipment.destination.country_code,
        shipment.dealer.today(),
        buyer=shipment.consignee_type,
        declarant=shipment.declarant,
    )
    refusals = _refusals(vehicle, shipment, verdict)
    if refusals:
        raise ValidationError({"vehicle": refusals})
    code, _reason = customs.vehicle_hs_code(vehicle)
    line = ShipmentLine(shipment=shipment, vehicle=vehicle, hs_code=code, added_by=by)
    if sale_price is not None:
        line.sale_price = sale_price
    line.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError as exc:
        raise ValidationError(
            {
                "vehicle": _("Vehicle %(vin)s is already on another active shipment.")
                % {"vin": vehicle.vin}
            }
        ) from exc
    if shipment.status == S.BOOKED:
        vehicle_set_shipment_status(vehicles=[vehicle], to_status=VehicleStatus.ALLOCATED, by=by)
    _rebatch(shipment)
    line.refresh_from_db(fields=["licence_batch", "commodity_code"])
    line.outstanding = [str(kind) for kind in verdict.missing_documents]
    return line


@transaction.atomic
def shipment_line_set_price(*, line, sale_price) -> ShipmentLine:
    locked = ShipmentLine.objects.select_for_update().select_related("shipment").get(pk=line.pk)
    if locked.shipment.status not in OPEN_FOR_LINES:
        raise ValidationError(
            _("Shipment %(ref)s is %(status)s; its prices can no longer change.")
            % {
                "ref": locked.shipment.reference,
                "status": locked.shipment.get_status_display().lower(),
            }
        )
    locked.sale_price = sale_price
    locked.full_clean(validate_constraints=False)
    locked.save(update_fields=["sale_price"])
    return locked


LINE_DATES = frozenset({"transferred_on", "insurance_ends_on", "deregistered_on"})


@transaction.atomic
def shipment_line_set_dates(*, line, **dates) -> ShipmentLine:
    """Record a car's transfer pending export, the end of its compulsory insurance (which,
    with the 60 days, sets its temporary plate's expiry) and its de-registration after
    export."""
    unknown = set(dates) - LINE_DATES
    if unknown:
        raise TypeError(f"not a line date: {', '.join(sorted(unknown))}")
    locked = ShipmentLine.objects.select_for_update().select_related("shipment").get(pk=line.pk)
    for name, value in dates.items():
        setattr(locked, name, value)
    today = locked.shipment.dealer.today()
    future = [
        name
        for name in ("transferred_on", "deregistered_on")
        if (getattr(locked, name) or today) > today
    ]
    if future:
        raise ValidationError({name: _("This date cannot be in the future.") for name in future})
    cleared = locked.shipment.milestone_on(S.CUSTOMS_CLEARED)
    if locked.deregistered_on and (cleared is None or locked.deregistered_on < cleared):
        raise ValidationError(
            {"deregistered_on": _("A car is de-registered after its export customs clearance.")}
        )
    locked.full_clean(validate_constraints=False)
    locked.save(update_fields=sorted(dates))
    return locked


@transaction.atomic
def shipment_remove_vehicle(*, shipment, vehicle, by=None) -> None:
    shipment = ExportShipment.objects.select_for_update().get(pk=shipment.pk)
    if shipment.status not in OPEN_FOR_LINES:
        raise ValidationError(
            _("Shipment %(ref)s is %(status)s; its vehicles can no longer be removed.")
            % {"ref": shipment.reference, "status": shipment.get_status_display().lower()}
        )
    line = shipment.lines.filter(vehicle=vehicle, is_active=True).first()
    if line is None:
        return
    line.delete()
    locked = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    if locked.status == VehicleStatus.ALLOCATED:
        vehicle_set_shipment_status(vehicles=[locked], to_status=VehicleStatus.IN_STOCK, by=by)
    _rebatch(shipment)


@transaction.atomic
def shipment_delete_draft(*, shipment, by=None) -> None:
    """Delete a shipment that never left draft, with its cars, its draft milestone and any
    documents made for it, files included. A booked shipment is cancelled instead: its lines,
    milestones and papers are the record of what was sold abroad."""
    locked = ExportShipment.objects.select_for_update().get(pk=shipment.pk)
    if locked.status != S.DRAFT:
        raise ValidationError(
            _("Shipment %(ref)s is %(status)s and stays on record; cancel it instead.")
            % {"ref": locked.reference, "status": locked.get_status_display().lower()},
            code="shipment_on_record",
        )
    documents = list(locked.documents.all())
    # A draft's cars were never allocated, so taking them off changes no vehicle's status.
    locked.lines.all().delete()
    locked.milestones.all().delete()
    locked.documents.all().delete()
    locked._history_user = by
    locked.delete()
    delete_files_on_commit(
        [document.pdf for document in documents] + [document.xlsx for document in documents]
    )


# The moves that commit the cars to the export: each re-applies the rules on its day, since a
# car can become blocked after it was added (a newer inspection, a salvage title, a new rule).
COMMITTING_MOVES = frozenset({S.BOOKED, S.CUSTOMS_CLEARED, S.LOADED})
# What the shipment must record before a move, and keep afterwards: the ship and the bill of
# lading once the cars are on board, and the ETD that the later moves cannot precede.
NEEDED_FOR = {
    S.LOADED: ("vessel", "bill_of_lading"),
    S.IN_TRANSIT: ("vessel", "bill_of_lading"),
    S.ARRIVED: ("vessel", "bill_of_lading"),
    S.DELIVERED: ("vessel", "bill_of_lading"),
}
# Moves that happen once the ship sails, or as it is loaded for sailing: never before the ETD.
NOT_BEFORE_ETD = frozenset(NEEDED_FOR)


def _rule_refusals(shipment, lines, on):
    """Every car on the shipment the rules in force on `on` refuse, named with the rule."""
    verdicts = eligibility.market_verdicts(
        [line.vehicle for line in lines],
        shipment.destination.country_code,
        on,
        buyer=shipment.consignee_type,
        declarant=shipment.declarant,
    )
    problems = []
    for line in lines:
        problems.extend(_refusals(line.vehicle, shipment, verdicts[line.vehicle_id]))
    return problems


def _missing_for(shipment, status):
    """{field: message} for what `status` needs that the shipment does not record."""
    return {
        name: _("Needed before the shipment is %(status)s: %(field)s.")
        % {
            "status": ShipmentStatus(status).label.lower(),
            "field": ExportShipment._meta.get_field(name).verbose_name,
        }
        for name in NEEDED_FOR.get(status, ())
        if not getattr(shipment, name)
    }


def _before_etd(shipment, status, on):
    if status in NOT_BEFORE_ETD and shipment.etd and on < shipment.etd:
        return {
            "on": _(
                "The shipment cannot be %(status)s on %(day)s, before its ETD %(etd)s; "
                "correct the ETD if the ship left early."
            )
            % {
                "status": ShipmentStatus(status).label.lower(),
                "day": on.isoformat(),
                "etd": shipment.etd.isoformat(),
            }
        }
    return {}


def _clearance_problems(shipment):
    problems = []
    for line, missing in shipments.outstanding_documents(shipment).items():
        if missing:
            problems.append(
                _("Vehicle %(vin)s still needs: %(documents)s.")
                % {
                    "vin": line.vehicle.vin,
                    "documents": ", ".join(paper_label(d) for d in missing),
                }
            )
        if not line.sale_price:
            problems.append(
                _("Vehicle %(vin)s has no sale price for the invoice.") % {"vin": line.vehicle.vin}
            )
    return problems


@transaction.atomic
def shipment_advance(*, shipment, to_status, by=None, reason="", on=None) -> ExportShipment:
    """Move a shipment one step along its lifecycle, recorded with who, when and the day it
    happened; its vehicles follow. Customs clearance waits for every outstanding paper and
    for every car's commodity code; booking and clearance re-form the licence batches."""
    shipment = (
        ExportShipment.objects.select_for_update()
        .select_related("dealer", "destination")
        .get(pk=shipment.pk)
    )
    to_status = ShipmentStatus(to_status)
    if shipment.status == to_status:
        return shipment
    if to_status not in NEXT_STATUSES[ShipmentStatus(shipment.status)]:
        raise ValidationError(
            _("Shipment %(ref)s cannot go from %(from)s to %(to)s.")
            % {
                "ref": shipment.reference,
                "from": shipment.get_status_display().lower(),
                "to": to_status.label.lower(),
            },
            code="illegal_shipment_move",
        )
    on = on or shipment.dealer.today()
    if on > shipment.dealer.today():
        raise ValidationError({"on": _("A move cannot be dated in the future.")})
    # The draft is dated the day it was entered; moves entered afterwards may be older.
    last = shipment.milestones.exclude(status=S.DRAFT).order_by("-at", "-id").first()
    if last and on < last.on:
        raise ValidationError(
            {
                "on": _("A move cannot be dated before the one before it, on %(day)s.")
                % {"day": last.on.isoformat()}
            }
        )
    lines = list(shipment.lines.filter(is_active=True).select_related("vehicle"))
    if to_status == S.BOOKED and not lines:
        raise ValidationError(_("Add at least one vehicle before booking the shipment."))
    needs = {**_missing_for(shipment, to_status), **_before_etd(shipment, to_status, on)}
    if needs:
        raise ValidationError(needs, code="move_needs")
    if to_status in COMMITTING_MOVES:
        refusals = _rule_refusals(shipment, lines, on)
        if refusals:
            raise ValidationError(refusals, code="vehicle_refused")
    if to_status == S.CUSTOMS_CLEARED:
        # The licences are applied for before clearance, one per batch and code.
        refusals = _licence_problems(shipment, lines, on)
        if refusals:
            raise ValidationError(refusals, code="vehicle_refused")
    if to_status in (S.BOOKED, S.CUSTOMS_CLEARED):
        _rebatch(shipment, on)
    if to_status == S.CUSTOMS_CLEARED:
        problems = _clearance_problems(shipment)
        if problems:
            raise ValidationError(problems, code="outstanding_documents")
    if to_status == S.CANCELLED and not reason.strip():
        raise ValidationError({"reason": _("Say why the shipment is cancelled.")})
    vehicles = list(
        Vehicle.objects.select_for_update().filter(pk__in=[line.vehicle_id for line in lines])
    )
    if to_status in VEHICLE_STATUS_FOR:
        vehicle_set_shipment_status(
            vehicles=vehicles, to_status=VEHICLE_STATUS_FOR[to_status], by=by, on=on
        )
    if to_status == S.CANCELLED:
        shipment.lines.filter(is_active=True).update(is_active=False)
        shipment.cancelled_reason = reason.strip()
    if to_status == S.BOOKED:
        shipment.fx_fixed_on = on
    previous = shipment.status
    shipment.status = to_status
    shipment._history_user = by
    shipment.save()
    _milestone(shipment, status=to_status, from_status=previous, on=on, by=by, note=reason)
    return shipment


@transaction.atomic
def shipment_documents_generate(*, shipment, by=None, language=None) -> list[ShipmentDocument]:
    """A new version of every trade document of the shipment, each as PDF and XLSX, all made
    from one reading of its lines so that they carry the same VINs and figures."""
    locked = (
        ExportShipment.objects.select_for_update()
        .select_related("dealer", "destination")
        .get(pk=shipment.pk)
    )
    if locked.status == S.CANCELLED:
        raise ValidationError(_("A cancelled shipment needs no documents."))
    lines = shipments.active_lines(locked)
    if not lines:
        raise ValidationError(_("Add vehicles to the shipment before making its documents."))
    unpriced = [line.vehicle.vin for line in lines if not line.sale_price]
    if unpriced:
        raise ValidationError(
            _("Give every car a sale price before making the documents: %(vins)s.")
            % {"vins": ", ".join(unpriced)}
        )
    data = documents.document_data(locked, lines)
    made = []
    for kind in DocumentKind:
        version = 1 + (
            locked.documents.filter(kind=kind).aggregate(newest=Max("version"))["newest"] or 0
        )
        pdf, xlsx = documents.render(kind, data, language=language)
        document = ShipmentDocument(
            shipment=locked,
            kind=kind,
            version=version,
            vins=data.vins,
            total=data.total,
            currency=locked.sale_currency,
            created_by=by,
        )
        name = f"{locked.reference}-{kind.value.replace('_', '-')}-v{version}"
        document.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
        document.xlsx.save(f"{name}.xlsx", ContentFile(xlsx), save=False)
        document.save()
        made.append(document)
    return made


@transaction.atomic
def market_rule_mark_verified(*, rules, on) -> int:
    """Record that managers re-read the sources of these rules on a date."""
    return MarketRule.objects.filter(pk__in=[r.pk for r in rules]).update(last_verified=on)


CANDIDATE_JOB = "flag export candidates"
# PostgreSQL advisory-lock key that lets one candidate run go at a time.
CANDIDATE_LOCK_KEY = 4_242_001
CANDIDATE_LOCK_CACHE_KEY = "lock:flag-export-candidates"


@contextmanager
def _single_candidate_run():
    """The transaction of one candidate run; yields False when another run holds the lock.

    On PostgreSQL an advisory lock lives and dies with the transaction. Elsewhere (the
    embedded SQLite default) the cache holds the lock, released once the transaction ends,
    however it ends: committed, rolled back by a dry run, or broken.
    """
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [CANDIDATE_LOCK_KEY])
                held = cursor.fetchone()[0]
            yield held
        return
    if not cache.add(CANDIDATE_LOCK_CACHE_KEY, True, timeout=settings.CELERY_TASK_TIME_LIMIT):
        yield False
        return
    try:
        with transaction.atomic():
            yield True
    finally:
        cache.delete(CANDIDATE_LOCK_CACHE_KEY)


def _last_fingerprint(dealer):
    run = (
        JobRun.objects.filter(job=CANDIDATE_JOB, dealer=dealer, status=JobRunStatus.SUCCEEDED)
        .exclude(counts__dry_run=True)
        .order_by("-started_at", "-id")
        .first()
    )
    return (run.counts or {}).get("fingerprint", "") if run else ""


def export_candidates_flag(*, dealer=None, dry_run=False, on=None) -> JobRun:
    """Flag the zero-km export candidates of one dealer, or of all active dealers.

    One transaction: a crash leaves the flags as they were. One run at a time: a second run
    while one is going finishes at once as "skipped". Each run leaves a JobRun.
    """
    run = job_run_start(job=CANDIDATE_JOB, dealer=dealer)
    dealers = Dealer.objects.filter(is_active=True).order_by("pk")
    if dealer is not None:
        dealers = dealers.filter(pk=dealer.pk)
    outcome = None
    try:
        with _single_candidate_run() as held:
            if held:
                job_runs_abandon(job=CANDIDATE_JOB, keep=run)
                outcome = candidates.run(
                    dealers=dealers,
                    on=on,
                    dry_run=dry_run,
                    last_fingerprint="" if dry_run else _last_fingerprint(dealer),
                )
                if dry_run:  # nothing a dry run wrote on the way (verdict rows) stays
                    transaction.set_rollback(True)
    except Exception as exc:
        job_run_finish(run=run, error=f"{exc.__class__.__name__}: {exc}")
        raise
    if outcome is None:
        return job_run_finish(
            run=run,
            status=JobRunStatus.SKIPPED,
            counts={"skipped": "another run was going"},
        )
    return job_run_finish(run=run, counts={**outcome.counts(), "dry_run": dry_run})


SNAPSHOT_JOB = "snapshot cash flow"
SNAPSHOT_FIELDS = [name for name in cashflow.Figures.__dataclass_fields__ if name != "on"]


def cash_flow_snapshot_take(*, dealer=None, on=None) -> JobRun:
    """Store each active dealer's cash position for its own today (or `on`).

    A rerun on the same day replaces that day's row, so the job is safe to run twice.
    """
    run = job_run_start(job=SNAPSHOT_JOB, dealer=dealer)
    dealers = Dealer.objects.filter(is_active=True).order_by("pk")
    if dealer is not None:
        dealers = dealers.filter(pk=dealer.pk)
    try:
        with transaction.atomic():
            figures = cashflow.dealer_figures(list(dealers), on=on)
            CashFlowSnapshot.objects.bulk_create(
                [
                    CashFlowSnapshot(dealer_id=dealer_id, **row.as_fields())
                    for dealer_id, row in figures.items()
                ],
                update_conflicts=True,
                unique_fields=["dealer", "on"],
                update_fields=[*SNAPSHOT_FIELDS, "taken_at"],
            )
    except Exception as exc:
        job_run_finish(run=run, error=f"{exc.__class__.__name__}: {exc}")
        raise
    days = sorted({row.on.isoformat() for row in figures.values()})
    return job_run_finish(run=run, counts={"dealers": len(figures), "days": days})
