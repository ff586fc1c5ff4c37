"""Nightly cash-flow snapshots: one dealer's cash position at the end of one day."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from inventory.models import Dealer, DealerScopedQuerySet

from .shipments import money


class CashFlowSnapshot(models.Model):
    """One dealer's cash position at the end of one day, kept for the trend and the reports."""

    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, related_name="cash_flow", verbose_name=_("dealer")
    )
    on = models.DateField(_("day"))
    units = models.PositiveIntegerField(_("cars on hand"))
    aged_units = models.PositiveIntegerField(_("aged cars"))
    capital_tied_up = models.DecimalField(_("capital tied up"), **money)
    carry_per_day = models.DecimalField(_("carrying cost per day"), **money)
    candidates = models.PositiveIntegerField(_("export candidates"))
    projected_cash_release = models.DecimalField(_("cash released if exported now"), **money)
    realised_export_proceeds = models.DecimalField(_("realised export proceeds"), **money)
    realised_export_margin = models.DecimalField(
        _("margin on acquisition cost of exported cars"), **money
    )
    floor_plan_balance = models.DecimalField(_("floor-plan balance"), **money)
    curtailments_due = models.PositiveIntegerField(_("curtailments due in 7 days"))
    curtailments_due_amount = models.DecimalField(_("curtailments due in 7 days, amount"), **money)
    taken_at = models.DateTimeField(_("taken"), auto_now=True)

    objects = DealerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["dealer", "-on"]
        get_latest_by = "on"
        verbose_name = _("cash-flow snapshot")
        verbose_name_plural = _("cash-flow snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "on"], name="cash_flow_snapshot_one_per_dealer_and_day"
            )
        ]

    def __str__(self):
        return f"{self.dealer} {self.on}"
