"""Shipment references numbered per dealer and year, sale prices taken from the export price,
set for every car at once, and never 0.00."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from exports import services
from exports.models import DestinationMarket, ExportShipment, ShipmentLine
from tests.factories import ShipmentFactory, VehicleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kz(markets):
    return DestinationMarket.objects.get(country_code="KZ")


def create(dealer, kz, **fields):
    values = {"destination": kz, "consignee": "Almaty Auto Trade LLP", **fields}
    return services.shipment_create(dealer=dealer, fx_rate_to_base=Decimal("7.1"), **values)


def url(name, *args):
    return reverse(f"exports:{name}", args=args)


# --- references ---------------------------------------------------------------------------


def test_shipments_are_numbered_per_dealer_and_year(dealer_a, dealer_b, kz):
    year = dealer_a.today().year
    assert create(dealer_a, kz).reference == f"SH-{year}-0001"
    assert create(dealer_a, kz).reference == f"SH-{year}-0002"
    # Another dealer counts from one, and last year's numbers do not count.
    ShipmentFactory(dealer=dealer_b, reference=f"SH-{year - 1}-0040")
    assert create(dealer_b, kz).reference == f"SH-{year}-0001"


def test_a_typed_reference_wins_and_numbering_goes_on_after_it(dealer_a, kz):
    year = dealer_a.today().year
    assert create(dealer_a, kz, reference="  KZ-ALMATY-7 ").reference == "KZ-ALMATY-7"
    assert create(dealer_a, kz, reference=f"SH-{year}-0007").reference == f"SH-{year}-0007"
    assert create(dealer_a, kz).reference == f"SH-{year}-0008"
    with pytest.raises(ValidationError):
        create(dealer_a, kz, reference=f"SH-{year}-0008")


@pytest.mark.django_db(transaction=True)
def test_shipments_saved_at_the_same_moment_get_different_numbers(on_postgres, dealer_a):
    kz = DestinationMarket.objects.get_or_create(
        country_code="KZ", defaults={"name": "Kazakhstan"}
    )[0]
    barrier = threading.Barrier(4)
    made, refused = [], []

    def save():
        try:
            barrier.wait()
            made.append(create(dealer_a, kz).reference)
        except Exception as exc:  # any failure at all is what the test reports
            refused.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=save) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    year = dealer_a.today().year
    assert refused == []
    assert sorted(made) == [f"SH-{year}-{n:04d}" for n in range(1, 5)]


def test_the_new_shipment_form_numbers_an_empty_reference_and_shows_the_number(
    staff_client, dealer_a, kz
):
    year = dealer_a.today().year
    form = staff_client.get(url("shipment_create")).content.decode()
    assert f'placeholder="SH-{year}-0001"' in form
    response = staff_client.post(
        url("shipment_create"),
        {
            "reference": "",
            "destination": kz.pk,
            "consignee": "Almaty Auto Trade LLP",
            "consignee_type": "commercial",
            "transport_mode": "roro",
            "incoterm": "FOB",
            "sale_currency": "USD",
            "fx_rate_to_base": "7.1",
            "freight_cost": "0",
            "insurance_cost": "0",
        },
    )
    shipment = ExportShipment.objects.get(dealer=dealer_a)
    assert response.status_code == 302
    assert shipment.reference == f"SH-{year}-0001"


def test_the_reference_stays_editable(staff_client, staff_a, dealer_a, kz):
    shipment = create(dealer_a, kz, by=staff_a)
    page = staff_client.get(shipment.get_absolute_url()).content.decode()
    assert f'name="details-reference" value="{shipment.reference}"' in page
    data = {
        f"details-{name}": value
        for name, value in {
            "reference": "KZ-SPRING",
            "consignee": shipment.consignee,
            "transport_mode": "roro",
            "incoterm": "FOB",
            "sale_currency": "USD",
            "fx_rate_to_base": "7.1",
            "freight_cost": "0",
            "insurance_cost": "0",
            "destination": kz.pk,
            "consignee_type": "commercial",
        }.items()
    }
    assert staff_client.post(url("shipment_edit", shipment.pk), data).status_code == 302
    shipment.refresh_from_db()
    assert shipment.reference == "KZ-SPRING"


# --- sale prices ----------------------------------------------------------------------------


def test_a_car_is_booked_at_its_export_price_in_the_sale_currency(dealer_a, kz):
    shipment = create(dealer_a, kz)
    # 179,800.00 less the 20% export discount is 143,840.00 CNY; at 7.1 that is 20,259.15 USD.
    listed = VehicleFactory(dealer=dealer_a, list_price=Decimal("179800"))
    # A price staff set for export comes first: 71,000.00 CNY is 10,000.00 USD.
    priced = VehicleFactory(dealer=dealer_a, export_price=Decimal("71000"))
    typed = VehicleFactory(dealer=dealer_a)
    assert services.shipment_add_vehicle(shipment=shipment, vehicle=listed).sale_price == Decimal(
        "20259.15"
    )
    assert services.shipment_add_vehicle(shipment=shipment, vehicle=priced).sale_price == Decimal(
        "10000.00"
    )
    line = services.shipment_add_vehicle(
        shipment=shipment, vehicle=typed, sale_price=Decimal("19999")
    )
    assert line.sale_price == Decimal("19999")


def test_a_price_of_nothing_is_refused_naming_the_car(dealer_a, kz):
    shipment = create(dealer_a, kz)
    car = VehicleFactory(dealer=dealer_a)
    with pytest.raises(ValidationError) as caught:
        services.shipment_add_vehicle(shipment=shipment, vehicle=car, sale_price=Decimal("0.00"))
    assert caught.value.message_dict["sale_price"] == [
        f"The sale price of {car.vin} must be more than 0.00."
    ]
    assert not ShipmentLine.objects.exists()
    line = services.shipment_add_vehicle(shipment=shipment, vehicle=car)
    with pytest.raises(ValidationError, match=f"The sale price of {car.vin} must be more"):
        services.shipment_line_set_price(line=line, sale_price=Decimal("0"))
    line.refresh_from_db()
    assert line.sale_price == Decimal("20259.15")


def test_the_page_refuses_0_00_and_does_not_list_the_car_as_missing_a_price(
    staff_client, staff_a, dealer_a, kz
):
    shipment = create(dealer_a, kz, by=staff_a)
    car = VehicleFactory(dealer=dealer_a)
    line = services.shipment_add_vehicle(shipment=shipment, vehicle=car)
    response = staff_client.post(
        url("shipment_line_price", shipment.pk, line.pk), {f"price-{line.pk}-sale_price": "0.00"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert page.count(f"The sale price of {car.vin} must be more than 0.00.") == 1
    assert f"Sale price of {car.vin} saved." not in page
    line.refresh_from_db()
    assert line.sale_price == Decimal("20259.15")
    assert (
        'class="outstanding-prices"'
        not in staff_client.get(shipment.get_absolute_url()).content.decode()
    )

    # Adding a car by VIN at 0.00 is refused by the form, naming the car.
    other = VehicleFactory(dealer=dealer_a)
    response = staff_client.post(
        url("shipment_add_vehicle", shipment.pk), {"add-vin": other.vin, "add-sale_price": "0"}
    )
    assert response.status_code == 400
    assert f"The sale price of {other.vin} must be more than 0.00." in response.content.decode()
    assert not other.shipment_lines.exists()


def test_every_price_at_once_at_one_price_or_a_percentage(staff_client, staff_a, dealer_a, kz):
    shipment = create(dealer_a, kz, by=staff_a)
    cars = [
        VehicleFactory(dealer=dealer_a, export_price=Decimal("71000")),
        VehicleFactory(dealer=dealer_a, export_price=Decimal("142000")),
    ]
    lines = [services.shipment_add_vehicle(shipment=shipment, vehicle=car) for car in cars]
    response = staff_client.post(
        url("shipment_set_prices", shipment.pk),
        {"prices-how": "price", "prices-sale_price": "15500"},
        follow=True,
    )
    assert "Sale prices of 2 vehicles on" in response.content.decode()
    assert [ShipmentLine.objects.get(pk=line.pk).sale_price for line in lines] == [
        Decimal("15500")
    ] * 2

    staff_client.post(
        url("shipment_set_prices", shipment.pk), {"prices-how": "percent", "prices-percent": "95"}
    )
    # 95% of 10,000.00 and of 20,000.00 USD.
    assert [ShipmentLine.objects.get(pk=line.pk).sale_price for line in lines] == [
        Decimal("9500.00"),
        Decimal("19000.00"),
    ]


def test_setting_every_price_is_all_or_nothing_and_names_the_car_left_at_nothing(
    staff_client, staff_a, dealer_a, kz
):
    shipment = create(dealer_a, kz, by=staff_a)
    priced = VehicleFactory(dealer=dealer_a, export_price=Decimal("71000"))
    unpriced = VehicleFactory(dealer=dealer_a, list_price=Decimal("0"))
    first = services.shipment_add_vehicle(shipment=shipment, vehicle=priced)
    services.shipment_add_vehicle(shipment=shipment, vehicle=unpriced, sale_price=Decimal("500"))
    response = staff_client.post(
        url("shipment_set_prices", shipment.pk), {"prices-how": "percent", "prices-percent": "90"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert f"The sale price of {unpriced.vin} must be more than 0.00." in page
    assert priced.vin not in page.split('id="set-prices"')[1].split("</form>")[0]
    first.refresh_from_db()
    assert first.sale_price == Decimal("10000.00")

    for data in (
        {"prices-how": "price", "prices-sale_price": "0.00"},
        {"prices-how": "price", "prices-sale_price": ""},
        {"prices-how": "percent", "prices-percent": "0"},
    ):
        response = staff_client.post(url("shipment_set_prices", shipment.pk), data)
        assert response.status_code == 400, data
    assert sorted(ShipmentLine.objects.values_list("sale_price", flat=True)) == [
        Decimal("500"),
        Decimal("10000.00"),
    ]


def test_another_dealers_shipment_cannot_be_priced(staff_client, dealer_b, kz):
    theirs = ShipmentFactory(dealer=dealer_b)
    line = ShipmentLine.objects.create(
        shipment=theirs, vehicle=VehicleFactory(dealer=dealer_b), sale_price=Decimal("100")
    )
    response = staff_client.post(
        url("shipment_set_prices", theirs.pk), {"prices-how": "price", "prices-sale_price": "1"}
    )
    assert response.status_code == 404
    line.refresh_from_db()
    assert line.sale_price == Decimal("100")
