"""The vehicle page's own actions: quick reprice, the car's photos (upload, order, remove,
serve) and reserving it for a customer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import services, uploads
from ..forms import PhotoMoveForm, RepriceForm, ReservationForm, VehiclePhotoForm
from ..idempotency import once_per_form
from ..models import Vehicle, VehiclePhoto
from .base import form_errors, shown_refusal, staff_view


def _page(vehicle, anchor):
    return redirect(reverse("inventory:vehicle_detail", args=[vehicle.pk]) + f"#{anchor}")


@staff_view("POST")
@once_per_form
def reprice(request, pk):
    """A new list price with its reason, through `vehicle_reprice`; the page's price history
    and export figures show it at once."""
    vehicle = request.dealer_scope.get(Vehicle.objects.all(), pk=pk)
    form = RepriceForm(request.POST)
    if form.is_valid():
        old = vehicle.list_price
        with shown_refusal(request, form):
            saved = services.vehicle_reprice(vehicle=vehicle, by=request.user, **form.cleaned_data)
            if saved.list_price == old:
                messages.info(
                    request,
                    _("The list price is already %(price)s.") % {"price": floatformat(old, "2g")},
                )
            else:
                messages.success(
                    request,
                    _("List price of %(vin)s changed from %(old)s to %(new)s.")
                    % {
                        "vin": saved.vin,
                        "old": floatformat(old, "2g"),
                        "new": floatformat(saved.list_price, "2g"),
                    },
                )
    else:
        form_errors(request, form)
    return _page(vehicle, "prices")


@staff_view("POST")
@once_per_form
def photo_add(request, pk):
    vehicle = request.dealer_scope.get(Vehicle.objects.all(), pk=pk)
    form = VehiclePhotoForm(request.POST, request.FILES)
    with shown_refusal(request, form):
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        photos = services.vehicle_photos_add(
            vehicle=vehicle, images=form.cleaned_data["images"], by=request.user
        )
        messages.success(
            request,
            ngettext("%(count)d photo added.", "%(count)d photos added.", len(photos))
            % {"count": len(photos)},
        )
    return _page(vehicle, "photos")


def _photo(request, pk, photo_pk):
    return request.dealer_scope.get(
        VehiclePhoto.objects.select_related("vehicle"), pk=photo_pk, vehicle_id=pk
    )


@staff_view("POST")
def photo_move(request, pk, photo_pk):
    photo = _photo(request, pk, photo_pk)
    form = PhotoMoveForm(request.POST)
    if form.is_valid():
        with shown_refusal(request):
            services.vehicle_photo_move(photo=photo, to=form.cleaned_data["to"], by=request.user)
    else:
        form_errors(request, form)
    return _page(photo.vehicle, "photos")


@staff_view("POST")
def photo_remove(request, pk, photo_pk):
    photo = _photo(request, pk, photo_pk)
    with shown_refusal(request):
        services.vehicle_photo_remove(photo=photo, by=request.user)
        messages.success(request, _("Photo removed."))
    return _page(photo.vehicle, "photos")


@staff_view("GET", "HEAD")
def photo(request, pk, photo_pk):
    """A car's photo, to people who may see the car."""
    return uploads.file_response(_photo(request, pk, photo_pk).image)


@staff_view("GET", "HEAD")
def photo_thumbnail(request, pk, photo_pk):
    """A photo's thumbnail; pages cache it, as its name changes whenever the photo does."""
    response = uploads.file_response(_photo(request, pk, photo_pk).thumbnail)
    response["Cache-Control"] = "private, max-age=86400"
    return response


@staff_view("POST")
@once_per_form
def reserve(request, pk):
    """Hold the car for a customer, with the deposit taken and its last day."""
    vehicle = request.dealer_scope.get(Vehicle.objects.select_related("dealer"), pk=pk)
    form = ReservationForm(request.POST, dealer=vehicle.dealer)
    if form.is_valid():
        with shown_refusal(request, form):
            reservation = services.vehicle_reserve(
                vehicle=vehicle, by=request.user, **form.cleaned_data
            )
            messages.success(
                request,
                _("Vehicle %(vin)s is reserved for %(customer)s until %(day)s.")
                % {
                    "vin": vehicle.vin,
                    "customer": reservation.customer_name,
                    "day": reservation.expires_on.isoformat(),
                },
            )
    else:
        form_errors(request, form)
    return _page(vehicle, "reservation")
