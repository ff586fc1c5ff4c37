"""Compliance deadlines after a car joins a shipment, the daily digest to managers and the
dashboard's list."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from dealerhub import services as dealerhub_services
from dealerhub.models import ComplianceDigest
from exports import deadlines, services
from exports.deadlines import add_months
from exports.models import MarketRule, ShipmentLine, ShipmentStatus
from tests.factories import (
    ShipmentFactory,
    VehicleFactory,
    issued_inspection,
    shippable_vehicle,
)

S = ShipmentStatus


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 10), 2, date(2026, 5, 10)),
        (date(2026, 12, 31), 2, date(2027, 2, 28)),  # February is shorter
        (date(2027, 12, 31), 2, date(2028, 2, 29)),  # a leap year
        (date(2026, 11, 30), 1, date(2026, 12, 30)),
    ],
)
def test_two_months_after_clearance(day, months, expected):
    assert add_months(day, months) == expected


@pytest.fixture
def today(dealer_a):
    return dealer_a.today()


def kinds(found):
    return [(d.kind, d.vehicle.vin, d.due_on, d.overdue) for d in found]


@pytest.mark.parametrize(
    ("etd", "apply_by"),
    [
        (date(2026, 12, 10), date(2026, 12, 7)),  # Thursday: the Monday before
        (date(2026, 12, 14), date(2026, 12, 9)),  # Monday: the Wednesday before, over a weekend
        (date(2026, 12, 13), date(2026, 12, 9)),  # Sunday
    ],
)
def test_the_licence_application_is_due_three_working_days_before_the_etd(etd, apply_by):
    # Domain rule C6: the provincial commerce department issues the licence within 3 working
    # days (bramblepropertysearch.com/xinwenzixun/461.html).
    assert deadlines.licence_application_due(etd) == apply_by


# Domain rules C12 (Shang Mao Han [2025] No. 648: from 2026-01-01 a car applying for export
# <= 180 days (inclusive) after registration needs the manufacturer's after-sales
# confirmation; no licence without it; aicarglobal.com/blog/notice-from-the-ministry-of-
# commerce-...) and C6 (the licence, issued within 3 working days, before the ETD). The
# deadline asks the rule on the day customs clearance asks it, so the two agree.
@pytest.mark.parametrize(
    ("registered_days_ago", "etd_in_days", "within", "listed"),
    [
        (170, 20, 30, True),  # 190 days by the ETD, but 170 today: clearance refuses today
        (175, 8, 7, True),  # 183 days by the ETD: the old ETD reckoning left it out
        (180, 8, 7, True),  # the 180th day is inclusive
        (181, 8, 7, False),
        (20, 5, 7, True),
        (400, 5, 7, False),
        (20, 40, 7, False),  # applying is more than a week away
    ],
)
@pytest.mark.django_db
def test_the_confirmation_is_due_by_the_licence_application_as_clearance_judges_it(
    dealer_a, today, markets, registered_days_ago, etd_in_days, within, listed
):
    car = VehicleFactory(dealer=dealer_a, registered_on=today - timedelta(days=registered_days_ago))
    issued_inspection(car)
    etd = today + timedelta(days=etd_in_days)
    shipment = ShipmentFactory(dealer=dealer_a, etd=etd)
    services.shipment_add_vehicle(shipment=shipment, vehicle=car, sale_price=D("21000"))
    expected = [
        (
            "after_sales_confirmation",
            car.vin,
            deadlines.licence_application_due(etd),
            deadlines.licence_application_due(etd) < today,
        )
    ]
    assert kinds(deadlines.due(dealer_a, today, within=within)) == (expected if listed else [])
    # Clearance today refuses exactly the cars whose confirmation the deadlines ask for.
    services.shipment_advance(shipment=shipment, to_status=S.BOOKED)
    missing = [
        line.vehicle.vin
        for line in deadlines.open_lines([dealer_a])
        if deadlines.line_deadlines(line, today)
    ]
    if missing:
        with pytest.raises(ValidationError):
            services.shipment_advance(shipment=shipment, to_status=S.CUSTOMS_CLEARED)
    else:
        services.shipment_advance(shipment=shipment, to_status=S.CUSTOMS_CLEARED)


@pytest.mark.parametrize(
    ("max_days", "effective_in_days", "listed"),
    [
        (180, None, False),  # the shipped parameter: 190 days since registration is past it
        (200, None, True),  # the operator widened the rule: the deadline follows
        (180, 3, False),  # not in force by the licence application
        (200, 2, True),  # in force by the licence application, though not today
        (200, 30, False),
    ],
)
@pytest.mark.django_db
def test_the_deadline_reads_the_rules_parameter_and_effective_date(
    dealer_a, today, markets, max_days, effective_in_days, listed
):
    # Domain rule C12: the days and the effective date are the market rule's own data.
    rule = MarketRule.objects.get(
        market__country_code="CN", rule_code="AFTER_SALES_CONFIRMATION_IF_REGISTERED_WITHIN"
    )
    rule.params = {**rule.params, "max_days_since_registration": max_days}
    if effective_in_days is not None:
        rule.effective_from = today + timedelta(days=effective_in_days)
    rule.save()
    car = VehicleFactory(dealer=dealer_a, registered_on=today - timedelta(days=190))
    etd = today + timedelta(days=7)
    shipment = ShipmentFactory(dealer=dealer_a, etd=etd)
    ShipmentLine.objects.create(shipment=shipment, vehicle=car, hs_code="8703.80")
    found = kinds(deadlines.due(dealer_a, today))
    assert found == (
        [("after_sales_confirmation", car.vin, deadlines.licence_application_due(etd), False)]
        if listed
        else []
    )


@pytest.mark.django_db
def test_temporary_plates_and_deregistration(dealer_a, today, markets):
    car = shippable_vehicle(dealer_a)
    shipment = ShipmentFactory(dealer=dealer_a)
    line = services.shipment_add_vehicle(shipment=shipment, vehicle=car, sale_price=D("21000"))
    services.shipment_line_set_dates(line=line, transferred_on=today - timedelta(days=58))
    assert kinds(deadlines.due(dealer_a, today)) == [
        ("temporary_plate", car.vin, today + timedelta(days=2), False)
    ]
    cleared = today - timedelta(days=63)
    services.shipment_advance(shipment=shipment, to_status=S.BOOKED, on=cleared)
    services.shipment_advance(shipment=shipment, to_status=S.CUSTOMS_CLEARED, on=cleared)
    services.shipment_advance(shipment=shipment, to_status=S.LOADED)
    # Loaded: the plate no longer matters; de-registration was due two months after clearance.
    assert kinds(deadlines.due(dealer_a, today)) == [
        ("deregistration", car.vin, add_months(cleared, 2), True)
    ]
    services.shipment_line_set_dates(line=line, deregistered_on=today)
    assert deadlines.due(dealer_a, today) == []


# Domain rule C5 (bramblepropertysearch.com; truckmaker.cn/?Related-Issues/92.html): the
# temporary plates are valid as long as the compulsory insurance, at most 60 days; the
# deadline follows from the transfer and the insurance end, with no expiry typed by hand.
@pytest.mark.parametrize(
    ("transferred_days_ago", "insurance_ends_in_days", "due_in_days"),
    [
        (55, None, 5),  # the 60th day after the transfer
        (55, 30, 5),  # the insurance outlasts the plates
        (30, 3, 3),  # the insurance ends first
        (30, -2, -2),  # overdue with the insurance
        (61, None, -1),
        (30, None, None),  # due in 30 days: beyond the week
    ],
)
@pytest.mark.django_db
def test_the_temporary_plate_is_due_from_the_transfer_and_the_insurance(
    dealer_a, today, markets, transferred_days_ago, insurance_ends_in_days, due_in_days
):
    car = shippable_vehicle(dealer_a)
    shipment = ShipmentFactory(dealer=dealer_a)
    line = services.shipment_add_vehicle(shipment=shipment, vehicle=car)
    insurance_end = (
        None if insurance_ends_in_days is None else today + timedelta(insurance_ends_in_days)
    )
    services.shipment_line_set_dates(
        line=line,
        transferred_on=today - timedelta(days=transferred_days_ago),
        insurance_ends_on=insurance_end,
    )
    expected = (
        []
        if due_in_days is None
        else [("temporary_plate", car.vin, today + timedelta(due_in_days), due_in_days < 0)]
    )
    assert kinds(deadlines.due(dealer_a, today)) == expected


@pytest.mark.django_db
def test_cancelled_shipments_raise_nothing(dealer_a, today, markets):
    car = VehicleFactory(dealer=dealer_a, registered_on=today)
    shipment = ShipmentFactory(dealer=dealer_a, etd=today)
    services.shipment_add_vehicle(shipment=shipment, vehicle=car)
    services.shipment_advance(shipment=shipment, to_status=S.CANCELLED, reason="No buyer")
    assert deadlines.due(dealer_a, today) == []


@pytest.fixture
def overdue_plate(dealer_a, today, markets):
    car = shippable_vehicle(dealer_a)
    shipment = ShipmentFactory(dealer=dealer_a, reference="KZ-26-007")
    line = services.shipment_add_vehicle(shipment=shipment, vehicle=car)
    services.shipment_line_set_dates(line=line, transferred_on=today - timedelta(days=61))
    return car


@pytest.mark.django_db
def test_managers_get_one_digest_a_day(dealer_a, manager_a, staff_a, overdue_plate, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    manager_a.email = "li.manager@example.com"
    manager_a.save()
    counts = dealerhub_services.compliance_digests_send()
    assert counts == {"sent": 1, "nothing_due": 0, "already": 0}
    [message] = mail.outbox
    assert message.to == ["li.manager@example.com"]
    assert "1 export deadlines due, 1 overdue" in message.subject
    assert overdue_plate.vin in message.body and "KZ-26-007" in message.body
    assert "overdue" in message.alternatives[0][0]

    assert dealerhub_services.compliance_digests_send() == {
        "sent": 0,
        "nothing_due": 0,
        "already": 1,
    }
    assert len(mail.outbox) == 1
    digest = ComplianceDigest.objects.get()
    assert (digest.deadlines, digest.overdue, digest.recipients) == (
        1,
        1,
        ["li.manager@example.com"],
    )


@pytest.mark.django_db
def test_a_digest_shard_tried_again_sends_no_manager_the_digest_twice(
    dealer_a, dealer_b, manager_a, overdue_plate, settings, monkeypatch, eager_tasks
):
    from django.db import OperationalError

    from dealerhub import tasks
    from inventory.models import JobRun, JobRunStatus

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NIGHTLY_SHARD_DEALERS = 10  # both dealers in one shard
    manager_a.email = "li.manager@example.com"
    manager_a.save()
    send, tries = dealerhub_services.compliance_digest_send, []

    def connection_lost_at_the_second_dealer_once(*, dealer, **kwargs):
        if dealer == dealer_b:
            tries.append(dealer)
            if len(tries) == 1:
                raise OperationalError("server closed the connection unexpectedly")
        return send(dealer=dealer, **kwargs)

    monkeypatch.setattr(
        dealerhub_services, "compliance_digest_send", connection_lost_at_the_second_dealer_once
    )
    tasks.send_compliance_digests.delay().get()
    assert len(tries) == 2
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["li.manager@example.com"]
    summary = JobRun.objects.get(job=dealerhub_services.DIGESTS_JOB, counts__has_key="shards")
    assert summary.status == JobRunStatus.SUCCEEDED
    assert (summary.counts["sent"], summary.counts["already"]) == (0, 1)


@pytest.mark.django_db
def test_the_digest_command_says_what_it_did(dealer_a, manager_a, overdue_plate, settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    manager_a.email = "li.manager@example.com"
    manager_a.save()
    call_command("send_compliance_digest", dealer=dealer_a.pk)
    call_command("send_compliance_digest", dealer=dealer_a.pk)
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Alpha Motors: 1 due (1 overdue), sent to li.manager@example.com",
        "Alpha Motors: already sent today",
    ]


@pytest.mark.django_db
def test_the_dashboard_lists_deadlines_due_this_week(client, staff_a, overdue_plate):
    client.force_login(staff_a)
    page = client.get(reverse("dashboard")).content.decode()
    start = page.index('id="deadlines"')
    table = page[start : page.index("</table>", start)]
    assert overdue_plate.vin in table
    assert "Temporary plate expires" in table and "overdue" in table
