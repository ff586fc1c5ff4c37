"""The nightly export-candidate job: one run at a time, recorded as a JobRun."""

from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from inventory.models import Dealer, JobRun, JobRunStatus, job_describe
from inventory.services import job_run_finish, job_run_start, job_runs_abandon

from .. import candidates

CANDIDATE_JOB = "flag export candidates"
job_describe(
    CANDIDATE_JOB,
    _("Flag export candidates"),
    {
        "vehicles": _("vehicles judged"),
        "profiles": _("distinct car profiles"),
        "papered": _("cars with papers on file"),
        "flagged": _("newly flagged"),
        "unflagged": _("no longer candidates"),
        "refreshed": _("reasons refreshed"),
        "candidates": _("candidates"),
        "not_evaluated_rules": _("rules not evaluated"),
        "unchanged": _("nothing changed since the last run"),
        "dry_run": _("dry run"),
        "skipped": _("skipped"),
    },
)
# Why a run was skipped, stored in English; the admin shows stored text translated.
SKIPPED_BECAUSE = gettext_noop("another run was going")
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
            counts={"skipped": SKIPPED_BECAUSE},
        )
    return job_run_finish(run=run, counts={**outcome.counts(), "dry_run": dry_run})
