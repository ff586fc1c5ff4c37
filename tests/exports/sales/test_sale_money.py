"""A sale for export in the dealer's cash figures, to the cent, and a maker's export
programme in the export-or-hold comparison and the projected cash release."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from exports import cashflow, services
from exports.models import PaymentTerms
from inventory import services as inventory_services
from inventory.models import ExportProgramme
from tests.factories import ShipmentFactory, VehicleFactory

pytestmark = pytest.mark.django_db


def figures(dealer, on=None):
    return cashflow.dealer_figures([dealer], on=on)[dealer.pk]


def test_a_sale_counts_once_from_its_sale_day_to_the_cent(dealer_a, exporter, kazakhstan, line):
    today = dealer_a.today()
    car = VehicleFactory(
        dealer=dealer_a,
        acquisition_cost=D("150000.00"),
        registered_on=today - timedelta(days=300),
        stocked_on=today - timedelta(days=310),
    )
    inventory_services.vehicle_floor(
        vehicle=car, line=line, principal=D("100000"), floored_on=today - timedelta(days=30)
    )
    sold_on = today - timedelta(days=10)
    before = figures(dealer_a)
    sale = services.vehicle_sell_for_export(
        vehicle=car,
        exporter=exporter,
        destination=kazakhstan,
        price=D("23456.78"),
        currency="USD",
        fx_rate_to_base=D("7.1234"),
        sold_on=sold_on,
        payment_terms=PaymentTerms.IN_ADVANCE,
    )
    after = figures(dealer_a)
    # 23,456.78 x 7.1234 = 167,092.026652, 167,092.03 to the cent; 20 days of interest at
    # 20.00 and the 500 + 0.2% fees come off the margin with the car's cost.
    assert after.realised_export_proceeds - before.realised_export_proceeds == D("167092.03")
    assert after.realised_export_margin - before.realised_export_margin == (
        D("167092.03") - D("150000.00") - D("400.00") - D("700.00")
    )
    assert sale.floor_plan_payoff == D("101100.00")
    # The car left stock: it is neither on hand nor on the floor-plan balance any more.
    assert after.units == before.units - 1
    assert after.floor_plan_balance == before.floor_plan_balance - D("100000.00")
    # Before its sale day it is not yet realised; a cancelled sale never is.
    assert figures(dealer_a, on=sold_on - timedelta(days=1)).realised_export_proceeds == 0
    assert figures(dealer_a, on=sold_on).realised_export_proceeds == D("167092.03")
    services.export_sale_cancel(sale=sale, reason="Exporter withdrew")
    assert figures(dealer_a).realised_export_proceeds == before.realised_export_proceeds


def test_a_car_sold_for_export_is_never_counted_on_a_shipment_too(dealer_a, exporter, kazakhstan):
    today = dealer_a.today()
    car = VehicleFactory(
        dealer=dealer_a,
        registered_on=today - timedelta(days=300),
        stocked_on=today - timedelta(days=310),
    )
    services.vehicle_sell_for_export(
        vehicle=car,
        exporter=exporter,
        destination=kazakhstan,
        price=D("100000.00"),
        currency="CNY",
        sold_on=today,
        payment_terms=PaymentTerms.IN_ADVANCE,
    )
    with pytest.raises(ValidationError):
        services.shipment_add_vehicle(
            shipment=ShipmentFactory(dealer=dealer_a), vehicle=car, sale_price=D("15000")
        )
    assert figures(dealer_a).realised_export_proceeds == D("100000.00")


@pytest.fixture
def programme(dealer_a):
    today = dealer_a.today()
    return inventory_services.export_programme_save(
        programme=ExportProgramme(
            dealer=dealer_a,
            maker="BYD",
            name="Overseas push 2026",
            support_per_car=D("3500.50"),
            valid_from=today - timedelta(days=10),
            valid_to=today + timedelta(days=10),
        )
    )


def test_the_programme_support_adds_to_the_projected_cash_release(dealer_a, programme):
    car = VehicleFactory(dealer=dealer_a, export_candidate=True, list_price=D("200000.00"))
    before = figures(dealer_a).projected_cash_release
    inventory_services.vehicle_enrol(vehicle=car, programme=programme)
    assert figures(dealer_a).projected_cash_release - before == D("3500.50")
    [ranked] = cashflow.candidates_by_cash_released(dealer_a, dealer_a.today())
    assert ranked.expected_support == D("3500.50")
    # Outside the programme's dates the car earns nothing from it.
    ExportProgramme.objects.filter(pk=programme.pk).update(
        valid_to=dealer_a.today() - timedelta(days=1)
    )
    assert figures(dealer_a).projected_cash_release == before


def test_an_agreed_support_overrides_the_programmes(dealer_a, programme):
    car = VehicleFactory(dealer=dealer_a, export_candidate=True)
    before = figures(dealer_a).projected_cash_release
    inventory_services.vehicle_enrol(vehicle=car, programme=programme, support=D("1000.25"))
    assert figures(dealer_a).projected_cash_release - before == D("1000.25")


def test_a_car_of_another_make_cannot_join(dealer_a, programme):
    car = VehicleFactory(dealer=dealer_a, make="Geely")
    with pytest.raises(ValidationError) as refused:
        inventory_services.vehicle_enrol(vehicle=car, programme=programme)
    assert "BYD" in " ".join(refused.value.messages)


def test_the_vehicle_page_compares_with_the_support(staff_client, dealer_a, programme):
    car = VehicleFactory(dealer=dealer_a, list_price=D("200000.00"), export_price=D("160000.00"))
    page = staff_client.get(reverse("inventory:vehicle_detail", args=[car.pk]))
    without = page.context["decision"].cash_released
    inventory_services.vehicle_enrol(vehicle=car, programme=programme)
    page = staff_client.get(reverse("inventory:vehicle_detail", args=[car.pk]))
    decision = page.context["decision"]
    assert decision.programme_support == D("3500.50")
    assert decision.cash_released == without + D("3500.50")
    assert 'id="programme-support"' in page.content.decode()


def test_the_admin_refuses_another_makers_car_on_the_form(client, manager_a, dealer_a, programme):
    car = VehicleFactory(dealer=dealer_a, make="Geely")
    client.force_login(manager_a)
    page = client.post(
        reverse("admin:inventory_programmeenrolment_add"),
        {"programme": programme.pk, "vehicle": car.pk, "support": "100"},
    )
    assert page.status_code == 200
    assert "is for BYD cars, not Geely" in page.content.decode()
    assert not car.__class__.objects.filter(pk=car.pk, programme_enrolment__isnull=False).exists()
