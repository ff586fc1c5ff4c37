"""Offer sheets: near-new cars a dealer offers to its partner exporters and to buyers abroad,
each recipient with a private link, and the interest and bids that come back.

A dealer rarely ships a car itself: it sells it to a qualified exporter (domain rules, C4) or
to a buyer abroad who has an exporter take it out. An offer lists the cars with an asking
price each; every recipient opens it through a secret, revocable link in their own language,
and says which cars they want and for how much. Accepting a bid reserves the car for them.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from inventory.models import Dealer, DealerScopedQuerySet, Reservation, Vehicle

from .exporters import Exporter
from .shipments import money

REFERENCE_PREFIX = "OF"
REFERENCE_DIGITS = 4
NOTE_MAX_LENGTH = 2000


def new_offer_token():
    """As long as a certificate's verification token: far too long to guess."""
    return secrets.token_urlsafe(24)


class OfferStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Pricing(models.TextChoices):
    """How a line's asking price was set."""

    PRICE = "price", _("Price typed")
    DISCOUNT = "discount", _("Discount off the export price")


class OfferQuerySet(DealerScopedQuerySet):
    pass


class Offer(models.Model):
    """Cars offered together, with a validity; sent to one or more recipients."""

    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, related_name="offers", verbose_name=_("dealer")
    )
    reference = models.CharField(_("reference"), max_length=30)
    title = models.CharField(_("title"), max_length=200, blank=True)
    note = models.TextField(_("note to recipients"), blank=True, max_length=NOTE_MAX_LENGTH)
    currency = models.CharField(_("currency"), max_length=3)
    # Base currency units per unit of the offer's currency, for prices set by a discount.
    fx_rate_to_base = models.DecimalField(
        _("exchange rate to the base currency"), max_digits=14, decimal_places=6, default=1
    )
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "reference"], name="offer_reference_once_per_dealer"
            ),
            models.CheckConstraint(
                condition=Q(fx_rate_to_base__gt=0), name="offer_fx_rate_positive"
            ),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("exports:offer_detail", args=[self.pk])


class OfferLineQuerySet(DealerScopedQuerySet):
    dealer_lookup = "offer__dealer"

    def active(self):
        return self.filter(withdrawn_at__isnull=True)


class OfferLine(models.Model):
    """One car on an offer and what is asked for it."""

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="lines", verbose_name=_("offer")
    )
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, related_name="offer_lines", verbose_name=_("vehicle")
    )
    pricing = models.CharField(
        _("pricing"), max_length=10, choices=Pricing.choices, default=Pricing.DISCOUNT
    )
    discount_pct = models.DecimalField(
        _("discount (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    asking_price = models.DecimalField(_("asking price"), **money)
    position = models.PositiveIntegerField(_("position"), default=0)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = OfferLineQuerySet.as_manager()

    class Meta:
        ordering = ["offer", "position", "id"]
        verbose_name = _("offer line")
        verbose_name_plural = _("offer lines")
        constraints = [
            models.UniqueConstraint(fields=["offer", "vehicle"], name="offer_line_car_once"),
            models.CheckConstraint(
                condition=Q(asking_price__gte=0), name="offer_line_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(discount_pct__isnull=True)
                | Q(discount_pct__gte=0, discount_pct__lt=100),
                name="offer_line_discount_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.offer} · {self.vehicle.vin}"


class RecipientQuerySet(DealerScopedQuerySet):
    dealer_lookup = "offer__dealer"


class OfferRecipient(models.Model):
    """An exporter or a buyer abroad the offer goes to, with the link only they hold."""

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("offer")
    )
    exporter = models.ForeignKey(
        Exporter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offer_recipients",
        verbose_name=_("exporter"),
    )
    buyer_name = models.CharField(_("buyer's name"), max_length=120, blank=True)
    buyer_company = models.CharField(_("buyer's company"), max_length=200, blank=True)
    buyer_country = models.CharField(_("buyer's country"), max_length=2, blank=True)
    buyer_email = models.EmailField(_("buyer's e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    # Made when the offer is sent to them; null before.
    token = models.CharField(
        _("link token"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    expires_on = models.DateField(_("link valid until"))
    revoked_at = models.DateTimeField(_("link withdrawn at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("link withdrawn by"),
    )
    first_opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    last_opened_at = models.DateTimeField(_("last opened"), null=True, blank=True)
    open_count = models.PositiveIntegerField(_("times opened"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RecipientQuerySet.as_manager()

    class Meta:
        ordering = ["offer", "id"]
        verbose_name = _("offer recipient")
        verbose_name_plural = _("offer recipients")
        constraints = [
            models.CheckConstraint(
                condition=Q(exporter__isnull=False) | ~Q(buyer_name="") | ~Q(buyer_company=""),
                name="offer_recipient_names_someone",
            ),
            models.UniqueConstraint(
                fields=["offer", "exporter"],
                condition=Q(exporter__isnull=False),
                name="offer_recipient_exporter_once",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        if self.exporter_id:
            return self.exporter.name
        if self.buyer_company and self.buyer_name:
            return f"{self.buyer_company} ({self.buyer_name})"
        return self.buyer_company or self.buyer_name

    def get_public_url(self):
        return reverse("offer_public", args=[self.token]) if self.token else ""


class ResponseKind(models.TextChoices):
    INTEREST = "interest", _("Interest")
    BID = "bid", _("Bid")


class BidStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    SUPERSEDED = "superseded", _("Superseded")


class BidQuerySet(DealerScopedQuerySet):
    dealer_lookup = "recipient__offer__dealer"

    def open(self):
        return self.filter(status=BidStatus.OPEN)


class Bid(models.Model):
    """A recipient's interest in a car of the offer, or a bid for it: sent through their link,
    or recorded by staff on their behalf (a phone call, a message)."""

    recipient = models.ForeignKey(
        OfferRecipient, on_delete=models.CASCADE, related_name="bids", verbose_name=_("recipient")
    )
    line = models.ForeignKey(
        OfferLine, on_delete=models.CASCADE, related_name="bids", verbose_name=_("car")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ResponseKind.choices)
    amount = models.DecimalField(_("amount"), null=True, blank=True, **money)
    note = models.TextField(_("note"), blank=True, max_length=NOTE_MAX_LENGTH)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BidStatus.choices, default=BidStatus.OPEN
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    reservation = models.OneToOneField(
        Reservation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accepted_bid",
        verbose_name=_("reservation"),
    )

    objects = BidQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="interest") | Q(amount__gt=0), name="bid_amount_positive"
            ),
            models.UniqueConstraint(
                fields=["line"], condition=Q(status="accepted"), name="bid_accepted_once_per_car"
            ),
        ]

    def __str__(self):
        return f"{self.recipient} · {self.line.vehicle.vin}"
