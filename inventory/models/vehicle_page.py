"""What the vehicle page keeps beside the car's facts: its photos and its reservations."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory import uploads

from .dealers import ZERO, DealerScopedQuerySet, money
from .vehicles import Vehicle


class VehiclePhotoQuerySet(DealerScopedQuerySet):
    dealer_lookup = "vehicle__dealer"

    def first_of(self, vehicle_ids) -> dict[int, "VehiclePhoto"]:
        """The first photo of each vehicle, by vehicle id, in one query: what a list of cars
        shows beside each row."""
        ranked = self.filter(vehicle_id__in=list(vehicle_ids)).annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("vehicle_id")],
                order_by=[F("position").asc(), F("id").asc()],
            )
        )
        return {photo.vehicle_id: photo for photo in ranked.filter(rank=1)}


def vehicle_photo_path(photo, filename):
    """A server-chosen name whose extension is what the picture is, never the client's."""
    vehicle = photo.vehicle
    return uploads.stored_path(f"vehicles/{vehicle.dealer_id}/{vehicle.pk}", photo.image)


def vehicle_thumbnail_path(photo, filename):
    vehicle = photo.vehicle
    return uploads.stored_path(
        f"vehicles/{vehicle.dealer_id}/{vehicle.pk}/thumbnails", photo.thumbnail
    )


class VehiclePhoto(models.Model):
    """A photograph of a car for sale; the first in order stands for the car in lists."""

    # Photos are pictures of the car, not records of what happened to it: they go with a car
    # deleted by mistake (the service removes their files).
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.CASCADE, related_name="photos", verbose_name=_("vehicle")
    )
    image = models.ImageField(_("photo"), upload_to=vehicle_photo_path, max_length=200)
    # Made from the photo when it is uploaded, so lists never send the full picture.
    thumbnail = models.ImageField(_("thumbnail"), upload_to=vehicle_thumbnail_path, max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)
    size_bytes = models.PositiveIntegerField(_("size (bytes)"), editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = VehiclePhotoQuerySet.as_manager()

    class Meta:
        ordering = ["vehicle", "position", "id"]
        verbose_name = _("vehicle photo")
        verbose_name_plural = _("vehicle photos")
        indexes = [
            models.Index(fields=["vehicle", "position", "id"], name="vehicle_photo_order"),
        ]

    def __str__(self):
        return self.image.name.rsplit("/", 1)[-1]


class ReservationEnd(models.TextChoices):
    """Why a reservation stopped holding the car."""

    RELEASED = "released", _("Released")
    SOLD = "sold", _("Sold")
    SHIPPED = "shipped", _("Allocated to a shipment")
    LAPSED = "lapsed", _("Lapsed")


class ReservationQuerySet(DealerScopedQuerySet):
    dealer_lookup = "vehicle__dealer"

    def open(self):
        return self.filter(ended_at__isnull=True)


class Reservation(models.Model):
    """A car held for a customer, with the deposit taken, until a day after which it goes back
    into stock by itself. Kept when it ends, with why and when."""

    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, related_name="reservations", verbose_name=_("vehicle")
    )
    customer_name = models.CharField(_("customer"), max_length=120)
    customer_phone = models.CharField(_("customer's phone"), max_length=40, blank=True)
    deposit = models.DecimalField(_("deposit"), default=ZERO, **money)
    # The dealer's base currency when the deposit was taken.
    currency = models.CharField(_("currency"), max_length=3)
    expires_on = models.DateField(
        _("held until"), help_text=_("The last day the car is held; it returns to stock after.")
    )
    reserved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reserved by"),
    )
    # The partner exporter the car is held for, when it is held for one (an accepted bid on an
    # offer): the sale for export checks the car goes to that exporter.
    exporter = models.ForeignKey(
        "exports.Exporter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reservations",
        verbose_name=_("exporter"),
    )
    reserved_at = models.DateTimeField(_("reserved"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(
        _("ended because"), max_length=10, choices=ReservationEnd.choices, blank=True
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )

    objects = ReservationQuerySet.as_manager()

    class Meta:
        ordering = ["-reserved_at", "-id"]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        indexes = [
            # The lapse job reads the open reservations by their last day.
            models.Index(
                fields=["expires_on"],
                condition=Q(ended_at__isnull=True),
                name="reservation_open_expiry",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["vehicle"],
                condition=Q(ended_at__isnull=True),
                name="reservation_one_open_per_vehicle",
                violation_error_message=_("This car is already reserved."),
            ),
            models.CheckConstraint(
                condition=Q(deposit__gte=0),
                name="reservation_deposit_not_negative",
                violation_error_message=_("The deposit cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(customer_name=""),
                name="reservation_names_customer",
                violation_error_message=_("Name the customer the car is reserved for."),
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, end_reason="")
                | Q(ended_at__isnull=False) & ~Q(end_reason=""),
                name="reservation_ended_with_reason",
                violation_error_message=_("An ended reservation says why it ended."),
            ),
        ]

    def __str__(self):
        return f"{self.customer_name} · {self.expires_on:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    def is_expired(self, today) -> bool:
        """Past its last day: the lapse job will put the car back in stock."""
        return self.is_open and today > self.expires_on
