"""Vehicles through the API: the staff list's filters, sorts and cursor; receiving, editing
and status moves through the form and the services, refused with the form's messages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from inventory.forms import VehicleForm
from inventory.models import Vehicle, VehicleStatus
from tests.factories import VehicleFactory, next_vin

pytestmark = pytest.mark.django_db


def _errors(response):
    assert response["Content-Type"] == "application/json"
    return {(e["field"], e["message"]) for e in response.json()["errors"]}


def test_the_list_filters_sorts_and_pages_like_the_staff_list(api_a, dealer_a, dealer_b):
    today = dealer_a.today()
    cars = [
        VehicleFactory(dealer=dealer_a, stocked_on=today - timedelta(days=n), list_price=n * 1000)
        for n in range(1, 8)
    ]
    VehicleFactory(dealer=dealer_a, make="Geely", model="Galaxy", stocked_on=today)
    VehicleFactory(dealer=dealer_b)
    page = api_a.get("/api/v1/vehicles", {"make": "BYD", "size": 25, "sort": "-list_price"})
    assert page.status_code == 200
    body = page.json()
    assert [row["vin"] for row in body["results"]] == [c.vin for c in reversed(cars)]
    assert body["count"] == 7 and body["next"] is None
    assert body["results"][0]["list_price"] == "7000.00"
    # The cursor walks the default order (newest first) with nothing repeated or skipped.
    seen, after = [], None
    for _page in range(10):
        query = {"size": 25} | ({"after": after} if after else {})
        body = api_a.get("/api/v1/vehicles", query).json()
        seen += [row["id"] for row in body["results"]]
        after = body["next"]
        if not after:
            break
    assert len(seen) == len(set(seen)) == 8


def test_a_page_of_200_cars_costs_a_fixed_number_of_queries(
    api_a, dealer_a, django_assert_max_num_queries
):
    for _ in range(3):
        VehicleFactory(dealer=dealer_a)
    api_a.get("/api/v1/cash-flow")  # the token's last use is written once a minute at most
    # The token, the makes, the markets, the page and the count.
    with django_assert_max_num_queries(5):
        first = api_a.get("/api/v1/vehicles", {"size": 200})
    for _ in range(30):
        VehicleFactory(dealer=dealer_a)
    with django_assert_max_num_queries(5):
        more = api_a.get("/api/v1/vehicles", {"size": 200})
    assert len(first.json()["results"]) == 3 and len(more.json()["results"]) == 33


def test_a_bad_filter_sort_or_cursor_is_named(api_a):
    response = api_a.get(
        "/api/v1/vehicles", {"status": "flying", "sort": "colour", "after": "nonsense"}
    )
    assert response.status_code == 422
    fields = {field for field, _message in _errors(response)}
    assert fields == {"status", "sort", "after"}


def test_one_vehicle_reads_with_its_days_and_markets(api_a, dealer_a):
    car = VehicleFactory(dealer=dealer_a, stocked_on=dealer_a.today() - timedelta(days=12))
    body = api_a.get(f"/api/v1/vehicles/{car.pk}").json()
    assert body["vin"] == car.vin and body["days_in_stock"] == 12
    assert body["acquisition_cost"] == "150000.00" and body["export_markets"] == []
    assert body["url"].endswith(f"/api/v1/vehicles/{car.pk}")


def test_receiving_fills_make_and_model_year_from_the_vin(api_a, dealer_a, maker_codes):
    vin = next_vin()
    response = api_a.post(
        "/api/v1/vehicles",
        {
            "vin": vin.lower(),
            "model": "Seal",
            "powertrain": "BEV",
            "acquisition_cost": "150000",
            "list_price": 179800.5,
        },
    )
    assert response.status_code == 201, response.json()
    car = Vehicle.objects.get(vin=vin)
    assert car.dealer == dealer_a and car.make and car.model_year
    assert car.stocked_on == dealer_a.today() and car.list_price == Decimal("179800.50")
    assert response["Location"].endswith(f"/api/v1/vehicles/{car.pk}")
    body = response.json()
    assert body["make"] == car.make and body["read_from_vin"]
    history = car.history.first()
    assert history.history_user.username == "manager_a"


def test_a_bad_check_digit_is_named_on_vin_with_the_forms_message(api_a, dealer_a):
    vin = next_vin()
    wrong = vin[:8] + ("1" if vin[8] != "1" else "2") + vin[9:]
    data = {
        "vin": wrong,
        "model": "Seal",
        "make": "BYD",
        "model_year": 2025,
        "powertrain": "BEV",
        "acquisition_cost": "1",
        "list_price": "2",
    }
    form = VehicleForm(
        {
            **data,
            "stocked_on": dealer_a.today(),
            "odometer_km": 0,
            "steering_side": "LHD",
            "registered_owner": "dealer",
        },
        dealer=dealer_a,
    )
    assert not form.is_valid()
    response = api_a.post("/api/v1/vehicles", data)
    assert response.status_code == 422
    assert _errors(response) == {("vin", message) for message in form.errors["vin"]}
    assert "Check digit" in form.errors["vin"][0]
    assert not Vehicle.objects.exists()


def test_refusals_read_in_the_callers_language(api_a):
    response = api_a.post(
        "/api/v1/vehicles",
        {
            "vin": "LGX",
            "model": "Seal",
            "powertrain": "BEV",
            "acquisition_cost": "x",
            "list_price": "1",
        },
        headers={"Accept-Language": "zh-hans"},
    )
    assert response.status_code == 422
    with translation.override("zh-hans"):
        assert ("acquisition_cost", translation.gettext("Enter a number.")) in _errors(response)


def test_a_body_with_unknown_fields_or_lists_is_refused_by_field(api_a):
    response = api_a.post(
        "/api/v1/vehicles",
        {
            "vin": ["LGX"],
            "model": "Seal",
            "powertrain": "BEV",
            "acquisition_cost": "1",
            "list_price": "1",
            "colour_code": "red",
        },
    )
    assert response.status_code == 422
    assert _errors(response) == {
        ("vin", "Send one value, not a list or an object."),
        ("colour_code", "This field is not known."),
    }
    assert api_a.post("/api/v1/vehicles", [1, 2]).status_code == 422
    broken = api_a.post("/api/v1/vehicles", "{not json", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["detail"]


def test_editing_changes_only_what_is_sent_and_asks_before_the_odometer_goes_down(api_a, dealer_a):
    car = VehicleFactory(dealer=dealer_a, odometer_km=40, colour="White")
    response = api_a.patch(f"/api/v1/vehicles/{car.pk}", {"list_price": "170000.00"})
    assert response.status_code == 200, response.json()
    car.refresh_from_db()
    assert car.list_price == Decimal("170000.00") and car.colour == "White"
    lower = api_a.patch(f"/api/v1/vehicles/{car.pk}", {"odometer_km": 12})
    assert lower.status_code == 422
    assert [field for field, _m in _errors(lower)] == ["odometer_km"]
    confirmed = api_a.patch(
        f"/api/v1/vehicles/{car.pk}", {"odometer_km": 12, "confirm_odometer_decrease": True}
    )
    assert confirmed.status_code == 200
    car.refresh_from_db()
    assert car.odometer_km == 12


def test_status_moves_go_through_the_service(api_a, dealer_a):
    car = VehicleFactory(dealer=dealer_a)
    response = api_a.post(f"/api/v1/vehicles/{car.pk}/status", {"status": "sold_domestic"})
    assert response.status_code == 200
    assert response.json()["status"] == VehicleStatus.SOLD_DOMESTIC
    # Reserving records a customer, a deposit and a last day held, on the car's page.
    unreserved = api_a.post(f"/api/v1/vehicles/{car.pk}/status", {"status": "in_stock"})
    assert unreserved.status_code == 200
    reserve = api_a.post(f"/api/v1/vehicles/{car.pk}/status", {"status": "reserved"})
    assert reserve.status_code == 422
    assert [field for field, _m in _errors(reserve)] == ["status"]
    refused = api_a.post(f"/api/v1/vehicles/{car.pk}/status", {"status": "exported"})
    assert refused.status_code == 422
    assert [field for field, _m in _errors(refused)] == ["status"]
    assert api_a.post(f"/api/v1/vehicles/{car.pk}/status", {"status": "x"}).status_code == 422
    car.refresh_from_db()
    assert car.status == VehicleStatus.IN_STOCK
    # Sold for export only through a sale to an exporter, which names the exporter and price.
    sold = api_a.post(f"/api/v1/vehicles/{car.pk}/status", {"status": "sold_for_export"})
    assert sold.status_code == 422
    assert [field for field, _m in _errors(sold)] == ["status"]
    assert any("sale to an exporter" in message for _f, message in _errors(sold))
    car.refresh_from_db()
    assert car.status == VehicleStatus.IN_STOCK


def test_the_export_check_names_markets_and_missing_papers(api_a, dealer_a, markets):
    car = VehicleFactory(dealer=dealer_a, registered_on=dealer_a.today() - timedelta(days=30))
    body = api_a.get(f"/api/v1/vehicles/{car.pk}/export-check").json()
    codes = {market["code"] for market in body["markets"]}
    assert {"KZ", "RU"} <= codes
    assert body["origin"] and body["origin_names"]
    needing = [m for m in body["markets"] if m["missing_papers"]]
    assert needing and all(p["kind"] and p["label"] for p in needing[0]["missing_papers"])
    sold = VehicleFactory(dealer=dealer_a, status=VehicleStatus.SOLD_DOMESTIC)
    refused = api_a.get(f"/api/v1/vehicles/{sold.pk}/export-check")
    assert (
        refused.status_code == 422
        and "no longer in stock" in refused.json()["errors"][0]["message"]
    )


def test_numbers_and_ticks_where_text_belongs_are_refused_by_the_form(api_a):
    response = api_a.post(
        "/api/v1/vehicles",
        {
            "vin": 12345,
            "model": "Seal",
            "powertrain": "BEV",
            "acquisition_cost": "1",
            "list_price": "1",
            "notes": 7,
            "stocked_on": True,
            "is_salvage": "yes",
        },
    )
    assert response.status_code == 422
    fields = {field for field, _message in _errors(response)}
    assert {"vin", "stocked_on"} <= fields and "notes" not in fields
