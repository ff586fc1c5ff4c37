"""Job runs, read-only: what each scheduled job did, for the dealers a manager manages."""

from django.contrib import admin

from inventory.models import JobRun

from .base import DealerScopedAdminMixin


@admin.register(JobRun)
class JobRunAdmin(DealerScopedAdminMixin, admin.ModelAdmin):
    """Runs of the manager's dealers and the runs over all dealers (`JobRun.objects.visible_to`),
    read-only: a run is a record of what a job did."""

    list_display = ["job", "dealer", "status", "started_at", "finished_at", "counts", "error"]
    list_filter = ["job", "status", ("dealer", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "started_at"
    search_fields = ["job", "error"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A run over all dealers belongs to no manager's dealer.
        if obj is not None and obj.dealer_id is None and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)
