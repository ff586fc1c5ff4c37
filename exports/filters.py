"""FilterSets of the export lists (shipments, candidates); they run on a queryset already
scoped to the dealer."""

import copy

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inventory import vin as vin_rules
from inventory.filters import VehicleFilterSet, bucket_label
from inventory.models import PAPER_LABELS, Vehicle, paper_label

from .eligibility import market_choices
from .models import (
    DestinationMarket,
    ExportShipment,
    Offer,
    OfferLine,
    OfferStatus,
    ShipmentLine,
    ShipmentStatus,
)


class OfferFilterSet(django_filters.FilterSet):
    """The offer list's filters: status and a search by reference, title or VIN."""

    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        widget=forms.TextInput(
            attrs={"placeholder": _("Reference, title or VIN"), "type": "search"}
        ),
    )
    status = django_filters.ChoiceFilter(
        choices=OfferStatus.choices, label=_("Status"), empty_label=_("Any status")
    )

    class Meta:
        model = Offer
        fields = []

    def search(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        offered = OfferLine.objects.filter(vehicle__vin__contains=vin_rules.normalise(text)).values(
            "offer_id"
        )
        return queryset.filter(
            Q(reference__icontains=text) | Q(title__icontains=text) | Q(pk__in=offered)
        )


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
    """The candidate list's filters: a car by VIN, stock number or model, a market it may go
    to (with or without warnings), its make, its days in stock, and a paper it still needs for
    every market. `dealer` fixes "today" for the days and offers the dealer's makes."""

    q = copy.deepcopy(VehicleFilterSet.base_filters["q"])
    market = copy.deepcopy(VehicleFilterSet.base_filters["market"])
    make = copy.deepcopy(VehicleFilterSet.base_filters["make"])
    aging = copy.deepcopy(VehicleFilterSet.base_filters["aging"])
    min_days = django_filters.NumberFilter(
        field_name="days_in_stock_on",
        lookup_expr="gte",
        label=_("At least (days in stock)"),
        min_value=0,
    )
    missing = django_filters.ChoiceFilter(
        method="filter_missing",
        label=_("Still needs"),
        empty_label=_("Any paper"),
    )

    class Meta:
        model = Vehicle
        fields = []

    search = VehicleFilterSet.search
    filter_market = VehicleFilterSet.filter_market
    filter_aging = VehicleFilterSet.filter_aging
    buckets = VehicleFilterSet.buckets

    def __init__(self, *args, dealer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.dealer = dealer
        self.filters["market"].extra["choices"] = market_choices()
        self.filters["make"].extra["choices"] = [
            (make, make) for make in (Vehicle.objects.makes_of(dealer) if dealer else ())
        ]
        self.filters["aging"].extra["choices"] = [
            (bucket.key, bucket_label(bucket)) for bucket in self.buckets
        ]
        self.filters["missing"].extra["choices"] = [
            (kind, paper_label(kind)) for kind in PAPER_LABELS
        ]

    def filter_missing(self, queryset, name, value):
        """Candidates that still need the paper for every market they may go to, as the
        "Still needed" column shows, as of the last candidate run. The list is stored as
        JSON text, so the kind is matched with its quotes, never as part of another kind."""
        return queryset.filter(export_verdict__summary__needs__icontains=f'"{value}"')
