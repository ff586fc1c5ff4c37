"""The record of a stock import: its tasks, progress, error sheet, failures and who sees it."""

import io
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from inventory import judging, services
from inventory.intake_files import MAX_ROWS
from inventory.models import ImportStatus, StockImport, Vehicle
from inventory.services import intake as intake_services
from tests.factories import VehicleFactory, next_vin

pytestmark = pytest.mark.django_db

INTAKE = reverse("inventory:vehicle_intake")
HEADERS = "VIN,Make,Model,Model year,Powertrain,Odometer (km),Acquisition cost,List price\n"


def _csv(text, name="stock.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _rows(count, *, start=0):
    return "".join(
        f"{next_vin()},BYD,Seal,2025,BEV,{n % 40},150000,180000\n" for n in range(start, count)
    )


def _start(dealer, user, text, name="stock.csv"):
    return services.stock_import_start(dealer=dealer, upload=_csv(text, name), by=user)


def test_a_file_goes_from_queued_through_checking_to_checked_then_imported(
    dealer_a, staff_a, run_tasks, monkeypatch
):
    seen = []
    monkeypatch.setattr("inventory.intake_files.CHUNK", 2)
    set_fields = intake_services._set

    def spy(stock_import, **fields):
        seen.append(fields)
        set_fields(stock_import, **fields)

    monkeypatch.setattr(intake_services, "_set", spy)
    with transaction.atomic():
        stock_import = _start(dealer_a, staff_a, HEADERS + _rows(5))
    # Nothing runs before the upload commits.
    assert stock_import.status == ImportStatus.QUEUED
    run_tasks(intake_services._queue, stock_import, "check_stock_import")
    stock_import.refresh_from_db()
    assert stock_import.status == ImportStatus.CHECKED
    # The check reported its progress every chunk of rows, as it went.
    assert [f["rows_done"] for f in seen if "rows_done" in f and "status" not in f] == [2, 4, 5]
    assert (stock_import.rows_new, stock_import.rows_done, stock_import.rows_total) == (5, 5, 5)
    assert stock_import.percent == 100 and stock_import.checked_at is not None
    assert not Vehicle.objects.exists()

    run_tasks(services.stock_import_commit, stock_import=stock_import, by=staff_a)
    stock_import.refresh_from_db()
    assert stock_import.status == ImportStatus.IMPORTED
    assert (stock_import.imported_new, stock_import.imported_changed) == (5, 0)
    assert stock_import.imported_by == staff_a and stock_import.imported_at is not None
    assert dealer_a.vehicles.count() == 5


def test_the_page_polls_while_a_task_works_and_reloads_when_it_is_done(
    staff_client, dealer_a, staff_a, run_tasks
):
    with transaction.atomic():
        stock_import = _start(dealer_a, staff_a, HEADERS + _rows(3))
    page = staff_client.get(stock_import.get_absolute_url()).content.decode()
    progress = reverse("inventory:vehicle_intake_progress", args=[stock_import.pk])
    assert f'hx-get="{progress}"' in page and 'hx-trigger="every 2s"' in page
    assert "Queued" in page
    fragment = staff_client.get(progress, HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in fragment
    run_tasks(intake_services._queue, stock_import, "check_stock_import")
    fragment = staff_client.get(progress, HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true"
    assert "hx-get" not in fragment.content.decode()
    page = staff_client.get(stock_import.get_absolute_url()).content.decode()
    assert "Ready to import" in page and "3 new, 0 to change" in page
    assert 'hx-trigger="every 2s"' not in page


def test_an_import_reports_its_progress_through_the_cache_while_its_rows_are_written(
    dealer_a, staff_a, run_tasks, monkeypatch
):
    with transaction.atomic():
        stock_import = _start(dealer_a, staff_a, HEADERS + _rows(4))
    run_tasks(intake_services._queue, stock_import, "check_stock_import")
    monkeypatch.setattr(intake_services, "RECEIVE_CHUNK", 2)
    progress = []
    receive = intake_services._receive

    def watching(rows, **kwargs):
        # What a page polling from another connection would show at this moment.
        record = StockImport.objects.get(pk=stock_import.pk)
        progress.append((record.status, record.progress()))
        return receive(rows, **kwargs)

    monkeypatch.setattr(intake_services, "_receive", watching)
    run_tasks(services.stock_import_commit, stock_import=stock_import, by=staff_a)
    assert progress == [("importing", (0, 4)), ("importing", (2, 4))]


def test_the_error_sheet_lists_each_problem_with_the_rows_own_cells_in_chinese(
    staff_client, dealer_a, run_tasks
):
    staff_client.cookies["django_language"] = "zh-hans"
    text = (
        HEADERS
        + f"{next_vin()},BYD,Seal,2025,BEV,5,150000,180000\nLRW3E7,BYD,Seal,2025,DIESEL,5,abc,1\n"
    )
    response = run_tasks(staff_client.post, INTAKE, {"file": _csv(text)})
    stock_import = StockImport.objects.get()
    assert response["Location"] == stock_import.get_absolute_url()
    stock_import.refresh_from_db()
    assert stock_import.status == ImportStatus.REFUSED
    assert stock_import.rows_with_errors == 1
    assert stock_import.message.startswith("1 行有问题")
    sheet = staff_client.get(reverse("inventory:vehicle_intake_errors", args=[stock_import.pk]))
    assert sheet["Content-Disposition"].startswith("attachment")
    assert sheet["X-Content-Type-Options"] == "nosniff"
    book = load_workbook(io.BytesIO(b"".join(sheet.streaming_content)))
    rows = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert rows[0][:3] == ["行", "列", "问题"]
    assert rows[0][3:] == HEADERS.strip().split(",")
    problems = {row[1]: row for row in rows[1:]}
    assert set(problems) == {"车架号 (VIN)", "动力类型", "采购成本"}
    assert all(row[0] == 3 for row in rows[1:])
    # The row's own cells follow, as typed, to be fixed in place.
    assert problems["采购成本"][3:] == ["LRW3E7", "BYD", "Seal", "2025", "DIESEL", "5", "abc", "1"]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in row[2]) for row in rows[1:])


def test_a_commit_that_fails_half_way_rolls_back_every_row_and_marks_the_import_failed(
    dealer_a, staff_a, run_tasks, monkeypatch
):
    car = VehicleFactory(dealer=dealer_a, odometer_km=100)
    text = HEADERS + _rows(3) + f"{car.vin},BYD,Seal,2025,BEV,200,150000,180000\n"
    with transaction.atomic():
        stock_import = _start(dealer_a, staff_a, text)
    run_tasks(intake_services._queue, stock_import, "check_stock_import")
    stock_import.refresh_from_db()
    assert (stock_import.rows_new, stock_import.rows_to_change) == (3, 1)

    def broken(row, **kwargs):
        raise RuntimeError("disk full")

    # The new cars are written, then changing the car in stock fails.
    monkeypatch.setattr(intake_services, "_update", broken)
    run_tasks(services.stock_import_commit, stock_import=stock_import, by=staff_a)
    stock_import.refresh_from_db()
    assert stock_import.status == ImportStatus.FAILED
    assert "RuntimeError" in stock_import.message and "Nothing was imported" in stock_import.message
    assert list(dealer_a.vehicles.all()) == [car]
    car.refresh_from_db()
    assert car.odometer_km == 100
    assert car.history.count() == 1
    # Once the fault is gone, the same plan imports.
    monkeypatch.undo()
    run_tasks(services.stock_import_commit, stock_import=stock_import, by=staff_a)
    stock_import.refresh_from_db()
    assert stock_import.status == ImportStatus.IMPORTED
    assert dealer_a.vehicles.count() == 4


def test_an_import_a_worker_abandoned_is_not_left_importing(
    staff_client, dealer_a, staff_a, run_tasks, settings
):
    with transaction.atomic():
        stock_import = _start(dealer_a, staff_a, HEADERS + _rows(2))
    run_tasks(intake_services._queue, stock_import, "check_stock_import")
    services.stock_import_commit(stock_import=stock_import, by=staff_a)
    page = staff_client.get(stock_import.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 2s"' in page and "stopped without finishing" not in page
    # Its worker took it and died (the rows' transaction rolled back with it).
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 1)
    StockImport.objects.filter(pk=stock_import.pk).update(
        started_at=intake_services.timezone.now() - limit
    )
    page = staff_client.get(stock_import.get_absolute_url()).content.decode()
    assert "stopped without finishing" in page
    assert 'hx-trigger="every 2s"' not in page
    commit = reverse("inventory:vehicle_intake_commit", args=[stock_import.pk])
    assert commit in page
    run_tasks(staff_client.post, commit)
    stock_import.refresh_from_db()
    assert stock_import.status == ImportStatus.IMPORTED
    assert dealer_a.vehicles.count() == 2


def test_a_file_with_more_rows_than_the_limit_is_refused_by_name(dealer_a, staff_a, run_tasks):
    line = f"{next_vin()},BYD,Seal,2025,BEV,5,150000,180000\n"
    text = HEADERS + line * (MAX_ROWS + 1)
    with transaction.atomic():
        stock_import = _start(dealer_a, staff_a, text, name="whole-year.csv")
    run_tasks(intake_services._queue, stock_import, "check_stock_import")
    stock_import.refresh_from_db()
    assert stock_import.status == ImportStatus.REFUSED
    assert stock_import.message == (
        "whole-year.csv has more than 50,000 vehicles; split it into smaller files."
    )
    assert not stock_import.plan


def test_the_upload_page_lists_the_dealers_past_imports_only(
    staff_client, dealer_a, dealer_b, staff_a, run_tasks
):
    ours = _start(dealer_a, staff_a, HEADERS + _rows(1), name="ours.csv")
    _start(dealer_b, staff_a, HEADERS + _rows(1), name="theirs.csv")
    page = staff_client.get(INTAKE).content.decode()
    assert "ours.csv" in page and "theirs.csv" not in page
    assert ours.get_absolute_url() in page


def test_the_original_file_comes_back_under_a_name_of_ours(staff_client, dealer_a, staff_a):
    stock_import = _start(dealer_a, staff_a, HEADERS + _rows(1), name="<script>.html")
    response = staff_client.get(reverse("inventory:vehicle_intake_file", args=[stock_import.pk]))
    assert response["Content-Type"] == "text/csv"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert f'filename="stock-file-{stock_import.pk}.csv"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"VIN,Make")
    assert stock_import.file.name.startswith("imports/")
    assert "script" not in stock_import.file.name


@pytest.mark.parametrize(
    "name",
    [
        "vehicle_intake_detail",
        "vehicle_intake_progress",
        "vehicle_intake_commit",
        "vehicle_intake_errors",
        "vehicle_intake_file",
    ],
)
def test_another_dealers_import_is_a_404_everywhere(
    staff_client, dealer_b, run_tasks, name, django_user_model
):
    owner = django_user_model.objects.create(username="bravo.staff")
    text = HEADERS + "LRW3E7,BYD,Seal,2025,BEV,5,abc,1\n"
    with transaction.atomic():
        theirs = _start(dealer_b, owner, text)
    run_tasks(intake_services._queue, theirs, "check_stock_import")
    theirs.refresh_from_db()
    assert theirs.error_sheet  # every URL has something to leak
    url = reverse(f"inventory:{name}", args=[theirs.pk])
    assert staff_client.get(url).status_code in (404, 405)
    assert staff_client.post(url).status_code in (404, 405)
    theirs.refresh_from_db()
    assert theirs.status == ImportStatus.REFUSED


def _vehicle_state(vehicle):
    skip = {"id", "vin", "dealer", "stock_number", "created_at", "updated_at"}
    return {
        field.name: getattr(vehicle, field.attname)
        for field in Vehicle._meta.concrete_fields
        if field.name not in skip
    }


def _history_state(vehicle):
    skip = {"id", "vin", "dealer", "stock_number", "created_at", "updated_at", "history_id"}
    skip |= {"history_date"}
    return [
        {
            field.name: getattr(record, field.attname)
            for field in record._meta.concrete_fields
            if field.name not in skip
        }
        for record in vehicle.history.order_by("history_id")
    ]


@pytest.mark.parametrize("set_based", [False, True])
def test_receiving_many_gives_the_same_cars_history_and_candidates_as_one_by_one(
    markets, maker_codes, dealer_a, dealer_b, staff_a, monkeypatch, set_based
):
    if set_based:
        monkeypatch.setattr(judging, "SET_BASED_FROM", 1)
    today = dealer_a.today()
    kinds = [
        {"powertrain": "BEV", "odometer_km": 8, "stocked_on": today - timedelta(days=90)},
        {"powertrain": "PHEV", "odometer_km": 900, "stocked_on": today - timedelta(days=90)},
        {"powertrain": "BEV", "odometer_km": 5, "stocked_on": today - timedelta(days=10)},
        {"powertrain": "ICE", "odometer_km": 0, "stocked_on": None, "engine_cc": 1498},
        {"powertrain": "BEV", "steering_side": "RHD", "stocked_on": today - timedelta(days=80)},
        {"powertrain": "BEV", "status": "sold_domestic", "stocked_on": today - timedelta(days=80)},
        {"powertrain": "EREV", "make": "", "model_year": None},  # read from the VIN
    ]
    facts = [
        {
            "model": "Seal",
            "make": "BYD",
            "model_year": 2025,
            "acquisition_cost": Decimal("150000"),
            "list_price": Decimal("180000.50"),
            "manufactured_on": today - timedelta(days=300),
            "registered_on": today - timedelta(days=100) if index % 2 else None,
            **kind,
        }
        for index, kind in enumerate(kinds)
    ]
    one_by_one = [
        services.vehicle_receive(dealer=dealer_a, vin=next_vin(), by=staff_a, **fact)
        for fact in facts
    ]
    many = services.vehicle_receive_many(
        dealer=dealer_b, vehicles=[{"vin": next_vin(), **fact} for fact in facts], by=staff_a
    )
    assert any(car.export_candidate for car in Vehicle.objects.filter(dealer=dealer_b))
    for single, bulk in zip(one_by_one, many, strict=True):
        single = Vehicle.objects.get(pk=single.pk)
        bulk = Vehicle.objects.get(pk=bulk.pk)
        assert _vehicle_state(bulk) == _vehicle_state(single)
        assert _history_state(bulk) == _history_state(single)
        assert bulk.history.get().history_user == staff_a


def test_receiving_many_refuses_a_vin_taken_or_repeated_naming_the_car(dealer_a, dealer_b):
    taken = VehicleFactory(dealer=dealer_b).vin
    base = {"model": "Seal", "powertrain": "BEV", "acquisition_cost": 1, "list_price": 2}
    base |= {"make": "BYD", "model_year": 2025}
    fresh = next_vin()
    with pytest.raises(services.VehiclesRefused) as refused:
        services.vehicle_receive_many(
            dealer=dealer_a, vehicles=[{"vin": fresh, **base}, {"vin": taken, **base}]
        )
    assert refused.value.index == 1
    assert "already registered" in " ".join(refused.value.messages)
    with pytest.raises(services.VehiclesRefused) as refused:
        services.vehicle_receive_many(
            dealer=dealer_a, vehicles=[{"vin": fresh, **base}, {"vin": fresh, **base}]
        )
    assert refused.value.index == 1
    with pytest.raises(services.VehiclesRefused) as refused:
        services.vehicle_receive_many(
            dealer=dealer_a, vehicles=[{"vin": fresh, **base, "list_price": -1}]
        )
    assert refused.value.index == 0
    assert not dealer_a.vehicles.exists()


def test_a_batch_judges_few_cars_one_by_one_and_many_set_based(dealer_a, monkeypatch):
    calls = []
    monkeypatch.setattr(judging, "_vehicle_judges", [lambda cars: calls.append(("cars", cars))])
    monkeypatch.setattr(
        judging, "_dealer_judges", [lambda dealer: calls.append(("dealer", dealer))]
    )
    cars = VehicleFactory.create_batch(3, dealer=dealer_a)
    calls.clear()
    with judging.batch():
        judging.rejudge(cars[:2])
        judging.rejudge([cars[1].pk, cars[2]])
        assert calls == []  # nothing is judged before the batch ends
    ((kind, judged),) = calls
    assert (kind, sorted(judged)) == ("cars", sorted(car.pk for car in cars))
    calls.clear()
    monkeypatch.setattr(judging, "SET_BASED_FROM", 3)
    with judging.batch():
        judging.rejudge(cars)
    assert calls == [("dealer", dealer_a)]
    calls.clear()
    with pytest.raises(RuntimeError), judging.batch():
        judging.rejudge(cars)
        raise RuntimeError("rolled back")
    assert calls == []


def test_a_manager_uploads_and_imports_in_the_admin(client, manager_a, dealer_a, run_tasks):
    client.force_login(manager_a)
    add = reverse("admin:inventory_stockimport_add")
    assert client.get(add).status_code == 200
    response = run_tasks(
        client.post, add, {"dealer": dealer_a.pk, "upload": _csv(HEADERS + _rows(2))}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    stock_import = StockImport.objects.get()
    assert (stock_import.status, stock_import.uploaded_by) == (ImportStatus.CHECKED, manager_a)
    change = reverse("admin:inventory_stockimport_change", args=[stock_import.pk])
    page = client.get(change).content.decode()
    assert "Ready to import" in page and stock_import.get_absolute_url() in page
    response = run_tasks(
        client.post,
        reverse("admin:inventory_stockimport_changelist"),
        {"action": "import_files", "_selected_action": [stock_import.pk]},
    )
    assert response.status_code == 302
    stock_import.refresh_from_db()
    assert stock_import.status == ImportStatus.IMPORTED
    assert stock_import.imported_by == manager_a
    assert dealer_a.vehicles.count() == 2


def test_the_admin_hides_another_dealers_imports_and_refuses_their_dealer(
    client, manager_a, dealer_a, dealer_b, staff_a, run_tasks
):
    theirs = _start(dealer_b, staff_a, HEADERS + _rows(1), name="theirs.csv")
    client.force_login(manager_a)
    listing = client.get(reverse("admin:inventory_stockimport_changelist")).content.decode()
    assert "theirs.csv" not in listing
    change = reverse("admin:inventory_stockimport_change", args=[theirs.pk])
    assert client.get(change).status_code == 404
    response = run_tasks(
        client.post,
        reverse("admin:inventory_stockimport_add"),
        {"dealer": dealer_b.pk, "upload": _csv(HEADERS + _rows(1))},
    )
    assert response.status_code == 200  # the form again, with the dealer refused
    assert StockImport.objects.filter(dealer=dealer_b).count() == 1
    # The import action leaves another dealer's record alone too.
    run_tasks(
        client.post,
        reverse("admin:inventory_stockimport_changelist"),
        {"action": "import_files", "_selected_action": [theirs.pk]},
    )
    theirs.refresh_from_db()
    assert theirs.status == ImportStatus.QUEUED


@pytest.mark.django_db(transaction=True)
def test_a_worker_on_redis_checks_and_imports_a_file(on_redis, on_postgres, dealer_a, staff_a):
    from celery.contrib.testing.worker import start_worker

    from dealerhub.celery import app

    assert not app.conf.task_always_eager

    def settled(stock_import, *statuses):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            stock_import.refresh_from_db()
            if stock_import.status in statuses:
                return stock_import
            time.sleep(0.2)
        return stock_import

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with transaction.atomic():
            stock_import = _start(dealer_a, staff_a, HEADERS + _rows(3))
        settled(stock_import, ImportStatus.CHECKED, ImportStatus.REFUSED, ImportStatus.FAILED)
        assert stock_import.status == ImportStatus.CHECKED, stock_import.message
        with transaction.atomic():
            services.stock_import_commit(stock_import=stock_import, by=staff_a)
        settled(stock_import, ImportStatus.IMPORTED, ImportStatus.REFUSED, ImportStatus.FAILED)
    assert stock_import.status == ImportStatus.IMPORTED, stock_import.message
    assert dealer_a.vehicles.count() == 3


def test_changing_many_gives_the_same_cars_as_one_by_one(markets, dealer_a, staff_a):
    today = dealer_a.today()
    made = {"dealer": dealer_a, "stocked_on": today - timedelta(days=90), "odometer_km": 30}
    pairs = [(VehicleFactory(**made), VehicleFactory(**made)) for _ in range(3)]
    changes = [
        {"list_price": Decimal("171000"), "odometer_km": 10},
        {"odometer_km": 900},
        {"list_price": Decimal("150000"), "status": "sold_domestic"},
    ]
    for (single, _bulk), facts in zip(pairs, changes, strict=True):
        facts = dict(facts)
        status = facts.pop("status", None)
        services.vehicle_update(vehicle=single, by=staff_a, confirm_odometer_decrease=True, **facts)
        if status:
            services.vehicle_change_status(vehicle=single, to_status=status, by=staff_a)
    changed = services.vehicle_update_many(
        dealer=dealer_a,
        updates=[(bulk.pk, facts) for (_single, bulk), facts in zip(pairs, changes, strict=True)],
        by=staff_a,
        confirm_odometer_decrease=True,
    )
    assert len(changed) == 3
    for single, bulk in pairs:
        single.refresh_from_db()
        bulk.refresh_from_db()
        assert _vehicle_state(bulk) == _vehicle_state(single)
        latest = bulk.history.order_by("-history_id").first()
        assert (latest.history_type, latest.history_user) == ("~", staff_a)
        assert _history_state(bulk)[-1] == _history_state(single)[-1]
    assert pairs[2][1].left_stock_on == today


def test_changing_many_refuses_what_one_by_one_refuses(dealer_a, dealer_b):
    sold = VehicleFactory(dealer=dealer_a, status="sold_domestic", left_stock_on=dealer_a.today())
    driven = VehicleFactory(dealer=dealer_a, odometer_km=500)
    theirs = VehicleFactory(dealer=dealer_b)
    cases = [
        ([(driven.pk, {"list_price": Decimal("1")}), (sold.pk, {"status": "reserved"})], 1),
        ([(driven.pk, {"odometer_km": 100})], 0),
        ([(driven.pk, {"list_price": Decimal("-1")})], 0),
        ([(theirs.pk, {"list_price": Decimal("1")})], 0),
    ]
    for updates, index in cases:
        with pytest.raises(services.VehiclesRefused) as refused:
            services.vehicle_update_many(dealer=dealer_a, updates=updates)
        assert refused.value.index == index
    driven.refresh_from_db()
    assert (driven.odometer_km, driven.history.count()) == (500, 1)
    with pytest.raises(TypeError, match="dealer_id"):
        services.vehicle_update_many(dealer=dealer_a, updates=[(driven.pk, {"dealer_id": 1})])
