"""What the app records of its own work: scheduled job runs and forms already posted."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .dealers import Dealer, DealerScopedQuerySet, Membership


class JobRunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped (already running)")
    ABANDONED = "abandoned", _("Abandoned (its worker stopped)")
    # A run split over shards of dealers, some of which failed while the others finished.
    PARTIAL = "partial", _("Partly failed")


# What the admin calls each job and each of its counts, in the reader's language; a job stores
# its plain code ("flag export candidates") and its counts' keys. Each app names its own jobs
# with `job_describe`, so a job or count missing here still shows its code.
JOB_LABELS: dict[str, str] = {}
COUNT_LABELS: dict[str, str] = {}
# Counts that are the job's bookkeeping, not something a manager reads.
HIDDEN_COUNTS = {"fingerprint", "shard_key"}


def job_describe(job: str, label, counts: dict | None = None) -> None:
    """Name a job and its counts for the admin: `label` and the counts' labels are lazy
    translations."""
    JOB_LABELS[job] = label
    COUNT_LABELS.update(counts or {})


job_describe("worker heartbeat", _("Worker heartbeat"), {"vehicles": _("vehicles seen")})
# The counts of a run over one shard of dealers, and of the summary of a run split in shards.
COUNT_LABELS.update(
    {
        "first_dealer": _("first dealer id"),
        "last_dealer": _("last dealer id"),
        "shard_dealers": _("dealers in the shard"),
        "shards": _("shards"),
        "failed_shards": _("failed shards"),
        "skipped_shards": _("skipped shards"),
    }
)


class JobRunQuerySet(DealerScopedQuerySet):
    def visible_to(self, user, *, roles=None):
        """The runs of the user's dealers, and the runs over all dealers (no dealer), which
        tell every dealer's managers whether the nightly jobs ran. Someone with no dealer (in
        the roles asked for) sees none of them; superusers see every run."""
        scoped = super().visible_to(user, roles=roles)
        if user is None or not user.is_authenticated or not user.is_active or user.is_superuser:
            return scoped
        memberships = Membership.objects.filter(user=user)
        if roles:
            memberships = memberships.filter(role__in=roles)
        return self.filter(
            Q(dealer__in=memberships.values("dealer_id"))
            | (Q(dealer__isnull=True) & models.Exists(memberships))
        )


class JobRun(models.Model):
    """One run of a scheduled job: when, for whom, what it counted and how it ended."""

    job = models.CharField(_("job"), max_length=80, db_index=True)
    dealer = models.ForeignKey(
        Dealer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="job_runs",
        verbose_name=_("dealer"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=JobRunStatus.choices, default=JobRunStatus.RUNNING
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    # Runs over all dealers (no dealer) are visible, read-only, to every dealer's managers.
    objects = JobRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")

    def __str__(self):
        return f"{self.job_label} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def job_label(self):
        return str(JOB_LABELS.get(self.job, self.job))

    def count_items(self):
        """(label, value) of each count the run recorded, in the reader's language."""
        return [
            (str(COUNT_LABELS.get(key, key)), value)
            for key, value in (self.counts or {}).items()
            if key not in HIDDEN_COUNTS
        ]


class SubmissionToken(models.Model):
    """A form that was posted: its one-time token, recorded once, so that a second post of the
    same rendered form (a double click, a resend) books nothing."""

    # The unique index is what lets exactly one of two simultaneous posts record the token.
    token = models.CharField(_("token"), max_length=64, unique=True)
    # Meaningless without the person who posted it, and nothing else refers to it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    path = models.CharField(_("posted to"), max_length=200)
    result_url = models.CharField(_("led to"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self):
        return f"{self.path} {self.submitted_at:%Y-%m-%d %H:%M}"
