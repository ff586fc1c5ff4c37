"""Issuing and revoking a certificate ask once before they act: the first post without a
confirmation changes nothing and asks; the confirmed one acts."""

import pytest
from django.urls import reverse

from inventory.models import InspectionStatus
from tests.confirming import confirm, confirmation_form
from tests.factories import VehicleFactory, draft_inspection, issued_inspection

pytestmark = pytest.mark.django_db


@pytest.fixture
def car(dealer_a):
    return VehicleFactory(dealer=dealer_a)


def test_issuing_asks_first_and_issues_once_confirmed(staff_client, car):
    draft = draft_inspection(car)
    page = staff_client.get(draft.get_absolute_url()).content.decode()
    assert f'data-confirm="Issue the certificate of {car.vin}?"' in page

    asked = staff_client.post(reverse("inventory:inspection_issue", args=[draft.pk]))
    assert asked.status_code == 200
    assert f"Issue the certificate of {car.vin}?" in asked.content.decode()
    assert "nobody can change the report" in asked.content.decode()
    draft.refresh_from_db()
    assert draft.status == InspectionStatus.DRAFT

    done = confirm(staff_client, asked, follow=True)
    draft.refresh_from_db()
    assert draft.status == InspectionStatus.ISSUED
    assert f"Certificate {draft.certificate_number} issued" in done.content.decode()


def test_revoking_asks_first_with_the_reason_kept_and_revokes_once_confirmed(staff_client, car):
    report = issued_inspection(car)
    page = staff_client.get(report.get_absolute_url()).content.decode()
    assert f'data-confirm="Revoke certificate {report.certificate_number}?"' in page
    url = reverse("inventory:inspection_revoke", args=[report.pk])

    no_reason = staff_client.post(url, {"reason": ""}, follow=True).content.decode()
    assert "Say why the report is revoked." in no_reason
    assert "confirm-step" not in no_reason

    asked = staff_client.post(url, {"reason": "Measured the wrong car"})
    assert f"Revoke certificate {report.certificate_number}?" in asked.content.decode()
    assert ("reason", "Measured the wrong car") in confirmation_form(asked)[1]
    report.refresh_from_db()
    assert report.status == InspectionStatus.ISSUED

    confirm(staff_client, asked)
    report.refresh_from_db()
    assert (report.status, report.revoked_reason) == ("revoked", "Measured the wrong car")


def test_another_dealers_report_is_not_found_before_any_question(staff_client, dealer_b):
    theirs = issued_inspection(VehicleFactory(dealer=dealer_b))
    draft = draft_inspection(VehicleFactory(dealer=dealer_b))
    assert (
        staff_client.post(reverse("inventory:inspection_issue", args=[draft.pk])).status_code == 404
    )
    revoke = reverse("inventory:inspection_revoke", args=[theirs.pk])
    assert staff_client.post(revoke, {"reason": "x", "confirmed": "yes"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == InspectionStatus.ISSUED
