"""The export check on the vehicle page, documents, the market filter and rule validation."""

import re
from datetime import timedelta
from unittest.mock import patch

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from exports import services
from exports.models import DestinationMarket, MarketRule
from inventory.models import VehicleDocument
from tests.factories import MembershipFactory, VehicleFactory

pytestmark = pytest.mark.django_db


def matrix(client, vehicle, **headers):
    response = client.get(reverse("exports:vehicle_eligibility", args=[vehicle.pk]), **headers)
    assert response.status_code == 200
    return response.content.decode()


def verdict_of(body, country):
    row = re.search(rf'<tr data-market="{country}">(.*?)</tr>', body, re.S).group(1)
    return re.search(r'class="verdict verdict-(\w+)"', row).group(1)


def test_the_check_explains_every_market(staff_client, dealer_a):
    car = VehicleFactory(
        dealer=dealer_a, steering_side="LHD", registered_on=dealer_a.today() - timedelta(days=30)
    )
    body = matrix(staff_client, car)
    assert verdict_of(body, "KZ") == "needs_documents"
    assert verdict_of(body, "KE") == "blocked"
    assert verdict_of(body, "CL") == "blocked"
    assert "Kenya takes right-hand-drive cars; this car is left-hand drive." in body
    assert "Missing: Manufacturer&#x27;s after-sales service confirmation" in body
    origin = re.search(r'id="origin-reasons">(.*?)</ul>', body, re.S).group(1)
    assert "Inspection needed" in origin  # the origin rules, shown once for every market
    assert "after-sales confirmation for each destination" in origin
    assert "RHD_ONLY" in body and 'href="https://' in body
    assert (
        body.count('<tr data-market="')
        == DestinationMarket.objects.filter(is_active=True, is_origin=False).count()
    )


def test_the_check_in_chinese(staff_client, dealer_a):
    car = VehicleFactory(dealer=dealer_a)
    with translation.override("zh-hans"):
        blocked = translation.gettext("Blocked")
    body = matrix(staff_client, car, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert blocked in body and blocked != "Blocked"
    assert "this car is left-hand drive" not in body


def test_another_dealers_vehicle_has_no_check(staff_client, dealer_b):
    theirs = VehicleFactory(dealer=dealer_b)
    url = reverse("exports:vehicle_eligibility", args=[theirs.pk])
    assert staff_client.get(url).status_code == 404


@pytest.mark.parametrize("inspections", [0, 3])
def test_the_check_uses_a_fixed_number_of_queries(
    staff_client, dealer_a, inspections, django_assert_num_queries
):
    car = VehicleFactory(dealer=dealer_a)
    for _ in range(inspections):
        car.inspections.create(
            inspected_on=dealer_a.today(), inspector="Li", agency="CCIC", odometer_km=3
        )
    # session, user, vehicle, documents, latest issued inspection, markets, their rules
    with django_assert_num_queries(7):
        staff_client.get(reverse("exports:vehicle_eligibility", args=[car.pk]))


def test_filing_a_document_changes_the_check(staff_client, dealer_a):
    car = VehicleFactory(dealer=dealer_a)
    url = reverse("inventory:vehicle_document_add", args=[car.pk])
    response = staff_client.post(
        url,
        {
            "kind": "manufacturer_after_sales_confirmation",
            "country_code": "kz",
            "issuer": "BYD Auto Co., Ltd.",
            "issuer_is_listed_manufacturer": "on",
            "issued_on": dealer_a.today().isoformat(),
        },
        follow=True,
    )
    assert "filed" in response.content.decode()
    document = VehicleDocument.objects.get(vehicle=car)
    assert document.country_code == "KZ"
    body = matrix(staff_client, car)
    kz_row = re.search(r'<tr data-market="KZ">(.*?)</tr>', body, re.S).group(1)
    assert "after-sales" not in kz_row
    remove = reverse("inventory:vehicle_document_remove", args=[car.pk, document.pk])
    staff_client.post(remove)
    assert not VehicleDocument.objects.exists()


def test_a_bad_document_is_named_and_not_filed(staff_client, dealer_a):
    car = VehicleFactory(dealer=dealer_a)
    response = staff_client.post(
        reverse("inventory:vehicle_document_add", args=[car.pk]),
        {"kind": "passport", "issuer": "", "issued_on": "soon", "country_code": "KAZ"},
        follow=True,
    )
    body = response.content.decode()
    assert "Document:" in body and "Issued by:" in body and "Issued on:" in body
    assert not VehicleDocument.objects.exists()


def test_documents_of_another_dealer_are_out_of_reach(staff_client, dealer_b, manager_b):
    theirs = VehicleFactory(dealer=dealer_b)
    add = reverse("inventory:vehicle_document_add", args=[theirs.pk])
    assert staff_client.post(add, {"kind": "conformity_certificate"}).status_code == 404
    document = VehicleDocument.objects.create(
        vehicle=theirs, kind="conformity_certificate", issuer="TUV", issued_on=theirs.stocked_on
    )
    remove = reverse("inventory:vehicle_document_remove", args=[theirs.pk, document.pk])
    assert staff_client.post(remove).status_code == 404
    assert VehicleDocument.objects.filter(pk=document.pk).exists()


def test_the_inventory_list_filters_by_market(staff_client, dealer_a):
    lhd = VehicleFactory(dealer=dealer_a, stocked_on=dealer_a.today() - timedelta(days=80))
    rhd = VehicleFactory(
        dealer=dealer_a, steering_side="RHD", stocked_on=dealer_a.today() - timedelta(days=80)
    )
    services.export_candidates_flag()
    page = staff_client.get(reverse("inventory:vehicle_list"), {"market": "KZ"})
    body = page.content.decode()
    assert lhd.vin in body and rhd.vin not in body
    assert re.search(r'<option value="KZ"[^>]*>Kazakhstan</option>', body)
    kenya = staff_client.get(reverse("inventory:vehicle_list"), {"market": "KE"}).content.decode()
    assert rhd.vin in kenya and lhd.vin not in kenya


def test_the_vehicle_page_shows_the_candidate_summary(staff_client, dealer_a):
    car = VehicleFactory(
        dealer=dealer_a,
        stocked_on=dealer_a.today() - timedelta(days=80),
        registered_on=dealer_a.today() - timedelta(days=30),
    )
    services.export_candidates_flag()
    body = staff_client.get(reverse("inventory:vehicle_detail", args=[car.pk])).content.decode()
    summary = re.search(r'id="candidate-summary">(.*?)</div>', body, re.S).group(1)
    assert "KZ" in summary
    assert "Still needed for all of them: Manufacturer" in summary
    assert "Russia also needs: ERA-GLONASS" in summary
    assert reverse("exports:vehicle_eligibility", args=[car.pk]) in body


def rule_form(market, **overrides):
    data = {
        "market": market.pk,
        "rule_code": "EV_MAX_AGE_YEARS",
        "applies_to": '["ev"]',
        "params": '{"max_age_years": "three"}',
        "severity": "block",
        "source_url": "https://example.com/jo",
        "confidence": "H",
        "is_active": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    return client


def test_the_admin_refuses_bad_rule_parameters_and_names_them(
    superuser_client, django_capture_on_commit_callbacks
):
    jordan = DestinationMarket.objects.get(country_code="JO")
    url = reverse("admin:exports_marketrule_add")
    response = superuser_client.post(url, rule_form(jordan))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "max_age_years must be a whole number, not 'three'." in errors["params"][0]
    unknown = superuser_client.post(url, rule_form(jordan, rule_code="EURO_7_ONLY", params="{}"))
    assert "EURO_7_ONLY is not a rule code DealerHub knows" in str(
        unknown.context["adminform"].form.errors["rule_code"]
    )
    with (
        patch("exports.tasks.flag_export_candidates.delay") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        ok = superuser_client.post(
            url, rule_form(jordan, params='{"max_age_years": 4}', effective_from="2030-01-01")
        )
    assert ok.status_code == 302
    queued.assert_called_once_with()  # candidates are checked again once the rule is saved
    assert MarketRule.objects.filter(market=jordan, effective_from="2030-01-01").exists()


def test_the_admin_shows_a_bad_rule_that_reached_the_database(superuser_client):
    MarketRule.objects.filter(rule_code="RHD_PROHIBITED", market__country_code="KZ").update(
        params={"steering": 7}
    )
    body = superuser_client.get(
        reverse("admin:exports_marketrule_changelist"), {"q": "RHD_PROHIBITED"}
    ).content.decode()
    assert "steering must be text, not 7." in body


def test_every_paper_a_rule_can_ask_for_has_a_name_staff_understand():
    from exports.rules import Document
    from inventory.models import PAPER_LABELS, DocumentKind

    assert set(Document) == set(PAPER_LABELS)
    # The papers staff file on the vehicle page are the ones the rules know by those names.
    assert set(DocumentKind.values) < set(Document)


def _confirmation(dealer, scan):
    return {
        "kind": "manufacturer_after_sales_confirmation",
        "country_code": "KZ",
        "issuer": "BYD Auto Co., Ltd.",
        "issuer_is_listed_manufacturer": "on",
        "issued_on": dealer.today().isoformat(),
        "scan": scan,
    }


def test_the_sealed_confirmation_is_uploaded_with_its_issuer_and_date(
    staff_client, dealer_a, dealer_b, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    car = VehicleFactory(dealer=dealer_a)
    url = reverse("inventory:vehicle_document_add", args=[car.pk])
    fake = SimpleUploadedFile("confirmation.pdf", b"MZ\x90 not a pdf")
    body = staff_client.post(url, _confirmation(dealer_a, fake), follow=True).content.decode()
    assert "confirmation.pdf is not a PDF, JPEG or PNG." in body
    assert not VehicleDocument.objects.exists()

    scan = SimpleUploadedFile("confirmation.pdf", b"%PDF-1.7\n% sealed by BYD\n%%EOF\n")
    staff_client.post(url, _confirmation(dealer_a, scan))
    document = VehicleDocument.objects.get()
    assert (document.issuer, document.issued_on) == ("BYD Auto Co., Ltd.", dealer_a.today())
    served = staff_client.get(
        reverse("inventory:vehicle_document_scan", args=[car.pk, document.pk])
    )
    assert b"".join(served.streaming_content).startswith(b"%PDF-1.7")
    other_dealer = Client()
    other_dealer.force_login(MembershipFactory(dealer=dealer_b).user)
    other = other_dealer.get(reverse("inventory:vehicle_document_scan", args=[car.pk, document.pk]))
    assert other.status_code == 404
