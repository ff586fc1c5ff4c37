"""The candidates page's filters (market, make, days, missing paper), paging that keeps them,
ticking cars into a new shipment, and CSV and XLSX downloads of exactly the filtered list."""

import csv
import io
import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from exports import cashflow
from inventory.models import ExportVerdict
from tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db

LIST = reverse("exports:candidates")
CSV = reverse("exports:candidates_csv")
XLSX = reverse("exports:candidates_xlsx")


def verdict(*markets, needs=(), warned=()):
    """What the candidate job would have stored: the markets, the papers every one needs."""
    return ExportVerdict.objects.create(
        digest=uuid.uuid4().hex,
        markets=f" {' '.join(markets)} ",
        summary={
            "markets": list(markets),
            "needs": list(needs),
            "also": {},
            "warnings": {
                code: [{"rule": "RHD_MARKET", "message": "Check the steering rules."}]
                for code in warned
            },
            "clean": len(warned) < len(markets),
        },
    )


def candidate(dealer, *, days, markets=("KZ",), needs=(), warned=(), **facts):
    return VehicleFactory(
        dealer=dealer,
        export_candidate=True,
        export_verdict=verdict(*markets, needs=needs, warned=warned),
        stocked_on=dealer.today() - timedelta(days=days),
        **facts,
    )


def listed(response):
    rows = response.content.decode().split('id="candidates"')[1].split("</table>")[0]
    return re.findall(r'<tr data-vin="([A-Z0-9]{17})"', rows)


@pytest.fixture
def cars(dealer_a, dealer_b, markets):
    cars = {
        "kz_byd": candidate(dealer_a, days=70, needs=["inspection_report"]),
        "ru_geely": candidate(dealer_a, days=200, markets=("RU",), make="Geely"),
        "kz_geely_warned": candidate(
            dealer_a,
            days=100,
            markets=("KZ",),
            warned=("KZ",),
            make="Geely",
            needs=["manufacturer_after_sales_confirmation"],
        ),
    }
    # Another dealer's candidate, for every market and paper: never listed, never downloaded.
    candidate(dealer_b, days=120, markets=("KZ", "RU"), needs=["inspection_report"])
    return cars


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"kz_byd", "ru_geely", "kz_geely_warned"}),
        # A market the car may go to, with or without warnings.
        ({"market": "KZ"}, {"kz_byd", "kz_geely_warned"}),
        ({"make": "Geely"}, {"ru_geely", "kz_geely_warned"}),
        ({"aging": "91-180"}, {"kz_geely_warned"}),
        ({"min_days": "150"}, {"ru_geely"}),
        ({"missing": "inspection_report"}, {"kz_byd"}),
        ({"missing": "manufacturer_after_sales_confirmation", "market": "KZ"}, {"kz_geely_warned"}),
        ({"market": "KZ", "make": "Geely", "min_days": "101"}, set()),
    ],
)
def test_each_filter_narrows_the_candidates(staff_client, cars, filters, expected):
    response = staff_client.get(LIST, filters)
    assert response.status_code == 200
    vins = set(listed(response)) if expected else set()
    assert vins == {cars[name].vin for name in expected}
    if not expected:
        assert "No vehicles match these filters." in response.content.decode()


def test_a_filter_outside_the_choices_matches_nothing(staff_client, cars):
    response = staff_client.get(LIST, {"missing": "a_paper_nobody_asks_for"})
    assert "No vehicles match these filters." in response.content.decode()
    assert "Select a valid choice" in response.content.decode()


def test_paging_keeps_every_filter(staff_client, dealer_a, markets):
    for n in range(52):
        candidate(
            dealer_a,
            days=70 + n,
            make="Geely",
            needs=["inspection_report"],
            list_price=Decimal(100_000 + n),
        )
    candidate(dealer_a, days=70, make="BYD", needs=["inspection_report"])
    first = staff_client.get(LIST, {"make": "Geely", "missing": "inspection_report"})
    link = re.search(r'href="(\?[^"]*after=[^"]*)"', first.content.decode()).group(1)
    link = link.replace("&amp;", "&")
    assert "make=Geely" in link and "missing=inspection_report" in link
    second = staff_client.get(LIST + link)
    assert len(listed(first)) == 50 and len(listed(second)) == 2
    back = re.search(r'href="(\?[^"]*before=[^"]*)"', second.content.decode()).group(1)
    assert "make=Geely" in back and "missing=inspection_report" in back
    # The downloads keep the filters too.
    assert f'href="{CSV}?make=Geely&amp;missing=inspection_report"' in first.content.decode()


def test_ticked_candidates_open_the_new_shipment_form_with_those_cars(staff_client, cars):
    page = staff_client.get(LIST).content.decode()
    create = reverse("exports:shipment_create")
    assert f'action="{create}" id="select-for-shipment"' in page
    for car in cars.values():
        assert f'name="vehicle" value="{car.pk}" form="select-for-shipment"' in page
    ticked = [cars["kz_byd"].pk, cars["kz_geely_warned"].pk]
    form = staff_client.get(create, {"vehicle": ticked}).content.decode()
    for pk in ticked:
        assert re.search(rf'value="{pk}"[^>]*checked', form)
    assert cars["ru_geely"].vin not in form


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_is_exactly_the_filtered_list_in_its_ranking(staff_client, dealer_a, cars):
    cars["kz_byd"].model = '=HYPERLINK("http://example.com")'
    cars["kz_byd"].save()
    response = staff_client.get(CSV, {"market": "KZ"})
    assert response["Content-Disposition"].startswith('attachment; filename="candidates-alpha-')
    header, *rows = csv_rows(response)
    assert header[:3] == ["Rank", "VIN", "Stock number"]
    assert "Cash released (CNY)" in header
    ranked = [
        v.vin
        for v in cashflow.candidates_by_cash_released(dealer_a, dealer_a.today())
        if v.pk in {cars["kz_byd"].pk, cars["kz_geely_warned"].pk}
    ]
    assert [row[1] for row in rows] == ranked
    by_vin = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    byd = by_vin[cars["kz_byd"].vin]
    assert byd["Model"] == '\'=HYPERLINK("http://example.com")'
    assert byd["Still needed"] == "Inspection needed"
    assert by_vin[cars["kz_geely_warned"].vin]["Markets with warnings"] == "KZ"
    # 179,800.00 less the 20% export discount.
    assert byd["Export price (CNY)"] == "143840.00"


def test_the_xlsx_is_exactly_the_filtered_list_with_numbers_as_numbers(staff_client, cars):
    cars["ru_geely"].model = "=1+1"
    cars["ru_geely"].save()
    response = staff_client.get(XLSX, {"make": "Geely"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[1] == "VIN"
    assert {row[1] for row in rows} == {cars["ru_geely"].vin, cars["kz_geely_warned"].vin}
    model = next(c for c in sheet[2 if rows[0][1] == cars["ru_geely"].vin else 3] if c.column == 5)
    assert (model.value, model.data_type) == ("=1+1", "s")
    assert all(isinstance(row[-1], int | float) for row in rows)


def test_a_download_with_a_bad_filter_goes_back_to_the_list(staff_client, cars):
    response = staff_client.get(CSV, {"min_days": "-3"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(LIST)
    assert "Correct the filters before downloading." in response.content.decode()


def test_another_dealers_staff_see_and_download_only_their_own(client, cars, dealer_b):
    from tests.factories import MembershipFactory, UserFactory

    member = UserFactory(username="staff_b")
    MembershipFactory(user=member, dealer=dealer_b)
    client.force_login(member)
    theirs = set(listed(client.get(LIST)))
    assert len(theirs) == 1
    assert not theirs & {car.vin for car in cars.values()}
    _header, *rows = csv_rows(client.get(CSV))
    assert [row[1] for row in rows] == list(theirs)


def test_the_page_and_its_downloads_cost_the_same_queries_for_three_cars_or_thirty(
    staff_client, dealer_a, markets
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def costs():
        counts = []
        for path in (LIST, CSV, XLSX):
            with CaptureQueriesContext(connection) as queries:
                response = staff_client.get(path, {"make": "BYD", "missing": "inspection_report"})
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)
            counts.append(len(queries.captured_queries))
        return counts

    for _ in range(3):
        candidate(dealer_a, days=70, needs=["inspection_report"])
    few = costs()
    for _ in range(27):
        candidate(dealer_a, days=70, needs=["inspection_report"])
    assert costs() == few
    page, csv_download, xlsx_download = few
    assert page <= 7 and csv_download <= 6 and xlsx_download <= 6
