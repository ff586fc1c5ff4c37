"""The inventory list's daily actions in a real browser: tick cars and reprice them after
seeing each new price, and keep a filter as a named view that opens the list."""

from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import expect

from inventory.models import SavedView, Vehicle
from tests.factories import VehicleFactory


def test_a_bulk_reprice_shows_each_new_price_then_changes_them_all(
    logged_in, live_server, dealer_a
):
    cars = [
        VehicleFactory(dealer=dealer_a, make="Geely", list_price=Decimal("120000.00")),
        VehicleFactory(dealer=dealer_a, make="Geely", list_price=Decimal("99999.99")),
    ]
    untouched = VehicleFactory(dealer=dealer_a, make="BYD", list_price=Decimal("150000.00"))
    page = logged_in
    page.goto(f"{live_server.url}/inventory/vehicles/?make=Geely")
    expect(page.locator("#vehicles tbody tr")).to_have_count(2)

    page.get_by_label("Select all on this page").check()
    for car in cars:
        expect(page.get_by_label(f"Select {car.vin}")).to_be_checked()
    page.locator("#bulk-reprice-by").select_option("percent")
    page.get_by_label("Change of price").fill("-10")
    page.get_by_role("button", name="Preview reprice").click()

    plan = page.locator("#bulk-plan")
    expect(page.locator("#bulk-summary")).to_have_text(
        "2 cars will change, 0 stay as they are, 0 refused."
    )
    expect(plan.locator(f'tr[data-vin="{cars[0].vin}"] td.new')).to_have_text("108,000.00")
    # 99,999.99 less 10% is 89,999.991: to the cent.
    expect(plan.locator(f'tr[data-vin="{cars[1].vin}"] td.new')).to_have_text("89,999.99")
    assert Vehicle.objects.get(pk=cars[0].pk).list_price == Decimal("120000.00")

    page.get_by_role("button", name="Reprice 2 cars").click()
    expect(page.locator(".messages")).to_contain_text("2 cars repriced.")
    # Back on the list as it was filtered.
    expect(page.locator("#vehicles tbody tr")).to_have_count(2)
    assert page.url.endswith("/inventory/vehicles/?make=Geely")
    assert [Vehicle.objects.get(pk=c.pk).list_price for c in cars] == [
        Decimal("108000.00"),
        Decimal("89999.99"),
    ]
    assert Vehicle.objects.get(pk=untouched.pk).list_price == Decimal("150000.00")


def test_a_refused_car_stops_a_bulk_reprice(logged_in, live_server, dealer_a):
    cheap = VehicleFactory(dealer=dealer_a, list_price=Decimal("800.00"))
    VehicleFactory(dealer=dealer_a, list_price=Decimal("90000.00"))
    page = logged_in
    page.goto(f"{live_server.url}/inventory/vehicles/")
    page.get_by_label("Select all on this page").check()
    page.get_by_label("Change of price").fill("-1000")
    page.get_by_role("button", name="Preview reprice").click()
    expect(page.locator("#bulk-refusals")).to_contain_text(
        f"{cheap.vin}: the new price -200.00 would not be above zero"
    )
    expect(page.get_by_role("button", name="Reprice 1 car")).to_have_count(0)
    assert Vehicle.objects.get(pk=cheap.pk).list_price == Decimal("800.00")


def test_a_saved_view_keeps_filters_and_columns_and_opens_the_list(
    logged_in, live_server, dealer_a, staff_user
):
    today = dealer_a.today()
    aged = VehicleFactory(
        dealer=dealer_a, make="Geely", colour="Starlight Blue", stocked_on=today - timedelta(75)
    )
    fresh = VehicleFactory(dealer=dealer_a, make="Geely", stocked_on=today - timedelta(3))
    page = logged_in
    page.goto(f"{live_server.url}/inventory/vehicles/")
    expect(page.locator("#vehicles tbody tr")).to_have_count(2)

    page.get_by_label("Days in stock", exact=True).select_option("61-90")
    page.get_by_label("Show Colour").check()
    page.get_by_label("Show Odometer").uncheck()
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#vehicles tbody tr")).to_have_count(1)

    page.get_by_text("Save these filters as a view").click()
    form = page.locator("#save-view")
    form.get_by_label("Name").fill("Aged Geely")
    form.get_by_label("Open the list with this view").check()
    form.get_by_label("Share with everyone at the dealer").check()
    form.get_by_role("button", name="Save view").click()
    expect(page.locator(".messages")).to_contain_text("View Aged Geely saved.")
    view = SavedView.objects.get(user=staff_user)
    assert view.is_default and view.is_shared

    # The next time the list is opened, the view is what it shows.
    page.get_by_role("link", name="Inventory").click()
    expect(page.locator("#saved-views a[aria-current='page']")).to_contain_text("Aged Geely")
    rows = page.locator("#vehicles tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(aged.vin)
    expect(rows.first).to_contain_text("Starlight Blue")
    expect(page.locator("#vehicles thead")).not_to_contain_text("Odometer")

    page.get_by_role("link", name="All vehicles").click()
    expect(rows).to_have_count(2)
    expect(page.locator("#vehicles")).to_contain_text(fresh.vin)
