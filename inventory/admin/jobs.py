"""Job runs, read-only: what each scheduled job did, for the dealers a manager manages."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.formatting import format_number
from inventory.models import JobRun
from inventory.models.jobs import JOB_LABELS

from .base import DealerScopedAdminMixin


def shown_count(value):
    """A count's value as a manager reads it: grouped numbers, yes/no, lists joined, stored
    text translated."""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, (int, float)):
        return format_number(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) if value else "—"
    return gettext(str(value)) if value else "—"


class JobFilter(admin.SimpleListFilter):
    """The jobs by their translated names, not their stored codes."""

    title = _("job")
    parameter_name = "job"

    def lookups(self, request, model_admin):
        jobs = model_admin.get_queryset(request).values_list("job", flat=True).distinct()
        return sorted(((job, JOB_LABELS.get(job, job)) for job in jobs), key=lambda j: str(j[1]))

    def queryset(self, request, queryset):
        return queryset.filter(job=self.value()) if self.value() else queryset


@admin.register(JobRun)
class JobRunAdmin(DealerScopedAdminMixin, admin.ModelAdmin):
    """Runs of the manager's dealers and the runs over all dealers (`JobRun.objects.visible_to`),
    read-only: a run is a record of what a job did."""

    list_display = [
        "job_name",
        "dealer",
        "status",
        "started_at",
        "finished_at",
        "count_list",
        "error",
    ]
    list_filter = [JobFilter, "status", ("dealer", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "started_at"
    search_fields = ["job", "error"]
    fields = ["job_name", "dealer", "status", "started_at", "finished_at", "count_list", "error"]
    readonly_fields = fields

    @admin.display(description=_("job"), ordering="job")
    def job_name(self, run):
        return run.job_label

    @admin.display(description=_("counts"))
    def count_list(self, run):
        items = run.count_items()
        if not items:
            return "—"
        return format_html_join(
            ", ", "{}: {}", ((label, shown_count(value)) for label, value in items)
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A run over all dealers belongs to no manager's dealer.
        if obj is not None and obj.dealer_id is None and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)
