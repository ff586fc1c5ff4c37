"""Stock imports: a dealer's stock file checked in the background, then taken into its stock,
every row or none, through the same rules as a single car."""

import gzip
import json
import logging
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from openpyxl import Workbook

from core.tasks import QUEUE_ERRORS, TRANSIENT

from .. import judging
from ..intake_files import FileRefused, chunks, open_table, refuse_size
from ..models import Dealer, FloorPlanLine, ImportStatus, StockImport
from ..spreadsheets import WriteOnlySheet
from .floor_plan import vehicle_floor_many
from .vehicles import VehiclesRefused, vehicle_receive_many, vehicle_update_many

logger = logging.getLogger(__name__)

_DATES = {"stocked_on", "registered_on"}
_MONEY = {"acquisition_cost", "list_price"}
_NUMBERS = {"model_year", "odometer_km"}
# Problems and changes the import's page lists; the error sheet holds every problem.
SHOWN = 500
# New cars received per statement batch, which bounds the memory an import of 50,000 takes.
RECEIVE_CHUNK = 5000
PROGRESS_SECONDS = 3600

QUEUE_DOWN = gettext_noop(
    "The task queue is not answering, so the file was not started. Nothing was imported; "
    "try again in a few minutes."
)
STOPPED = gettext_noop(
    "The work on this file stopped with an error (%(error)s). Nothing was imported; try again, "
    "and tell the support team if it happens again."
)


@dataclass
class ImportCounts:
    new: int = 0
    changed: int = 0


def _typed(facts: dict) -> dict:
    typed = {}
    for name, value in facts.items():
        if value is None or value == "":
            typed[name] = None if name in _DATES else value
        elif name in _DATES:
            typed[name] = date.fromisoformat(value)
        elif name in _MONEY:
            typed[name] = Decimal(value)
        elif name in _NUMBERS:
            typed[name] = int(value)
        else:
            typed[name] = value
    return {name: value for name, value in typed.items() if value is not None}


def _refusal(number, exc: ValidationError) -> ValidationError:
    return ValidationError(
        [_("Row %(row)s: %(problem)s") % {"row": number, "problem": text} for text in exc.messages]
    )


@transaction.atomic
def vehicle_import(*, dealer: Dealer, rows, by: User | None = None, progress=None) -> ImportCounts:
    """Apply the previewed rows of a stock file: receive the new cars (floored when the row
    names a line), change price, odometer and status of those in stock. One refusal undoes
    the whole file. A row is a dict of `RowPlan` fields as the check kept it; `rows` may be
    any iterable, read once. `progress(rows done)` is told as the rows go.

    Cars go in and change by the thousand (`vehicle_receive_many`, `vehicle_update_many`),
    and every car written is judged for export once at the end, set-based
    (`judging.batch`)."""
    counts = ImportCounts()
    done = 0
    with judging.batch():
        for chunk in chunks(rows, RECEIVE_CHUNK):
            fresh = [row for row in chunk if row["action"] == "new"]
            counts.new += _receive(fresh, dealer=dealer, by=by)
            changes = [row for row in chunk if row["action"] == "update"]
            counts.changed += _update(changes, dealer=dealer, by=by)
            done += len(chunk)
            if progress is not None:
                progress(done)
    return counts


def _receive(rows, *, dealer, by) -> int:
    if not rows:
        return 0
    try:
        vehicles = vehicle_receive_many(
            dealer=dealer, vehicles=[_typed(row["facts"]) for row in rows], by=by
        )
    except VehiclesRefused as exc:
        raise _refusal(rows[exc.index]["number"], exc) from exc
    pairs = zip(rows, vehicles, strict=True)
    floored = [(row, vehicle) for row, vehicle in pairs if row.get("line_id")]
    lines = {
        line.pk: line
        for line in FloorPlanLine.objects.filter(
            dealer=dealer, pk__in={row["line_id"] for row, _vehicle in floored}
        )
    }
    try:
        vehicle_floor_many(
            floorings=[
                (
                    vehicle,
                    lines[row["line_id"]],
                    Decimal(row["floored_amount"]) if row.get("floored_amount") else None,
                )
                for row, vehicle in floored
            ],
            by=by,
        )
    except VehiclesRefused as exc:
        raise _refusal(floored[exc.index][0]["number"], exc) from exc
    return len(vehicles)


def _update(rows, *, dealer, by) -> int:
    if not rows:
        return 0
    try:
        changed = vehicle_update_many(
            dealer=dealer,
            updates=[(row["vehicle_id"], _typed(row["facts"])) for row in rows],
            by=by,
            # The preview showed a lower reading as a change; importing is that confirmation.
            confirm_odometer_decrease=True,
        )
    except VehiclesRefused as exc:
        raise _refusal(rows[exc.index]["number"], exc) from exc
    return len(changed)


# --- the record of an import and its background tasks ------------------------------------------


def _stale_before():
    """A task that started before this was stopped by its time limit, or its worker died."""
    return timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


def _set(stock_import, **fields):
    """One UPDATE of the record, committed at once outside a transaction, so the page that
    polls it sees it."""
    StockImport.objects.filter(pk=stock_import.pk).update(**fields)
    for name, value in fields.items():
        setattr(stock_import, name, value)


def _queue(stock_import, task_name):
    """Queue a task for the record once it is committed; a broker that does not take it marks
    the record failed at once, so it never waits for nothing."""
    from .. import tasks

    task = getattr(tasks, task_name)

    def send():
        try:
            task.delay(stock_import.pk)
        except QUEUE_ERRORS:
            logger.exception("Could not queue %s for stock import %s", task_name, stock_import.pk)
            StockImport.objects.filter(pk=stock_import.pk).update(
                status=ImportStatus.FAILED, message=_(QUEUE_DOWN)
            )

    transaction.on_commit(send)


@transaction.atomic
def stock_import_start(
    *, dealer: Dealer, upload, by: User | None = None, language: str | None = None
) -> StockImport:
    """Keep an uploaded stock file and queue its check; refused at once when it is too large
    or empty (`ValidationError` on "file"). The check writes the problems in `language`
    (default: the active one)."""
    name = upload.name or "stock"
    try:
        refuse_size(upload, name=name)
    except FileRefused as exc:
        raise ValidationError({"file": str(exc)}) from exc
    upload.seek(0)
    # Kept under a name of our own, with the extension of what the content is: a workbook
    # (a zip) or text. Anything else is refused by the check and never served as a page.
    extension = "xlsx" if upload.read(4) == b"PK\x03\x04" else "csv"
    upload.seek(0)
    stock_import = StockImport(
        dealer=dealer,
        uploaded_by=by,
        queued_at=timezone.now(),
        original_name=name[:255],
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
    )
    stock_import.file.save(f"upload.{extension}", File(upload), save=False)
    stock_import.full_clean()
    stock_import.save()
    _queue(stock_import, "check_stock_import")
    return stock_import


def stock_import_check(*, stock_import: StockImport) -> StockImport:
    """The check task's body: read the file, judge every row, keep the plan of what each row
    would do, and write the problems (with the row's own cells) into an error sheet.

    Safe to run twice: only a queued record (or one whose check was abandoned) is taken, by
    one conditional UPDATE. Not one transaction on purpose: the progress is committed as it
    goes so the page can follow it. Nothing of the dealer's stock is written."""
    taken = (
        StockImport.objects.filter(pk=stock_import.pk)
        .filter(
            Q(status=ImportStatus.QUEUED)
            | Q(status=ImportStatus.CHECKING, started_at__lt=_stale_before())
        )
        .update(status=ImportStatus.CHECKING, started_at=timezone.now(), rows_done=0, message="")
    )
    stock_import.refresh_from_db()
    if not taken:
        return stock_import
    try:
        with translation.override(stock_import.language):
            _check(stock_import)
    except Exception as exc:
        logger.exception("Check of stock import %s failed", stock_import.pk)
        _fail(stock_import, exc)
        if isinstance(exc, TRANSIENT):
            raise
    return stock_import


def _fail(stock_import, exc):
    with translation.override(stock_import.language):
        message = _(STOPPED) % {"error": exc.__class__.__name__}
    _set(stock_import, status=ImportStatus.FAILED, message=message)


def _refuse(stock_import, message):
    _set(
        stock_import,
        status=ImportStatus.REFUSED,
        message=message,
        checked_at=timezone.now(),
        rows_done=stock_import.rows_total,
    )


class _ErrorSheet:
    """The problems of a file, one line each: row, column, problem, then the row's own cells
    under the file's own headers, so the user finds and fixes each in place. The workbook is
    made at the first problem: most files have none."""

    def __init__(self, headers):
        self.headers = headers
        self.workbook = None
        self.sheet = None

    def add(self, number, column, problem, cells):
        if self.workbook is None:
            self.workbook = Workbook(write_only=True)
            self.sheet = WriteOnlySheet(self.workbook, _("Problems"), widths=(8, 20, 60))
            self.sheet.row(_("Row"), _("Column"), _("Problem"), *self.headers)
        self.sheet.row(number, str(column), str(problem), *cells)

    def save(self, stock_import):
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
            self.workbook.save(handle.name)
            stock_import.error_sheet.save("problems.xlsx", File(handle), save=False)


def _check(stock_import):
    # The forms import the services (a form saves through them), so the row check, which is
    # the vehicle form's, is imported when it runs.
    from ..forms.intake import IntakeCheck

    with stock_import.file.open("rb") as handle:
        try:
            table = open_table(handle, name=stock_import.original_name)
            check = IntakeCheck(
                table.headers, dealer=stock_import.dealer, user=stock_import.uploaded_by
            )
        except FileRefused as exc:
            _refuse(stock_import, str(exc))
            return
        except ValidationError as exc:
            _refuse(stock_import, " ".join(exc.messages))
            return
        _set(stock_import, rows_total=table.estimate)
        try:
            _judge_rows(stock_import, table, check)
        except FileRefused as exc:
            _refuse(stock_import, str(exc))


def _judge_rows(stock_import, table, check):
    counts = {"new": 0, "update": 0, "same": 0, "error": 0}
    shown = {"problems": [], "changes": []}
    sheet = _ErrorSheet(table.headers)
    done = 0
    with tempfile.TemporaryFile() as raw_plan:
        with gzip.GzipFile(fileobj=raw_plan, mode="wb") as plan:
            for chunk in chunks(table.rows):
                cells = dict(chunk)
                for row in check.judge(chunk):
                    counts[row.action] += 1
                    _note(row, cells[row.number], plan, sheet, shown)
                done += len(chunk)
                _set(stock_import, rows_done=done, rows_total=max(done, table.estimate))
        if counts["error"]:
            sheet.save(stock_import)
            status = ImportStatus.REFUSED
            message = ngettext(
                "%(count)s row has problems. Correct it in the file (the error sheet lists "
                "each problem with the row's cells) and upload it again; nothing was imported.",
                "%(count)s rows have problems. Correct them in the file (the error sheet lists "
                "each problem with the row's cells) and upload it again; nothing was imported.",
                counts["error"],
            ) % {"count": counts["error"]}
        else:
            raw_plan.seek(0)
            stock_import.plan.save("plan.jsonl.gz", File(raw_plan), save=False)
            status, message = ImportStatus.CHECKED, ""
    _set(
        stock_import,
        status=status,
        message=message,
        plan=stock_import.plan.name or "",
        error_sheet=stock_import.error_sheet.name or "",
        shown=shown,
        rows_total=done,
        rows_done=done,
        rows_new=counts["new"],
        rows_to_change=counts["update"],
        rows_unchanged=counts["same"],
        rows_with_errors=counts["error"],
        checked_at=timezone.now(),
    )


def _note(row, cells, plan, sheet, shown):
    """Keep one judged row: its problems in the sheet, its plan when it writes something."""
    if row.errors:
        for column, problem in row.errors:
            sheet.add(row.number, column, problem, cells)
            if len(shown["problems"]) < SHOWN:
                shown["problems"].append([row.number, str(column), str(problem)])
        return
    if row.action in ("new", "update"):
        # The row's own fields, shallow: `asdict` would deep-copy every row of the file.
        plan.write(json.dumps(vars(row), ensure_ascii=False).encode() + b"\n")
    if row.action == "update" and len(shown["changes"]) < SHOWN:
        shown["changes"].append(
            [row.number, row.vin, [[str(c), str(old), str(new)] for c, old, new in row.changes]]
        )


def _can_import(stock_import) -> bool:
    """A checked file, or one whose import failed or was abandoned: its rows were rolled
    back whole, so its plan may be applied again."""
    if not stock_import.plan or stock_import.checked_at is None:
        return False
    if stock_import.status in (ImportStatus.CHECKED, ImportStatus.FAILED):
        return True
    return stock_import.status == ImportStatus.IMPORTING and stock_import.is_stalled


@transaction.atomic
def stock_import_commit(*, stock_import: StockImport, by: User | None = None) -> StockImport:
    """Queue the import of a checked file; its rows go in once this commits."""
    locked = StockImport.objects.select_for_update().get(pk=stock_import.pk)
    if not _can_import(locked):
        raise ValidationError(
            _("This file is %(status)s; only a file that is ready to import can be imported.")
            % {"status": locked.get_status_display().lower()},
            code="not_ready",
        )
    locked.status = ImportStatus.IMPORTING
    locked.imported_by = by
    locked.queued_at = timezone.now()
    locked.started_at = None
    locked.message = ""
    locked.rows_total = locked.rows_new + locked.rows_to_change
    locked.rows_done = 0
    locked.save(
        update_fields=[
            "status",
            "imported_by",
            "queued_at",
            "started_at",
            "message",
            "rows_total",
            "rows_done",
        ]
    )
    _queue(locked, "import_stock_file")
    return locked


def _plan_rows(stock_import):
    with stock_import.plan.open("rb") as raw, gzip.GzipFile(fileobj=raw, mode="rb") as plan:
        for line in plan:
            yield json.loads(line)


def stock_import_apply(*, stock_import: StockImport) -> StockImport:
    """The import task's body: apply the kept plan, every row or none, then judge the cars
    for export, and mark the record imported.

    The rows go in one transaction: a refusal (a VIN another dealer took since the check)
    or any failure rolls every row back and leaves the record refused or failed with the
    reason, never "importing". Safe to run twice: only a queued import (or an abandoned one)
    is taken."""
    taken = (
        StockImport.objects.filter(pk=stock_import.pk, status=ImportStatus.IMPORTING)
        .filter(Q(started_at__isnull=True) | Q(started_at__lt=_stale_before()))
        .update(started_at=timezone.now())
    )
    stock_import.refresh_from_db()
    if not taken:
        return stock_import
    total = stock_import.rows_total

    def progress(done):
        cache.set(stock_import.progress_key, (min(done, total), total), PROGRESS_SECONDS)

    try:
        with translation.override(stock_import.language), transaction.atomic():
            counts = vehicle_import(
                dealer=stock_import.dealer,
                rows=(row for row in _plan_rows(stock_import)),
                by=stock_import.imported_by,
                progress=progress,
            )
            _set(
                stock_import,
                status=ImportStatus.IMPORTED,
                imported_new=counts.new,
                imported_changed=counts.changed,
                imported_at=timezone.now(),
                rows_done=total,
            )
    except ValidationError as exc:
        with translation.override(stock_import.language):
            message = " ".join([*exc.messages, _("Nothing was imported.")])
        _set(stock_import, status=ImportStatus.REFUSED, message=message)
    except Exception as exc:
        logger.exception("Import of stock file %s failed", stock_import.pk)
        _fail(stock_import, exc)
        if isinstance(exc, TRANSIENT):
            raise
    finally:
        cache.delete(stock_import.progress_key)
    return stock_import
