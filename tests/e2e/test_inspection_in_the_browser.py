"""An inspection in a real browser: staff record the panel grid, add a photo and issue the
certificate; a buyer opens its link on a phone, in Arabic, and sees when it has been changed."""

import re

from django.utils import translation
from PIL import Image
from playwright.sync_api import expect

from inventory.models import InspectionReport, PaintReading, Panel
from tests.factories import VehicleFactory


def test_inspect_issue_and_verify_on_a_phone(
    logged_in, dealer_a, browser, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    # Earlier tests in the same minute may have counted against this address.
    settings.VERIFY_RATE_LIMIT = 10_000
    car = VehicleFactory(dealer=dealer_a, powertrain="BEV", engine_cc=None, odometer_km=9)
    page = logged_in
    page.goto(live_server.url + car.get_absolute_url())
    page.get_by_role("link", name="New inspection").click()

    page.get_by_label("Inspector").fill("Zhang Wei")
    page.get_by_label(re.compile("^Agency")).fill("CCIC Zhejiang")
    page.get_by_label("CMA/CNAS accreditation no.").fill("CNAS L1234")
    for label in ("windshield", "door frame", "chassis"):
        page.get_by_label(re.compile(f"VIN matches .*{label}")).check()
    with translation.override("en"):  # the page is in English, whatever ran before
        labels = {panel: str(panel.label) for panel in Panel}
    for panel, label in labels.items():
        points = "118 120 122 121 119" if panel == Panel.ROOF else "124 127 125"
        page.get_by_label(f"Readings: {label}", exact=True).fill(points)
    page.get_by_label("Readings: Front door, left", exact=True).fill("320 340 310")
    page.get_by_label("Substrate: Trunk / tailgate").select_option("plastic")
    page.get_by_label("Readings: Trunk / tailgate", exact=True).fill("")
    page.get_by_label("Battery state of health (%)").fill("98.4")
    page.get_by_label("Measured by").select_option("bms_readout")
    page.get_by_label("Verdict").select_option("conditional")
    page.get_by_label("Findings").fill("Left front door repainted.")
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_text("Draft saved.")).to_be_visible()
    door = page.locator("table.readings tr[data-panel='front_door_l']")
    expect(door).to_contain_text("Repaint suspected")
    expect(door).to_contain_text("323")
    expect(page.locator("svg [data-panel='front_door_l']")).to_have_attribute(
        "data-verdict", "repaint_suspected"
    )
    expect(page.locator("table.readings tr[data-panel='trunk']")).to_contain_text("Not measurable")

    photo = tmp_path / "door.jpg"
    Image.new("RGB", (64, 48), (180, 20, 20)).save(photo, "JPEG")
    page.get_by_label("Photos").set_input_files(str(photo))
    page.get_by_role("button", name="Add photos").click()
    expect(page.get_by_text("1 photo(s) added.")).to_be_visible()
    expect(page.locator("ul.photos img")).to_have_count(1)

    page.get_by_role("button", name="Issue certificate").click()
    # Issuing is final: it asks once, in a dialog.
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text(f"Issue the certificate of {car.vin}?")
    dialog.get_by_role("button", name="Issue certificate").click()
    report = InspectionReport.objects.get()
    expect(page.locator(".messages")).to_contain_text(
        f"Certificate {report.certificate_number} issued"
    )
    expect(page.get_by_role("link", name="Edit draft")).to_have_count(0)
    link = page.locator("#verification a.mono").get_attribute("href")
    assert report.verification_token in link

    # The buyer: a phone, no login, Arabic.
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="ar", is_mobile=True, has_touch=True
    )
    buyer = phone.new_page()
    buyer.goto(link)
    expect(buyer.locator("html")).to_have_attribute("dir", "rtl")
    expect(buyer.locator("html")).to_have_attribute("lang", "ar")
    expect(buyer.get_by_text(car.vin).first).to_be_visible()
    expect(buyer.get_by_text(report.certificate_number).first).to_be_visible()
    assert buyer.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    buyer.goto(link + "?lang=en")
    expect(buyer.locator("section.verification h1")).to_contain_text("This certificate is valid")

    # Someone edits the stored reading behind the application's back.
    PaintReading.objects.filter(report=report, panel="front_door_l").update(
        points=[125, 126, 124], microns=125, verdict="original"
    )
    buyer.reload()
    expect(buyer.locator("section.verification")).to_contain_text("changed since it was issued")
    phone.close()
