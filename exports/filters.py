"""FilterSets of the export lists (shipments, candidates); they run on a queryset already
scoped to the dealer."""

import copy

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inventory import vin as vin_rules
from inventory.filters import VehicleFilterSet
from inventory.models import Vehicle

from .eligibility import market_choices
from .models import DestinationMarket, ExportShipment, ShipmentLine, ShipmentStatus


class ShipmentFilterSet(django_filters.FilterSet):
    """The shipment list's filters: status, destination, departure dates and a search."""

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


class CandidateFilterSet(django_filters.FilterSet):
    """The candidate list's filters: a car by VIN, stock number or model, and a market."""

    q = copy.deepcopy(VehicleFilterSet.base_filters["q"])
    market = copy.deepcopy(VehicleFilterSet.base_filters["market"])

    class Meta:
        model = Vehicle
        fields = []

    search = VehicleFilterSet.search
    filter_market = VehicleFilterSet.filter_market

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["market"].extra["choices"] = market_choices()
