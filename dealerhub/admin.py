"""Manager admin for inventory reports: see them, ask for one, build a failed one again."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_celery_beat import admin as beat_admin
from django_celery_beat import models as beat_models

from inventory.admin import (
    DealerScopedAdminMixin,
    GuardedDeleteAdminMixin,
    PlatformSettingsAdminMixin,
)

from . import (
    security_admin,  # noqa: F401  (registers the sign-in records)
    services,
)
from .models import ComplianceDigest, InventoryReport, ReportKind, ReportStatus


class InventoryReportRequestForm(forms.ModelForm):
    """Asking for a report: only the dealer; everything else the build fills in."""

    class Meta:
        model = InventoryReport
        fields = ["dealer"]


@admin.register(InventoryReport)
class InventoryReportAdmin(GuardedDeleteAdminMixin, DealerScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "dealer",
        "kind",
        "week_start",
        "status",
        "progress",
        "emailed_at",
        "created_at",
    ]
    list_filter = ["status", "kind", ("dealer", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["dealer"]
    date_hierarchy = "created_at"
    search_fields = ["dealer__name", "dealer__code", "recipients", "error"]
    actions = ["build_again"]
    shown_fields = [
        "dealer",
        "kind",
        "week_start",
        "status",
        "progress",
        "download",
        "recipients",
        "emailed_at",
        "error",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
    ]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = InventoryReportRequestForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["dealer"] if obj is None else self.shown_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.shown_fields

    def has_change_permission(self, request, obj=None):
        # A report is the record of what was built and sent; nothing on it is edited by hand.
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def delete_refusal(self, obj):
        if obj.is_finished:
            return None
        return _("It is still being built.")

    def delete_through_service(self, request, obj):
        services.inventory_report_delete(report=obj)

    @admin.display(description=_("workbook"))
    def download(self, obj):
        if obj.status != ReportStatus.READY or not obj.file:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("report_download", args=[obj.pk]), _("Download")
        )

    def save_model(self, request, obj, form, change):
        """A new report is a request: the service queues the build, which e-mails it."""
        report = services.inventory_report_request(
            dealer=form.cleaned_data["dealer"], by=request.user, kind=ReportKind.ON_DEMAND
        )
        obj.pk = report.pk
        obj.refresh_from_db()

    @admin.action(description=_("Build again"), permissions=["add"])
    def build_again(self, request, queryset):
        rebuilt, refused = 0, []
        for report in queryset.select_related("dealer"):
            try:
                services.inventory_report_retry(report=report)
            except ValidationError as exc:
                refused.append(f"{report}: {' '.join(exc.messages)}")
            else:
                rebuilt += 1
        if rebuilt:
            self.message_user(
                request,
                ngettext(
                    "%(count)d report will be built again.",
                    "%(count)d reports will be built again.",
                    rebuilt,
                )
                % {"count": rebuilt},
                messages.SUCCESS,
            )
        for text in refused:
            self.message_user(request, text, messages.WARNING)


@admin.register(ComplianceDigest)
class ComplianceDigestAdmin(DealerScopedAdminMixin, admin.ModelAdmin):
    """What each day's digest told the managers; written by the daily job only."""

    list_display = ["on", "dealer", "deadlines", "overdue", "sent_at"]
    list_filter = [("dealer", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "on"
    readonly_fields = ["dealer", "on", "deadlines", "overdue", "recipients", "sent_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # The record that the managers were told; deleting it would hide that they were.
        return False


# The beat schedule runs the nightly jobs for every dealer: a platform setting, read-only to
# managers. Each of django-celery-beat's admins is registered again with that rule.
for _model, _beat_admin in [
    (beat_models.PeriodicTask, beat_admin.PeriodicTaskAdmin),
    (beat_models.IntervalSchedule, beat_admin.IntervalScheduleAdmin),
    (beat_models.CrontabSchedule, beat_admin.CrontabScheduleAdmin),
    (beat_models.SolarSchedule, beat_admin.SolarScheduleAdmin),
    (beat_models.ClockedSchedule, beat_admin.ClockedScheduleAdmin),
]:
    admin.site.unregister(_model)
    admin.site.register(
        _model, type(_beat_admin.__name__, (PlatformSettingsAdminMixin, _beat_admin), {})
    )


class CheckedChangeList(ChangeList):
    """A change list whose filter values are turned into SQL only when its rows are counted:
    a value the column cannot hold (`?ip_address=1e999999`) fails there with a ValueError, long
    after Django's own filter checks. It is answered like any other bad filter, with the list
    and "invalid filter", never a server error."""

    def get_results(self, request):
        try:
            return super().get_results(request)
        except (ValueError, TypeError, ValidationError) as exc:
            raise IncorrectLookupParameters(exc) from exc


def _checked_changelist(request, **kwargs):
    return CheckedChangeList


# Every admin on the site, ours and the libraries' (axes, otp, beat), lists through it.
for _model_admin in admin.site._registry.values():
    if _model_admin.get_changelist.__func__ is admin.ModelAdmin.get_changelist:
        _model_admin.get_changelist = _checked_changelist
