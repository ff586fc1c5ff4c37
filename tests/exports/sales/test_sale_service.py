"""Selling a car to an exporter: who may buy, which papers go with it, what happens to the car,
its floor plan and its reservation, and the cancellation."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from exports import services
from exports.models import ExportSale, PaymentTerms
from inventory import services as inventory_services
from inventory.models import (
    PaymentKind,
    Reservation,
    ReservationEnd,
    Vehicle,
    VehicleFloorPlan,
    VehicleStatus,
)
from tests.factories import (
    ShipmentFactory,
    VehicleFactory,
    issued_inspection,
    reserve,
)

pytestmark = pytest.mark.django_db


def registered_car(dealer, days_ago=200, **fields):
    today = dealer.today()
    fields.setdefault("stocked_on", today - timedelta(days=300))
    return VehicleFactory(dealer=dealer, registered_on=today - timedelta(days=days_ago), **fields)


def sell(vehicle, exporter, destination, **terms):
    terms.setdefault("price", Decimal("120000.00"))
    terms.setdefault("currency", "CNY")
    terms.setdefault("sold_on", vehicle.dealer.today())
    terms.setdefault("payment_terms", PaymentTerms.IN_ADVANCE)
    return services.vehicle_sell_for_export(
        vehicle=vehicle, exporter=exporter, destination=destination, **terms
    )


def refusal(exc_info) -> str:
    return " ".join(exc_info.value.messages)


def test_the_car_leaves_stock_as_sold_for_export_on_the_sale_day(dealer_a, exporter, kazakhstan):
    car = registered_car(dealer_a, export_candidate=True)
    sold_on = dealer_a.today() - timedelta(days=3)
    sale = sell(car, exporter, kazakhstan, sold_on=sold_on)
    car.refresh_from_db()
    assert car.status == VehicleStatus.SOLD_FOR_EXPORT
    assert car.left_stock_on == sold_on
    assert not car.export_candidate
    assert sale.registered_on == car.registered_on
    assert sale.payment_due_on == sold_on
    assert car.history.first().status == VehicleStatus.SOLD_FOR_EXPORT


@pytest.mark.parametrize(
    ("shift", "allowed"),
    [("from", True), ("before_from", False), ("until", True), ("after_until", False)],
)
def test_the_exporter_must_be_qualified_on_the_sale_day(
    dealer_a, exporter, kazakhstan, shift, allowed
):
    today = dealer_a.today()
    exporter = services.exporter_update(
        exporter=exporter,
        qualified_from=today - timedelta(days=10),
        qualified_until=today - timedelta(days=5),
    )
    sold_on = {
        "from": today - timedelta(days=10),
        "before_from": today - timedelta(days=11),
        "until": today - timedelta(days=5),
        "after_until": today - timedelta(days=4),
    }[shift]
    car = registered_car(dealer_a)
    if allowed:
        sell(car, exporter, kazakhstan, sold_on=sold_on)
        return
    with pytest.raises(ValidationError) as refused:
        sell(car, exporter, kazakhstan, sold_on=sold_on)
    assert "Hangzhou Export Co." in refusal(refused)
    if shift == "after_until":
        assert (today - timedelta(days=5)).isoformat() in refusal(refused)
    car.refresh_from_db()
    assert car.status == VehicleStatus.IN_STOCK


def test_another_dealers_exporter_cannot_buy(dealer_a, dealer_b, exporter, kazakhstan):
    car = registered_car(dealer_b)
    with pytest.raises(ValidationError) as refused:
        sell(car, exporter, kazakhstan)
    assert "exporter" in refused.value.message_dict


@pytest.mark.parametrize("price", ["0", "-1", "abc", None])
def test_the_price_is_more_than_zero(dealer_a, exporter, kazakhstan, price):
    with pytest.raises(ValidationError) as refused:
        sell(registered_car(dealer_a), exporter, kazakhstan, price=price)
    assert "price" in refused.value.message_dict


def test_a_sale_cannot_be_dated_in_the_future(dealer_a, exporter, kazakhstan):
    with pytest.raises(ValidationError) as refused:
        sell(
            registered_car(dealer_a),
            exporter,
            kazakhstan,
            sold_on=dealer_a.today() + timedelta(days=1),
        )
    assert "sold_on" in refused.value.message_dict


def test_a_foreign_currency_needs_its_rate(dealer_a, exporter, kazakhstan):
    car = registered_car(dealer_a)
    with pytest.raises(ValidationError) as refused:
        sell(car, exporter, kazakhstan, currency="USD", price=Decimal("17000"))
    assert "fx_rate_to_base" in refused.value.message_dict
    sale = sell(
        car, exporter, kazakhstan, currency="usd", price=Decimal("17000"), fx_rate_to_base="7.1"
    )
    assert sale.currency == "USD"


def test_within_days_sets_the_due_date(dealer_a, exporter, kazakhstan):
    car = registered_car(dealer_a)
    sold_on = dealer_a.today() - timedelta(days=2)
    with pytest.raises(ValidationError) as refused:
        sell(car, exporter, kazakhstan, payment_terms=PaymentTerms.WITHIN_DAYS, sold_on=sold_on)
    assert "payment_days" in refused.value.message_dict
    sale = sell(
        car,
        exporter,
        kazakhstan,
        payment_terms=PaymentTerms.WITHIN_DAYS,
        payment_days=30,
        sold_on=sold_on,
    )
    assert sale.payment_due_on == sold_on + timedelta(days=30)


def test_an_unregistered_car_cannot_be_sold_for_export(dealer_a, exporter, kazakhstan):
    car = VehicleFactory(dealer=dealer_a)
    with pytest.raises(ValidationError) as refused:
        sell(car, exporter, kazakhstan)
    assert "not registered" in refusal(refused)


def confirmation(car, country):
    return inventory_services.vehicle_document_add(
        vehicle=car,
        kind="manufacturer_after_sales_confirmation",
        country_code=country,
        issuer="BYD Auto Co., Ltd.",
        issuer_is_listed_manufacturer=True,
        issued_on=car.dealer.today() - timedelta(days=1),
    )


def test_at_180_days_the_after_sales_confirmation_is_needed(dealer_a, exporter, kazakhstan):
    car = registered_car(dealer_a, days_ago=180)
    with pytest.raises(ValidationError) as refused:
        sell(car, exporter, kazakhstan)
    assert "after-sales confirmation" in refusal(refused)
    assert "Kazakhstan" in refusal(refused)
    confirmation(car, "RU")  # one for another country does not count
    with pytest.raises(ValidationError):
        sell(car, exporter, kazakhstan)
    paper = confirmation(car, "KZ")
    sale = sell(car, exporter, kazakhstan)
    assert sale.after_sales_confirmation == paper


def test_at_181_days_no_confirmation_is_asked_for(dealer_a, exporter, kazakhstan):
    car = registered_car(dealer_a, days_ago=181)
    sale = sell(car, exporter, kazakhstan)
    assert sale.after_sales_confirmation is None


def test_the_issued_inspection_certificate_goes_with_the_car(dealer_a, exporter, kazakhstan):
    car = registered_car(dealer_a)
    report = issued_inspection(car)
    sale = sell(car, exporter, kazakhstan)
    assert sale.inspection == report


def test_the_floor_plan_is_paid_off_on_the_sale_day(dealer_a, exporter, kazakhstan, line):
    today = dealer_a.today()
    car = registered_car(dealer_a)
    plan = inventory_services.vehicle_floor(
        vehicle=car,
        line=line,
        principal=Decimal("100000"),
        floored_on=today - timedelta(days=20),
    )
    sold_on = today - timedelta(days=10)
    owed = plan.payoff(sold_on)
    # 10 days at 20.00 a day, and the 500 + 0.2% fees.
    assert owed == Decimal("100000") + Decimal("200.00") + Decimal("700.00")
    sale = sell(car, exporter, kazakhstan, sold_on=sold_on)
    plan = VehicleFloorPlan.objects.get(pk=plan.pk)
    assert plan.paid_off_on == sold_on
    assert plan.balance == 0
    payment = plan.payments.get(kind=PaymentKind.PAYOFF)
    assert payment.paid_on == sold_on
    assert payment.amount == owed
    assert sale.floor_plan_payoff == owed


def test_a_car_reserved_for_another_customer_is_refused(dealer_a, exporter, kazakhstan):
    car = registered_car(dealer_a)
    reserve(car, customer_name="Li Wei")
    with pytest.raises(ValidationError) as refused:
        sell(car, exporter, kazakhstan)
    assert "Li Wei" in refusal(refused)
    car.refresh_from_db()
    assert car.status == VehicleStatus.RESERVED
    assert Reservation.objects.open().filter(vehicle=car).exists()


def test_a_car_on_a_shipment_cannot_be_sold(dealer_a, exporter, kazakhstan, markets):
    car = registered_car(dealer_a, days_ago=400)
    shipment = ShipmentFactory(dealer=dealer_a)
    services.shipment_add_vehicle(shipment=shipment, vehicle=car)
    with pytest.raises(ValidationError) as refused:
        sell(car, exporter, kazakhstan)
    assert shipment.reference in refusal(refused)


def test_a_car_sold_for_export_cannot_join_a_shipment(dealer_a, exporter, kazakhstan):
    car = registered_car(dealer_a, days_ago=400)
    sell(car, exporter, kazakhstan)
    with pytest.raises(ValidationError):
        services.shipment_add_vehicle(shipment=ShipmentFactory(dealer=dealer_a), vehicle=car)


def test_a_car_is_sold_for_export_only_once(dealer_a, exporter, kazakhstan):
    car = registered_car(dealer_a)
    sell(car, exporter, kazakhstan)
    with pytest.raises(ValidationError):
        sell(car, exporter, kazakhstan)
    assert ExportSale.objects.count() == 1


@pytest.mark.parametrize(
    "to_status", [VehicleStatus.SOLD_FOR_EXPORT, VehicleStatus.IN_STOCK, VehicleStatus.RESERVED]
)
def test_no_bare_status_move_reaches_or_leaves_sold_for_export(
    dealer_a, exporter, kazakhstan, to_status
):
    car = registered_car(dealer_a)
    if to_status == VehicleStatus.SOLD_FOR_EXPORT:
        moving = car
    else:
        sell(car, exporter, kazakhstan)
        moving = Vehicle.objects.get(pk=car.pk)
    with pytest.raises(ValidationError) as refused:
        inventory_services.vehicle_change_status(vehicle=moving, to_status=to_status)
    assert "sale to an exporter" in refusal(refused)
    with pytest.raises(ValidationError):
        inventory_services.vehicle_update_many(
            dealer=dealer_a, updates=[(car.pk, {"status": to_status})]
        )


def test_a_car_cannot_be_received_as_sold_for_export(dealer_a):
    with pytest.raises(ValidationError):
        inventory_services.vehicle_receive(
            dealer=dealer_a,
            vin=VehicleFactory.build().vin,
            model="Seal",
            make="BYD",
            model_year=2025,
            powertrain="BEV",
            acquisition_cost=Decimal("1"),
            list_price=Decimal("2"),
            status=VehicleStatus.SOLD_FOR_EXPORT,
        )


def test_cancelling_puts_the_car_back_on_hand_with_history(dealer_a, exporter, kazakhstan):
    car = registered_car(dealer_a)
    sale = sell(car, exporter, kazakhstan)
    with pytest.raises(ValidationError):
        services.export_sale_cancel(sale=sale, reason=" ")
    services.export_sale_cancel(sale=sale, reason="Exporter withdrew")
    car.refresh_from_db()
    sale.refresh_from_db()
    assert car.status == VehicleStatus.IN_STOCK
    assert car.left_stock_on is None
    assert not sale.is_active
    assert sale.cancelled_reason == "Exporter withdrew"
    statuses = [record.status for record in car.history.order_by("history_date")]
    assert statuses[-2:] == [VehicleStatus.SOLD_FOR_EXPORT, VehicleStatus.IN_STOCK]
    assert car.history.first().history_change_reason == "Exporter withdrew"
    # Sold again, the car has one active sale.
    sell(car, exporter, kazakhstan)
    assert ExportSale.objects.active().filter(vehicle=car).count() == 1


def test_a_declared_sale_cannot_be_cancelled(dealer_a, exporter, kazakhstan):
    today = dealer_a.today()
    car = registered_car(dealer_a)
    sale = sell(car, exporter, kazakhstan, sold_on=today - timedelta(days=5))
    services.export_sale_record_proof(
        sale=sale,
        transferred_on=today - timedelta(days=4),
        declaration_number="220120260001234567",
        declared_on=today - timedelta(days=2),
    )
    with pytest.raises(ValidationError) as refused:
        services.export_sale_cancel(sale=sale, reason="changed mind")
    assert "declared" in refusal(refused)


def test_the_exporters_own_reservation_ends_as_sold(dealer_a, exporter, kazakhstan, monkeypatch):
    from exports.services import sales

    car = registered_car(dealer_a)
    reservation = reserve(car, customer_name=exporter.name)
    # Marked as the exporter's (as an accepted bid marks it), the sale completes it.
    reservation.exporter_id = exporter.pk

    class Open:
        def filter(self, **kwargs):
            return self

        def first(self):
            return reservation

    monkeypatch.setattr(sales.Reservation.objects, "open", lambda: Open())
    sell(car, exporter, kazakhstan)
    monkeypatch.undo()
    reservation.refresh_from_db()
    assert reservation.end_reason == ReservationEnd.SOLD
    car.refresh_from_db()
    assert car.status == VehicleStatus.SOLD_FOR_EXPORT
