"""The shipment list's filters; they run on a queryset already scoped to the dealer."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inventory import vin as vin_rules

from .models import DestinationMarket, ExportShipment, ShipmentLine, ShipmentStatus


class ShipmentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        widget=forms.TextInput(
            attrs={"placeholder": _("Reference, bill of lading or VIN"), "type": "search"}
        ),
    )
    status = django_filters.ChoiceFilter(
        choices=ShipmentStatus.choices, label=_("Status"), empty_label=_("Any status")
    )
    destination = django_filters.ModelChoiceFilter(
        queryset=DestinationMarket.objects.filter(is_origin=False).order_by("name"),
        to_field_name="country_code",
        label=_("Destination"),
        empty_label=_("Any destination"),
    )
    etd = django_filters.DateFromToRangeFilter(
        label=_("ETD (from, to)"),
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )

    class Meta:
        model = ExportShipment
        fields = []

    def search(self, queryset, name, value):
        """By reference, bill of lading or (part of) a VIN that is or was on the shipment.

        The VIN match is a subquery rather than a join, so a shipment with several matching
        cars is listed once and its vehicle count is not multiplied."""
        text = value.strip()
        if not text:
            return queryset
        vin_part = vin_rules.normalise(text)
        on_board = ShipmentLine.objects.filter(vehicle__vin__contains=vin_part).values(
            "shipment_id"
        )
        return queryset.filter(
            Q(reference__icontains=text)
            | Q(bill_of_lading__icontains=text)
            | Q(pk__in=on_board if vin_part else [])
        )
