"""The proof of export of a car sold to an exporter: each step checked, the deadlines it
raises in the dealer's list, the daily digest and the dashboard, and the overdue flag."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from dealerhub import services as dealerhub_services
from exports import deadlines, selling, services
from exports.deadline_dates import (
    EXPORT_DECLARATION,
    TRANSFER_NOT_RECORDED,
    SaleDates,
    sale_due_dates,
)
from exports.models import PaymentTerms
from tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("transferred", "due"),
    [
        (date(2026, 3, 1), date(2026, 4, 30)),  # 60 days, not two months
        (date(2026, 12, 15), date(2027, 2, 13)),
    ],
)
def test_the_declaration_is_due_60_days_after_the_transfer(transferred, due):
    assert sale_due_dates(SaleDates(transferred_on=transferred)) == [(EXPORT_DECLARATION, due)]


@pytest.mark.parametrize(
    ("declared", "due"),
    [
        (date(2026, 3, 10), date(2026, 5, 10)),
        (date(2026, 12, 31), date(2027, 2, 28)),  # February is shorter
        (date(2027, 12, 31), date(2028, 2, 29)),  # a leap year
    ],
)
def test_de_registration_is_due_two_months_after_clearance(declared, due):
    dates = SaleDates(transferred_on=declared - timedelta(days=3), declared_on=declared)
    assert sale_due_dates(dates) == [(deadlines.DEREGISTRATION, due)]
    proven = SaleDates(
        transferred_on=declared - timedelta(days=3), declared_on=declared, deregistered_on=due
    )
    assert sale_due_dates(proven) == []


def test_a_sale_without_its_transfer_waits_for_it_on_the_sale_day():
    sold = date(2026, 3, 1)
    assert sale_due_dates(SaleDates(sold_on=sold)) == [(TRANSFER_NOT_RECORDED, sold)]
    transferred = SaleDates(sold_on=sold, transferred_on=sold)
    assert sale_due_dates(transferred) == [(EXPORT_DECLARATION, date(2026, 4, 30))]


def make_sale(dealer, exporter, kazakhstan, *, days_ago=70, **terms):
    today = dealer.today()
    car = VehicleFactory(
        dealer=dealer,
        registered_on=today - timedelta(days=300),
        stocked_on=today - timedelta(days=310),
    )
    return services.vehicle_sell_for_export(
        vehicle=car,
        exporter=exporter,
        destination=kazakhstan,
        price=Decimal("100000"),
        currency="CNY",
        sold_on=today - timedelta(days=days_ago),
        payment_terms=PaymentTerms.ON_TRANSFER,
        **terms,
    )


def proof(sale, **steps):
    steps.setdefault("transferred_on", None)
    return services.export_sale_record_proof(sale=sale, **steps)


def test_each_step_follows_the_one_before(dealer_a, exporter, kazakhstan):
    today = dealer_a.today()
    sale = make_sale(dealer_a, exporter, kazakhstan)
    cases = [
        ({"transferred_on": sale.sold_on - timedelta(days=1)}, "transferred_on"),
        ({"transferred_on": today + timedelta(days=1)}, "transferred_on"),
        (
            {
                "transferred_on": today - timedelta(days=10),
                "declared_on": today - timedelta(days=11),
                "declaration_number": "220120260001234567",
            },
            "declared_on",
        ),
        (
            {"declared_on": today - timedelta(days=5), "declaration_number": "2201"},
            "declared_on",
        ),
        (
            {"transferred_on": today - timedelta(days=10), "declared_on": today},
            "declaration_number",
        ),
        (
            {
                "transferred_on": today - timedelta(days=10),
                "declared_on": today - timedelta(days=5),
                "declaration_number": "2201<script>",
            },
            "declaration_number",
        ),
        (
            {
                "transferred_on": today - timedelta(days=10),
                "declared_on": today - timedelta(days=5),
                "declaration_number": "1" * 31,
            },
            "declaration_number",
        ),
        (
            {
                "transferred_on": today - timedelta(days=10),
                "declared_on": today - timedelta(days=5),
                "declaration_number": "220120260001234567",
                "deregistered_on": today - timedelta(days=6),
            },
            "deregistered_on",
        ),
        (
            {"transferred_on": today - timedelta(days=10), "deregistered_on": today},
            "deregistered_on",
        ),
    ]
    for steps, field in cases:
        with pytest.raises(ValidationError) as refused:
            proof(sale, **steps)
        assert field in refused.value.message_dict, steps
    sale = proof(
        sale,
        transferred_on=today - timedelta(days=10),
        declared_on=today - timedelta(days=5),
        declaration_number=" 2201 2026 0001 234567 ",
        deregistered_on=today,
    )
    assert sale.declaration_number == "220120260001234567"
    assert sale.proven
    # On transfer, the exporter pays when the registration passes to it.
    assert sale.payment_due_on == today - timedelta(days=10)


def test_the_deadlines_follow_the_proof(dealer_a, exporter, kazakhstan):
    today = dealer_a.today()
    sale = make_sale(dealer_a, exporter, kazakhstan)
    # The transfer happens when the exporter buys the car (C5): until it is recorded, it is
    # what the sale waits for, due on the sale day.
    [due] = deadlines.due(dealer_a, today)
    assert (due.kind, due.due_on, due.overdue) == (TRANSFER_NOT_RECORDED, sale.sold_on, True)
    assert str(due.label) == "Transfer to the exporter not recorded"
    assert selling.exporters_overdue(dealer_a, today) == [(exporter, 1)]
    proof(sale, transferred_on=today - timedelta(days=55))
    [due] = deadlines.due(dealer_a, today)
    assert (due.kind, due.due_on, due.overdue) == (
        EXPORT_DECLARATION,
        today + timedelta(days=5),
        False,
    )
    assert due.record == sale and due.vehicle == sale.vehicle
    declared = today - timedelta(days=62)
    proof(
        sale,
        transferred_on=today - timedelta(days=65),
        declared_on=declared,
        declaration_number="220120260001234567",
    )
    [due] = deadlines.due(dealer_a, today)
    assert due.kind == deadlines.DEREGISTRATION
    assert due.due_on == deadlines.add_months(declared, 2)
    assert due.overdue
    assert selling.exporters_overdue(dealer_a, today) == [(exporter, 1)]
    proof(
        sale,
        transferred_on=today - timedelta(days=65),
        declared_on=declared,
        declaration_number="220120260001234567",
        deregistered_on=today,
    )
    assert deadlines.due(dealer_a, today) == []
    assert selling.exporters_overdue(dealer_a, today) == []


@pytest.fixture
def overdue_sale(dealer_a, exporter, kazakhstan):
    sale = make_sale(dealer_a, exporter, kazakhstan)
    return proof(sale, transferred_on=dealer_a.today() - timedelta(days=61))


def test_the_digest_lists_the_overdue_declaration(dealer_a, manager_a, overdue_sale, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    manager_a.email = "li.manager@example.com"
    manager_a.save()
    assert dealerhub_services.compliance_digests_send()["sent"] == 1
    [message] = mail.outbox
    assert "1 overdue" in message.subject
    assert overdue_sale.vehicle.vin in message.body
    assert "Export declaration due (temporary plates end)" in message.body
    assert "Hangzhou Export Co." in message.body
    assert "Hangzhou Export Co." in message.alternatives[0][0]


def test_the_digest_lists_a_sale_whose_transfer_is_not_recorded(
    dealer_a, manager_a, exporter, kazakhstan, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    manager_a.email = "li.manager@example.com"
    manager_a.save()
    sale = make_sale(dealer_a, exporter, kazakhstan, days_ago=4)
    assert dealerhub_services.compliance_digests_send()["sent"] == 1
    [message] = mail.outbox
    assert sale.vehicle.vin in message.body
    assert "Transfer to the exporter not recorded" in message.body


def test_the_dashboard_shows_the_deadline_and_flags_the_exporter(client, staff_a, overdue_sale):
    client.force_login(staff_a)
    page = client.get(reverse("dashboard")).content.decode()
    start = page.index('id="deadlines"')
    table = page[start : page.index("</table>", start)]
    assert overdue_sale.vehicle.vin in table
    assert overdue_sale.get_absolute_url() in table
    flag = page[page.index('id="overdue-exporters"') :]
    assert "Hangzhou Export Co." in flag.split("</div>")[0]


def test_the_exporter_list_and_page_flag_overdue_cars(client, staff_a, exporter, overdue_sale):
    client.force_login(staff_a)
    listing = client.get(reverse("exports:exporter_list")).content.decode()
    assert "1 car overdue" in listing
    page = client.get(exporter.get_absolute_url()).content.decode()
    assert 'id="overdue-flag"' in page
    assert overdue_sale.vehicle.vin in page


def test_a_cancelled_sale_raises_no_deadline(dealer_a, exporter, kazakhstan):
    sale = make_sale(dealer_a, exporter, kazakhstan)
    proof(sale, transferred_on=dealer_a.today() - timedelta(days=61))
    assert len(deadlines.due(dealer_a)) == 1
    services.export_sale_cancel(sale=sale, reason="Exporter withdrew")
    with pytest.raises(ValidationError):
        proof(sale, transferred_on=dealer_a.today())
    assert deadlines.due(dealer_a) == []


def test_the_transfer_recorded_with_the_sale_starts_the_declarations_clock(
    dealer_a, exporter, kazakhstan
):
    today = dealer_a.today()
    sold = today - timedelta(days=58)
    sale = make_sale(dealer_a, exporter, kazakhstan, days_ago=58, transferred_on=sold)
    assert sale.transferred_on == sold
    assert sale.payment_due_on == sold  # paid on transfer
    [due] = deadlines.due(dealer_a, today)
    assert (due.kind, due.due_on) == (EXPORT_DECLARATION, sold + timedelta(days=60))
    # The proof that follows checks the declaration against that transfer.
    with pytest.raises(ValidationError) as refused:
        proof(
            sale,
            transferred_on=sold,
            declared_on=sold - timedelta(days=1),
            declaration_number="220120260001234567",
        )
    assert "declared_on" in refused.value.message_dict


@pytest.mark.parametrize(
    ("transferred_days_after_sale", "message"),
    [
        (-1, "The transfer cannot come before the sale on"),
        (71, "This cannot be dated after today"),
    ],
)
def test_a_transfer_before_the_sale_or_after_today_is_refused(
    dealer_a, exporter, kazakhstan, transferred_days_after_sale, message
):
    sold = dealer_a.today() - timedelta(days=70)
    with pytest.raises(ValidationError) as refused:
        make_sale(
            dealer_a,
            exporter,
            kazakhstan,
            transferred_on=sold + timedelta(days=transferred_days_after_sale),
        )
    assert message in " ".join(refused.value.message_dict["transferred_on"])
    assert not deadlines.open_sales([dealer_a]).exists()


def test_the_dashboard_follows_every_sale_however_far_its_deadline(
    client, staff_a, dealer_a, exporter, kazakhstan
):
    today = dealer_a.today()
    waiting = make_sale(dealer_a, exporter, kazakhstan, days_ago=3)
    started = make_sale(dealer_a, exporter, kazakhstan, days_ago=2, transferred_on=today)
    client.force_login(staff_a)
    page = client.get(reverse("dashboard")).content.decode()
    start = page.index('id="proofs-of-export"')
    rows = page[start : page.index("</table>", start)].split("<tr")[2:]
    assert len(rows) == 2
    assert waiting.vehicle.vin in rows[0] and "Transfer to the exporter not recorded" in rows[0]
    assert (today - timedelta(days=3)).isoformat() in rows[0] and "overdue" in rows[0]
    assert started.vehicle.vin in rows[1] and "Hangzhou Export Co." in rows[1]
    assert (today + timedelta(days=60)).isoformat() in rows[1]
    # The week's list has the overdue transfer, not the declaration two months away.
    start = page.index('id="deadlines"')
    week = page[start : page.index("</table>", start)]
    assert waiting.vehicle.vin in week and started.vehicle.vin not in week
