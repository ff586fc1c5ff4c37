"""A day's inventory work in a real browser: log in, filter, open, receive, Chinese, CSV."""

import csv
import re
from datetime import timedelta

from django.utils import translation
from playwright.sync_api import expect

from inventory.models import Vehicle
from tests.factories import VehicleFactory, next_vin


def test_log_in_filter_the_list_and_open_a_vehicle(logged_in, live_server, dealer_a, dealer_b):
    page = logged_in
    today = dealer_a.today()
    # Registered: a used export, which China's rules ask papers for.
    aged = VehicleFactory(
        dealer=dealer_a,
        make="Geely",
        model="Galaxy E5",
        stocked_on=today - timedelta(days=75),
        registered_on=today - timedelta(days=70),
    )
    fresh = VehicleFactory(dealer=dealer_a, make="Geely", stocked_on=today - timedelta(days=3))
    other_make = VehicleFactory(dealer=dealer_a, make="BYD", stocked_on=today - timedelta(days=80))
    foreign = VehicleFactory(dealer=dealer_b, make="Geely", stocked_on=today - timedelta(days=75))

    page.get_by_role("link", name="Inventory").click()
    rows = page.locator("#vehicles tbody tr")
    expect(rows).to_have_count(3)

    # Exact: the column chooser and the bulk actions name the same facts.
    page.get_by_label("Make", exact=True).select_option("Geely")
    page.get_by_label("Days in stock", exact=True).select_option("61-90")
    page.get_by_role("button", name="Filter").click()

    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(aged.vin)
    for hidden in (fresh, other_make, foreign):
        expect(page.locator("#vehicles")).not_to_contain_text(hidden.vin)
    expect(page.locator("#result-count")).to_have_text(re.compile(r"1 vehicle matches"))

    page.get_by_role("link", name=aged.vin).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Geely Galaxy E5")
    expect(page.locator("#days-in-stock")).to_contain_text("75")
    expect(page.locator("#timeline")).to_contain_text("Received")
    # The export check loads into the page and explains each market.
    kazakhstan = page.locator('#eligibility tr[data-market="KZ"]')
    expect(kazakhstan).to_contain_text("Needs documents")
    expect(page.locator('#eligibility tr[data-market="KE"]')).to_contain_text("left-hand drive")


def test_receive_a_vehicle_after_fixing_a_wrong_check_digit(logged_in, dealer_a):
    page = logged_in
    page.get_by_role("link", name="Inventory").click()
    page.get_by_role("link", name="Receive a vehicle").click()

    vin = page.get_by_label("VIN")
    vin.fill("LGXCE4CB3S0123456")
    expect(page.locator("#vin-check")).to_contain_text(
        "Check digit (position 9) should be 8, not 3."
    )
    vin.fill("LGXCE4CB8S0123456")
    expect(page.locator("#vin-check")).to_contain_text("VIN looks right")

    page.get_by_label("Make").fill("BYD")
    page.get_by_label(re.compile(r"^Model \*$")).fill("Seal")
    page.get_by_label("Model year").fill("2025")
    page.get_by_label("Powertrain").select_option("BEV")
    page.get_by_label("Odometer (km)").fill("9")
    page.get_by_label("Acquisition cost").fill("150000")
    page.get_by_label("List price").fill("179800")
    page.get_by_role("button", name="Receive into stock").click()

    expect(page.locator(".messages")).to_contain_text("LGXCE4CB8S0123456 received into stock")
    vehicle = Vehicle.objects.get(vin="LGXCE4CB8S0123456")
    assert vehicle.dealer == dealer_a
    assert page.url.endswith(f"/inventory/vehicles/{vehicle.pk}/")


def test_switch_to_chinese_and_see_chinese_labels(logged_in):
    page = logged_in
    page.get_by_role("link", name="Inventory").click()
    with translation.override("zh-hans"):
        inventory, receive, make = (
            translation.gettext(text) for text in ("Inventory", "Receive a vehicle", "Make")
        )
    assert receive != "Receive a vehicle"

    page.get_by_label("Language").select_option("zh-hans")
    expect(page.get_by_role("link", name=receive)).to_be_visible()
    expect(page.locator("nav").get_by_role("link", name=inventory)).to_be_visible()
    expect(page.locator("#filters")).to_contain_text(make)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_download_the_filtered_list_as_csv(logged_in, dealer_a, tmp_path):
    page = logged_in
    reserved = [VehicleFactory(dealer=dealer_a, status="reserved") for _ in range(2)]
    VehicleFactory(dealer=dealer_a, vin=next_vin(), stock_number="=HYPERLINK(1)")

    page.get_by_role("link", name="Inventory").click()
    page.get_by_label("Status", exact=True).select_option("reserved")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#vehicles tbody tr")).to_have_count(2)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("vehicles-alpha-")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "VIN"
    assert sorted(row[0] for row in rows[1:]) == sorted(v.vin for v in reserved)
