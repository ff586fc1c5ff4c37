"""Every write to inventory reports: requesting, building, e-mailing and the weekly round."""

import logging
import tempfile
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from exports import deadlines
from exports.tasks import TRANSIENT
from inventory.files import delete_files_on_commit
from inventory.models import Dealer, Membership, Role, job_describe
from inventory.tasks import QUEUE_ERRORS

from . import mail, reports, tasks
from .models import ComplianceDigest, InventoryReport, ReportKind, ReportStatus
from .summary import dealer_summary

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WEEKLY_AT = time(7, 0)
WEEKLY_REPORTS_JOB = "send weekly inventory reports"
job_describe(
    WEEKLY_REPORTS_JOB,
    gettext_lazy("Send weekly inventory reports"),
    {
        "built": gettext_lazy("reports built"),
        "already": gettext_lazy("already done"),
        "not_due": gettext_lazy("not due yet"),
    },
)
DIGESTS_JOB = "send compliance digests"
job_describe(
    DIGESTS_JOB,
    gettext_lazy("Send compliance digests"),
    {"sent": gettext_lazy("digests sent"), "nothing_due": gettext_lazy("nothing due")},
)
# The beat job looks every 15 minutes; a weekly report that failed is tried again hourly
# rather than at each look.
RETRY_FAILED_AFTER = timedelta(hours=1)
ZERO = timedelta(0)
NO_RECIPIENTS = gettext_noop(
    "No manager of this dealer has an e-mail address; the report was not sent."
)


def _stale_before():
    """A build started before this was killed by the task time limit, or its worker died."""
    return timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


def _buildable():
    """Reports a build may take: waiting, failed, or left running by a worker that died."""
    return Q(status__in=[ReportStatus.PENDING, ReportStatus.FAILED]) | Q(
        status=ReportStatus.RUNNING, started_at__lt=_stale_before()
    )


def _abandoned(report, *, failed_for=ZERO) -> bool:
    """A report that will not finish unless it is built again.

    `failed_for`: a failed report counts only once it failed at least that long ago.
    """
    stale = _stale_before()
    if report.status == ReportStatus.FAILED:
        return report.finished_at is None or report.finished_at <= timezone.now() - failed_for
    if report.status == ReportStatus.RUNNING:
        return report.started_at is None or report.started_at < stale
    if report.status == ReportStatus.PENDING:  # its queued build was lost
        return report.created_at < stale
    return False


QUEUE_DOWN = gettext_noop(
    "The task queue is not answering, so the report was not started. Nothing is waiting; "
    "ask for it again in a few minutes."
)


def _queue_build(report):
    """Queue the build once the report row is committed. When the broker cannot take it the
    report is marked failed at once, so it neither hangs as "pending" nor blocks the next."""

    def send():
        try:
            tasks.build_inventory_report.delay(report.pk)
        except QUEUE_ERRORS:
            logger.exception("Could not queue inventory report %s", report.pk)
            InventoryReport.objects.filter(pk=report.pk, status=ReportStatus.PENDING).update(
                status=ReportStatus.FAILED, error=_(QUEUE_DOWN), finished_at=timezone.now()
            )

    transaction.on_commit(send)


def local_week_start(dealer: Dealer, now: datetime | None = None):
    """The Monday of the dealer's own week at `now` (default: this moment)."""
    local = (now or timezone.now()).astimezone(ZoneInfo(dealer.time_zone))
    return local.date() - timedelta(days=local.weekday())


def manager_recipients(dealer: Dealer) -> dict[str, list[str]]:
    """The dealer's active managers' addresses by the language each reads e-mail in (their
    own choice, else the dealer's), each address once and sorted; languages in order."""
    rows = (
        Membership.objects.filter(dealer=dealer, role=Role.MANAGER, user__is_active=True)
        .order_by("user_id")
        .values_list("user__email", "user__preferences__language")
    )
    seen = set()
    by_language: dict[str, list[str]] = {}
    for email, language in rows:
        email = (email or "").strip()
        if email and email.lower() not in seen:
            seen.add(email.lower())
            by_language.setdefault(language or dealer.language, []).append(email)
    return {
        language: sorted(addresses, key=str.lower)
        for language, addresses in sorted(by_language.items())
    }


def manager_addresses(dealer: Dealer) -> list[str]:
    """E-mail addresses of the dealer's active managers, sorted, each address once."""
    everyone = [email for emails in manager_recipients(dealer).values() for email in emails]
    return sorted(everyone, key=str.lower)


@transaction.atomic
def inventory_report_request(
    *, dealer: Dealer, by=None, kind=ReportKind.ON_DEMAND, week_start=None
) -> InventoryReport:
    """Ask for a report of the dealer; it is built in the background once this commits.

    While an on-demand report of the dealer is still waiting or being built, asking again
    returns that one, so a double click does not e-mail the managers twice.
    """
    # Two requests for one dealer at the same moment take turns, so the second sees the first.
    Dealer.objects.select_for_update().filter(pk=dealer.pk).first()
    if kind == ReportKind.ON_DEMAND:
        stale = _stale_before()
        waiting = (
            InventoryReport.objects.filter(dealer=dealer, kind=ReportKind.ON_DEMAND)
            .filter(
                Q(status=ReportStatus.PENDING, created_at__gte=stale)
                | Q(status=ReportStatus.RUNNING, started_at__gte=stale)
            )
            .order_by("-created_at", "-id")
            .first()
        )
        if waiting is not None:
            return waiting
    report = InventoryReport(
        dealer=dealer,
        kind=kind,
        week_start=week_start or local_week_start(dealer),
        requested_by=by,
    )
    report.full_clean()
    report.save()
    _queue_build(report)
    return report


@transaction.atomic
def inventory_report_retry(*, report: InventoryReport) -> InventoryReport:
    """Build a failed (or abandoned) report again: back to pending, then queued."""
    report = InventoryReport.objects.select_for_update().get(pk=report.pk)
    if not _abandoned(report):
        raise ValidationError(
            _("Only a failed report can be built again; this one is %(status)s.")
            % {"status": report.get_status_display()}
        )
    report.status = ReportStatus.PENDING
    report.progress = 0
    report.error = ""
    report.finished_at = None
    report.save(update_fields=["status", "progress", "error", "finished_at"])
    _queue_build(report)
    return report


@transaction.atomic
def inventory_report_delete(*, report: InventoryReport) -> None:
    """Delete a finished report and its workbook; one still being built is left to finish."""
    report = InventoryReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_finished and not _abandoned(report):
        raise ValidationError(
            _("This report is %(status)s; delete it once it is finished.")
            % {"status": report.get_status_display().lower()},
            code="report_building",
        )
    report.delete()
    delete_files_on_commit([report.file])


def _set(report, **fields):
    """One UPDATE of one report, committed at once so the reports page sees it."""
    InventoryReport.objects.filter(pk=report.pk).update(**fields)
    for name, value in fields.items():
        setattr(report, name, value)


def _progress_recorder(report):
    last = {"percent": report.progress}

    def record(percent):
        percent = max(0, min(99, int(percent)))
        if percent != last["percent"]:
            _set(report, progress=percent)
            last["percent"] = percent

    return record


def _file_name(report):
    return f"inventory-{report.dealer.code}-{report.week_start:%Y-%m-%d}-{report.pk}.xlsx"


def _send(report, summary, attachment: bytes, recipients: dict[str, list[str]]):
    """One message a language, rendered once for everyone who reads that language."""
    for language, addresses in recipients.items():
        with translation.override(language):
            content = reports.render_email(summary)
        mail.email_message(
            **content, to=addresses, attachments=[(_file_name(report), attachment, XLSX)]
        ).send()


def inventory_report_build(*, report: InventoryReport) -> InventoryReport:
    """Build the workbook, e-mail it to the dealer's managers, and mark the report ready.

    Safe to run twice: only a pending or failed report is taken (by one conditional UPDATE,
    so two workers never build the same one), and a running or ready one comes back as it is.
    Not one transaction on purpose: each step commits alone so the reports page can follow
    the progress. A failure is recorded on the report; only a lost database connection is
    raised again, for the task to retry.
    """
    taken = (
        InventoryReport.objects.filter(pk=report.pk)
        .filter(_buildable())
        .update(
            status=ReportStatus.RUNNING,
            progress=0,
            started_at=timezone.now(),
            finished_at=None,
            error="",
        )
    )
    report.refresh_from_db()
    if not taken:
        return report
    try:
        with translation.override(settings.LANGUAGE_CODE):
            _build(report)
    except Exception as exc:
        logger.exception("Inventory report %s of %s failed", report.pk, report.dealer)
        _set(
            report,
            status=ReportStatus.FAILED,
            error=f"{exc.__class__.__name__}: {exc}",
            finished_at=timezone.now(),
        )
        if isinstance(exc, TRANSIENT):  # worth another try; anything else would fail again
            raise
    return report


def _build(report):
    dealer = report.dealer
    summary = dealer_summary(dealer)
    if report.file:  # a failed attempt's file
        report.file.delete(save=False)
        _set(report, file="")
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as workbook:
        reports.write_workbook(report, workbook.name, _progress_recorder(report), summary=summary)
        report.file.save(_file_name(report), File(workbook), save=False)
        _set(report, file=report.file.name)
        workbook.seek(0)
        attachment = workbook.read()
    error = ""
    if report.emailed_at is None:  # an e-mail that went out before a failure is not resent
        recipients = manager_recipients(dealer)
        if recipients:
            _send(report, summary, attachment, recipients)
            everyone = sorted((a for group in recipients.values() for a in group), key=str.lower)
            _set(report, emailed_at=timezone.now(), recipients="\n".join(everyone))
        else:
            error = _(NO_RECIPIENTS)
    _set(
        report,
        status=ReportStatus.READY,
        progress=100,
        error=error,
        finished_at=timezone.now(),
    )


def _weekly_report(dealer, week_start):
    """The dealer's weekly report of that week, and whether it was just created."""
    lookup = {"dealer": dealer, "kind": ReportKind.WEEKLY, "week_start": week_start}
    try:
        with transaction.atomic():
            return InventoryReport.objects.get_or_create(**lookup)
    except IntegrityError:  # another run created it between our look and our insert
        return InventoryReport.objects.get(**lookup), False


def inventory_reports_send_weekly(
    *,
    dealer: Dealer | None = None,
    dealers=None,
    now: datetime | None = None,
    ignore_time=False,
    queue=False,
) -> dict:
    """Send each active dealer's weekly report (or one dealer's, or those of a shard of active
    dealers: `dealers`, their ids) once its local Monday 07:00 has passed.

    One weekly report per dealer and week, so running this again the same week sends
    nothing; a report that failed is built again. With `queue`, builds go to the workers
    (the beat job); without, they run here, one after the other (the command).
    """
    now = now or timezone.now()
    chosen = Dealer.objects.filter(is_active=True).order_by("pk")
    if dealers is not None:
        chosen = chosen.filter(pk__in=list(dealers))
    if dealer is not None:
        chosen = Dealer.objects.filter(pk=dealer.pk)
    counts = {"built": 0, "already": 0, "not_due": 0}
    for each in chosen:
        week_start = local_week_start(each, now)
        monday_seven = datetime.combine(week_start, WEEKLY_AT, tzinfo=ZoneInfo(each.time_zone))
        if not ignore_time and now < monday_seven:
            counts["not_due"] += 1
            continue
        report, created = _weekly_report(each, week_start)
        if not created and not _abandoned(report, failed_for=RETRY_FAILED_AFTER if queue else ZERO):
            counts["already"] += 1
            continue
        counts["built"] += 1
        if queue:
            _queue_build(report)
        else:
            inventory_report_build(report=report)
    return counts


def _digest_for(dealer, on):
    digest, _created = ComplianceDigest.objects.get_or_create(dealer=dealer, on=on)
    return ComplianceDigest.objects.select_for_update().get(pk=digest.pk)


def compliance_digest_send(*, dealer: Dealer, on=None) -> ComplianceDigest | None:
    """E-mail the dealer's managers the export deadlines due within a week or overdue, at most
    once a day; nothing is sent (and None returned) when nothing is due or nobody can be told.
    The digest's `just_sent` says whether this call sent it."""
    on = on or dealer.today()
    found = deadlines.due(dealer, on)
    recipients = manager_recipients(dealer)
    if not found or not recipients:
        return None
    with transaction.atomic():
        digest = _digest_for(dealer, on)
        digest.just_sent = False
        if digest.sent_at:
            return digest
        for language, addresses in recipients.items():
            with translation.override(language):
                content = reports.render_digest(dealer, on, found)
            mail.email_message(**content, to=addresses).send()
        digest.deadlines = len(found)
        digest.overdue = sum(1 for deadline in found if deadline.overdue)
        digest.recipients = sorted(
            (address for group in recipients.values() for address in group), key=str.lower
        )
        digest.sent_at = timezone.now()
        digest.save()
        digest.just_sent = True
    return digest


def compliance_digests_send(*, dealer: Dealer | None = None, dealers=None) -> dict:
    """The daily round: every active dealer's digest (or one dealer's, or those of a shard of
    active dealers: `dealers`, their ids), on each dealer's own today. A dealer's digest goes
    out once a day, so a shard sent again sends nothing twice."""
    chosen = Dealer.objects.filter(is_active=True).order_by("pk")
    if dealers is not None:
        chosen = chosen.filter(pk__in=list(dealers))
    if dealer is not None:
        chosen = [dealer]
    counts = {"sent": 0, "nothing_due": 0, "already": 0}
    for each in chosen:
        digest = compliance_digest_send(dealer=each)
        if digest is None:
            counts["nothing_due"] += 1
        else:
            counts["sent" if digest.just_sent else "already"] += 1
    return counts
