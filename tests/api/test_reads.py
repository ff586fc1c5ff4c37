"""The read side of the API: candidates ranked as on their page, inspections and certificates
with the link a buyer verifies them at, shipments with their cars and milestones, and the
cash-flow figures of the dashboard, to the cent."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from exports import services as export_services
from exports.cashflow import dealer_figures
from exports.models import DestinationMarket
from tests.factories import VehicleFactory, draft_inspection, issued_inspection

pytestmark = pytest.mark.django_db


def test_cash_flow_is_the_dashboards_figures_to_the_cent(api_a, dealer_a, book, client, staff_a):
    body = api_a.get("/api/v1/cash-flow").json()
    assert body == {
        "on": dealer_a.today().isoformat(),
        "currency": "CNY",
        "units": 3,
        "aged_units": 2,
        "capital_tied_up": "300000.00",
        "carry_per_day": "245.00",
        "candidates": 2,
        "projected_cash_release": "149700.00",
        "realised_export_proceeds": "142000.00",
        "realised_export_margin": body["realised_export_margin"],
        "floor_plan_balance": "100000.00",
        "curtailments_due": 1,
        "curtailments_due_amount": "10000.00",
    }
    figures = dealer_figures([dealer_a])[dealer_a.pk]
    assert body["realised_export_margin"] == f"{figures.realised_export_margin:.2f}"


def test_candidates_come_ranked_by_cash_released(api_a, dealer_a, book):
    body = api_a.get("/api/v1/candidates").json()
    assert [row["vehicle"] for row in body["results"]] == [book["priced"].pk, book["floored"].pk]
    assert [row["cash_released"] for row in body["results"]] == ["95500.00", "54200.00"]
    floored = body["results"][1]
    assert floored["floor_plan_payoff"] == "101300.00"
    assert floored["vin"] == book["floored"].vin and floored["days_in_stock"] == 70


def test_candidates_name_their_markets_and_missing_papers(api_a, dealer_a, markets):
    from exports.candidates import rejudge

    today = dealer_a.today()
    # Registered a month ago: a used export, which China asks papers for.
    car = VehicleFactory(
        dealer=dealer_a,
        stocked_on=today - timedelta(days=100),
        registered_on=today - timedelta(days=30),
    )
    rejudge([car])
    row = api_a.get("/api/v1/candidates").json()["results"][0]
    assert row["vehicle"] == car.pk and row["markets"]
    assert {paper["kind"] for paper in row["still_needed"]}
    assert all(paper["label"] for paper in row["still_needed"])


def test_certificates_carry_the_link_a_buyer_verifies_them_at(api_a, dealer_a, maker_codes):
    car = VehicleFactory(dealer=dealer_a)
    issued = issued_inspection(car)
    draft = draft_inspection(VehicleFactory(dealer=dealer_a))
    listed = api_a.get("/api/v1/inspections").json()["results"]
    assert {row["id"] for row in listed} == {issued.pk, draft.pk}
    assert next(r for r in listed if r["id"] == draft.pk)["certificate"] is None
    certificates = api_a.get("/api/v1/certificates").json()["results"]
    assert [row["id"] for row in certificates] == [issued.pk]
    certificate = certificates[0]["certificate"]
    assert certificate["number"] == issued.certificate_number
    assert certificate["verification_url"] == (
        f"http://testserver/verify/{issued.verification_token}/"
    )
    page = Client().get(certificate["verification_url"])
    assert page.status_code == 200 and issued.certificate_number in page.content.decode()
    detail = api_a.get(f"/api/v1/inspections/{issued.pk}").json()
    assert detail["verification"] == "valid" and len(detail["readings"]) == 17
    assert detail["certificate"]["content_sha256"] == issued.content_hash


def test_a_shipment_reads_with_its_cars_milestones_and_money(api_a, dealer_a, markets):
    shipment = export_services.shipment_create(
        dealer=dealer_a,
        reference="HZ-2026-01",
        destination=DestinationMarket.objects.get(country_code="KZ"),
        consignee="Almaty Auto Trade LLP",
        fx_rate_to_base=Decimal("7.1"),
    )
    car = VehicleFactory(dealer=dealer_a, registered_on=dealer_a.today() - timedelta(days=30))
    export_services.shipment_add_vehicle(
        shipment=shipment, vehicle=car, sale_price=Decimal("21000")
    )
    listed = api_a.get("/api/v1/shipments", {"status": "draft"}).json()["results"]
    assert [(row["reference"], row["vehicles"]) for row in listed] == [("HZ-2026-01", 1)]
    body = api_a.get(f"/api/v1/shipments/{shipment.pk}").json()
    assert body["destination"] == "KZ" and body["fx_rate_to_base"] == "7.100000"
    assert [(line["vin"], line["sale_price"]) for line in body["lines"]] == [(car.vin, "21000.00")]
    assert body["lines"][0]["outstanding_papers"]
    assert [milestone["status"] for milestone in body["milestones"]] == ["draft"]
    assert body["money"]["sale_total"] == "21000.00"
    assert body["money"]["realised"] == "149100.00"
