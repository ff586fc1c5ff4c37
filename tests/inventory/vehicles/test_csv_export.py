"""The inventory list's CSV is written a chunk of rows at a time from plain tuples; its bytes
stay exactly those the row-by-row writer produced, kept below as the reference."""

import csv
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from inventory import aging
from inventory.filters import bucket_label
from inventory.models import Vehicle, VehicleStatus
from inventory.spreadsheets import csv_safe
from inventory.views import vehicles as vehicle_views
from inventory.views.lists import filtered, sort_of
from inventory.views.vehicles import VEHICLES
from tests.factories import VehicleFactory

CSV = reverse("inventory:vehicle_csv")


class Echo:
    def write(self, value):
        return value


def reference_csv(queryset, dealer):
    """The CSV as the export wrote it one row at a time, through csv_safe for every cell."""
    today = dealer.today()
    statuses = dict(VehicleStatus.choices)
    dealer_buckets = dealer.buckets
    buckets = {bucket.key: bucket_label(bucket) for bucket in dealer_buckets}
    yes_no = {True: _("Yes"), False: _("No")}
    columns = [
        ("vin", _("VIN")),
        ("stock_number", _("Stock number")),
        ("make", _("Make")),
        ("model", _("Model")),
        ("trim", _("Trim")),
        ("model_year", _("Model year")),
        ("powertrain", _("Powertrain")),
        ("colour", _("Colour")),
        ("odometer_km", _("Odometer (km)")),
        ("stocked_on", _("Stocked on")),
        ("registered_on", _("First registered on")),
        ("status", _("Status")),
        ("left_stock_on", _("Left stock on")),
        ("list_price", _("List price")),
        ("acquisition_cost", _("Acquisition cost")),
        ("export_candidate", _("Export candidate")),
    ]
    names = [name for name, _label in columns]
    stocked, status, left, candidate = (
        names.index(n) for n in ("stocked_on", "status", "left_stock_on", "export_candidate")
    )

    def rows():
        yield [label for _name, label in columns] + [_("Days in stock"), _("Aging bucket")]
        for values in queryset.values_list(*names):
            row = list(values)
            days = aging.days_in_stock(row[stocked], today, left_stock_on=row[left])
            row[status] = statuses.get(row[status], row[status])
            row[candidate] = yes_no[row[candidate]]
            yield [*row, days, buckets[aging.bucket_for(days, dealer_buckets).key]]

    writer = csv.writer(Echo())
    return "\ufeff" + "".join(writer.writerow([csv_safe(cell) for cell in row]) for row in rows())


def expected(dealer, params):
    """The reference CSV of the cars the export's filters and sort pick for `params`."""
    request = RequestFactory().get(CSV, params)
    _filterset, queryset = filtered(
        request, VEHICLES, Vehicle.objects.filter(dealer=dealer), dealer=dealer
    )
    return reference_csv(queryset.order_by(*VEHICLES.ordering(sort_of(request, VEHICLES))), dealer)


def downloaded(client, params, **headers):
    response = client.get(CSV, params, **headers)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def varied(dealer_a, dealer_b):
    """Cars that exercise every column: formulas typed into text, commas, quotes and line
    breaks, Chinese text, cents, empty dates, cars that left stock, every aging bucket."""
    dealer_a.aging_bucket_edges = "15,45,400"
    dealer_a.save()
    today = dealer_a.today()
    cars = [
        {
            "stock_number": "=1+2",
            "make": "@SUM(A1)",
            "model": "+Seal",
            "trim": "-2",
            "colour": "\tred",
        },
        {
            "stock_number": "S-1",
            "model": 'Seal "GT", AWD',
            "trim": "line\nbreak",
            "colour": "星空灰",
        },
        {
            "make": "Geely",
            "model": "Galaxy L7",
            "trim": "\r=cmd",
            "list_price": Decimal("99999.99"),
        },
        {"make": "Chery", "odometer_km": 0, "stocked_on": today, "registered_on": today},
        {
            "make": "GAC",
            "stocked_on": today - timedelta(days=500),
            "acquisition_cost": Decimal("0.50"),
            "export_candidate": True,
        },
        {
            "status": VehicleStatus.SOLD_DOMESTIC,
            "stocked_on": today - timedelta(days=60),
            "left_stock_on": today - timedelta(days=20),
        },
        {
            "status": VehicleStatus.EXPORTED,
            "stocked_on": today - timedelta(days=30),
            "left_stock_on": today,
            "powertrain": "PHEV",
            "engine_cc": 1498,
        },
        {"status": VehicleStatus.RESERVED, "stocked_on": today - timedelta(days=16)},
        {"status": VehicleStatus.ALLOCATED, "stocked_on": today - timedelta(days=45)},
    ]
    for index, fields in enumerate(cars):
        fields.setdefault("stock_number", f"S{index:03d}")
        VehicleFactory(dealer=dealer_a, **fields)
    VehicleFactory(dealer=dealer_b, make="Other dealer's car")
    return dealer_a


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "vin"},
        {"sort": "-days_in_stock"},
        {"sort": "status"},
        {"sort": "-list_price"},
        {"status": "in_stock"},
        {"make": "BYD", "sort": "-odometer_km"},
        {"aging": "16-45"},
        {"col": [""]},
    ],
)
def test_csv_bytes_are_those_of_the_row_by_row_writer(staff_client, varied, params, monkeypatch):
    # Small chunks, so that rows are split across several pieces of the response.
    monkeypatch.setattr(vehicle_views, "CHUNK_SIZE", 3)
    text = downloaded(staff_client, params)
    assert text == expected(varied, params)
    assert "Other dealer's car" not in text


def test_csv_bytes_in_chinese_are_those_of_the_row_by_row_writer(staff_client, varied):
    text = downloaded(staff_client, {}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    with translation.override("zh-hans"):
        assert text == expected(varied, {})
    with translation.override("en"):
        assert text.splitlines()[0] != expected(varied, {}).splitlines()[0]


def test_csv_is_sent_in_pieces_of_many_rows(staff_client, varied, monkeypatch):
    """One piece per chunk of rows, not one per row: each piece is a write to the client."""
    monkeypatch.setattr(vehicle_views, "CHUNK_SIZE", 4)
    pieces = list(staff_client.get(CSV).streaming_content)
    assert len(pieces) == 3  # 9 cars: 4 + 4 + 1, the header with the first
    assert b"".join(pieces).decode("utf-8") == expected(varied, {})


def test_empty_csv_is_the_header_alone(staff_client, dealer_a):
    assert downloaded(staff_client, {}) == expected(dealer_a, {})
