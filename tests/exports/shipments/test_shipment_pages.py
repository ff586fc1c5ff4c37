"""The shipment pages as export staff use them: find a shipment, make one from the cars ticked
in the inventory, move it along its lifecycle, price its cars and download its papers."""

import re
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from exports import documents, services
from exports.models import (
    DestinationMarket,
    DocumentKind,
    ExportShipment,
    ShipmentDocument,
    ShipmentLine,
    ShipmentMilestone,
    ShipmentStatus,
)
from inventory import services as inventory_services
from inventory.models import VehicleStatus
from tests.factories import (
    MembershipFactory,
    ShipmentFactory,
    UserFactory,
    VehicleFactory,
    issued_inspection,
)

S = ShipmentStatus
LIST = reverse("exports:shipment_list")
CREATE = reverse("exports:shipment_create")


@pytest.fixture
def kz(markets):
    return DestinationMarket.objects.get(country_code="KZ")


def listed(response):
    return re.findall(r'data-reference="([^"]+)"', response.content.decode())


def url(name, *args):
    return reverse(f"exports:{name}", args=args)


def papers_for(vehicle, by=None):
    """What China's rules ask of a used export: an accredited lab's inspection and the
    manufacturer's after-sales confirmation."""
    issued_inspection(vehicle, by=by, agency_accreditation="CNAS L1234")
    inventory_services.vehicle_document_add(
        vehicle=vehicle,
        kind="manufacturer_after_sales_confirmation",
        country_code="KZ",
        issuer="BYD Auto",
        issuer_is_listed_manufacturer=True,
        issued_on=vehicle.dealer.today(),
    )
    return vehicle


def on_board(shipment, vehicle, price="0"):
    """A line put straight in the table, for the list's filters: no rules to satisfy."""
    return ShipmentLine.objects.create(
        shipment=shipment, vehicle=vehicle, sale_price=Decimal(price), hs_code="8703.80"
    )


def new_shipment(dealer, by, **fields):
    from exports import services

    values = {
        "reference": "KZ-2026-001",
        "destination": DestinationMarket.objects.get(country_code="KZ"),
        "consignee": "Almaty Auto Trade LLP",
        "fx_rate_to_base": Decimal("7.1"),
        **fields,
    }
    return services.shipment_create(dealer=dealer, by=by, **values)


def form_data(**overrides):
    data = {
        "reference": "KZ-2026-007",
        "destination": str(DestinationMarket.objects.get(country_code="KZ").pk),
        "consignee": "Almaty Auto Trade LLP",
        "consignee_type": "commercial",
        "consignee_address": "Abay Ave 10, Almaty",
        "port_of_loading": "Horgos",
        "port_of_discharge": "Almaty",
        "transport_mode": "roro",
        "vessel": "",
        "voyage": "",
        "bill_of_lading": "",
        "incoterm": "FOB",
        "sale_currency": "usd",
        "fx_rate_to_base": "7.1",
        "freight_cost": "0",
        "insurance_cost": "0",
        "etd": "",
        "eta": "",
    }
    data.update(overrides)
    return data


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_the_dealers_shipments_and_not_anyone_elses(
    staff_client, dealer_a, dealer_b, kz
):
    mine = ShipmentFactory(dealer=dealer_a, reference="A-1", bill_of_lading="MSKU0001")
    on_board(mine, VehicleFactory(dealer=dealer_a))
    on_board(mine, VehicleFactory(dealer=dealer_a))
    ShipmentFactory(dealer=dealer_b, reference="B-1")
    response = staff_client.get(LIST)
    assert response.status_code == 200
    assert listed(response) == ["A-1"]
    row = re.search(r'<tr data-reference="A-1">(.*?)</tr>', response.content.decode(), re.S)[1]
    assert "Kazakhstan" in row and "MSKU0001" in row and '<td class="num">2</td>' in row
    assert 'href="/exports/shipments/new/"' in response.content.decode()


def test_each_filter_narrows_the_list(staff_client, dealer_a, kz):
    uz = DestinationMarket.objects.get(country_code="UZ")
    today = dealer_a.today()
    ShipmentFactory(dealer=dealer_a, reference="EARLY", etd=today - timedelta(days=40))
    ShipmentFactory(
        dealer=dealer_a, reference="BOOKED", status=S.BOOKED, etd=today + timedelta(days=5)
    )
    ShipmentFactory(dealer=dealer_a, reference="TASHKENT", destination=uz)
    assert sorted(listed(staff_client.get(LIST, {"status": "booked"}))) == ["BOOKED"]
    assert listed(staff_client.get(LIST, {"destination": "UZ"})) == ["TASHKENT"]
    after = (today - timedelta(days=10)).isoformat()
    assert listed(staff_client.get(LIST, {"etd_after": after})) == ["BOOKED"]
    before = (today - timedelta(days=10)).isoformat()
    assert listed(staff_client.get(LIST, {"etd_before": before})) == ["EARLY"]
    assert len(listed(staff_client.get(LIST))) == 3


def test_search_finds_a_shipment_by_vin_once_and_by_bill_of_lading(staff_client, dealer_a, kz):
    shipment = ShipmentFactory(dealer=dealer_a, reference="VIN-HOME", bill_of_lading="COSU77")
    first = VehicleFactory(dealer=dealer_a)
    on_board(shipment, first)
    on_board(shipment, VehicleFactory(dealer=dealer_a))
    ShipmentFactory(dealer=dealer_a, reference="OTHER", bill_of_lading="MSKU88")
    assert listed(staff_client.get(LIST, {"q": first.vin.lower()})) == ["VIN-HOME"]
    # Every car's VIN starts alike: both match, the shipment is listed once with its 2 cars.
    response = staff_client.get(LIST, {"q": "LGXCE4CB"})
    assert listed(response) == ["VIN-HOME"]
    assert response.context["page"].rows[0].vehicle_count == 2
    assert listed(staff_client.get(LIST, {"q": "msku88"})) == ["OTHER"]
    assert listed(staff_client.get(LIST, {"q": "vin-home"})) == ["VIN-HOME"]
    assert listed(staff_client.get(LIST, {"q": "nothing like it"})) == []


def test_the_list_pages_by_fifty(staff_client, dealer_a, kz):
    for n in range(51):
        ShipmentFactory(dealer=dealer_a, reference=f"P-{n:03d}")
    first = staff_client.get(LIST)
    assert len(listed(first)) == 50
    assert len(listed(staff_client.get(LIST, {"after": first.context["page"].next_cursor}))) == 1


def test_the_nav_links_to_the_shipments(staff_client, dealer_a):
    page = staff_client.get(LIST).content.decode()
    assert '<a href="/exports/shipments/" aria-current="page">Shipments</a>' in page
    inventory = staff_client.get(reverse("inventory:vehicle_list")).content.decode()
    assert '<a href="/exports/shipments/">Shipments</a>' in inventory


# --- making a shipment from the inventory --------------------------------------------------


def test_the_inventory_list_sends_the_ticked_cars_to_a_new_shipment(staff_client, dealer_a):
    in_stock = VehicleFactory(dealer=dealer_a)
    page = staff_client.get(reverse("inventory:vehicle_list")).content.decode()
    ticked = reverse("exports:ship_ticked")
    assert f'name="action" value="new_shipment" formaction="{ticked}"' in page
    assert f'name="vehicle" value="{in_stock.pk}" form="bulk"' in page
    response = staff_client.post(ticked, {"action": "new_shipment", "vehicle": [in_stock.pk]})
    assert response["Location"] == f"{CREATE}?vehicle={in_stock.pk}"


def test_create_from_the_cars_ticked_in_the_inventory(staff_client, staff_a, dealer_a, kz):
    cars = [
        VehicleFactory(dealer=dealer_a, registered_on=dealer_a.today() - timedelta(days=30))
        for _ in range(2)
    ]
    page = staff_client.get(CREATE, {"vehicle": [c.pk for c in cars]})
    assert page.status_code == 200
    for car in cars:
        assert re.search(rf'value="{car.pk}"[^>]*checked', page.content.decode())
        assert car.vin in page.content.decode()

    response = staff_client.post(
        CREATE, form_data(vehicle=[c.pk for c in cars], incoterm="CIF"), follow=True
    )
    shipment = ExportShipment.objects.get()
    assert response.redirect_chain[-1][0] == shipment.get_absolute_url()
    assert shipment.dealer == dealer_a and shipment.created_by == staff_a
    assert shipment.sale_currency == "USD" and shipment.fx_rate_to_base == Decimal("7.1")
    assert {line.vehicle for line in shipment.lines.all()} == set(cars)
    text = response.content.decode()
    assert "Shipment KZ-2026-007 created with 2 of 2 vehicles." in text
    # China's rules still ask for papers: named on the page, per car.
    for car in cars:
        assert f"Vehicle {car.vin} still needs:" in text
    assert "Inspection needed" in text
    milestone = ShipmentMilestone.objects.get(shipment=shipment)
    assert (milestone.status, milestone.by) == ("draft", staff_a)


def test_a_car_a_rule_refuses_is_named_and_the_others_go_on(staff_client, dealer_a, kz):
    fine = VehicleFactory(dealer=dealer_a)
    right_hand = VehicleFactory(dealer=dealer_a, steering_side="RHD")
    response = staff_client.post(CREATE, form_data(vehicle=[fine.pk, right_hand.pk]), follow=True)
    shipment = ExportShipment.objects.get()
    assert [line.vehicle for line in shipment.lines.all()] == [fine]
    text = response.content.decode()
    assert f"Vehicle {right_hand.vin} cannot go to Kazakhstan: RHD_PROHIBITED" in text
    assert "created with 1 of 2 vehicles" in text
    right_hand.refresh_from_db()
    assert right_hand.status == VehicleStatus.IN_STOCK


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("fx_rate_to_base", "0", "The FX rate must be greater than zero."),
        ("fx_rate_to_base", "-2", "The FX rate must be greater than zero."),
        ("freight_cost", "-1", "This cannot be negative."),
        ("sale_currency", "US$", "Use the three-letter currency code"),
        ("eta", "2026-01-01", "The ETA cannot be before the ETD."),
        ("destination", "", "This field is required."),
    ],
)
def test_bad_input_is_named_by_field_and_nothing_is_saved(
    staff_client, dealer_a, kz, field, value, message
):
    car = VehicleFactory(dealer=dealer_a)
    data = form_data(vehicle=[car.pk], etd="2026-02-01", **{field: value})
    response = staff_client.post(CREATE, data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode()
    assert "Nothing was saved." in response.content.decode()
    assert not ExportShipment.objects.exists()
    assert not ShipmentLine.objects.exists()


def test_a_reference_used_twice_and_a_bill_of_lading_reused_are_refused(
    staff_client, staff_a, dealer_a, dealer_b, kz
):
    new_shipment(dealer_a, staff_a, reference="KZ-2026-007")
    ShipmentFactory(dealer=dealer_b, bill_of_lading="MSKU1234567")
    response = staff_client.post(CREATE, form_data(reference="kz-2026-007"))
    assert response.status_code == 400
    assert "Alpha Motors already has a shipment kz-2026-007" in " ".join(
        response.context["form"].errors["reference"]
    )
    response = staff_client.post(
        CREATE, form_data(reference="KZ-2026-008", bill_of_lading=" MSKU1234567 ")
    )
    assert response.status_code == 400
    assert "already on another shipment" in " ".join(
        response.context["form"].errors["bill_of_lading"]
    )
    assert ExportShipment.objects.filter(dealer=dealer_a).count() == 1


def test_a_shipment_can_start_empty(staff_client, dealer_a, kz):
    response = staff_client.post(CREATE, form_data(), follow=True)
    shipment = ExportShipment.objects.get()
    assert "Shipment KZ-2026-007 created. Add its vehicles by VIN below." in (
        response.content.decode()
    )
    assert 'id="add-vehicle"' in response.content.decode()
    assert not shipment.lines.exists()


def test_another_dealers_car_cannot_be_put_on_a_shipment(staff_client, dealer_a, dealer_b, kz):
    theirs = VehicleFactory(dealer=dealer_b)
    ours = VehicleFactory(dealer=dealer_a)
    for chosen in ([theirs.pk], [ours.pk, theirs.pk], ["x"]):
        response = staff_client.get(CREATE, {"vehicle": chosen})
        assert response.status_code == 404, chosen
        assert theirs.vin not in response.content.decode()
        assert staff_client.post(CREATE, form_data(vehicle=chosen)).status_code == 404, chosen
    assert not ExportShipment.objects.exists()

    shipment = ExportShipment.objects.create(
        dealer=dealer_a, reference="A-9", destination=kz, consignee="C"
    )
    response = staff_client.post(url("shipment_add_vehicle", shipment.pk), {"add-vin": theirs.vin})
    assert response.status_code == 400
    assert f"No vehicle with VIN {theirs.vin} in the stock of Alpha Motors." in (
        response.content.decode()
    )
    assert not ShipmentLine.objects.exists()


# --- the shipment page ------------------------------------------------------------------------


def test_adding_a_car_by_vin_shows_its_papers_hs_code_and_batch(
    staff_client, staff_a, dealer_a, kz
):
    shipment = new_shipment(dealer_a, staff_a)
    car = VehicleFactory(dealer=dealer_a, registered_on=dealer_a.today() - timedelta(days=30))
    spaced = " ".join([car.vin[:8], car.vin[8:]]).lower()
    response = staff_client.post(
        url("shipment_add_vehicle", shipment.pk),
        {"add-vin": spaced, "add-sale_price": "21000"},
        follow=True,
    )
    line = ShipmentLine.objects.get(shipment=shipment)
    assert (line.vehicle, line.sale_price, line.licence_batch) == (car, Decimal("21000"), 1)
    text = response.content.decode()
    assert f"Vehicle {car.vin} added to KZ-2026-001." in text
    assert "8703.80" in text and "battery electric" in text
    assert f'href="{car.get_absolute_url()}"' in text
    outstanding = re.search(r'<section class="card" id="outstanding">(.*?)</section>', text, re.S)
    assert car.vin in outstanding[1] and "Inspection needed" in outstanding[1]


def test_a_negative_sale_price_is_refused_on_its_line(staff_client, staff_a, dealer_a, kz):
    shipment = new_shipment(dealer_a, staff_a)
    line = on_board(shipment, VehicleFactory(dealer=dealer_a), price="100")
    response = staff_client.post(
        url("shipment_line_price", shipment.pk, line.pk), {f"price-{line.pk}-sale_price": "-5"}
    )
    assert response.status_code == 400
    assert (
        f"The sale price of {line.vehicle.vin} must be more than 0.00." in response.content.decode()
    )
    line.refresh_from_db()
    assert line.sale_price == Decimal("100")

    staff_client.post(
        url("shipment_line_price", shipment.pk, line.pk), {f"price-{line.pk}-sale_price": "20500"}
    )
    line.refresh_from_db()
    assert line.sale_price == Decimal("20500")


def test_the_page_records_the_insurance_end_and_shows_the_plates_expiry(
    staff_client, staff_a, dealer_a, kz
):
    # Domain rule C5: the plates run 60 days from the transfer, or until the insurance ends.
    shipment = new_shipment(dealer_a, staff_a)
    line = on_board(shipment, VehicleFactory(dealer=dealer_a))
    today = dealer_a.today()
    prefix = f"dates-{line.pk}"
    response = staff_client.post(
        url("shipment_line_dates", shipment.pk, line.pk),
        {
            f"{prefix}-transferred_on": (today - timedelta(days=5)).isoformat(),
            f"{prefix}-insurance_ends_on": (today - timedelta(days=6)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "cannot end before the transfer pending export" in response.content.decode()
    line.refresh_from_db()
    assert line.transferred_on is None
    staff_client.post(
        url("shipment_line_dates", shipment.pk, line.pk),
        {
            f"{prefix}-transferred_on": (today - timedelta(days=5)).isoformat(),
            f"{prefix}-insurance_ends_on": (today + timedelta(days=50)).isoformat(),
        },
    )
    line.refresh_from_db()
    assert line.insurance_ends_on == today + timedelta(days=50)
    assert line.temp_plate_expires_on == today + timedelta(days=50)
    page = staff_client.get(url("shipment_detail", shipment.pk)).content.decode()
    assert (today + timedelta(days=50)).isoformat() in page


def test_advancing_through_the_page_records_the_move_with_the_user(
    staff_client, staff_a, dealer_a, kz
):
    shipment = new_shipment(dealer_a, staff_a)
    car = papers_for(VehicleFactory(dealer=dealer_a), by=staff_a)
    on_board(shipment, car, price="20000")
    yesterday = dealer_a.today() - timedelta(days=1)
    response = staff_client.post(
        url("shipment_advance", shipment.pk),
        {"move-to_status": "booked", "move-on": yesterday.isoformat()},
        follow=True,
    )
    assert "Shipment KZ-2026-001 is now booked." in response.content.decode()
    milestone = ShipmentMilestone.objects.get(shipment=shipment, status="booked")
    assert (milestone.on, milestone.by, milestone.from_status) == (yesterday, staff_a, "draft")
    shipment.refresh_from_db()
    assert shipment.fx_fixed_on == yesterday
    timeline = re.search(
        r'<ol class="timeline" id="milestones">(.*?)</ol>', response.content.decode(), re.S
    )[1]
    assert 'data-status="booked"' in timeline and "staff_a" in timeline
    car.refresh_from_db()
    assert car.status == VehicleStatus.ALLOCATED


def test_a_move_the_lifecycle_does_not_allow_is_refused(staff_client, staff_a, dealer_a, kz):
    shipment = new_shipment(dealer_a, staff_a)
    response = staff_client.post(
        url("shipment_advance", shipment.pk),
        {"move-to_status": "booked", "move-on": dealer_a.today().isoformat()},
    )
    assert response.status_code == 400
    assert "Add at least one vehicle before booking the shipment." in response.content.decode()
    response = staff_client.post(
        url("shipment_advance", shipment.pk),
        {"move-to_status": "delivered", "move-on": dealer_a.today().isoformat()},
    )
    assert "cannot go from draft to delivered" in response.content.decode()
    tomorrow = dealer_a.today() + timedelta(days=1)
    response = staff_client.post(
        url("shipment_advance", shipment.pk),
        {"move-to_status": "cancelled", "move-on": tomorrow.isoformat(), "confirmed": "yes"},
    )
    assert response.status_code == 400
    assert "A move cannot be dated in the future." in response.content.decode()
    assert list(ShipmentMilestone.objects.values_list("status", flat=True)) == ["draft"]

    done = ShipmentFactory(dealer=dealer_a, status=S.DELIVERED)
    response = staff_client.post(
        url("shipment_advance", done.pk),
        {"move-to_status": "arrived", "move-on": dealer_a.today().isoformat()},
    )
    assert "cannot go from delivered to arrived" in response.content.decode()


def test_customs_clearance_waits_for_the_outstanding_papers(staff_client, staff_a, dealer_a, kz):
    from exports import services

    shipment = new_shipment(dealer_a, staff_a)
    car = VehicleFactory(dealer=dealer_a, registered_on=dealer_a.today() - timedelta(days=30))
    services.shipment_add_vehicle(shipment=shipment, vehicle=car, sale_price=Decimal("20000"))
    services.shipment_advance(shipment=shipment, to_status=S.BOOKED, by=staff_a)
    page = staff_client.get(shipment.get_absolute_url()).content.decode()
    assert "Customs clearance waits for every document" in page
    assert "Clear customs" in page

    today = dealer_a.today().isoformat()
    clear = {"move-to_status": "customs_cleared", "move-on": today}
    response = staff_client.post(url("shipment_advance", shipment.pk), clear)
    assert response.status_code == 400
    errors = re.search(r'id="move-errors">(.*?)</div>', response.content.decode(), re.S)[1]
    assert f"Vehicle {car.vin} still needs:" in errors and "Inspection needed" in errors
    shipment.refresh_from_db()
    assert shipment.status == S.BOOKED

    papers_for(car, by=staff_a)
    page = staff_client.get(shipment.get_absolute_url()).content.decode()
    assert "Nothing outstanding" in page
    response = staff_client.post(url("shipment_advance", shipment.pk), clear, follow=True)
    assert "is now customs cleared" in response.content.decode()


def test_fx_rate_and_currency_are_read_only_once_booked(staff_client, staff_a, dealer_a, kz):
    from exports import services

    shipment = new_shipment(dealer_a, staff_a, bill_of_lading="")
    services.shipment_add_vehicle(
        shipment=shipment, vehicle=VehicleFactory(dealer=dealer_a), sale_price=Decimal("1")
    )
    services.shipment_advance(shipment=shipment, to_status=S.BOOKED, by=staff_a)
    page = staff_client.get(shipment.get_absolute_url()).content.decode()
    assert re.search(r'name="details-fx_rate_to_base"[^>]*disabled', page)
    assert "Fixed when the shipment was booked on" in page
    data = {f"details-{k}": v for k, v in form_data(reference="KZ-2026-001").items()}
    data.update({"details-fx_rate_to_base": "9.9", "details-vessel": "Ocean Breeze"})
    response = staff_client.post(url("shipment_edit", shipment.pk), data, follow=True)
    assert "Details saved." in response.content.decode()
    shipment.refresh_from_db()
    assert shipment.vessel == "Ocean Breeze"
    assert shipment.fx_rate_to_base == Decimal("7.1")


def test_editing_details_names_the_refused_field(staff_client, staff_a, dealer_a, kz):
    shipment = new_shipment(dealer_a, staff_a)
    data = {f"details-{k}": v for k, v in form_data(reference="KZ-2026-001").items()}
    data["details-insurance_cost"] = "-10"
    response = staff_client.post(url("shipment_edit", shipment.pk), data)
    assert response.status_code == 400
    assert "This cannot be negative." in " ".join(
        response.context["details_form"].errors["insurance_cost"]
    )
    shipment.refresh_from_db()
    assert shipment.insurance_cost == 0


def test_the_money_block_follows_the_incoterm(staff_client, staff_a, dealer_a, kz):
    shipment = new_shipment(
        dealer_a,
        staff_a,
        incoterm="CIF",
        freight_cost=Decimal("1000"),
        insurance_cost=Decimal("200"),
    )
    on_board(shipment, VehicleFactory(dealer=dealer_a, acquisition_cost=Decimal("100000")), "20000")
    text = staff_client.get(shipment.get_absolute_url()).content.decode()
    assert re.search(r'id="money-sales">\$20,000.00<', text)
    assert re.search(r'id="money-freight">\W+\$1,000.00<', text)
    assert re.search(r'id="money-insurance">\W+\$200.00<', text)
    assert re.search(r'id="money-net">\$18,800.00<', text)
    assert re.search(r'id="money-realised">¥133,480.00<', text)  # 18,800 x 7.1
    # less everything the car cost: 100,000 bought, 4,500 export costs, not floored
    assert re.search(r'id="money-cost">¥104,500.00<', text)
    assert re.search(r'id="money-margin">¥28,980.00<', text)
    assert "not fixed yet" in text

    fob = new_shipment(dealer_a, staff_a, reference="FOB-1", freight_cost=Decimal("1000"))
    text = staff_client.get(fob.get_absolute_url()).content.decode()
    assert 'id="money-freight"' not in text


def test_a_cancelled_shipment_returns_its_cars_to_stock(staff_client, staff_a, dealer_a, kz):
    from exports import services

    shipment = new_shipment(dealer_a, staff_a)
    cars = [VehicleFactory(dealer=dealer_a) for _ in range(2)]
    for car in cars:
        services.shipment_add_vehicle(shipment=shipment, vehicle=car)
    services.shipment_advance(shipment=shipment, to_status=S.BOOKED, by=staff_a)
    today = dealer_a.today().isoformat()
    response = staff_client.post(
        url("shipment_advance", shipment.pk), {"cancel-to_status": "cancelled", "cancel-on": today}
    )
    assert response.status_code == 400
    assert "Say why the shipment is cancelled." in response.content.decode()

    response = staff_client.post(
        url("shipment_advance", shipment.pk),
        {
            "cancel-to_status": "cancelled",
            "cancel-on": today,
            "cancel-reason": "Buyer withdrew",
            "confirmed": "yes",
        },
        follow=True,
    )
    assert "its vehicles are back in stock" in response.content.decode()
    assert "Buyer withdrew" in response.content.decode()
    for car in cars:
        car.refresh_from_db()
        assert car.status == VehicleStatus.IN_STOCK
    milestone = ShipmentMilestone.objects.get(shipment=shipment, status="cancelled")
    assert (milestone.by, milestone.note) == (staff_a, "Buyer withdrew")


def test_removing_a_car_puts_it_back_in_stock(staff_client, staff_a, dealer_a, kz):
    from exports import services

    shipment = new_shipment(dealer_a, staff_a)
    car = VehicleFactory(dealer=dealer_a)
    line = services.shipment_add_vehicle(shipment=shipment, vehicle=car)
    services.shipment_advance(shipment=shipment, to_status=S.BOOKED, by=staff_a)
    response = staff_client.post(
        url("shipment_line_remove", shipment.pk, line.pk), {"confirmed": "yes"}, follow=True
    )
    assert f"Vehicle {car.vin} taken off KZ-2026-001." in response.content.decode()
    car.refresh_from_db()
    assert car.status == VehicleStatus.IN_STOCK
    assert not shipment.lines.exists()


# --- documents --------------------------------------------------------------------------------


@pytest.fixture
def renderer(monkeypatch):
    """Stand-in figures and files, so the pages are tested whatever the renderer does."""

    def data(shipment, lines):
        return SimpleNamespace(
            vins=[line.vehicle.vin for line in lines],
            total=sum((line.sale_price for line in lines), Decimal("0")),
        )

    monkeypatch.setattr(documents, "document_data", data)
    monkeypatch.setattr(
        documents, "render", lambda kind, data, language=None: (b"%PDF-1.7 " + kind.encode(), b"PK")
    )


def test_make_documents_and_download_them(
    staff_client, staff_a, dealer_a, kz, renderer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    shipment = new_shipment(dealer_a, staff_a)
    on_board(shipment, VehicleFactory(dealer=dealer_a), "20000")
    for _ in range(2):
        response = staff_client.post(
            url("shipment_documents", shipment.pk), {"documents-language": "ru"}, follow=True
        )
    assert "4 documents made for KZ-2026-001." in response.content.decode()
    assert ShipmentDocument.objects.filter(shipment=shipment).count() == 8
    invoice = ShipmentDocument.objects.get(
        shipment=shipment, kind=DocumentKind.COMMERCIAL_INVOICE, version=2
    )
    page = response.content.decode()
    pdf_url = url("shipment_document_download", shipment.pk, invoice.pk, "pdf")
    assert pdf_url in page
    download = staff_client.get(pdf_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.7 commercial_invoice"
    assert "attachment" in download["Content-Disposition"]
    xlsx = staff_client.get(url("shipment_document_download", shipment.pk, invoice.pk, "xlsx"))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_another_dealers_shipment_and_documents_are_not_found(
    staff_client, dealer_a, dealer_b, kz, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    theirs = ShipmentFactory(dealer=dealer_b)
    line = on_board(theirs, VehicleFactory(dealer=dealer_b), "100")
    document = ShipmentDocument(
        shipment=theirs, kind=DocumentKind.PACKING_LIST, version=1, currency="USD"
    )
    document.pdf.save("list.pdf", ContentFile(b"%PDF"), save=False)
    document.xlsx.save("list.xlsx", ContentFile(b"PK"), save=False)
    document.save()
    assert staff_client.get(theirs.get_absolute_url()).status_code == 404
    pdf = url("shipment_document_download", theirs.pk, document.pk, "pdf")
    assert staff_client.get(pdf).status_code == 404
    for name, args, data in [
        ("shipment_advance", (theirs.pk,), {"move-to_status": "booked"}),
        ("shipment_edit", (theirs.pk,), {}),
        ("shipment_add_vehicle", (theirs.pk,), {"add-vin": "x"}),
        ("shipment_documents", (theirs.pk,), {}),
        ("shipment_line_price", (theirs.pk, line.pk), {f"price-{line.pk}-sale_price": "1"}),
        ("shipment_line_dates", (theirs.pk, line.pk), {}),
        ("shipment_line_remove", (theirs.pk, line.pk), {}),
    ]:
        assert staff_client.post(url(name, *args), data).status_code == 404, name
    line.refresh_from_db()
    assert line.is_active and line.sale_price == Decimal("100")
    theirs.refresh_from_db()
    assert theirs.status == S.DRAFT

    # Their own staff get the file.
    member = UserFactory(username="staff_b")
    MembershipFactory(user=member, dealer=dealer_b)
    staff_client.force_login(member)
    assert staff_client.get(pdf).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client):
    for target in (LIST, CREATE):
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_shipment_page_costs_the_same_queries_for_two_cars_or_ten(
    client, staff_a, dealer_a, markets, django_assert_num_queries
):
    client.force_login(staff_a)
    shipment = ShipmentFactory(dealer=dealer_a)
    for _ in range(2):
        services.shipment_add_vehicle(shipment=shipment, vehicle=VehicleFactory(dealer=dealer_a))
    with django_assert_num_queries(14) as two:
        client.get(shipment.get_absolute_url())
    for _ in range(8):
        services.shipment_add_vehicle(shipment=shipment, vehicle=VehicleFactory(dealer=dealer_a))
    with django_assert_num_queries(len(two.captured_queries)):
        page = client.get(shipment.get_absolute_url())
    assert page.content.decode().count('<tr id="line-') == 10
