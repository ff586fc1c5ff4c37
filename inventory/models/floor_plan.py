"""Floor-plan lines, how each car is financed, the curtailments it owes and the payments."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inventory import costs

from .dealers import ZERO, Dealer, DealerScopedQuerySet, money
from .vehicles import Vehicle


class DayCountBasis(models.IntegerChoices):
    ACT_365 = 365, _("Actual/365")
    ACT_360 = 360, _("Actual/360")


def percentage(label, **kwargs):
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
        **kwargs,
    )


class FloorPlanLine(models.Model):
    """A lender's credit line that finances a dealer's stock, car by car."""

    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, related_name="floor_plan_lines", verbose_name=_("dealer")
    )
    lender = models.CharField(_("lender"), max_length=120)
    name = models.CharField(_("name"), max_length=60, help_text=_("How staff call the line."))
    credit_limit = models.DecimalField(
        _("credit limit"), null=True, blank=True, validators=[MinValueValidator(ZERO)], **money
    )
    apr_pct = percentage(_("APR (%)"))
    day_count_basis = models.PositiveSmallIntegerField(
        _("day-count basis"), choices=DayCountBasis.choices, default=DayCountBasis.ACT_365
    )
    term_days = models.PositiveSmallIntegerField(
        _("term (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("The whole balance is due this many days after flooring."),
    )
    first_curtailment_days = models.PositiveSmallIntegerField(
        _("first curtailment after (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    curtailment_pct = percentage(
        # xgettext:no-python-format
        _("curtailment (% of principal)"),
        default=ZERO,
        help_text=_("Each curtailment pays this."),
    )
    curtailment_every_days = models.PositiveSmallIntegerField(
        _("then every (days)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    flat_fee = models.DecimalField(
        _("flat fee per car"), default=ZERO, validators=[MinValueValidator(ZERO)], **money
    )
    # xgettext:no-python-format
    fee_pct = percentage(_("fee (% of principal)"), default=ZERO)
    is_active = models.BooleanField(_("open for new cars"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = DealerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["dealer", "name"]
        verbose_name = _("floor-plan line")
        verbose_name_plural = _("floor-plan lines")
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "name"],
                name="floor_plan_line_name_unique_per_dealer",
                violation_error_message=_("This dealer already has a line with this name."),
            ),
            models.CheckConstraint(
                condition=Q(apr_pct__gte=0) & Q(apr_pct__lte=100),
                name="floor_plan_line_apr_0_100",
                violation_error_message=_("The APR must be between 0 and 100%%."),
            ),
            models.CheckConstraint(
                condition=Q(curtailment_pct__gte=0)
                & Q(curtailment_pct__lte=100)
                & Q(fee_pct__gte=0)
                & Q(fee_pct__lte=100),
                name="floor_plan_line_pcts_0_100",
                violation_error_message=_("Percentages must be between 0 and 100%%."),
            ),
            models.CheckConstraint(
                condition=Q(flat_fee__gte=0)
                & (Q(credit_limit__isnull=True) | Q(credit_limit__gte=0)),
                name="floor_plan_line_money_not_negative",
                violation_error_message=_("Fees and the credit limit cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.lender})"

    def clean(self):
        errors = {}
        if self.curtailment_pct and not self.first_curtailment_days:
            errors["first_curtailment_days"] = _(
                "Say after how many days the first curtailment is due."
            )
        if self.first_curtailment_days and not self.curtailment_pct:
            errors["curtailment_pct"] = _("Say what share of the principal a curtailment pays.")
        if (
            self.term_days
            and self.first_curtailment_days
            and self.first_curtailment_days >= self.term_days
        ):
            errors["first_curtailment_days"] = _(
                "The first curtailment must fall before the end of the term."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def terms(self) -> costs.FloorPlanTerms:
        return costs.FloorPlanTerms(
            apr_pct=self.apr_pct,
            basis_days=self.day_count_basis,
            term_days=self.term_days,
            first_curtailment_days=self.first_curtailment_days,
            curtailment_pct=self.curtailment_pct,
            curtailment_every_days=self.curtailment_every_days,
            flat_fee=self.flat_fee,
            fee_pct=self.fee_pct,
        )


class VehicleFloorPlanQuerySet(DealerScopedQuerySet):
    def open(self):
        return self.filter(paid_off_on__isnull=True)

    def curtailments_due(self, *, by):
        """Open floor plans with a curtailment due on or before `by` (overdue ones too)."""
        return self.open().filter(next_curtailment_due__lte=by)


class VehicleFloorPlan(models.Model):
    """How one car is financed: what the lender advanced, what is still owed and when.

    Interest is booked up to `accrued_through` at each payment; what accrues after that is
    computed for the day asked about (`interest_due`).
    """

    # The vehicle's and the line's dealer, kept here so that a dealer's floor plans are found
    # by index, without reading every dealer's.
    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, related_name="+", verbose_name=_("dealer")
    )
    vehicle = models.OneToOneField(
        Vehicle, on_delete=models.PROTECT, related_name="floor_plan", verbose_name=_("vehicle")
    )
    line = models.ForeignKey(
        FloorPlanLine, on_delete=models.PROTECT, related_name="floor_plans", verbose_name=_("line")
    )
    principal = models.DecimalField(_("principal"), **money)
    floored_on = models.DateField(_("floored on"))
    balance = models.DecimalField(_("balance"), **money)
    interest_accrued = models.DecimalField(_("interest booked, unpaid"), default=ZERO, **money)
    accrued_through = models.DateField(_("interest booked up to"))
    interest_paid = models.DecimalField(_("interest paid"), default=ZERO, **money)
    fees = models.DecimalField(_("fees"), default=ZERO, **money)
    fees_paid = models.DecimalField(_("fees paid"), default=ZERO, **money)
    next_curtailment_due = models.DateField(_("next curtailment due"), null=True, blank=True)
    next_curtailment_amount = models.DecimalField(
        _("next curtailment amount"), null=True, blank=True, **money
    )
    paid_off_on = models.DateField(_("paid off on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("floored by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = VehicleFloorPlanQuerySet.as_manager()

    class Meta:
        ordering = ["next_curtailment_due", "id"]
        verbose_name = _("vehicle floor plan")
        verbose_name_plural = _("vehicle floor plans")
        indexes = [
            # A dealer's open floor plans, the curtailments due first.
            models.Index(
                fields=["dealer", "next_curtailment_due"],
                condition=Q(paid_off_on__isnull=True),
                name="floor_plan_open_due",
            ),
            # A dealer's open floor plans with what their balance, interest and payoff need,
            # so the dashboard's sums and its join to the cars on hand never read the table.
            models.Index(
                fields=["dealer"],
                include=[
                    "id",
                    "vehicle",
                    "line",
                    "balance",
                    "interest_accrued",
                    "accrued_through",
                    "fees",
                    "fees_paid",
                ],
                condition=Q(paid_off_on__isnull=True),
                name="floor_plan_open_money",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(principal__gt=0),
                name="floor_plan_principal_positive",
                violation_error_message=_("The principal must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(balance__gte=0) & Q(balance__lte=models.F("principal")),
                name="floor_plan_balance_within_principal",
                violation_error_message=_("The balance must be between zero and the principal."),
            ),
            models.CheckConstraint(
                condition=Q(interest_accrued__gte=0)
                & Q(interest_paid__gte=0)
                & Q(fees__gte=0)
                & Q(fees_paid__gte=0)
                & Q(fees_paid__lte=models.F("fees")),
                name="floor_plan_interest_and_fees_not_negative",
                violation_error_message=_("Interest and fees cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.vehicle.vin} / {self.line.name}"

    @property
    def is_open(self):
        return self.paid_off_on is None

    def interest_due(self, on) -> Decimal:
        """Unpaid interest on `on`: what is booked plus what has run since."""
        if not self.is_open:
            return ZERO
        return self.interest_accrued + costs.interest_between(
            self.balance, self.line.terms, self.accrued_through, on
        )

    def payoff(self, on) -> Decimal:
        if not self.is_open:
            return ZERO
        return costs.payoff(
            balance=self.balance,
            interest_due=self.interest_due(on),
            fees_due=self.fees - self.fees_paid,
        )


class CurtailmentOwedQuerySet(DealerScopedQuerySet):
    def due(self, *, by):
        """Instalments of open floor plans due on or before `by`, the overdue ones included."""
        return self.filter(due_on__lte=by, floor_plan__paid_off_on__isnull=True)


class CurtailmentOwed(models.Model):
    """One scheduled repayment of principal that a car's floor plan still owes, or owes in part.

    Kept by the floor-plan services at every flooring and payment, one row per instalment, so
    that two overdue instalments on one car are two rows: each is listed and counted.
    """

    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, related_name="+", verbose_name=_("dealer")
    )
    floor_plan = models.ForeignKey(
        VehicleFloorPlan,
        on_delete=models.CASCADE,
        related_name="curtailments_owed",
        verbose_name=_("floor plan"),
    )
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("still owed"), **money)

    objects = CurtailmentOwedQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("curtailment owed")
        verbose_name_plural = _("curtailments owed")
        indexes = [
            # Carries what the dashboard's count and sum of the instalments due read.
            models.Index(
                fields=["dealer", "due_on"],
                include=["id", "floor_plan", "amount"],
                name="curtailment_owed_dealer_due",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["floor_plan", "due_on"], name="curtailment_owed_one_per_date"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="curtailment_owed_positive",
                violation_error_message=_("An instalment still owed is more than zero."),
            ),
        ]

    def __str__(self):
        return f"{self.due_on} {self.amount}"


class PaymentKind(models.TextChoices):
    CURTAILMENT = "curtailment", _("Curtailment")
    INTEREST = "interest", _("Interest")
    PAYOFF = "payoff", _("Payoff")


class FloorPlanPaymentQuerySet(DealerScopedQuerySet):
    dealer_lookup = "floor_plan__vehicle__dealer"


class FloorPlanPayment(models.Model):
    """Money paid to the lender for one car: principal, interest and fees, and what was left."""

    floor_plan = models.ForeignKey(
        VehicleFloorPlan,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("floor plan"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PaymentKind.choices)
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount"), **money)
    principal = models.DecimalField(_("principal"), default=ZERO, **money)
    interest = models.DecimalField(_("interest"), default=ZERO, **money)
    fees = models.DecimalField(_("fees"), default=ZERO, **money)
    balance_after = models.DecimalField(_("balance after"), **money)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = FloorPlanPaymentQuerySet.as_manager()

    class Meta:
        ordering = ["floor_plan", "paid_on", "id"]
        verbose_name = _("floor-plan payment")
        verbose_name_plural = _("floor-plan payments")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0)
                & Q(amount=models.F("principal") + models.F("interest") + models.F("fees")),
                name="floor_plan_payment_amount_adds_up",
                violation_error_message=_("A payment is more than zero and adds up."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} ({self.paid_on})"
