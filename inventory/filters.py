"""FilterSets of the staff lists; they run on a queryset already scoped to the dealer."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import aging, holding
from . import vin as vin_rules
from .models import InspectionReport, InspectionStatus, Powertrain, Vehicle, VehicleStatus

YES_NO = [("yes", _("Yes")), ("no", _("No"))]

# Returns [(country code, market name)] of the open export markets; the exports app sets it
# when it loads, since inventory does not import exports.
market_choices_provider = None


def bucket_label(bucket: aging.Bucket) -> str:
    if bucket.high is None:
        return _("over %(days)s days") % {"days": bucket.low - 1}
    return _("%(low)s-%(high)s days") % {"low": bucket.low, "high": bucket.high}


class VehicleFilterSet(django_filters.FilterSet):
    """The inventory list's filters. `dealer` fixes "today" for the aging buckets."""

    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        widget=forms.TextInput(
            attrs={"placeholder": _("VIN, last digits, stock number or model"), "type": "search"}
        ),
    )
    status = django_filters.ChoiceFilter(
        choices=VehicleStatus.choices, label=_("Status"), empty_label=_("Any status")
    )
    make = django_filters.ChoiceFilter(label=_("Make"), empty_label=_("Any make"))
    model = django_filters.CharFilter(lookup_expr="icontains", label=_("Model"))
    powertrain = django_filters.ChoiceFilter(
        choices=Powertrain.choices, label=_("Powertrain"), empty_label=_("Any powertrain")
    )
    aging = django_filters.ChoiceFilter(
        method="filter_aging", label=_("Days in stock"), empty_label=_("Any age")
    )
    export_candidate = django_filters.ChoiceFilter(
        choices=YES_NO,
        method="filter_candidate",
        label=_("Export candidate"),
        empty_label=pgettext_lazy("filter", "Any"),
    )
    registered = django_filters.ChoiceFilter(
        choices=YES_NO,
        method="filter_registered",
        label=_("Registered"),
        empty_label=pgettext_lazy("filter", "Any"),
    )
    stocked_on = django_filters.DateFromToRangeFilter(
        label=_("Stocked on (from, to)"),
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    market = django_filters.ChoiceFilter(
        method="filter_market", label=_("Export candidate for"), empty_label=_("Any market")
    )
    max_odometer = django_filters.NumberFilter(
        field_name="odometer_km",
        lookup_expr="lte",
        label=_("Odometer at most (km)"),
        min_value=0,
    )

    class Meta:
        model = Vehicle
        fields = []

    def __init__(self, *args, dealer=None, makes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.dealer = dealer
        if makes is None:
            makes = Vehicle.objects.makes_of(dealer) if dealer else ()
        self.filters["make"].extra["choices"] = [(make, make) for make in makes]
        self.filters["market"].extra["choices"] = (
            market_choices_provider() if market_choices_provider else []
        )
        self.filters["aging"].extra["choices"] = [
            (bucket.key, bucket_label(bucket)) for bucket in self.buckets
        ]

    @property
    def buckets(self):
        return self.dealer.buckets if self.dealer else aging.BUCKETS

    def search(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        vin_part = vin_rules.normalise(text)
        return queryset.filter(
            Q(vin__contains=vin_part) | Q(stock_number__icontains=text) | Q(model__icontains=text)
        )

    def filter_aging(self, queryset, name, value):
        """Cars by their days in stock, which stop growing once a car has left stock.

        A car `low` days in stock was stocked on or before `latest` whether or not it has
        left since, so that bound stays for the (dealer, stocked_on) index to use."""
        bucket = {bucket.key: bucket for bucket in self.buckets}[value]
        today = self.dealer.today()
        _earliest, latest = bucket.stocked_on_range(today)
        queryset = holding.with_days_in_stock(queryset.filter(stocked_on__lte=latest), today)
        queryset = queryset.filter(days_in_stock__gte=bucket.low)
        if bucket.high is not None:
            queryset = queryset.filter(days_in_stock__lte=bucket.high)
        return queryset

    def filter_candidate(self, queryset, name, value):
        return queryset.filter(export_candidate=value == "yes")

    def filter_market(self, queryset, name, value):
        """Candidates that may leave for the market (now or once documents are supplied), as of
        the last candidate run."""
        return queryset.filter(
            export_candidate=True, export_verdict__markets__contains=f" {value} "
        )

    def filter_registered(self, queryset, name, value):
        return queryset.filter(registered_on__isnull=value != "yes")


class InspectionFilterSet(django_filters.FilterSet):
    """The inspection list's filters: by status, and by VIN, certificate or stock number."""

    q = django_filters.CharFilter(
        method="search",
        label=_("VIN, stock or certificate number"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = django_filters.ChoiceFilter(
        choices=InspectionStatus.choices,
        label=_("Status"),
        empty_label=pgettext_lazy("filter", "Any"),
    )

    class Meta:
        model = InspectionReport
        fields = []

    def search(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(vehicle__vin__icontains=text)
            | Q(certificate_number__icontains=text)
            | Q(vehicle__stock_number__iexact=text)
        )
