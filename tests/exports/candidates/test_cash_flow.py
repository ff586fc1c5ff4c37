"""Cash flow: floor-plan payments, the figures every page shares, and the nightly snapshot."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from dealerhub import summary
from exports import cashflow, services
from exports.models import CashFlowSnapshot, ExportShipment
from inventory import services as inventory_services
from inventory.models import JobRun, PaymentKind, VehicleStatus
from tests.factories import FloorPlanLineFactory, VehicleFactory


def test_figures_match_the_hand_worked_example(dealer_a, book):
    figures = cashflow.dealer_figures([dealer_a])[dealer_a.pk]
    assert figures.units == 3
    assert figures.aged_units == 2  # 70 and 100 days; the threshold is 60
    assert figures.capital_tied_up == D("300000.00")
    # interest 20.00 + overhead 3 x 25.00 + depreciation 300,000 x 1.5% / 30 = 150.00
    assert figures.carry_per_day == D("245.00")
    assert figures.candidates == 2
    # floored: 160,000 - 4,500 - (100,000 + 600 + 700) = 54,200; priced: 100,000 - 4,500
    assert figures.projected_cash_release == D("149700.00")
    assert figures.floor_plan_balance == D("100000.00")
    assert (figures.curtailments_due, figures.curtailments_due_amount) == (1, D("10000.00"))
    # 20,000 USD at 7.1, against 150,000 paid for the car and 4,500 to make it ready for
    # export (inspection 800, transport 2,500, documents 1,200); it was never floored
    assert figures.realised_export_proceeds == D("142000.00")
    assert figures.realised_export_margin == D("-12500.00")


def test_candidates_rank_by_cash_released(dealer_a, book):
    ranked = list(cashflow.candidates_by_cash_released(dealer_a, dealer_a.today()))
    assert [v.pk for v in ranked] == [book["priced"].pk, book["floored"].pk]
    assert [v.cash_released for v in ranked] == [D("95500.00"), D("54200.00")]


def test_a_dealer_without_floor_plan_gets_no_payoff_and_no_interest(dealer_b):
    VehicleFactory(
        dealer=dealer_b,
        stocked_on=dealer_b.today() - timedelta(days=90),
        acquisition_cost=D("150000"),
        list_price=D("200000"),
        export_candidate=True,
    )
    figures = cashflow.dealer_figures([dealer_b])[dealer_b.pk]
    assert figures.floor_plan_balance == 0
    assert figures.carry_per_day == D("100.00")  # 25.00 overhead + 75.00 depreciation
    assert figures.projected_cash_release == D("155500.00")  # 160,000 - 4,500


def test_the_snapshot_is_one_row_per_dealer_and_day(dealer_a, book):
    services.cash_flow_snapshot_take()
    inventory_services.vehicle_change_status(
        vehicle=book["fresh"], to_status=VehicleStatus.SOLD_DOMESTIC
    )
    run = services.cash_flow_snapshot_take()
    snapshot = CashFlowSnapshot.objects.get(dealer=dealer_a)
    assert snapshot.units == 2
    assert snapshot.projected_cash_release == D("149700.00")
    assert run.counts["dealers"] == 1
    assert JobRun.objects.filter(job=services.SNAPSHOT_JOB).count() == 2


def test_the_snapshot_costs_the_same_queries_for_3_or_30_cars(
    dealer_a, dealer_b, line, django_assert_num_queries
):
    for _ in range(3):
        VehicleFactory(dealer=dealer_a, export_candidate=True)
    # One of them closes runs a killed worker left "running", one sums the curtailments owed;
    # with nothing loaded yet the shipped cars are one query (the shipments), three once there
    # are some; the candidates' programme support and the sales to exporters are one each.
    with django_assert_num_queries(17) as few:
        services.cash_flow_snapshot_take()
    for _ in range(27):
        vehicle = VehicleFactory(dealer=dealer_b, export_candidate=True)
    inventory_services.vehicle_floor(vehicle=vehicle, line=FloorPlanLineFactory(dealer=dealer_b))
    with django_assert_num_queries(len(few.captured_queries)):
        services.cash_flow_snapshot_take()


def test_snapshot_command_prints_each_dealer(dealer_a, book, capsys):
    call_command("snapshot_cash_flow", "--dealer", str(dealer_a.pk))
    out = capsys.readouterr().out
    assert f"{dealer_a.name} {dealer_a.today()}: 3 on hand (2 aged)" in out
    assert "releasing 149700.00" in out


def test_floor_plan_payments_keep_exact_balances(dealer_a, line):
    today = dealer_a.today()
    vehicle = VehicleFactory(dealer=dealer_a, acquisition_cost=D("100000"))
    plan = inventory_services.vehicle_floor(
        vehicle=vehicle, line=line, floored_on=today - timedelta(days=50)
    )
    assert plan.fees == D("700.00")
    assert plan.next_curtailment_due == today - timedelta(days=15)  # overdue
    curtail = inventory_services.floor_plan_pay(
        floor_plan=plan,
        kind=PaymentKind.CURTAILMENT,
        paid_on=today - timedelta(days=20),
        amount=D("10000"),
    )
    assert curtail.balance_after == D("90000.00")
    plan.refresh_from_db()
    assert plan.interest_accrued == D("600.00")  # 30 days at 20.00
    assert plan.next_curtailment_due == today + timedelta(days=15)  # the second, day 80
    inventory_services.floor_plan_pay(
        floor_plan=plan,
        kind=PaymentKind.INTEREST,
        paid_on=today - timedelta(days=10),
        amount=D("780"),  # 600 + 10 days at 18.00
    )
    plan.refresh_from_db()
    assert plan.interest_accrued == 0 and plan.interest_paid == D("780.00")
    # 10 more days at 18.00 + 700 fees + 90,000
    assert plan.payoff(today) == D("90880.00")
    with pytest.raises(ValidationError) as wrong:
        inventory_services.floor_plan_pay(
            floor_plan=plan, kind=PaymentKind.PAYOFF, paid_on=today, amount=D("90000")
        )
    assert "90880.00" in wrong.value.message_dict["amount"][0]
    payoff = inventory_services.floor_plan_pay(
        floor_plan=plan, kind=PaymentKind.PAYOFF, paid_on=today
    )
    assert (payoff.principal, payoff.interest, payoff.fees) == (
        D("90000.00"),
        D("180.00"),
        D("700.00"),
    )
    plan.refresh_from_db()
    assert plan.paid_off_on == today and plan.payoff(today) == 0
    assert plan.next_curtailment_due is None


@pytest.mark.parametrize(
    ("paid", "due", "amount", "rows"),
    [
        # Floored 70 days ago on 10% after 35 days then every 30, two
        # instalments are overdue (days 35 and 65); each is listed and counted, and paying the
        # older leaves the other counted, still overdue. Day 95 is outside the 7-day window.
        ([], 2, D("20000.00"), [(35, "10000.00"), (5, "10000.00")]),
        ([D("10000")], 1, D("10000.00"), [(5, "10000.00")]),
        ([D("15000")], 1, D("5000.00"), [(5, "5000.00")]),
        ([D("10000"), D("10000")], 0, D("0"), []),
    ],
)
def test_every_overdue_curtailment_is_listed_and_counted(dealer_a, line, paid, due, amount, rows):
    today = dealer_a.today()
    vehicle = VehicleFactory(dealer=dealer_a, acquisition_cost=D("100000"))
    plan = inventory_services.vehicle_floor(
        vehicle=vehicle, line=line, floored_on=today - timedelta(days=70)
    )
    for each in paid:
        inventory_services.floor_plan_pay(
            floor_plan=plan, kind=PaymentKind.CURTAILMENT, paid_on=today, amount=each
        )
    figures = cashflow.dealer_figures([dealer_a], on=today)[dealer_a.pk]
    assert (figures.curtailments_due, figures.curtailments_due_amount) == (due, amount)
    listed = summary.dealer_summary(dealer_a, on=today).curtailments
    assert [((today - each.due_on).days, str(each.amount)) for each in listed] == rows


@pytest.mark.parametrize(
    ("kind", "days_ago", "amount", "field"),
    [
        (PaymentKind.CURTAILMENT, 5, D("100001"), "amount"),
        (PaymentKind.CURTAILMENT, 5, D("-1"), "amount"),
        (PaymentKind.INTEREST, 5, D("1000"), "amount"),  # 25 days at 20.00 = 500 due
        (PaymentKind.CURTAILMENT, 40, D("100"), "paid_on"),  # before flooring
        (PaymentKind.CURTAILMENT, -1, D("100"), "paid_on"),  # tomorrow
    ],
)
def test_a_wrong_payment_is_refused_by_field_and_changes_nothing(
    dealer_a, line, kind, days_ago, amount, field
):
    today = dealer_a.today()
    vehicle = VehicleFactory(dealer=dealer_a, acquisition_cost=D("100000"))
    plan = inventory_services.vehicle_floor(
        vehicle=vehicle, line=line, floored_on=today - timedelta(days=30)
    )
    with pytest.raises(ValidationError) as refused:
        inventory_services.floor_plan_pay(
            floor_plan=plan, kind=kind, paid_on=today - timedelta(days=days_ago), amount=amount
        )
    assert field in refused.value.message_dict
    plan.refresh_from_db()
    assert (plan.balance, plan.interest_accrued, plan.payments.count()) == (D("100000"), 0, 0)


def test_flooring_refuses_another_dealers_line_and_an_exhausted_credit_limit(
    dealer_a, dealer_b, line
):
    vehicle = VehicleFactory(dealer=dealer_a, acquisition_cost=D("100000"))
    with pytest.raises(ValidationError) as other:
        inventory_services.vehicle_floor(
            vehicle=vehicle, line=FloorPlanLineFactory(dealer=dealer_b)
        )
    assert "line" in other.value.message_dict
    line.credit_limit = D("150000")
    line.save()
    inventory_services.vehicle_floor(vehicle=vehicle, line=line)
    second = VehicleFactory(dealer=dealer_a, acquisition_cost=D("60000"))
    with pytest.raises(ValidationError) as limit:
        inventory_services.vehicle_floor(vehicle=second, line=line)
    assert "50000" in limit.value.message_dict["principal"][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [("apr_pct", D("120")), ("apr_pct", D("-1")), ("fee_pct", D("101")), ("flat_fee", D("-5"))],
)
def test_absurd_line_terms_are_refused_by_field(dealer_a, field, value):
    line = FloorPlanLineFactory.build(dealer=dealer_a, **{field: value})
    with pytest.raises(ValidationError) as refused:
        inventory_services.floor_plan_line_save(line=line)
    assert field in refused.value.message_dict


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("export_discount_pct", D("100")),
        ("domestic_markdown_pct", D("150")),
        ("depreciation_pct_per_30d", D("-2")),
        ("daily_overhead_per_unit", D("-1")),
        ("aging_bucket_edges", "30,20"),
    ],
)
def test_absurd_dealer_settings_are_refused_by_field(dealer_a, field, value):
    setattr(dealer_a, field, value)
    with pytest.raises(ValidationError) as refused:
        dealer_a.full_clean()
    assert field in refused.value.message_dict


def test_every_constraint_message_can_be_shown():
    """Django fills a constraint's message with its name, so a bare % would break the page."""
    from django.apps import apps

    for model in apps.get_models():
        for constraint in model._meta.constraints:
            assert constraint.get_violation_error_message()


@pytest.mark.parametrize(
    ("incoterm", "realised"),
    [
        ("FOB", D("142000.00")),  # the buyer pays the carriage: 20,000 USD x 7.1
        ("CFR", D("134900.00")),  # less 1,000 USD freight
        ("CIF", D("134190.00")),  # and 100 USD insurance
    ],
)
def test_realised_proceeds_are_net_of_what_the_seller_pays_under_its_incoterm(
    dealer_a, book, incoterm, realised
):
    ExportShipment.objects.filter(dealer=dealer_a, status="loaded").update(
        incoterm=incoterm, freight_cost=D("1000"), insurance_cost=D("100")
    )
    figures = cashflow.dealer_figures([dealer_a], dealer_a.today())[dealer_a.pk]
    assert figures.realised_export_proceeds == realised
    assert figures.realised_export_margin == realised - D("150000.00") - D("4500.00")
