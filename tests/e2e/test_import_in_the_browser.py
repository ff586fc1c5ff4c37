"""A stock import in a real browser: the demo's own template filled with 500 cars, the wrong
rows found by row, the file fixed, imported, and the cars in the list and the candidates."""

import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from inventory.forms.intake import COLUMNS
from inventory.models import Vehicle
from tests.factories import next_vin

CARS = 500


@pytest.fixture
def tasks_in_process(settings, tmp_path):
    """The embedded default: tasks run in the process that queues them (here the live
    server's), and uploads are kept in a folder of the test's own."""
    from dealerhub.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    was = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = was


def _car(today, number):
    """A near-new car aged on the lot: registered, a few km, this year's model."""
    return {
        "vin": next_vin(),
        "make": "BYD",
        "model": "Seal",
        "model_year": 2025,
        "powertrain": "BEV",
        "stock_number": f"IMP-{number:04d}",
        "trim": "Premium",
        "colour": "White",
        "odometer_km": 3 + number % 20 if number % 10 else 800,
        "stocked_on": today - timedelta(days=90),
        "registered_on": today - timedelta(days=85),
        "acquisition_cost": 150_000,
        "list_price": 179_800,
        "status": "in_stock",
    }


def _fill(template, path, cars):
    """The downloaded template with its example row replaced by `cars`."""
    book = load_workbook(template)
    sheet = book.active
    sheet.delete_rows(2, sheet.max_row)
    for car in cars:
        sheet.append([car.get(name) for name in COLUMNS])
    book.save(path)
    return path


def test_import_500_cars_fix_the_wrong_rows_and_find_them_among_the_candidates(
    logged_in, live_server, dealer_a, tasks_in_process, tmp_path
):
    page = logged_in
    today = dealer_a.today()
    page.get_by_role("link", name="Inventory").click()
    page.get_by_role("link", name="Import vehicles").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the template").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    cars = [_car(today, number) for number in range(CARS)]
    wrong = [dict(car) for car in cars]
    wrong[9]["vin"] = (
        wrong[9]["vin"][:8] + ("1" if wrong[9]["vin"][8] != "1" else "2") + wrong[9]["vin"][9:]
    )
    wrong[99]["powertrain"] = "Steam"
    wrong[249]["list_price"] = -5
    wrong[399]["vin"] = wrong[398]["vin"]
    page.get_by_label("Stock file").set_input_files(_fill(template, tmp_path / "wrong.xlsx", wrong))
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Import of wrong.xlsx")
    expect(page.locator("#stock-import-progress")).to_contain_text("Refused")
    problems = page.locator("#problems tbody tr")
    expect(problems).to_have_count(4)
    # Spreadsheet rows: the header is row 1, so car n is on row n + 2.
    for row, column in [(11, "VIN"), (101, "Powertrain"), (251, "List price"), (401, "VIN")]:
        expect(page.locator("#problems")).to_contain_text(re.compile(rf"{row}\s*{column}"))
    expect(page.locator("#problems")).to_contain_text("The VIN is also on row 400.")
    assert not Vehicle.objects.exists()

    page.get_by_label("Stock file").set_input_files(_fill(template, tmp_path / "fixed.xlsx", cars))
    page.get_by_role("button", name="Check the corrected file").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Import of fixed.xlsx")
    expect(page.locator(".intake-counts")).to_contain_text(
        f"{CARS} new, 0 to change, 0 unchanged, 0 with problems."
    )
    page.get_by_role("button", name="Import").click()

    progress = page.locator("#stock-import-progress")
    expect(progress).to_contain_text("Imported")
    expect(progress).to_contain_text(f"{CARS} of {CARS} rows (100%)")
    expect(progress.locator("progress")).to_have_attribute("value", "100")
    expect(page.locator(".intake-result")).to_contain_text(f"{CARS} new, 0 changed.")

    page.get_by_role("link", name="See the inventory").click()
    expect(page.locator("#result-count")).to_contain_text(f"{CARS} vehicles match.")
    candidates = Vehicle.objects.filter(dealer=dealer_a, export_candidate=True)
    assert candidates.count() == CARS - CARS // 10  # all but the cars driven 800 km

    page.goto(f"{live_server.url}/exports/candidates/")
    listed = page.locator("#candidates tbody tr")
    expect(listed.first).to_be_visible()
    expect(page.locator("#candidates")).to_contain_text(candidates.order_by("pk").first().vin)
