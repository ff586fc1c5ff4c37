"""A shipment in a real browser: export staff tick two candidate cars in the inventory, ship
them to Kazakhstan, price them, are held at customs until the papers are in, and follow the
ship to delivery; the dashboard then counts the cash the sale brought in."""

import re
from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import expect

from exports import services
from exports.models import ExportShipment, ShipmentDocument
from inventory import services as inventory_services
from inventory.models import VehicleStatus
from tests.factories import VehicleFactory, issued_inspection


def supply_papers(vehicle, by):
    """An accredited lab's inspection and the manufacturer's after-sales confirmation."""
    issued_inspection(vehicle, by=by, agency_accreditation="CNAS L1234")
    inventory_services.vehicle_document_add(
        vehicle=vehicle,
        kind="manufacturer_after_sales_confirmation",
        country_code="KZ",
        issuer="BYD Auto",
        issuer_is_listed_manufacturer=True,
        issued_on=vehicle.dealer.today(),
        by=by,
    )


def test_ship_two_candidates_to_kazakhstan(
    logged_in, dealer_a, staff_user, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    cars = [
        VehicleFactory(
            dealer=dealer_a,
            export_candidate=True,
            acquisition_cost=Decimal("120000"),
            registered_on=dealer_a.today() - timedelta(days=60),
        )
        for _ in range(2)
    ]
    VehicleFactory(dealer=dealer_a)  # stays at home
    page = logged_in

    # The inventory: only candidates, two ticked.
    page.goto(f"{live_server.url}/inventory/vehicles/?export_candidate=yes")
    expect(page.locator("#vehicles tbody tr")).to_have_count(2)
    for car in cars:
        page.get_by_label(f"Select {car.vin}").check()
    page.get_by_role("button", name="Create shipment").click()

    # The new shipment, with the two cars already chosen.
    expect(page.get_by_role("heading", name="New shipment")).to_be_visible()
    for car in cars:
        expect(page.get_by_label(re.compile(car.vin))).to_be_checked()
    page.get_by_label("Reference", exact=False).fill("KZ-2026-001")
    page.get_by_label("Destination").select_option(label="Kazakhstan (KZ)")
    page.get_by_label("Consignee *", exact=True).fill("Almaty Auto Trade LLP")
    page.get_by_label("Port of loading").fill("Horgos")
    page.get_by_label("Port of discharge").fill("Almaty")
    page.get_by_label("Incoterm").select_option("FCA")
    page.get_by_label("Sale currency").fill("USD")
    page.get_by_label("FX rate to CNY").fill("7.1")
    page.get_by_role("button", name="Create shipment").click()

    messages = page.locator(".messages")
    expect(messages).to_contain_text("Shipment KZ-2026-001 created with 2 of 2 vehicles.")
    expect(messages).to_contain_text("Inspection needed")
    shipment = ExportShipment.objects.get(reference="KZ-2026-001")
    assert page.url.endswith(shipment.get_absolute_url())
    expect(page.locator("#shipment-status")).to_have_text("Draft")
    expect(page.locator("nav").get_by_role("link", name="Shipments")).to_have_attribute(
        "aria-current", "page"
    )

    # Prices, then booking fixes the FX rate.
    for car in cars:
        page.get_by_label(f"Sale price of {car.vin}").fill("20000")
        page.locator(f'tr[data-vin="{car.vin}"]').get_by_role("button", name="Save price").click()
        expect(messages).to_contain_text(f"Sale price of {car.vin} saved.")
    expect(page.locator("#money-realised")).to_have_text("¥284,000.00")
    page.get_by_role("button", name="Book").click()
    expect(messages).to_contain_text("Shipment KZ-2026-001 is now booked.")
    expect(page.locator("#money-fx")).to_contain_text("fixed on")

    # Customs clearance waits for the inspection and the confirmation.
    outstanding = page.locator("#outstanding")
    expect(outstanding).to_contain_text("Inspection needed")
    page.get_by_role("button", name="Clear customs").click()
    expect(page.locator("#move-errors")).to_contain_text(f"Vehicle {cars[0].vin} still needs:")
    expect(page.locator("#move-errors")).to_contain_text("Inspection needed")
    expect(page.locator("#shipment-status")).to_have_text("Booked")

    for car in cars:
        supply_papers(car, staff_user)
    page.goto(live_server.url + shipment.get_absolute_url())
    expect(outstanding).to_contain_text("Nothing outstanding")

    # The trade documents, as the papers stand.
    page.get_by_role("button", name="Make documents").click()
    expect(messages).to_contain_text("4 documents made for KZ-2026-001.")
    invoice = ShipmentDocument.objects.get(shipment=shipment, kind="commercial_invoice")
    row = page.locator('#documents [data-kind="commercial_invoice"][data-version="1"]')
    with page.expect_download() as download:
        row.get_by_role("link", name="PDF").click()
    assert download.value.suggested_filename == invoice.pdf.name.rsplit("/", 1)[-1]
    assert download.value.suggested_filename.endswith(".pdf")

    # Loading names what it needs: the ship and the bill of lading.
    page.get_by_role("button", name="Clear customs").click()
    expect(messages).to_contain_text("Shipment KZ-2026-001 is now customs cleared.")
    page.get_by_role("button", name="Mark loaded").click()
    expect(page.locator("#move-errors")).to_contain_text(
        "Needed before the shipment is loaded: vessel."
    )
    expect(page.locator("#move-errors")).to_contain_text("bill of lading")
    services.shipment_update(
        shipment=shipment, vessel="Morning Cara", bill_of_lading="COSU6213456780"
    )
    page.goto(live_server.url + shipment.get_absolute_url())

    # Along the lifecycle to delivery.
    for button, status in [
        ("Mark loaded", "loaded"),
        ("Mark in transit", "in transit"),
        ("Mark arrived", "arrived"),
        ("Mark delivered", "delivered"),
    ]:
        page.get_by_role("button", name=button).click()
        expect(messages).to_contain_text(f"Shipment KZ-2026-001 is now {status}.")
    expect(page.locator("#shipment-status")).to_have_text("Delivered")
    expect(page.locator("#status")).to_contain_text("it has no further moves")

    steps = page.locator("#milestones li")
    expect(steps).to_have_count(7)
    for index, status in enumerate(
        ["draft", "booked", "customs_cleared", "loaded", "in_transit", "arrived", "delivered"]
    ):
        expect(steps.nth(index)).to_have_attribute("data-status", status)
        expect(steps.nth(index)).to_contain_text(staff_user.username)
    for car in cars:
        expect(page.locator(f'tr[data-vin="{car.vin}"]')).to_contain_text("Exported")
        car.refresh_from_db()
        assert car.status == VehicleStatus.EXPORTED

    # The list, and the dashboard's realised cash: 2 x 20,000 USD at 7.1.
    page.get_by_role("link", name="Shipments").first.click()
    expect(page.locator('#shipments tr[data-reference="KZ-2026-001"]')).to_contain_text("Delivered")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator("#kpi-realised")).to_have_text("¥284,000.00")
