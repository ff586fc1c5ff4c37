"""The public page a buyer opens from a certificate's QR code: what it says, in which language,
and how often one address may ask."""

import importlib
import re
import secrets
from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from inventory import certificates, public, services
from inventory.models import InspectionReport, PaintReading, Panel
from tests.factories import UserFactory, VehicleFactory, draft_inspection, issued_inspection

REPAINTED_HOOD = [240, 250, 260]


@pytest.fixture(autouse=True)
def empty_cache():
    """The rate limit counts in the shared cache; every test starts from no requests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen_minute(monkeypatch):
    """A clock the rate limiter reads, set to the start of a minute, that a test can move on."""
    clock = SimpleNamespace(now=1_800_000_000.0)
    monkeypatch.setattr(public, "time", SimpleNamespace(time=lambda: clock.now))
    return clock


@pytest.fixture
def inspector(db):
    return UserFactory(username="wang.fang", first_name="Fang", last_name="Wang")


@pytest.fixture
def vehicle(dealer_a):
    return VehicleFactory(
        dealer=dealer_a,
        colour="Pearl white",
        stock_number="STK-9911",
        acquisition_cost=Decimal("153217.00"),
        list_price=Decimal("187654.00"),
        export_price=Decimal("176543.00"),
    )


@pytest.fixture
def report(vehicle, inspector):
    draft = draft_inspection(
        vehicle,
        points={"hood": REPAINTED_HOOD},
        structural=[("front_rail_l", "SH")],
        accident_grade="B",
        grade="B2",
        verdict="conditional",
        battery_tool="Launch X-431",
        battery_cell_spread_mv=18,
    )
    draft.findings = "Left front rail welded after a minor collision."
    services.inspection_save_draft(report=draft)
    return services.inspection_issue(report=draft, by=inspector)


def page(client, report_or_token, **params):
    token = getattr(report_or_token, "verification_token", report_or_token)
    headers = params.pop("headers", {})
    extra = {"REMOTE_ADDR": params.pop("remote_addr")} if "remote_addr" in params else {}
    return client.get(reverse("verify", args=[token]), params, headers=headers, **extra)


def panel_row(html, panel):
    match = re.search(rf'<tr id="panel-{panel}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {panel}"
    return match.group(1)


def text(response):
    return response.content.decode()


# What a buyer sees


def test_valid_certificate_without_login_shows_vehicle_certificate_and_every_reading(
    client, report, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        response = page(client, report)

    html = text(response)
    assert response.status_code == 200
    assert 'class="verification state-valid"' in html
    assert "This certificate is valid" in html
    assert report.vehicle.vin in html
    assert report.certificate_number in html
    for fact in ("BYD", "Seal", "2025", "Pearl white", "12 km", "Not registered"):
        assert fact in html
    for place in ("Windshield", "Door frame", "Chassis"):
        assert f"{place}: matches" in html
    assert "CCIC Testing" in html and "CNAS L1234" in html and "Li Na" in html
    assert "Fang Wang" in html  # issued by
    assert "Front longitudinal rail, left" in html
    assert "SH welded" in html
    assert "Left front rail welded after a minor collision." in html
    assert "Launch X-431" in html and "18 mV" in html
    assert "Baseline for steel panels: 126 µm, the median of their means." in html
    assert report.content_hash in html
    assert 'id="computed-hash"' not in html
    readings = report.readings.all()
    assert len(readings) == len(Panel.values)
    for reading in readings:
        row = panel_row(html, reading.panel)
        assert str(reading.get_panel_display()) in row
        assert f">{reading.microns}<" in row
        assert str(reading.get_verdict_display()) in row
    hood = panel_row(html, "hood")
    assert "240, 250, 260" in hood and "Repaint suspected" in hood
    assert 'data-panel="hood" data-verdict="repaint_suspected"' in html  # the car outline


def test_a_car_without_traction_battery_has_no_battery_block(client, dealer_a, inspector):
    report = issued_inspection(VehicleFactory(dealer=dealer_a, powertrain="ICE"), by=inspector)

    html = text(page(client, report))

    assert "This certificate is valid" in html
    assert "Traction battery" not in html


def test_page_shows_no_prices_stock_numbers_staff_or_photos(
    client, vehicle, inspector, manager_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    draft = draft_inspection(vehicle)
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    services.inspection_add_photos(
        report=draft,
        images=[SimpleUploadedFile("hood.png", buffer.getvalue(), content_type="image/png")],
        caption="Hood close-up",
        by=manager_a,
    )
    report = services.inspection_issue(report=draft, by=inspector)
    services.inspection_revoke(report=report, reason="Issued for the wrong car.", by=manager_a)

    html = text(page(client, report))

    for secret in ("153217", "153,217", "187654", "187,654", "176543", "176,543", "STK-9911"):
        assert secret not in html
    assert "manager_a" not in html
    assert "<img" not in html and "Hood close-up" not in html and "/media/" not in html


def test_draft_and_unknown_tokens_are_not_found(client, vehicle):
    draft = draft_inspection(vehicle)

    for token in (draft.verification_token, secrets.token_urlsafe(24)):
        response = page(client, token)
        assert response.status_code == 404
        assert "No certificate with this link" in text(response)
        assert vehicle.vin not in text(response)


def test_only_get_is_answered(client, report):
    response = client.post(reverse("verify", args=[report.verification_token]))

    assert response.status_code == 405


def test_revoked_certificate_shows_when_and_why(client, report, manager_a):
    revoked = services.inspection_revoke(
        report=report, reason="The odometer was misread.", by=manager_a
    )

    html = text(page(client, revoked))

    assert 'class="verification state-revoked"' in html
    assert "This certificate has been revoked" in html
    assert "The odometer was misread." in html
    revoked_at = revoked.revoked_at.astimezone(ZoneInfo(revoked.vehicle.dealer.time_zone))
    assert f'Revoked on <bdi dir="ltr">{revoked_at:%Y-%m-%d %H:%M} +0800</bdi>.' in html
    assert "This certificate is valid" not in html


def test_superseded_certificate_links_to_its_successor(client, report, inspector):
    correction = services.inspection_issue(
        report=services.inspection_revise(report=report, by=inspector), by=inspector
    )

    html = text(page(client, report, lang="ru"))

    assert 'class="verification state-superseded"' in html
    assert f'href="{correction.get_verification_url()}?lang=ru"' in html
    assert correction.certificate_number in html
    successor_html = text(page(client, correction))
    assert "This certificate is valid" in successor_html
    assert report.certificate_number in successor_html  # "replaces"


def test_a_correction_still_in_draft_is_not_revealed(client, report, inspector):
    draft = services.inspection_revise(report=report, by=inspector)

    html = text(page(client, report))

    assert "This certificate is valid" in html
    assert draft.verification_token not in html


def test_a_reading_changed_in_the_database_shows_tampered_with_both_hashes(client, report):
    PaintReading.objects.filter(report=report, panel="hood").update(
        points=[120, 121, 122], microns=121
    )
    computed = certificates.verify(certificates.for_certificate().get(pk=report.pk)).computed_hash

    response = page(client, report)

    html = text(response)
    assert response.status_code == 200
    assert 'class="verification state-tampered"' in html
    assert "it has been changed since it was issued. Do not rely on it." in html
    assert "This certificate is valid" not in html
    assert f'id="stored-hash">{report.content_hash}<' in html
    assert f'id="computed-hash">{computed}<' in html
    assert computed != report.content_hash


def test_findings_changed_in_the_database_show_tampered_even_when_revoked(
    client, report, manager_a
):
    services.inspection_revoke(report=report, reason="Wrong vehicle.", by=manager_a)
    InspectionReport.objects.filter(pk=report.pk).update(findings="No damage at all.")

    html = text(page(client, report))

    assert 'class="verification state-tampered"' in html
    assert "Do not rely on it." in html
    assert 'id="computed-hash"' in html
    assert "Wrong vehicle." in html  # the revocation is still told


def test_certificate_pdf_in_the_buyers_language(client, report):
    response = client.get(reverse("verify_pdf", args=[report.verification_token]), {"lang": "ar"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{report.certificate_number}.pdf"'
    assert response["Content-Language"] == "ar"
    assert response.content.startswith(b"%PDF")


def test_certificate_pdf_of_a_draft_is_not_found(client, vehicle):
    draft = draft_inspection(vehicle)

    response = client.get(reverse("verify_pdf", args=[draft.verification_token]))

    assert response.status_code == 404
    assert "No certificate with this link" in text(response)


# Language


def test_arabic_reads_right_to_left_with_arabic_labels(client, report):
    response = page(client, report, lang="ar")

    html = text(response)
    assert '<html lang="ar" dir="rtl">' in html
    assert "هذه الشهادة صالحة" in html  # This certificate is valid
    assert "رقم الهيكل (VIN)" in html  # VIN
    assert "السقف" in panel_row(html, "roof")
    assert "يُشتبه بإعادة الطلاء" in panel_row(html, "hood")  # Repaint suspected
    assert response.headers["Content-Language"] == "ar"


def test_russian_from_accept_language(client, report):
    response = page(client, report, headers={"accept-language": "ru-RU,ru;q=0.9,en;q=0.8"})

    html = text(response)
    assert '<html lang="ru" dir="ltr">' in html
    assert "Сертификат действителен" in html
    assert "Крыша" in panel_row(html, "roof")
    assert "Возможна перекраска" in panel_row(html, "hood")
    assert response.headers["Content-Language"] == "ru"


def test_chinese_from_accept_language(client, report):
    """The panel and substrate names, shared with the staff pages, are already in Chinese."""
    response = page(client, report, headers={"accept-language": "zh-CN,zh;q=0.9"})

    html = text(response)
    assert '<html lang="zh-hans" dir="ltr">' in html
    assert "车顶" in panel_row(html, "roof")
    assert "发动机盖" in panel_row(html, "hood")
    assert "钢" in panel_row(html, "hood")
    assert response.headers["Content-Language"] == "zh-hans"


def test_lang_parameter_beats_accept_language(client, report):
    html = text(page(client, report, lang="en", headers={"accept-language": "ar"}))

    assert '<html lang="en" dir="ltr">' in html
    assert "This certificate is valid" in html


def test_unknown_lang_parameter_falls_back_to_accept_language(client, report):
    html = text(page(client, report, lang="de", headers={"accept-language": "ar-SA"}))

    assert '<html lang="ar" dir="rtl">' in html


def test_staff_language_and_session_do_not_choose_the_language(client, report, manager_a):
    client.force_login(manager_a)
    client.cookies["django_language"] = "zh-hans"

    html = text(page(client, report))

    assert '<html lang="en" dir="ltr">' in html
    assert "This certificate is valid" in html
    assert "manager_a" not in html


def test_language_links_keep_the_token(client, report):
    html = text(page(client, report, lang="ru"))

    path = reverse("verify", args=[report.verification_token])
    for code in ("en", "zh-hans", "ru", "ar"):
        assert f'href="{path}?lang={code}"' in html
    assert 'aria-current="true">Русский<' in html


def test_not_found_page_is_translated(client, db):
    response = page(client, "no-such-token", lang="ru")

    assert response.status_code == 404
    assert "Сертификат по этой ссылке не найден" in text(response)


# Headers


def test_headers_keep_the_page_private_and_out_of_search_engines(client, report):
    response = page(client, report)

    assert "noindex" in response.headers["X-Robots-Tag"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert {"private", "no-store"} <= {
        part.strip() for part in response.headers["Cache-Control"].split(",")
    }
    assert "Accept-Language" in response.headers["Vary"]
    assert response.headers["Content-Language"] == "en"
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert not response.cookies  # no session or CSRF cookie for a buyer


# Rate limit


@override_settings(VERIFY_RATE_LIMIT=3)
def test_requests_over_the_limit_wait_for_the_next_minute(client, report, frozen_minute):
    assert page(client, secrets.token_urlsafe(24)).status_code == 404  # guesses count too
    assert page(client, secrets.token_urlsafe(24)).status_code == 404
    assert page(client, report).status_code == 200

    frozen_minute.now += 15
    refused = page(client, report, lang="ru")

    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "45"
    assert "Слишком много запросов" in text(refused)
    assert "noindex" in refused.headers["X-Robots-Tag"]
    assert report.vehicle.vin not in text(refused)

    assert page(client, report, remote_addr="203.0.113.9").status_code == 200

    pdf = client.get(reverse("verify_pdf", args=[report.verification_token]))
    assert pdf.status_code == 429  # the page and its PDF share one count

    frozen_minute.now += 45
    assert page(client, report).status_code == 200


@override_settings(VERIFY_RATE_LIMIT=1, TRUSTED_PROXIES=["10.0.0.0/8"])
def test_behind_a_trusted_proxy_each_buyer_counts_separately(client, report, frozen_minute):
    def via_proxy(buyer):
        return page(client, report, remote_addr="10.0.0.5", headers={"x-forwarded-for": f"{buyer}"})

    assert via_proxy("198.51.100.1").status_code == 200
    assert via_proxy("198.51.100.2").status_code == 200
    assert via_proxy("198.51.100.1").status_code == 429


@override_settings(VERIFY_RATE_LIMIT=1)
def test_forwarded_for_is_ignored_without_trusted_proxies(client, report, frozen_minute):
    assert page(client, report, headers={"x-forwarded-for": "198.51.100.1"}).status_code == 200
    assert page(client, report, headers={"x-forwarded-for": "198.51.100.2"}).status_code == 429


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("", "en"),
        ("ar-AE,ar;q=0.9", "ar"),
        ("zh-TW", "zh-hans"),
        ("de-DE,ru;q=0.5", "ru"),
        ("fr, *;q=0.1", "en"),
        ("kk-KZ,ru-RU;q=0.8,en;q=0.5", "ru"),
    ],
)
def test_accept_language_negotiation(rf, header, language):
    request = rf.get("/", headers={"accept-language": header} if header else {})

    assert public.buyer_language(request) == language


@pytest.mark.parametrize(
    ("remote", "client"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("", "unknown"),
    ],
)
def test_client_address(rf, remote, client):
    assert public.client_address(rf.get("/", REMOTE_ADDR=remote)) == client


# --- who issued it --------------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(BytesIO(content)).pages)


@pytest.fixture
def staff_hz(db):
    """A login that reads like a staff account, with a full name that does not contain it."""
    return UserFactory(username="staff.hz", first_name="Xiaoming", last_name="Zhou")


def test_page_and_certificate_name_the_issuer_never_their_login(client, vehicle, staff_hz):
    report = issued_inspection(vehicle, by=staff_hz)

    html = text(page(client, report))
    assert "Xiaoming Zhou" in html
    assert "staff.hz" not in html

    pdf = client.get(reverse("verify_pdf", args=[report.verification_token]), {"lang": "en"})
    assert pdf.status_code == 200
    printed = pdf_text(pdf.content)
    assert "Xiaoming Zhou" in printed
    assert "staff.hz" not in printed


def test_the_name_is_frozen_at_issue_and_covered_by_the_hash(client, vehicle, staff_hz):
    report = issued_inspection(vehicle, by=staff_hz)
    staff_hz.first_name, staff_hz.last_name = "Someone", "Else"
    staff_hz.save()

    html = text(page(client, report))
    assert "Xiaoming Zhou" in html and "Someone Else" not in html

    InspectionReport.objects.filter(pk=report.pk).update(issued_by_name="Someone Else")
    stored = certificates.for_certificate().get(pk=report.pk)
    assert certificates.verify(stored).state == "tampered"


@pytest.mark.parametrize(("first_name", "last_name"), [("", ""), ("  ", " ")])
def test_a_user_without_a_full_name_cannot_issue(vehicle, first_name, last_name):
    nameless = UserFactory(username="desk.7", first_name=first_name, last_name=last_name)
    draft = draft_inspection(vehicle)
    with pytest.raises(ValidationError) as refused:
        services.inspection_issue(report=draft, by=nameless)
    assert refused.value.messages == [
        "Enter your full name in your account before issuing a certificate."
    ]
    draft.refresh_from_db()
    assert (draft.status, draft.certificate_number) == ("draft", None)


def test_the_issue_page_tells_a_nameless_user_why(client, vehicle, dealer_a):
    from tests.factories import MembershipFactory

    nameless = UserFactory(username="desk.8", first_name="", last_name="")
    MembershipFactory(dealer=dealer_a, user=nameless, role="manager")
    client.force_login(nameless)
    draft = draft_inspection(vehicle)
    response = client.post(
        reverse("inventory:inspection_issue", args=[draft.pk]), {"confirmed": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert "Enter your full name in your account before issuing a certificate." in text(response)
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.parametrize("layout", [1, 2])
def test_certificates_hashed_before_the_name_was_frozen_still_verify(
    client, vehicle, staff_hz, layout
):
    report = issued_inspection(vehicle, by=staff_hz)
    # As a report issued under an earlier layout reads before the migration names its issuer.
    InspectionReport.objects.filter(pk=report.pk).update(content_version=layout, issued_by_name="")
    report.refresh_from_db()
    InspectionReport.objects.filter(pk=report.pk).update(
        content_hash=certificates.content_hash(report)
    )

    migration = importlib.import_module("inventory.migrations.0012_certificate_issuer_name")
    migration.name_the_issuers_of_earlier_certificates(django_apps, None)

    stored = certificates.for_certificate().get(pk=report.pk)
    assert stored.issued_by_name == "Xiaoming Zhou"
    assert certificates.verify(stored).state == "valid"
    html = text(page(client, report))
    assert "Xiaoming Zhou" in html and "staff.hz" not in html
    assert "This certificate is valid" in html


def test_an_earlier_issuer_without_a_full_name_is_not_named_by_login(client, vehicle, staff_hz):
    report = issued_inspection(vehicle, by=staff_hz)
    InspectionReport.objects.filter(pk=report.pk).update(content_version=2, issued_by_name="")
    report.refresh_from_db()
    InspectionReport.objects.filter(pk=report.pk).update(
        content_hash=certificates.content_hash(report)
    )
    type(staff_hz).objects.filter(pk=staff_hz.pk).update(first_name="", last_name="")

    migration = importlib.import_module("inventory.migrations.0012_certificate_issuer_name")
    migration.name_the_issuers_of_earlier_certificates(django_apps, None)

    html = text(page(client, report))
    assert "staff.hz" not in html
    assert "Issued by" not in html
    pdf = client.get(reverse("verify_pdf", args=[report.verification_token]), {"lang": "en"})
    assert "staff.hz" not in pdf_text(pdf.content)
