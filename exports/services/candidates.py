"""The nightly export-candidate job: one run at a time, recorded as a JobRun."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from inventory.models import Dealer, JobRun, JobRunStatus, job_describe
from inventory.services import job_lock, job_run_finish, job_run_start, job_runs_abandon
from inventory.shards import shard_counts

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
# PostgreSQL advisory-lock key of the candidate runs: one run over every dealer at a time, or
# one run per shard of dealers (`job_lock`).
CANDIDATE_LOCK_KEY = 4_242_001
CANDIDATE_LOCK_CACHE_KEY = "lock:flag-export-candidates"


def _single_candidate_run(dealer_ids=None):
    """The transaction of one candidate run over every dealer (or over a shard of dealers);
    yields False when another run holds the lock (`job_lock`)."""
    return job_lock(
        key=CANDIDATE_LOCK_KEY, cache_key=CANDIDATE_LOCK_CACHE_KEY, dealer_ids=dealer_ids
    )


def _last_fingerprint(dealer, shard):
    # A summary of shards has no fingerprint of its own: the shards' runs carry theirs.
    runs = JobRun.objects.filter(
        job=CANDIDATE_JOB,
        dealer=dealer,
        status=JobRunStatus.SUCCEEDED,
        counts__has_key="fingerprint",
    )
    if shard:
        runs = runs.filter(counts__shard_key=shard["shard_key"])
    run = runs.exclude(counts__dry_run=True).order_by("-started_at", "-id").first()
    return (run.counts or {}).get("fingerprint", "") if run else ""


def export_candidates_flag(*, dealer=None, dealers=None, dry_run=False, on=None) -> JobRun:
    """Flag the zero-km export candidates of one dealer, of a shard of dealers (`dealers`, their
    ids: those still active are judged), or of all active dealers.

    One transaction: a crash leaves the flags as they were. One run at a time over the same
    dealers: a second run while one is going finishes at once as "skipped"; runs over
    different shards go side by side. Each run leaves a JobRun.
    """
    shard = None if dealers is None else shard_counts(dealers)
    run = job_run_start(job=CANDIDATE_JOB, dealer=dealer, counts=shard)
    chosen = Dealer.objects.filter(is_active=True).order_by("pk")
    if dealer is not None:
        chosen = chosen.filter(pk=dealer.pk)
    if dealers is not None:
        chosen = chosen.filter(pk__in=list(dealers))
    outcome = None
    try:
        with _single_candidate_run(dealers) as held:
            if held:
                job_runs_abandon(job=CANDIDATE_JOB, keep=run, shard=shard and shard["shard_key"])
                outcome = candidates.run(
                    dealers=chosen,
                    on=on,
                    dry_run=dry_run,
                    last_fingerprint="" if dry_run else _last_fingerprint(dealer, shard),
                    # Only a run over every dealer knows which verdicts are still given out;
                    # the shards of a night leave the sweep to their summary.
                    sweep=dealer is None and dealers is None,
                )
                if dry_run:  # nothing a dry run wrote on the way (verdict rows) stays
                    transaction.set_rollback(True)
    except Exception as exc:
        job_run_finish(run=run, counts=shard, error=f"{exc.__class__.__name__}: {exc}")
        raise
    if outcome is None:
        return job_run_finish(
            run=run,
            status=JobRunStatus.SKIPPED,
            counts={"skipped": SKIPPED_BECAUSE, **(shard or {})},
        )
    return job_run_finish(run=run, counts={**outcome.counts(), "dry_run": dry_run, **(shard or {})})


def export_verdicts_sweep() -> int | None:
    """Delete the verdicts no car points at any more, once the shards of a night have all
    ended (they do not sweep: each would read every car). Under the candidate job's lock over
    every dealer, so no run gives out a verdict while it goes; None when a run holds the lock
    (the next sweep will do)."""
    with _single_candidate_run() as held:
        if not held:
            return None
        return candidates.sweep_verdicts()
