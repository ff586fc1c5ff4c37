"""Makers' export programmes a manager records, and the cars enrolled in them."""

from django import forms
from django.contrib import admin

from inventory import services
from inventory.models import ExportProgramme, ProgrammeEnrolment
from inventory.services.programmes import enrolment_problem

from .base import DealerScopedAdminMixin


@admin.register(ExportProgramme)
class ExportProgrammeAdmin(DealerScopedAdminMixin, admin.ModelAdmin):
    fixed_after_create = ["dealer"]
    list_display = ["name", "maker", "dealer", "support_per_car", "valid_from", "valid_to"]
    list_filter = ["maker", ("dealer", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "maker"]
    fields = ["dealer", "maker", "name", "support_per_car", "valid_from", "valid_to"]

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.enrolments.exists()

    def save_model(self, request, obj, form, change):
        services.export_programme_save(programme=obj)


class EnrolmentForm(forms.ModelForm):
    class Meta:
        model = ProgrammeEnrolment
        fields = ["programme", "vehicle", "support"]

    def clean(self):
        cleaned = super().clean()
        vehicle, programme = cleaned.get("vehicle"), cleaned.get("programme")
        if vehicle and programme:
            problem = enrolment_problem(vehicle, programme)
            if problem:
                self.add_error("programme", problem)
        return cleaned


@admin.register(ProgrammeEnrolment)
class ProgrammeEnrolmentAdmin(DealerScopedAdminMixin, admin.ModelAdmin):
    """A car enrolled through `vehicle_enrol`, which checks the maker and the dealer."""

    form = EnrolmentForm

    list_display = ["vehicle", "programme", "support", "enrolled_on"]
    list_select_related = ["vehicle", "programme"]
    search_fields = ["vehicle__vin", "programme__name"]
    fields = ["programme", "vehicle", "support"]
    autocomplete_fields = ["vehicle"]

    def save_model(self, request, obj, form, change):
        saved = services.vehicle_enrol(
            vehicle=form.cleaned_data["vehicle"],
            programme=form.cleaned_data["programme"],
            support=form.cleaned_data.get("support"),
            by=request.user,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.vehicle_unenrol(vehicle=obj.vehicle)
