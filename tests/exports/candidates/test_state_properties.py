"""Random sequences of what staff do all day (receive, file papers, inspect, issue, revoke,
put on a shipment, move it along, cancel, sell, floor, pay), checked after every step: each
car's candidate flag is what judging it afresh says, the nightly run finds nothing to change,
every page that counts candidates counts the same cars, and the money each page shows adds
up to the cent."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)

from dealerhub.summary import dealer_summary
from exports import candidates, services, shipments
from exports.cashflow import candidates_by_cash_released
from exports.models import DestinationMarket, ExportShipment, ShipmentStatus
from inventory import services as inventory_services
from inventory.models import (
    InspectionReport,
    InspectionStatus,
    PaymentKind,
    Vehicle,
    VehicleFloorPlan,
)
from inventory.vin import with_check_digit
from tests.factories import ShipmentFactory, draft_inspection

pytestmark = pytest.mark.django_db
S = ShipmentStatus
CONFIRMATION = "manufacturer_after_sales_confirmation"
MARKETS = ("KZ", "JO", "KE", "RU")


class StaffDay(RuleBasedStateMachine):
    """One dealer's lot; every write goes through the services a page or the admin calls."""

    dealer = staff = line = client = None  # set by the test before the machine runs

    cars = Bundle("cars")
    open_shipments = Bundle("shipments")

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.savepoint()
        self.serial = 0

    def teardown(self):
        transaction.savepoint_rollback(self.savepoint)

    def attempt(self, write, *args, **kwargs):
        """A refusal is an answer the user sees; it must leave nothing half-written."""
        try:
            with transaction.atomic():
                write(*args, **kwargs)
        except ValidationError:
            pass

    # --- what staff do --------------------------------------------------------------------

    @rule(
        target=cars,
        registered_days=st.sampled_from([None, 20, 100, 179, 181, 400]),
        stocked_days=st.sampled_from([10, 60, 61, 90]),
        odometer=st.sampled_from([0, 50, 51]),
        steering=st.sampled_from(["LHD", "RHD"]),
        powertrain=st.sampled_from(["BEV", "PHEV", "ICE"]),
        price=st.sampled_from([Decimal("99800.00"), Decimal("179800.00"), Decimal("123456.78")]),
    )
    def receive(self, registered_days, stocked_days, odometer, steering, powertrain, price):
        self.serial += 1
        today = self.dealer.today()
        return inventory_services.vehicle_receive(
            dealer=self.dealer,
            vin=with_check_digit(f"LGXCE4CB0S{self.serial:07d}"),
            by=self.staff,
            make="BYD",
            model="Seal",
            model_year=2025,
            powertrain=powertrain,
            engine_cc=None if powertrain == "BEV" else 1498,
            steering_side=steering,
            odometer_km=odometer,
            manufactured_on=today - timedelta(days=500),
            registered_on=None if registered_days is None else today - timedelta(registered_days),
            stocked_on=today - timedelta(days=stocked_days),
            acquisition_cost=price - Decimal("20000"),
            list_price=price,
        )

    @rule(car=cars, country=st.sampled_from(MARKETS), listed=st.booleans())
    def file_confirmation(self, car, country, listed):
        self.attempt(
            inventory_services.vehicle_document_add,
            vehicle=car,
            by=self.staff,
            kind=CONFIRMATION,
            country_code=country,
            issuer="BYD Auto Co., Ltd." if listed else "Some Trading Co.",
            issuer_is_listed_manufacturer=listed,
            issued_on=self.dealer.today(),
        )

    @rule(car=cars, soh=st.sampled_from([Decimal("85.0"), Decimal("95.0")]))
    def inspect_and_issue(self, car, soh):
        def issue():
            report = draft_inspection(car, battery_soh_pct=soh, battery_soh_method="bms_readout")
            inventory_services.inspection_issue(report=report, by=self.staff)

        self.attempt(issue)

    @rule(car=cars)
    def revoke_latest(self, car):
        report = (
            InspectionReport.objects.filter(vehicle=car, status=InspectionStatus.ISSUED)
            .order_by("-issued_at", "-id")
            .first()
        )
        if report is not None:
            self.attempt(
                inventory_services.inspection_revoke, report=report, reason="re-test", by=self.staff
            )

    @rule(car=cars, km=st.sampled_from([5, 49, 50, 51, 120]))
    def read_odometer(self, car, km):
        self.attempt(
            inventory_services.vehicle_update,
            vehicle=car,
            odometer_km=km,
            confirm_odometer_decrease=True,
            by=self.staff,
        )

    @rule(car=cars, to=st.sampled_from(["sold_domestic", "in_stock"]))
    def change_status(self, car, to):
        self.attempt(
            inventory_services.vehicle_change_status, vehicle=car, to_status=to, by=self.staff
        )

    @rule(car=cars, days=st.sampled_from([1, 7]))
    def reserve(self, car, days):
        self.attempt(
            inventory_services.vehicle_reserve,
            vehicle=car,
            customer_name="Wang Fang",
            expires_on=self.dealer.today() + timedelta(days=days),
            by=self.staff,
        )

    @rule(car=cars)
    def floor(self, car):
        self.attempt(inventory_services.vehicle_floor, vehicle=car, line=self.line, by=self.staff)

    @rule(car=cars, kind=st.sampled_from([PaymentKind.CURTAILMENT, PaymentKind.PAYOFF]))
    def pay_floor_plan(self, car, kind):
        plan = VehicleFloorPlan.objects.filter(vehicle=car).first()
        if plan is not None and plan.is_open:
            self.attempt(
                inventory_services.floor_plan_pay,
                floor_plan=plan,
                kind=kind,
                paid_on=self.dealer.today(),
                amount=(plan.balance / 10).quantize(Decimal("0.01"))
                if kind == PaymentKind.CURTAILMENT
                else None,
                by=self.staff,
            )

    @rule(target=open_shipments, country=st.sampled_from(MARKETS))
    def open_shipment(self, country):
        return ShipmentFactory(
            dealer=self.dealer,
            destination=DestinationMarket.objects.get(country_code=country),
            fx_rate_to_base=Decimal("7.1"),
            sale_currency="USD",
        )

    @rule(shipment=open_shipments, car=cars, price=st.sampled_from([13999, 20000]))
    def add_to_shipment(self, shipment, car, price):
        self.attempt(
            services.shipment_add_vehicle,
            shipment=shipment,
            vehicle=car,
            sale_price=Decimal(price),
            by=self.staff,
        )

    @rule(shipment=open_shipments)
    def advance(self, shipment):
        shipment.refresh_from_db()
        following = [s for s in services.next_statuses(shipment) if s != S.CANCELLED]
        if following:
            self.attempt(
                services.shipment_advance, shipment=shipment, to_status=following[0], by=self.staff
            )

    @rule(shipment=consumes(open_shipments))
    def cancel(self, shipment):
        shipment.refresh_from_db()
        if S.CANCELLED in services.next_statuses(shipment):
            self.attempt(
                services.shipment_advance,
                shipment=shipment,
                to_status=S.CANCELLED,
                reason="buyer withdrew",
                by=self.staff,
            )

    # --- what must hold after every step ---------------------------------------------------

    @invariant()
    def flags_are_fresh(self):
        vehicles = list(Vehicle.objects.filter(dealer=self.dealer).select_related("dealer"))
        fresh = candidates.fresh_judgements(vehicles)
        for vehicle in vehicles:
            judgement = fresh[vehicle.pk]
            exportable = judgement is not None and bool(judgement.markets)
            assert vehicle.export_candidate is exportable, vehicle.vin
            if exportable:
                assert vehicle.export_verdict.digest == judgement.digest, vehicle.vin
        run = services.export_candidates_flag(dealer=self.dealer, dry_run=True)
        assert (run.counts["flagged"], run.counts["unflagged"], run.counts["refreshed"]) == (
            0,
            0,
            0,
        )

    @invariant()
    def pages_count_the_same_cars_and_money(self):
        on = self.dealer.today()
        summary = dealer_summary(self.dealer, details=True)
        listed = list(candidates_by_cash_released(self.dealer, on))
        flagged = Vehicle.objects.filter(dealer=self.dealer, export_candidate=True).count()
        assert summary.figures.candidates == len(listed) == flagged
        assert [v.pk for v in summary.top_candidates] == [v.pk for v in listed[:10]]
        cash = sum((v.cash_released for v in listed), Decimal("0"))
        assert summary.figures.projected_cash_release == cash.quantize(Decimal("0.01"))
        realised = Decimal("0")
        for shipment in ExportShipment.objects.filter(dealer=self.dealer):
            money = shipments.money_of(shipment)
            if shipment.status == S.CANCELLED:
                assert money is None or money.realised == 0, shipment.reference
            elif shipment.status in shipments.LOADED_OR_LATER and money is not None:
                realised += money.realised
        assert summary.figures.realised_export_proceeds == realised
        page = self.client.get(reverse("exports:candidates"))
        assert page.status_code == 200
        assert page.context["page"].count == flagged


def test_random_days_on_the_lot_keep_flags_pages_and_money_in_step(
    client, dealer_a, staff_a, line, markets
):
    client.force_login(staff_a)
    StaffDay.dealer, StaffDay.staff, StaffDay.line, StaffDay.client = (
        dealer_a,
        staff_a,
        line,
        client,
    )
    run_state_machine_as_test(
        StaffDay,
        settings=settings(
            max_examples=12,
            stateful_step_count=14,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
