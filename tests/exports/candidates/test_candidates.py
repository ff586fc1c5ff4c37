"""The nightly candidate job: who is flagged, what is stored, reruns, locks and job runs."""

import threading
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.urls import reverse

from exports import services
from exports.models import DestinationMarket, MarketRule
from exports.tasks import flag_export_candidates
from inventory import services as inventory_services
from inventory.models import JobRun, JobRunStatus, Vehicle, VehicleStatus
from tests.factories import VehicleFactory, issued_inspection

pytestmark = pytest.mark.django_db

CONFIRMATION = "manufacturer_after_sales_confirmation"


def days_ago(dealer, days):
    return dealer.today() - timedelta(days=days)


def refreshed(*vehicles):
    for vehicle in vehicles:
        vehicle.refresh_from_db()
    return vehicles


@pytest.fixture
def stock(dealer_a):
    """Alpha's lot: one car of each kind the job must tell apart."""
    made = {
        "dealer": dealer_a,
        "manufactured_on": days_ago(dealer_a, 300),
        "registered_on": days_ago(dealer_a, 100),
    }
    return {
        "aged": VehicleFactory(**made, stocked_on=days_ago(dealer_a, 75), odometer_km=12),
        "fresh": VehicleFactory(**made, stocked_on=days_ago(dealer_a, 20), odometer_km=12),
        "driven": VehicleFactory(**made, stocked_on=days_ago(dealer_a, 90), odometer_km=800),
        "sold": VehicleFactory(
            **made, stocked_on=days_ago(dealer_a, 90), status=VehicleStatus.SOLD_DOMESTIC
        ),
        "reserved": VehicleFactory(
            **made, stocked_on=days_ago(dealer_a, 90), status=VehicleStatus.RESERVED
        ),
        "rhd": VehicleFactory(**made, stocked_on=days_ago(dealer_a, 90), steering_side="RHD"),
    }


def test_only_aged_low_km_cars_in_stock_that_can_leave_are_flagged(stock, dealer_a):
    run = services.export_candidates_flag()
    assert run.status == JobRunStatus.SUCCEEDED
    flags = {name: v.export_candidate for name, v in stock.items() if refreshed(v)}
    assert flags == {
        "aged": True,
        "fresh": False,  # not aged past 60 days
        "driven": False,  # over 50 km
        "sold": False,
        "reserved": False,  # not in stock
        "rhd": True,  # Kenya, Pakistan and others take right-hand drive
    }
    aged = stock["aged"]
    assert aged.export_candidate_since == dealer_a.today()
    assert " KZ " in aged.export_markets and " KE " not in aged.export_markets
    summary = aged.export_candidate_reasons
    assert "KZ" in summary["markets"] and "KE" not in summary["markets"]
    assert summary["needs"] == [CONFIRMATION, "inspection_report"]
    assert summary["also"]["RU"] == ["era_glonass_sbkts"]
    assert " KE " in stock["rhd"].export_markets and " KZ " not in stock["rhd"].export_markets
    # Only candidates carry markets.
    assert stock["fresh"].export_markets == stock["sold"].export_markets == ""
    assert run.counts["flagged"] == 2
    assert run.counts["candidates"] == 2


def test_dealer_settings_decide_age_and_odometer(stock, dealer_a):
    dealer_a.aged_threshold_days = 10
    dealer_a.zero_km_max_odometer_km = 1000
    dealer_a.save()
    services.export_candidates_flag()
    refreshed(*stock.values())
    assert stock["fresh"].export_candidate and stock["driven"].export_candidate


def test_a_rerun_with_nothing_new_changes_nothing(stock):
    services.export_candidates_flag()
    before = list(Vehicle.objects.order_by("pk").values())
    rerun = services.export_candidates_flag()
    assert rerun.counts["unchanged"] is True
    assert rerun.counts["flagged"] == rerun.counts["unflagged"] == 0
    assert list(Vehicle.objects.order_by("pk").values()) == before
    # Even with the shortcut unavailable (a dry run always evaluates), nothing would change.
    dry = services.export_candidates_flag(dry_run=True)
    assert (dry.counts["flagged"], dry.counts["unflagged"], dry.counts["refreshed"]) == (0, 0, 0)


def test_selling_a_candidate_unflags_it_and_keeps_the_since_date_of_others(stock, staff_a):
    services.export_candidates_flag()
    aged, rhd = refreshed(stock["aged"], stock["rhd"])
    since = rhd.export_candidate_since
    inventory_services.vehicle_change_status(vehicle=aged, to_status="sold_domestic", by=staff_a)
    # The sale itself unflags the car; the nightly run then finds nothing left to do.
    aged, rhd = refreshed(aged, rhd)
    assert not aged.export_candidate and aged.export_candidate_since is None
    assert aged.export_markets == "" and aged.export_candidate_reasons == {}
    assert rhd.export_candidate and rhd.export_candidate_since == since
    run = services.export_candidates_flag()
    assert (run.counts["flagged"], run.counts["unflagged"], run.counts["refreshed"]) == (0, 0, 0)


def test_a_filed_document_is_taken_into_account(stock, staff_a, dealer_a):
    services.export_candidates_flag()
    aged = stock["aged"]
    inventory_services.vehicle_document_add(
        vehicle=aged,
        by=staff_a,
        kind=CONFIRMATION,
        country_code="KZ",
        issuer="BYD Auto Co., Ltd.",
        issuer_is_listed_manufacturer=True,
        issued_on=dealer_a.today(),
    )
    run = services.export_candidates_flag()
    assert run.counts["papered"] == 1
    (aged,) = refreshed(aged)
    summary = aged.export_candidate_reasons
    assert summary["needs"] == ["inspection_report"]
    assert CONFIRMATION in summary["also"]["UZ"] and "KZ" not in summary["also"]


def test_a_blocking_rule_everywhere_leaves_no_candidate(dealer_a):
    salvage = VehicleFactory(
        dealer=dealer_a, stocked_on=days_ago(dealer_a, 80), is_salvage=True, odometer_km=5
    )
    ok = VehicleFactory(dealer=dealer_a, stocked_on=days_ago(dealer_a, 80), odometer_km=5)
    markets = DestinationMarket.objects.filter(is_origin=False)
    for market in markets:
        MarketRule.objects.create(
            market=market,
            rule_code="SALVAGE_PROHIBITED",
            severity="block",
            applies_to=["all"],
            params={},
            source_url="https://example.com/salvage",
            confidence="H",
            effective_from=dealer_a.today() - timedelta(days=400),
        )
    services.export_candidates_flag()
    salvage, ok = refreshed(salvage, ok)
    assert not salvage.export_candidate and salvage.export_markets == ""
    assert salvage.export_candidate_reasons == {}
    assert ok.export_candidate


def test_a_rule_with_bad_parameters_is_reported_and_never_makes_a_car_eligible(dealer_a):
    car = VehicleFactory(dealer=dealer_a, stocked_on=days_ago(dealer_a, 80), odometer_km=5)
    MarketRule.objects.filter(market__country_code="KZ", rule_code="RHD_PROHIBITED").update(
        params={"steering": 7}
    )
    run = services.export_candidates_flag()
    assert run.counts["not_evaluated_rules"] == ["KZ RHD_PROHIBITED"]
    (car,) = refreshed(car)
    assert " KZ " not in car.export_markets
    assert " UZ " in car.export_markets


def test_one_dealer_only(stock, dealer_b):
    theirs = VehicleFactory(dealer=dealer_b, stocked_on=days_ago(dealer_b, 80), odometer_km=5)
    run = services.export_candidates_flag(dealer=dealer_b)
    assert run.dealer == dealer_b and run.counts["flagged"] == 1
    (theirs, aged) = refreshed(theirs, stock["aged"])
    assert theirs.export_candidate and not aged.export_candidate


def test_dry_run_counts_and_changes_nothing(stock):
    run = services.export_candidates_flag(dry_run=True)
    assert run.counts["flagged"] == 2 and run.counts["dry_run"] is True
    assert not Vehicle.objects.filter(export_candidate=True).exists()
    assert not Vehicle.objects.filter(export_verdict__isnull=False).exists()


def test_the_command_says_what_it_did(stock, dealer_a):
    out = StringIO()
    call_command("flag_export_candidates", "--dry-run", stdout=out)
    assert "would flag 2" in out.getvalue()
    out = StringIO()
    call_command("flag_export_candidates", "--dealer", str(dealer_a.pk), stdout=out)
    assert "flagged 2, unflagged 0; 2 candidates" in out.getvalue()
    out = StringIO()
    call_command("flag_export_candidates", "--dealer", str(dealer_a.pk), stdout=out)
    assert "Nothing changed since the last run; 2 candidates stand." in out.getvalue()


def test_the_command_names_an_unknown_dealer(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No dealer with id 999999"):
        call_command("flag_export_candidates", "--dealer", "999999")


def test_the_task_returns_the_run(stock, dealer_a):
    result = flag_export_candidates.apply(args=[dealer_a.pk]).get()
    assert result["status"] == JobRunStatus.SUCCEEDED
    assert JobRun.objects.get(pk=result["job_run"]).counts["flagged"] == 2


def test_the_task_retries_only_transient_database_errors():
    from django.db import InterfaceError, OperationalError

    assert set(flag_export_candidates.autoretry_for) == {OperationalError, InterfaceError}


def test_a_failed_run_is_recorded_and_changes_nothing(stock, monkeypatch):
    from exports import candidates

    write = candidates._write

    def write_then_crash(*args, **kwargs):
        write(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(candidates, "_write", write_then_crash)
    with pytest.raises(RuntimeError):
        services.export_candidates_flag()
    run = JobRun.objects.get(job=services.CANDIDATE_JOB)
    assert run.status == JobRunStatus.FAILED and "disk full" in run.error
    assert not Vehicle.objects.filter(export_candidate=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_second_run_while_one_is_going_returns_at_once(on_postgres, markets, dealer_a):
    VehicleFactory(dealer=dealer_a, stocked_on=days_ago(dealer_a, 80), odometer_km=5)
    holding, release = threading.Event(), threading.Event()

    def first_run_holds_the_lock():
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [services.CANDIDATE_LOCK_KEY])
                holding.set()
                release.wait(10)
                cursor.execute("COMMIT")
        finally:
            connections["default"].close()

    other = threading.Thread(target=first_run_holds_the_lock)
    other.start()
    assert holding.wait(10)
    try:
        run = services.export_candidates_flag()
    finally:
        release.set()
        other.join(10)
    assert run.status == JobRunStatus.SKIPPED
    assert run.counts == {"skipped": "another run was going"}
    assert not Vehicle.objects.filter(export_candidate=True).exists()
    assert services.export_candidates_flag().status == JobRunStatus.SUCCEEDED


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_flags_candidates_in_postgresql(
    on_redis, on_postgres, markets, dealer_a
):
    from celery.contrib.testing.worker import start_worker

    from dealerhub.celery import app

    car = VehicleFactory(
        dealer=dealer_a, stocked_on=days_ago(dealer_a, 80), odometer_km=5, list_price=Decimal(1)
    )
    assert connection.vendor == "postgresql"
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = flag_export_candidates.delay(dealer_a.pk).get(timeout=60)
    assert result["status"] == JobRunStatus.SUCCEEDED, result
    car.refresh_from_db()
    assert car.export_candidate, result
    assert " KZ " in car.export_markets
    assert JobRun.objects.filter(job=services.CANDIDATE_JOB, dealer=dealer_a).count() == 1


def test_the_nightly_schedule_is_in_the_database():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="exports.tasks.flag_export_candidates")
    assert (task.crontab.hour, task.crontab.minute) == ("2", "0")
    assert str(task.crontab.timezone) == "Asia/Shanghai"


@pytest.mark.parametrize(("days", "flagged"), [(60, False), (61, True)])
def test_aged_means_more_days_in_stock_than_the_threshold(dealer_a, days, flagged):
    car = VehicleFactory(dealer=dealer_a, stocked_on=days_ago(dealer_a, days), odometer_km=5)
    services.export_candidates_flag()
    (car,) = refreshed(car)
    assert car.export_candidate is flagged


def test_without_postgresql_the_cache_lock_is_freed_however_the_run_ends(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with services._single_candidate_run() as held:
        assert held
        with services._single_candidate_run() as second:
            assert not second  # another run is going
        transaction.set_rollback(True)  # a dry run ends by rolling back
    with pytest.raises(RuntimeError), services._single_candidate_run() as held:
        assert held
        raise RuntimeError("disk full")
    with services._single_candidate_run() as held:
        assert held


def test_a_candidate_without_an_issued_inspection_shows_inspection_needed(
    client, stock, dealer_a, staff_a
):
    services.export_candidates_flag()
    client.force_login(staff_a)
    url = reverse("exports:candidates")
    row = _candidate_row(client.get(url).content.decode(), stock["aged"].vin)
    assert "Inspection needed" in row

    issued_inspection(stock["aged"], agency_accreditation="CNAS L1234")
    services.export_candidates_flag()
    row = _candidate_row(client.get(url).content.decode(), stock["aged"].vin)
    assert "Inspection needed" not in row
    assert "after-sales service confirmation" in row  # still missing


def _candidate_row(page, vin):
    start = page.index(vin)
    return page[start : page.index("</tr>", start)]


@pytest.mark.parametrize(("years_and_days", "in_egypt"), [(0, True), (1, False)])
def test_cars_built_a_day_apart_on_the_age_limit_are_judged_apart(
    markets, dealer_a, years_and_days, in_egypt
):
    """Egypt takes used EVs at most 3 years from production to shipment (dailynewsegypt.com,
    2018-03-31), counted to the day: the car built exactly three years ago still goes."""
    today = dealer_a.today()
    built = today.replace(year=today.year - 3) - timedelta(days=years_and_days)
    twin = built + timedelta(days=1) if years_and_days else built - timedelta(days=1)
    car, other = (
        VehicleFactory(
            dealer=dealer_a,
            manufactured_on=made,
            registered_on=days_ago(dealer_a, 200),
            stocked_on=days_ago(dealer_a, 90),
        )
        for made in (built, twin)
    )
    services.export_candidates_flag()
    car, other = refreshed(car, other)
    assert ("EG" in car.export_verdict.markets) is in_egypt
    assert ("EG" in other.export_verdict.markets) is not in_egypt
