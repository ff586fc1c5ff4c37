"""The money side in a real browser: the dashboard's figures, a report built while you watch."""

import openpyxl
from playwright.sync_api import expect

from dealerhub import services, tasks
from dealerhub.models import InventoryReport


def test_dashboard_shows_the_cash_position_and_its_charts(logged_in, book):
    page = logged_in
    page.reload()  # the cars arrived after the sign-in
    expect(page.locator("#kpi-release")).to_have_text("¥149,700.00")
    expect(page.locator("#kpi-capital")).to_have_text("¥300,000.00")
    expect(page.locator("figure.chart svg")).to_have_count(2)
    # The chart's figures open as a table for readers who cannot see it.
    page.get_by_text("Show the figures as a table").first.click()
    expect(page.locator("figure.chart table").first).to_contain_text("¥150,000.00")
    page.locator("#top-candidates").get_by_role("link").first.click()
    expect(page.locator("#cash-released")).to_have_text("¥95,500.00")


def test_build_a_report_and_watch_it_become_ready(logged_in, book, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # No worker here: the test builds the report itself while the page watches.
    monkeypatch.setattr(tasks.build_inventory_report, "delay", lambda report_id: None)
    page = logged_in
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("button", name="Build a report now").click()
    report = InventoryReport.objects.get()
    row = page.locator(f"#report-{report.pk}")
    expect(row).to_contain_text("Pending")

    services.inventory_report_build(report=report)
    expect(row).to_contain_text("Ready", timeout=10_000)  # the row polls every 2 s
    with page.expect_download() as download:
        row.get_by_role("link", name="Download").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    workbook = openpyxl.load_workbook(path)
    assert len(workbook.worksheets) == 3
    aged = list(workbook.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in aged] == [book["priced"].vin, book["floored"].vin]
