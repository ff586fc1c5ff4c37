"""Chinese pages read as Chinese: country names, rule sentences and their wording, grouped
numbers and money with its sign; what machines read (CSV, inputs) stays plain."""

import re
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from core.formatting import format_money, format_number
from core.messages import Country, Message, as_data, from_data
from core.translation import message_text
from dealerhub import reports
from exports import services
from exports.models import AppliesTo, DestinationMarket, MarketRule
from tests.factories import (
    InventoryReportFactory,
    ShipmentFactory,
    ShipmentLineFactory,
    VehicleFactory,
)

pytestmark = pytest.mark.django_db

# What Chinese pages printed in English before: the markets' names, the origin heading and
# sentences and wording of the seeded rules.
ENGLISH = [
    "China",
    "Kazakhstan",
    "Kyrgyzstan",
    "Uzbekistan",
    "Russia",
    "Saudi Arabia",
    "United Arab Emirates",
    "Pakistan",
    "Australia",
    "Egypt",
    "Jordan",
    "Origin rules",
    "25y+",
    "personal 12 months",
    "SEVS via RAW",
    "SASO/SEEP portal",
    " may not be imported",
    "takes right-hand-drive cars",
    "treats this car as",
    "Cars under 3 years old",
    "Inspection needed",
]
# Amounts written with the currency's code ("CNY 97,800.00", "84372.00 CNY") instead of ¥.
CODED_AMOUNT = re.compile(r"CNY ?-?[\d,]+\.\d\d|\d\.\d\d ?CNY")


def visible_text(html):
    """What a reader sees: the page without its tags, scripts and attribute values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def lot(dealer_a, markets, settings, tmp_path):
    """A right-hand-drive car for 97,800 that several markets refuse in words, flagged as a
    candidate, and a shipment to Kazakhstan with another car on it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    today = dealer_a.today()
    car = VehicleFactory(
        dealer=dealer_a,
        list_price=Decimal("97800"),
        odometer_km=12,
        steering_side="RHD",
        manufactured_on=today - timedelta(days=200),
        stocked_on=today - timedelta(days=120),
    )
    services.export_candidates_flag(dealer=dealer_a, on=today)
    car.refresh_from_db()
    shipment = ShipmentFactory(dealer=dealer_a)
    ShipmentLineFactory(
        shipment=shipment, vehicle=VehicleFactory(dealer=dealer_a), sale_price=Decimal("21000")
    )
    return car, shipment


def chinese(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_main_staff_pages_in_chinese_show_no_english_rules_or_countries(staff_client, lot):
    car, shipment = lot
    assert car.export_candidate
    pages = [
        reverse("dashboard"),
        reverse("inventory:vehicle_list"),
        car.get_absolute_url(),
        reverse("exports:vehicle_eligibility", args=[car.pk]),
        reverse("exports:candidates"),
        reverse("exports:shipment_list"),
        shipment.get_absolute_url(),
    ]
    for url in pages:
        text = visible_text(chinese(staff_client, url))
        found = [english for english in ENGLISH if english in text]
        assert found == [], url
        assert not CODED_AMOUNT.search(text), url


def test_the_export_check_names_countries_and_keeps_rule_codes_secondary(staff_client, lot):
    car, _shipment = lot
    html = chinese(staff_client, reverse("exports:vehicle_eligibility", args=[car.pk]))
    assert "始发国规则（中国），适用于所有市场" in html  # noqa: RUF001 (Chinese punctuation)
    assert "哈萨克斯坦" in html and "澳大利亚" in html
    # Australia's pathways, in Chinese with the sentence around them.
    assert "车龄 25 年以上, 个人在境外持有满 12 个月" in html
    # Kazakhstan refuses right-hand drive: the country named, the code a small detail.
    row = html.split('data-market="KZ"')[1].split("</tr>")[0]
    assert "哈萨克斯坦禁止进口右舵车。" in row
    assert re.search(r'<small class="muted rule-code"[^>]*>RHD_PROHIBITED', row)


def test_english_pages_name_the_countries_too(staff_client, lot):
    car, _shipment = lot
    html = staff_client.get(reverse("exports:vehicle_eligibility", args=[car.pk])).content
    html = html.decode()
    assert "Origin rules (China), for every market" in html
    row = html.split('data-market="KZ"')[1].split("</tr>")[0]
    assert "Right-hand-drive cars may not be imported into Kazakhstan." in row


def test_a_chinese_page_groups_numbers_and_money_and_the_csv_stays_raw(staff_client, lot):
    car, _shipment = lot
    page = chinese(staff_client, car.get_absolute_url())
    assert '<dd id="list-price">¥97,800.00</dd>' in page
    listing = chinese(staff_client, reverse("inventory:vehicle_list"))
    assert ">97,800<" in listing
    assert "97800" not in visible_text(listing)
    csv = b"".join(staff_client.get(reverse("inventory:vehicle_csv")).streaming_content)
    assert b"97800.00" in csv and b"97,800" not in csv


def test_the_edit_form_keeps_the_price_ungrouped(staff_client, lot):
    car, _shipment = lot
    form = chinese(staff_client, reverse("inventory:vehicle_edit", args=[car.pk]))
    assert re.search(r'name="list_price"[^>]*value="97800(\.00)?"', form)


def test_candidates_show_money_with_its_sign_in_both_languages(staff_client, lot):
    for language in ("en", "zh-hans"):
        html = staff_client.get(
            reverse("exports:candidates"), HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
        assert re.search(r"<strong>¥[\d,]+\.\d\d</strong>", html), language


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (Decimal("97800"), "CNY", "¥97,800.00"),
        (Decimal("84372"), "CNY", "¥84,372.00"),
        (Decimal("1234.5"), "USD", "$1,234.50"),
        (Decimal("-1200.5"), "EUR", "-€1,200.50"),
        (Decimal("1000000"), "KZT", "KZT 1,000,000.00"),
        (Decimal("-0.001"), "CNY", "¥0.00"),
        (Decimal("5"), "", "5.00"),
        (None, "CNY", "—"),
    ],
)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_money_reads_the_same_in_english_and_chinese(language, amount, currency, shown):
    with translation.override(language):
        assert format_money(amount, currency) == shown


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_numbers_are_grouped_in_english_and_chinese(language):
    with translation.override(language):
        assert format_number(97800) == "97,800"
        assert format_number(Decimal("12345.678"), 1) == "12,345.7"
        assert format_number("—") == "—"


def test_rule_sentences_name_the_country_and_group_their_numbers():
    message = Message(
        "%(country)s admits %(units)s EVs duty-free a year; after the quota the duty is "
        "%(duty)s%% of the customs value.",
        country=Country("UZ"),
        units=10000,
        duty=15,
    )
    # The rules still compare and read the code; readers get the name.
    assert str(message).startswith("UZ admits 10000 EVs")
    with translation.override("en"):
        assert message_text(message).startswith("Uzbekistan admits 10,000 EVs")
    with translation.override("zh-hans"):
        assert message_text(message).startswith("乌兹别克斯坦每年允许 10,000 辆电动车免税进口")
    # A stored reason keeps its country as a country.
    with translation.override("zh-hans"):
        assert message_text(from_data(as_data(message))) == message_text(message)


def test_a_market_an_operator_named_keeps_its_name_where_the_catalogue_has_none(markets):
    market = DestinationMarket.objects.get(country_code="KZ")
    with translation.override("zh-hans"):
        assert market.display_name == "哈萨克斯坦"
        assert str(market) == "哈萨克斯坦 (KZ)"
    market.name = "Republic of Kazakhstan"
    with translation.override("en"):
        assert market.display_name == "Republic of Kazakhstan"
    with translation.override("zh-hans"):
        assert market.display_name == "哈萨克斯坦"
    unknown = DestinationMarket(country_code="TZ", name="Tanzania")
    with translation.override("zh-hans"):
        assert unknown.display_name == "Tanzania"


def test_the_job_runs_read_in_chinese_in_the_admin(client, manager_a, dealer_a, markets):
    services.export_candidates_flag(dealer=dealer_a, on=date.today())
    client.force_login(manager_a)
    html = client.get(
        reverse("admin:inventory_jobrun_changelist"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "标记出口候选车辆" in html and "已评估车辆: " in html
    assert "flag export candidates" not in visible_text(html)
    assert "fingerprint" not in html


def test_the_rule_admin_shows_applies_to_in_words(client, manager_a, markets):
    rule = MarketRule.objects.filter(applies_to=["used"]).first()
    client.force_login(manager_a)
    listing = client.get(
        reverse("admin:exports_marketrule_changelist"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert '["used"]' not in listing
    page = client.get(
        reverse("admin:exports_marketrule_change", args=[rule.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert '["used"]' not in page
    with translation.override("zh-hans"):
        assert str(MarketRule._meta.get_field("applies_to").verbose_name) in page
        assert str(AppliesTo.USED.label) in page


def test_operators_still_edit_applies_to_as_json(client, operator, markets):
    rule = MarketRule.objects.filter(applies_to=["used"]).first()
    client.force_login(operator)
    page = client.get(reverse("admin:exports_marketrule_change", args=[rule.pk])).content
    assert b'name="applies_to"' in page and b"[&quot;used&quot;]" in page
    assert b"Used vehicles" in page


def test_the_workbook_holds_numbers_with_grouping_formats(dealer_a, book, tmp_path):
    """Counts and days group like the pages (1,234) and money to the cent, as numbers a
    spreadsheet can add up; the model year stays a plain year."""
    report = InventoryReportFactory(dealer=dealer_a)
    reports.write_workbook(report, tmp_path / "r.xlsx")
    workbook = openpyxl.load_workbook(tmp_path / "r.xlsx")
    summary = {row[0].value: row[1] for row in workbook["Summary"].iter_rows() if row[0].value}
    cars = summary["Cars on hand"]
    assert cars.value == 3 and cars.number_format == "#,##0"
    capital = summary["Capital tied up"]
    assert capital.value == 300000 and capital.number_format == "#,##0.00"
    aged = workbook["Aged stock"]
    header = [cell.value for cell in aged[1]]
    first = aged[2]
    days = first[header.index("Days in stock")]
    assert isinstance(days.value, int) and days.number_format == "#,##0"
    year = first[header.index("Model year")]
    assert isinstance(year.value, int) and year.number_format == "General"
