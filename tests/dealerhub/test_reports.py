"""Inventory reports: the weekly e-mail to managers, its workbook, the reports page, the command."""

import io
import re
from datetime import date, datetime, timedelta
from unittest.mock import patch
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from dealerhub import reports, services, tasks
from dealerhub.models import InventoryReport, ReportKind, ReportStatus
from inventory.models import JobRun, JobRunStatus
from tests.factories import InventoryReportFactory, MembershipFactory, UserFactory, VehicleFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_SEVEN = datetime(2025, 1, 6, 7, 0, tzinfo=SHANGHAI)  # a Monday
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORTS = reverse("reports")


@pytest.fixture(autouse=True)
def mail_and_files(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def eager_tasks():
    """Tasks run in the test's process. Celery reads its settings once, so set them on the app."""
    from dealerhub.celery import app

    was = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = was


@pytest.fixture
def managers(dealer_a, manager_a):
    """Two managers with an address (one twice), a manager with none, one who left, and staff."""
    zoe = UserFactory(username="zoe", email="Zoe@example.com")
    MembershipFactory(dealer=dealer_a, user=zoe, role="manager")
    MembershipFactory(
        dealer=dealer_a, user=UserFactory(username="nomail", email=""), role="manager"
    )
    gone = UserFactory(username="gone", is_active=False)
    MembershipFactory(dealer=dealer_a, user=gone, role="manager")
    MembershipFactory(dealer=dealer_a, user=UserFactory(username="desk"))
    return ["manager_a@example.com", "Zoe@example.com"]


def workbook_of(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def rows(sheet):
    return list(sheet.iter_rows(min_row=2, values_only=True))


# --- the weekly round ---------------------------------------------------------------------------


def test_the_weekly_run_emails_the_managers_once_a_week_with_the_workbook(
    dealer_a, managers, book, mailoutbox
):
    counts = services.inventory_reports_send_weekly(now=MONDAY_SEVEN)
    assert counts == {"built": 1, "already": 0, "not_due": 0}
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == managers
    assert mail.subject.startswith("Inventory report for Alpha Motors")
    [(name, content, mimetype)] = mail.attachments
    assert re.fullmatch(r"inventory-alpha-2025-01-06-\d+\.xlsx", name)
    assert mimetype == XLSX
    report = InventoryReport.objects.get()
    assert (report.kind, report.week_start, report.status) == (
        ReportKind.WEEKLY,
        date(2025, 1, 6),
        ReportStatus.READY,
    )
    assert report.progress == 100 and report.error == ""
    assert report.recipient_list == managers and report.emailed_at is not None
    with report.file.open("rb") as stored:
        assert stored.read() == content

    later_that_week = MONDAY_SEVEN + timedelta(days=3)
    assert services.inventory_reports_send_weekly(now=later_that_week)["already"] == 1
    assert len(mailoutbox) == 1

    next_week = MONDAY_SEVEN + timedelta(days=7)
    assert services.inventory_reports_send_weekly(now=next_week)["built"] == 1
    assert len(mailoutbox) == 2
    assert InventoryReport.objects.filter(kind=ReportKind.WEEKLY).count() == 2


def test_nothing_is_due_before_seven_on_monday_local_time(dealer_a, manager_a, mailoutbox):
    early = services.inventory_reports_send_weekly(now=MONDAY_SEVEN - timedelta(minutes=1))
    assert early == {"built": 0, "already": 0, "not_due": 1}
    assert not InventoryReport.objects.exists()

    on_time = services.inventory_reports_send_weekly(now=MONDAY_SEVEN)
    assert on_time == {"built": 1, "already": 0, "not_due": 0}
    assert len(mailoutbox) == 1


def test_each_dealer_gets_its_report_at_seven_in_its_own_time_zone(dealer_a, manager_a):
    dealer_a.time_zone = "Europe/Berlin"
    dealer_a.save()
    berlin_midnight = MONDAY_SEVEN  # 07:00 in Shanghai
    assert services.inventory_reports_send_weekly(now=berlin_midnight)["not_due"] == 1
    berlin_seven = datetime(2025, 1, 6, 7, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert services.inventory_reports_send_weekly(now=berlin_seven)["built"] == 1
    assert InventoryReport.objects.get().week_start == date(2025, 1, 6)


def test_a_late_run_catches_up_on_the_week(dealer_a, manager_a, mailoutbox):
    sunday_night = MONDAY_SEVEN + timedelta(days=6, hours=16)
    assert services.inventory_reports_send_weekly(now=sunday_night)["built"] == 1
    assert InventoryReport.objects.get().week_start == date(2025, 1, 6)


def test_the_email_shows_the_dashboard_figures_and_charts(dealer_a, managers, book, mailoutbox):
    services.inventory_reports_send_weekly(ignore_time=True)
    mail = mailoutbox[0]
    [(html, mimetype)] = mail.alternatives
    assert mimetype == "text/html"
    assert "¥300,000.00" in html  # capital tied up
    assert "¥149,700.00" in html  # cash released if the two candidates left now
    assert "¥245.00" in html  # carrying cost per day
    assert html.count('<img src="cid:chart-') == 2 and "<svg" not in html
    assert "Capital tied up per aging bucket" in html
    assert "91-180 days" in html  # the bucket chart's text equivalent
    assert html.index("¥95,500.00") < html.index("¥54,200.00")  # top candidates
    assert book["floored"].vin in html and "¥10,000.00" in html  # the curtailment due
    assert "<link" not in html and "<script" not in html
    assert "Capital tied up: ¥300,000.00" in mail.body


def test_the_workbook_lists_the_aged_cars_and_the_candidates_ranked(
    dealer_a, managers, book, mailoutbox
):
    services.inventory_reports_send_weekly(ignore_time=True)
    workbook = workbook_of(mailoutbox[0].attachments[0][1])
    assert workbook.sheetnames == ["Summary", "Aged stock", "Export candidates"]
    summary, aged, candidates = workbook.worksheets

    figures = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row}
    assert figures["Capital tied up"] == 300000
    assert figures["Cash released if exported now"] == 149700
    assert figures["Aged (over 60 days)"] == 2

    assert [cell.value for cell in aged[1]][:3] == ["VIN", "Stock number", "Make"]
    assert aged["A1"].font.bold
    priced, floored = rows(aged)  # oldest first; the fresh car is not aged
    assert priced[0] == book["priced"].vin and floored[0] == book["floored"].vin
    assert floored[1] == book["floored"].stock_number
    assert floored[6].date() == book["floored"].stocked_on
    assert (priced[7], priced[8]) == (100, "91-180 days")
    assert (floored[7], floored[8]) == (70, "61-90 days")
    assert floored[9] == "In stock"
    # balance 100,000; 20.00 interest + 25.00 overhead + 75.00 depreciation a day
    assert (floored[12], floored[13], floored[14]) == (100000, 120, "Yes")
    assert (priced[12], priced[13]) == (0, 75)  # no floor plan: 25.00 + 50.00
    assert aged.cell(row=2, column=11).number_format == "#,##0.00"
    assert aged.cell(row=2, column=7).is_date

    ranked = rows(candidates)
    assert [row[0] for row in ranked] == [book["priced"].vin, book["floored"].vin]
    assert [row[8] for row in ranked] == [95500, 54200]  # cash released
    assert ranked[1][5:8] == (160000, 4500, 101300)  # export price, costs, payoff


def test_the_workbook_streams_in_the_same_queries_for_any_number_of_cars(
    dealer_a, tmp_path, django_assert_max_num_queries
):
    report = InventoryReportFactory(dealer=dealer_a)
    VehicleFactory(dealer=dealer_a, export_candidate=True)
    with django_assert_max_num_queries(50) as few:
        reports.write_workbook(report, tmp_path / "few.xlsx")
    for _ in range(20):
        VehicleFactory(dealer=dealer_a, export_candidate=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        reports.write_workbook(report, tmp_path / "more.xlsx")
    assert len(rows(workbook_of((tmp_path / "more.xlsx").read_bytes()).worksheets[1])) == 21


def test_progress_moves_every_2000_rows(dealer_a, tmp_path, monkeypatch):
    monkeypatch.setattr(reports, "CHUNK", 2)
    for _ in range(4):
        VehicleFactory(dealer=dealer_a)
    report = InventoryReportFactory(dealer=dealer_a)
    seen = []
    reports.write_workbook(report, tmp_path / "r.xlsx", seen.append)
    assert seen == [5, 50, 95, 95, 95]  # summary, 2 and 4 of 4 rows, each sheet's end


def test_a_dealer_whose_managers_have_no_address_gets_a_ready_report_and_the_reason(
    dealer_a, manager_a, mailoutbox
):
    manager_a.email = ""
    manager_a.save()
    services.inventory_reports_send_weekly(ignore_time=True)
    report = InventoryReport.objects.get()
    assert report.status == ReportStatus.READY and report.file
    assert report.error == (
        "No manager of this dealer has an e-mail address; the report was not sent."
    )
    assert report.recipients == "" and report.emailed_at is None
    assert mailoutbox == []


def test_a_failed_build_is_recorded_and_the_next_weekly_run_builds_it_again(
    dealer_a, manager_a, mailoutbox, monkeypatch, caplog
):
    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(reports, "write_workbook", disk_full)
    counts = services.inventory_reports_send_weekly(now=MONDAY_SEVEN)
    assert counts["built"] == 1
    report = InventoryReport.objects.get()
    assert report.status == ReportStatus.FAILED
    assert report.error == "OSError: No space left on device"
    assert report.finished_at is not None and not report.file
    assert mailoutbox == []
    assert "Inventory report" in caplog.text

    monkeypatch.undo()
    later = MONDAY_SEVEN + timedelta(hours=2)
    assert services.inventory_reports_send_weekly(now=later) == {
        "built": 1,
        "already": 0,
        "not_due": 0,
    }
    report.refresh_from_db()
    assert (report.status, report.error) == (ReportStatus.READY, "")
    assert len(mailoutbox) == 1
    assert InventoryReport.objects.count() == 1


def test_a_lost_database_connection_is_raised_for_the_task_to_retry(
    dealer_a, manager_a, monkeypatch
):
    from django.db import OperationalError

    def connection_lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(reports, "write_workbook", connection_lost)
    report = InventoryReportFactory(dealer=dealer_a)
    with pytest.raises(OperationalError):
        services.inventory_report_build(report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED


def test_building_a_report_twice_sends_it_once(dealer_a, manager_a, mailoutbox):
    report = InventoryReportFactory(dealer=dealer_a)
    services.inventory_report_build(report=report)
    again = services.inventory_report_build(report=report)
    assert again.status == ReportStatus.READY
    assert len(mailoutbox) == 1


def test_the_beat_job_queues_the_builds_and_is_scheduled(
    dealer_a, dealer_b, manager_a, manager_b, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        result = tasks.send_weekly_inventory_reports.delay().get()
    summary = JobRun.objects.get(
        job=services.WEEKLY_REPORTS_JOB, counts__has_key="shards", status=JobRunStatus.SUCCEEDED
    )
    assert result["shards"] == summary.counts["shards"] == 1
    assert summary.counts["built"] == 2 and summary.counts["already"] == 0
    assert len(queued) == 2
    assert set(InventoryReport.objects.values_list("status", flat=True)) == {ReportStatus.READY}
    schedule = PeriodicTask.objects.get(task="dealerhub.tasks.send_weekly_inventory_reports")
    assert (schedule.crontab.minute, schedule.crontab.hour) == ("*/15", "*")


# --- the command --------------------------------------------------------------------------------


def test_the_command_sends_now_and_not_twice(dealer_a, managers, mailoutbox):
    out = io.StringIO()
    call_command("send_inventory_reports", "--dealer", str(dealer_a.pk), stdout=out)
    assert "Alpha Motors" in out.getvalue()
    assert "sent to manager_a@example.com, Zoe@example.com" in out.getvalue()
    again = io.StringIO()
    call_command("send_inventory_reports", "--dealer", str(dealer_a.pk), stdout=again)
    assert "already sent this week" in again.getvalue()
    assert len(mailoutbox) == 1


def test_the_command_names_a_dealer_it_does_not_know(db):
    with pytest.raises(CommandError, match="No dealer with id 987654"):
        call_command("send_inventory_reports", "--dealer", "987654")


# --- the reports page ---------------------------------------------------------------------------


def ready_report(dealer):
    report = InventoryReportFactory(dealer=dealer)
    services.inventory_report_build(report=report)
    report.refresh_from_db()
    return report


def test_the_reports_page_lists_only_the_current_dealers_reports(staff_client, dealer_a, dealer_b):
    mine = ready_report(dealer_a)
    theirs = ready_report(dealer_b)
    page = staff_client.get(REPORTS).content.decode()
    assert f'id="report-{mine.pk}"' in page
    assert reverse("report_download", args=[mine.pk]) in page
    assert f'id="report-{theirs.pk}"' not in page


def test_another_dealers_report_is_not_found(staff_client, dealer_a, dealer_b):
    theirs = ready_report(dealer_b)
    assert staff_client.get(reverse("report_download", args=[theirs.pk])).status_code == 404
    assert staff_client.get(reverse("report_row", args=[theirs.pk])).status_code == 404


def test_a_report_not_ready_cannot_be_downloaded(staff_client, dealer_a):
    report = InventoryReportFactory(dealer=dealer_a)
    assert staff_client.get(reverse("report_download", args=[report.pk])).status_code == 404


def test_staff_build_a_report_now_and_watch_it_finish(
    staff_client,
    staff_a,
    dealer_a,
    manager_a,
    eager_tasks,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    with django_capture_on_commit_callbacks() as queued:
        response = staff_client.post(REPORTS, follow=True)
    assert "The report is being built." in response.content.decode()
    report = InventoryReport.objects.get()
    assert (report.kind, report.status, report.requested_by) == (
        ReportKind.ON_DEMAND,
        ReportStatus.PENDING,
        staff_a,
    )
    row = reverse("report_row", args=[report.pk])
    page = staff_client.get(REPORTS).content.decode()
    assert f'hx-get="{row}" hx-trigger="every 2s" hx-swap="outerHTML"' in page
    assert "<progress" in page

    for build in queued:
        build()
    polled = staff_client.get(row).content.decode()
    assert polled.lstrip().startswith(f'<tr id="report-{report.pk}"')
    assert "hx-get" not in polled  # ready: the row stops asking
    assert "Ready" in polled
    assert len(mailoutbox) == 1

    download = staff_client.get(reverse("report_download", args=[report.pk]))
    assert download.status_code == 200
    assert re.fullmatch(
        r'attachment; filename="inventory-alpha-\d{4}-\d\d-\d\d-\d+\.xlsx"',
        download["Content-Disposition"],
    )
    workbook = workbook_of(b"".join(download.streaming_content))
    assert workbook.sheetnames == ["Summary", "Aged stock", "Export candidates"]


def test_a_double_click_builds_one_report(
    staff_client, dealer_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        staff_client.post(REPORTS)
        staff_client.post(REPORTS)
    assert InventoryReport.objects.count() == 1


def test_the_reports_page_needs_a_login_and_a_dealer(client, db):
    assert client.get(REPORTS).status_code == 302
    client.force_login(UserFactory())
    assert client.get(REPORTS).status_code == 403


# --- the admin ----------------------------------------------------------------------------------


def test_a_manager_asks_for_a_report_in_the_admin_for_own_dealers_only(
    client, manager_a, dealer_a, dealer_b, django_capture_on_commit_callbacks
):
    client.force_login(manager_a)
    add = reverse("admin:dealerhub_inventoryreport_add")
    refused = client.post(add, {"dealer": dealer_b.pk})
    assert refused.status_code == 200 and not InventoryReport.objects.exists()
    with (
        patch("dealerhub.tasks.build_inventory_report.delay") as build,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert client.post(add, {"dealer": dealer_a.pk}).status_code == 302
    report = InventoryReport.objects.get()
    assert (report.dealer, report.kind, report.requested_by) == (
        dealer_a,
        ReportKind.ON_DEMAND,
        manager_a,
    )
    build.assert_called_once_with(report.pk)


def test_a_manager_builds_a_failed_report_again_but_cannot_delete_one(
    client, manager_a, dealer_a, django_capture_on_commit_callbacks
):
    failed = InventoryReportFactory(dealer=dealer_a, status=ReportStatus.FAILED, error="Boom")
    client.force_login(manager_a)
    changelist = reverse("admin:dealerhub_inventoryreport_changelist")
    with (
        patch("dealerhub.tasks.build_inventory_report.delay") as build,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            changelist, {"action": "build_again", "_selected_action": [failed.pk]}
        )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.error) == (ReportStatus.PENDING, "")
    build.assert_called_once_with(failed.pk)
    delete = reverse("admin:dealerhub_inventoryreport_delete", args=[failed.pk])
    assert client.get(delete).status_code == 403


def test_the_admin_shows_a_managers_own_reports_read_only(client, manager_a, dealer_a, dealer_b):
    mine = ready_report(dealer_a)
    theirs = ready_report(dealer_b)
    client.force_login(manager_a)
    listing = client.get(reverse("admin:dealerhub_inventoryreport_changelist"))
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [mine]
    page = client.get(reverse("admin:dealerhub_inventoryreport_change", args=[mine.pk]))
    assert page.status_code == 200
    assert reverse("report_download", args=[mine.pk]) in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    other = client.get(reverse("admin:dealerhub_inventoryreport_change", args=[theirs.pk]))
    assert other.status_code == 404


# --- typed text stays text ----------------------------------------------------------------------

FORMULA_LIKE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_a_make_model_or_dealer_name_that_looks_like_a_formula_is_written_as_text(
    dealer_a, book, tmp_path, text
):
    Vehicle = book["priced"].__class__
    Vehicle.objects.filter(dealer=dealer_a).update(make=text, model=f"{text} model")
    dealer_a.name = text
    dealer_a.save(update_fields=["name"])
    report = InventoryReportFactory(dealer=dealer_a)
    reports.write_workbook(report, tmp_path / "r.xlsx")

    workbook = openpyxl.load_workbook(tmp_path / "r.xlsx")
    # XML parsers read a carriage return back as a line feed: still text, never a formula.
    shown = text.replace("\r", "\n")
    for sheet in workbook.worksheets:
        cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
        assert [cell.coordinate for cell in cells if cell.data_type == "f"] == [], sheet.title
        typed = [cell for cell in cells if isinstance(cell.value, str) and shown in cell.value]
        assert typed, sheet.title
        assert {cell.data_type for cell in typed} == {"s"}, sheet.title
    summary, aged, candidates = workbook.worksheets
    assert summary["A1"].value == shown
    for sheet in (aged, candidates):
        header = [cell.value for cell in sheet[1]]
        make, model = header.index("Make") + 1, header.index("Model") + 1
        cars = list(sheet.iter_rows(min_row=2))
        assert len(cars) == 2, sheet.title
        assert {(row[make - 1].value, row[model - 1].value) for row in cars} == {
            (shown, f"{shown} model")
        }
    # Numbers and dates the application computed keep their types.
    assert aged.cell(row=2, column=7).is_date
    assert isinstance(aged.cell(row=2, column=8).value, int)
