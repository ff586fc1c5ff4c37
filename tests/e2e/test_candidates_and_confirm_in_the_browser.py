"""In a real browser: export staff filter the candidates, tick two and ship them; a final
action asks once, in a dialog with scripts and on a page of its own without; a refused form
deep in the shipment page opens where the form is; a refused VIN is explained once."""

import re
import uuid
from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import expect

from exports import services
from exports.models import DestinationMarket, ExportShipment
from inventory.models import ExportVerdict, VehicleStatus
from tests.e2e.conftest import PASSWORD
from tests.factories import VehicleFactory


def candidate(dealer, **facts):
    """An export candidate for Kazakhstan as the nightly job would have left it."""
    verdict = ExportVerdict.objects.create(
        digest=uuid.uuid4().hex,
        markets=" KZ ",
        summary={"markets": ["KZ"], "needs": ["inspection_report"], "also": {}, "clean": True},
    )
    return VehicleFactory(
        dealer=dealer,
        export_candidate=True,
        export_verdict=verdict,
        stocked_on=dealer.today() - timedelta(days=80),
        registered_on=dealer.today() - timedelta(days=60),
        **facts,
    )


def test_candidates_filtered_ticked_and_shipped(logged_in, dealer_a, live_server):
    seals = [candidate(dealer_a, make="BYD", export_price=Decimal("71000")) for _ in range(2)]
    other = candidate(dealer_a, make="Geely")
    page = logged_in
    page.goto(f"{live_server.url}/exports/candidates/")
    expect(page.locator("#candidates tbody tr")).to_have_count(3)

    page.get_by_label("Make").select_option("BYD")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#candidates tbody tr")).to_have_count(2)
    expect(page.locator("#candidates")).not_to_contain_text(other.vin)
    for car in seals:
        page.get_by_label(f"Select {car.vin} for a shipment").check()
    page.get_by_role("button", name="Create shipment").click()

    expect(page.get_by_role("heading", name="New shipment")).to_be_visible()
    for car in seals:
        expect(page.get_by_label(re.compile(car.vin))).to_be_checked()
    year = dealer_a.today().year
    # The reference is left to the numbering, which the form shows.
    expect(page.get_by_label("Reference")).to_have_attribute("placeholder", f"SH-{year}-0001")
    page.get_by_label("Destination").select_option(label="Kazakhstan (KZ)")
    page.get_by_label("Consignee *", exact=True).fill("Almaty Auto Trade LLP")
    page.get_by_label("Sale currency").fill("USD")
    page.get_by_label("FX rate to CNY").fill("7.1")
    page.get_by_role("button", name="Create shipment").click()

    expect(page.locator(".messages")).to_contain_text(
        f"Shipment SH-{year}-0001 created with 2 of 2 vehicles."
    )
    shipment = ExportShipment.objects.get()
    assert page.url.endswith(shipment.get_absolute_url())
    # Each car starts at its export price in the sale currency: 71,000.00 CNY at 7.1.
    for car in seals:
        expect(page.get_by_label(f"Sale price of {car.vin}")).to_have_value("10000.00")
    expect(page.locator(".outstanding-prices")).to_have_count(0)


def no_script_page(browser, live_server, user):
    """A browser with scripts turned off, signed in as `user`."""
    context = browser.new_context(
        java_script_enabled=False, locale="en-US", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return context, page


def _booked_with_two_cars(dealer, by):
    shipment = services.shipment_create(
        dealer=dealer,
        reference="KZ-2026-001",
        destination=DestinationMarket.objects.get(country_code="KZ"),
        consignee="Almaty Auto Trade LLP",
        fx_rate_to_base=Decimal("7.1"),
        by=by,
    )
    cars = [VehicleFactory(dealer=dealer) for _ in range(2)]
    for car in cars:
        services.shipment_add_vehicle(shipment=shipment, vehicle=car, by=by)
    return shipment, cars


def test_removing_a_car_asks_in_a_dialog(logged_in, dealer_a, staff_user, live_server):
    shipment, (kept, removed) = _booked_with_two_cars(dealer_a, staff_user)
    page = logged_in
    page.goto(live_server.url + shipment.get_absolute_url())

    page.get_by_role("button", name=f"Remove {removed.vin}").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"Take {removed.vin} off shipment KZ-2026-001?")
    expect(dialog.get_by_role("button", name="Cancel, change nothing")).to_be_focused()
    dialog.get_by_role("button", name="Cancel, change nothing").click()
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    assert shipment.lines.filter(is_active=True).count() == 2

    page.get_by_role("button", name=f"Remove {removed.vin}").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Take it off").click()
    expect(page.locator(".messages")).to_contain_text(
        f"Vehicle {removed.vin} taken off KZ-2026-001."
    )
    assert [line.vehicle for line in shipment.lines.filter(is_active=True)] == [kept]


def test_without_a_script_marking_sold_asks_on_a_page_of_its_own(
    browser, dealer_a, staff_user, live_server, markets
):
    car = VehicleFactory(dealer=dealer_a)
    context, page = no_script_page(browser, live_server, staff_user)
    page.goto(live_server.url + car.get_absolute_url())

    page.get_by_role("button", name="Mark sold domestic").click()
    expect(
        page.get_by_role("heading", name=f"Mark {car.vin} as sold domestically?")
    ).to_be_visible()
    page.get_by_role("link", name="Cancel, change nothing").click()
    assert page.url.endswith(car.get_absolute_url())
    car.refresh_from_db()
    assert car.status == VehicleStatus.IN_STOCK

    page.get_by_role("button", name="Mark sold domestic").click()
    page.get_by_role("button", name="Mark sold", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(f"Vehicle {car.vin} is now sold domestic.")
    car.refresh_from_db()
    assert car.status == VehicleStatus.SOLD_DOMESTIC
    context.close()


def test_a_wrong_vin_on_a_long_shipment_page_is_shown_where_it_was_typed(
    logged_in, browser, dealer_a, staff_user, live_server
):
    shipment, _cars = _booked_with_two_cars(dealer_a, staff_user)
    for _ in range(10):
        services.shipment_add_vehicle(
            shipment=shipment, vehicle=VehicleFactory(dealer=dealer_a), by=staff_user
        )
    page = logged_in
    page.goto(live_server.url + shipment.get_absolute_url())
    form = page.locator("#add-vehicle")
    form.get_by_label("VIN").fill("LGXCE4CB8S0999999")
    form.get_by_role("button", name="Add vehicle").click()

    error = page.get_by_text("No vehicle with VIN LGXCE4CB8S0999999 in the stock of Alpha Motors.")
    expect(error).to_have_count(1)
    expect(error).to_be_in_viewport()
    expect(page.locator("#add-vehicle").get_by_label("VIN")).to_be_focused()
    assert page.evaluate("window.scrollY") > 0

    # Without a script the form's anchor alone opens the page where the error is.
    context, plain = no_script_page(browser, live_server, staff_user)
    plain.goto(live_server.url + shipment.get_absolute_url())
    plain.locator("#add-vehicle").get_by_label("VIN").fill("LGXCE4CB8S0999999")
    plain.locator("#add-vehicle").get_by_role("button", name="Add vehicle").click()
    expect(plain.get_by_text("No vehicle with VIN LGXCE4CB8S0999999")).to_be_in_viewport()
    context.close()


def test_a_wrong_check_digit_is_explained_once(logged_in, live_server):
    page = logged_in
    page.goto(f"{live_server.url}/inventory/vehicles/new/")
    page.get_by_label("VIN").fill("LGXCE4CB3S0123456")
    page.get_by_label("Model *", exact=True).fill("Seal")
    page.get_by_label("Acquisition cost").fill("150000")
    page.get_by_label("List price").fill("179800")
    page.get_by_role("button", name="Receive into stock").click()

    message = page.get_by_text("Check digit (position 9) should be 8, not 3.")
    expect(message).to_have_count(1)
    page.wait_for_load_state("networkidle")
    expect(message).to_have_count(1)
    # Typing the right VIN replaces the explanation with the live check's verdict.
    page.get_by_label("VIN").fill("LGXCE4CB8S0123456")
    expect(message).to_have_count(0)
    expect(page.locator("#vin-check")).to_contain_text("VIN looks right")
