"""A market the car may leave for only with a warning: listed, marked, and never ranked on."""

import io
import re
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from dealerhub import services as report_services
from exports import cashflow, services
from exports.models import DestinationMarket
from tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db

# PK P1 (SRO 1895(I)/2025): commercial used imports were allowed until 2026-06-30.
ON = date(2026, 8, 3)  # after that window ended
WINDOW_OPEN = date(2026, 3, 2)
LHD_SENTENCE = {
    "en": "Pakistan takes right-hand-drive cars; this car is left-hand drive.",
    "zh-hans": "巴基斯坦只接受右舵车；本车为左舵。",  # noqa: RUF001 (the catalogue's own punctuation)
}
WINDOW_SENTENCE = {
    "en": "The window for commercial imports of used cars into Pakistan ended on 2026-06-30",
    "zh-hans": "巴基斯坦的二手车商业进口窗口已于 2026-06-30 结束",
}


@pytest.fixture(autouse=True)
def mail_and_files(settings, tmp_path, markets):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"


def car(dealer, *, steering, registered, list_price="200000"):
    """A near-new BEV aged on the lot; registered (a used export) or not (a new one)."""
    return VehicleFactory(
        dealer=dealer,
        steering_side=steering,
        manufactured_on=date(2025, 11, 1),
        registered_on=date(2026, 3, 1) if registered else None,
        # Aged on every day these tests judge on, the window's last months included.
        stocked_on=date(2025, 12, 1),
        list_price=Decimal(list_price),
    )


def flagged(dealer, on, *vehicles):
    services.export_candidates_flag(dealer=dealer, on=on)
    for vehicle in vehicles:
        vehicle.refresh_from_db()
    return vehicles


@pytest.mark.parametrize(
    ("steering", "registered", "on", "warned_by"),
    [
        # PK P3, RHD_MARKET (warn): left-hand-drive cars face registration problems.
        ("LHD", False, ON, ["RHD_MARKET"]),
        ("LHD", True, WINDOW_OPEN, ["RHD_MARKET"]),
        # PK P1, COMMERCIAL_USED_MAX_AGE_YEARS: a used car after the window ended, and P3.
        ("LHD", True, ON, ["COMMERCIAL_USED_MAX_AGE_YEARS", "RHD_MARKET"]),
        # P3 says nothing against a right-hand-drive car; P1 still does once the window ended.
        ("RHD", False, ON, []),
        ("RHD", True, WINDOW_OPEN, []),
        ("RHD", True, ON, ["COMMERCIAL_USED_MAX_AGE_YEARS"]),
    ],
)
def test_pakistan_stays_listed_but_carries_the_warnings_the_car_breaks(
    dealer_a, steering, registered, on, warned_by
):
    (vehicle,) = flagged(dealer_a, on, car(dealer_a, steering=steering, registered=registered))
    assert vehicle.export_candidate and " PK " in vehicle.export_markets  # it may still go
    stored = vehicle.export_candidate_reasons["warnings"].get("PK", [])
    assert [warning["rule"] for warning in stored] == warned_by
    [pakistan] = [market for market in vehicle.export_market_list if market.code == "PK"]
    assert pakistan.doubtful == bool(warned_by)
    sentences = " ".join(pakistan.warnings)
    assert (LHD_SENTENCE["en"] in sentences) == ("RHD_MARKET" in warned_by)
    assert (WINDOW_SENTENCE["en"] in sentences) == ("COMMERCIAL_USED_MAX_AGE_YEARS" in warned_by)


@pytest.fixture
def pakistan_lot(dealer_a):
    """After PK's window: a used LHD car (PK warned by P1 and P3) and a new RHD car (PK clean)."""
    lhd = car(dealer_a, steering="LHD", registered=True)
    rhd = car(dealer_a, steering="RHD", registered=False)
    return flagged(dealer_a, ON, lhd, rhd)


def row_of(html, vin):
    [row] = [row for row in re.findall(r"<tr.*?</tr>", html, re.S) if vin in row]
    return row


def pakistan_mark(html):
    """The warning sentences behind a marked PK ("PK ⚠", with text for screen readers), or
    None when PK is listed without a mark."""
    marked = re.search(
        r'<summary title="([^"]*)">PK <span aria-hidden="true">⚠</span>'
        r'<span class="visually-hidden">[^<]+</span></summary>',
        html,
    )
    if marked:
        return marked.group(1)
    assert 'data-market="PK">PK</span>' in html
    return None


PAGES = {
    "candidates": lambda lhd, rhd: (reverse("exports:candidates"), row_of),
    "inventory list filtered to PK": lambda lhd, rhd: (
        reverse("inventory:vehicle_list") + "?market=PK",
        row_of,
    ),
    "dashboard top candidates": lambda lhd, rhd: (reverse("dashboard"), row_of),
}


# PK P1 and P3 (RHD_MARKET): wherever candidates' markets are listed, PK is marked for the
# LHD car, with the sentences one click (or hover) away, and plain for the RHD car.
@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("listing", PAGES)
def test_listing_pages_mark_pakistan_for_the_lhd_car_only(
    staff_client, pakistan_lot, listing, language
):
    lhd, rhd = pakistan_lot
    url, row = PAGES[listing](lhd, rhd)
    html = staff_client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    title = pakistan_mark(row(html, lhd.vin))
    assert LHD_SENTENCE[language] in title and WINDOW_SENTENCE[language] in title
    assert f"<li>{LHD_SENTENCE[language]}</li>" in row(html, lhd.vin)
    assert pakistan_mark(row(html, rhd.vin)) is None


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_vehicle_page_marks_pakistan_for_the_lhd_car_only(staff_client, pakistan_lot, language):
    lhd, rhd = pakistan_lot

    def candidate_summary(vehicle):
        page = staff_client.get(vehicle.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language)
        return page.content.decode().split('id="candidate-summary"')[1].split("</div>")[0]

    title = pakistan_mark(candidate_summary(lhd))
    assert LHD_SENTENCE[language] in title and WINDOW_SENTENCE[language] in title
    assert pakistan_mark(candidate_summary(rhd)) is None


# PK P3 (RHD_MARKET, warn): the export check never shows PK as plainly eligible for an LHD car.
@pytest.mark.parametrize(("steering", "warned"), [("LHD", True), ("RHD", False)])
def test_the_export_check_says_eligible_with_warnings(staff_client, dealer_a, steering, warned):
    vehicle = car(dealer_a, steering=steering, registered=False)
    html = staff_client.get(reverse("exports:vehicle_eligibility", args=[vehicle.pk]))
    row = html.content.decode().split('data-market="PK"')[1].split("</tr>")[0]
    assert "Eligible" in row
    assert ("⚠ with warnings" in row) == warned


def weekly_report(mailoutbox):
    report_services.inventory_reports_send_weekly(ignore_time=True)
    [mail] = mailoutbox
    html = mail.alternatives[0][0]
    [(_name, content, _type)] = mail.attachments
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Export candidates"]
    header = [cell.value for cell in sheet[1]]
    rows = {
        row[0]: dict(zip(header, row, strict=True))
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    return mail.body, html, rows


# PK P1 and P3, in the weekly report: the e-mail and the workbook mark PK for the LHD car.
def test_the_weekly_report_marks_pakistan_for_the_lhd_car_only(pakistan_lot, manager_a, mailoutbox):
    lhd, rhd = pakistan_lot
    text, html, rows = weekly_report(mailoutbox)
    assert "PK ⚠" in row_of(html, lhd.vin) and LHD_SENTENCE["en"] in row_of(html, lhd.vin)
    assert "⚠" not in row_of(html, rhd.vin)
    lhd_line = text.split(lhd.vin)[1].split("\n  CNY")[0]
    assert "PK ⚠" in lhd_line and LHD_SENTENCE["en"] in lhd_line
    assert "⚠" not in text.split(rhd.vin)[1].split("\n")[0]
    assert "PK ⚠" in rows[lhd.vin]["Markets"].split(", ")
    assert LHD_SENTENCE["en"] in rows[lhd.vin]["Warnings"]
    assert "PK" in rows[rhd.vin]["Markets"].split(", ") and not rows[rhd.vin]["Warnings"]


@pytest.fixture
def only_doubtful_lot(dealer_a):
    """Only Kenya and Pakistan open: the dearer used LHD car may go only to PK, with P1's and
    P3's warnings (KE takes RHD only); the cheaper new RHD car may go to both, in no doubt."""
    DestinationMarket.objects.filter(is_origin=False).exclude(country_code__in=["KE", "PK"]).update(
        is_active=False
    )
    lhd = car(dealer_a, steering="LHD", registered=True, list_price="400000")
    rhd = car(dealer_a, steering="RHD", registered=False, list_price="150000")
    return flagged(dealer_a, ON, lhd, rhd)


def ranked_by_query(client, dealer, mailoutbox):
    return [v.vin for v in cashflow.candidates_by_cash_released(dealer, dealer.today())]


def ranked_on(url, table):
    def ranked(client, dealer, mailoutbox):
        html = client.get(reverse(url)).content.decode()
        rows = html.split(f'id="{table}"')[1].split("</table>")[0]
        return re.findall(r"\b[A-HJ-NPR-Z0-9]{17}\b", rows)

    return ranked


def ranked_in_report(client, dealer, mailoutbox):
    return list(weekly_report(mailoutbox)[2])


# Ranking counts only markets in no doubt (a WARN outcome is a doubt): a car with a clean
# market comes before a car whose only markets carry warnings, whatever the cash.
@pytest.mark.parametrize(
    "ranked",
    [
        ranked_by_query,
        ranked_on("exports:candidates", "candidates"),
        ranked_on("dashboard", "top-candidates"),
        ranked_in_report,
    ],
    ids=["query", "candidates page", "dashboard", "weekly workbook"],
)
def test_a_car_with_a_clean_market_ranks_before_one_with_only_doubtful_markets(
    staff_client, dealer_a, manager_a, mailoutbox, only_doubtful_lot, ranked
):
    lhd, rhd = only_doubtful_lot
    assert lhd.export_candidate and lhd.export_markets.split() == ["PK"]  # it may still go
    order = ranked(staff_client, dealer_a, mailoutbox)
    assert list(dict.fromkeys(vin for vin in order if vin in (lhd.vin, rhd.vin))) == [
        rhd.vin,
        lhd.vin,
    ]


def test_the_vehicle_page_says_when_every_market_has_a_warning(staff_client, only_doubtful_lot):
    lhd, rhd = only_doubtful_lot
    assert 'id="only-doubtful"' in staff_client.get(lhd.get_absolute_url()).content.decode()
    assert 'id="only-doubtful"' not in staff_client.get(rhd.get_absolute_url()).content.decode()


# KZ UNDER_3Y_ONLY_OTTS_HOLDER (warn): a stored warning reads in the reader's language, the
# car's age inside it too, without judging the car again.
@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en",
            "the type approval (OTTS), a legal entity; this car is 0 years 9 months.",
        ),
        ("zh-hans", "本车车龄 0年9个月。"),
    ],
)
def test_a_stored_warning_reads_in_the_readers_language(dealer_a, language, words):
    (vehicle,) = flagged(dealer_a, ON, car(dealer_a, steering="LHD", registered=True))
    with translation.override(language):
        [kazakhstan] = [m for m in vehicle.export_market_list if m.code == "KZ"]
    assert kazakhstan.doubtful and words in " ".join(kazakhstan.warnings)
