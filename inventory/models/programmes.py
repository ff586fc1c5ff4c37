"""Makers' export programmes: the support a maker pays a dealer for each enrolled car that is
exported while the programme runs."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .dealers import ZERO, Dealer, DealerScopedQuerySet, money
from .vehicles import Vehicle


class ExportProgrammeQuerySet(DealerScopedQuerySet):
    def running_on(self, day: date):
        return self.filter(valid_from__lte=day, valid_to__gte=day)


class ExportProgramme(models.Model):
    """A maker's programme that supports the export of its cars with an amount per car."""

    dealer = models.ForeignKey(
        Dealer,
        on_delete=models.PROTECT,
        related_name="export_programmes",
        verbose_name=_("dealer"),
    )
    maker = models.CharField(_("maker"), max_length=40, help_text=_("The make, as on the cars."))
    name = models.CharField(_("programme"), max_length=120)
    support_per_car = models.DecimalField(
        _("support per car"),
        help_text=_("What the maker pays for each enrolled car exported, in the base currency."),
        **money,
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ExportProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["dealer", "maker", "-valid_from", "id"]
        verbose_name = _("maker export programme")
        verbose_name_plural = _("maker export programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(support_per_car__gte=0),
                name="export_programme_support_not_negative",
                violation_error_message=_("The support per car cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")),
                name="export_programme_ends_after_it_starts",
                violation_error_message=_("A programme cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.maker} · {self.name}"

    def runs_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to


class ProgrammeEnrolmentQuerySet(DealerScopedQuerySet):
    dealer_lookup = "vehicle__dealer"

    def running_on(self, day: date):
        return self.filter(programme__valid_from__lte=day, programme__valid_to__gte=day)


class ProgrammeEnrolment(models.Model):
    """One car in a maker's export programme, with the support agreed for it."""

    programme = models.ForeignKey(
        ExportProgramme,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("programme"),
    )
    vehicle = models.OneToOneField(
        Vehicle,
        on_delete=models.CASCADE,
        related_name="programme_enrolment",
        verbose_name=_("vehicle"),
    )
    support = models.DecimalField(_("support"), **money)
    enrolled_on = models.DateField(_("enrolled on"))
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrolled by"),
    )

    objects = ProgrammeEnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "vehicle"]
        verbose_name = _("programme enrolment")
        verbose_name_plural = _("programme enrolments")
        constraints = [
            models.CheckConstraint(
                condition=Q(support__gte=0),
                name="programme_enrolment_support_not_negative",
                violation_error_message=_("The support cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.vehicle.vin} · {self.programme}"

    def support_on(self, day: date):
        """The support the car earns if it leaves on `day`: nothing outside the programme."""
        return self.support if self.programme.runs_on(day) else ZERO
