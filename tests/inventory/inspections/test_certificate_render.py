"""The certificate as buyers and staff get it: the body diagram, the QR code and the PDF."""

import base64
import io
import re
import xml.etree.ElementTree as ET

import pytest
import segno
from django.utils import translation
from pypdf import PdfReader

from inventory import certificate_render, services
from inventory.certificate_render import (
    ResourceRefused,
    car_outline_svg,
    certificate_html,
    inline_only_fetcher,
    qr_data_uri,
    qr_svg,
    render_certificate_pdf,
)
from inventory.models import PaintReading, PaintVerdict, Panel
from tests.factories import VehicleFactory, draft_inspection, issued_inspection

SVG = "{http://www.w3.org/2000/svg}"
VERIFY_URL = "https://dealerhub.example/verify/abc123"


def parse(svg):
    """The SVG as XML: this also proves the markup is well formed, whatever the labels held."""
    return ET.fromstring(str(svg))


def panel_groups(root):
    return {g.get("data-panel"): g for g in root.iter(f"{SVG}g") if g.get("data-panel")}


def legend_fill(root, verdict):
    entry = next(
        g
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "legend-entry" and g.get("data-verdict") == verdict
    )
    return entry.find(f"{SVG}rect").get("fill")


def pdf_text(pdf):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf_fonts(pdf):
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


# The diagram


def test_outline_draws_every_body_panel_once():
    root = parse(car_outline_svg({}))

    groups = [g for g in root.iter(f"{SVG}g") if g.get("data-panel")]
    assert len(groups) == 17
    assert {g.get("data-panel") for g in groups} == set(Panel.values)
    assert all(g.find(f"{SVG}path") is not None for g in groups)


def test_repainted_panel_is_drawn_in_the_repaint_colour_with_its_title_and_code():
    verdicts = dict.fromkeys(Panel.values, PaintVerdict.ORIGINAL)
    verdicts[Panel.HOOD] = PaintVerdict.REPAINT_SUSPECTED
    with translation.override("en"):
        root = parse(car_outline_svg(verdicts))

    hood = panel_groups(root)["hood"]
    assert hood.get("data-verdict") == "repaint_suspected"
    assert hood.find(f"{SVG}title").text == "Hood: Repaint suspected"
    fill = hood.find(f"{SVG}path").get("fill")
    assert fill == legend_fill(root, "repaint_suspected") == "#ffb300"
    assert fill != panel_groups(root)["roof"].find(f"{SVG}path").get("fill")
    # Colour is not the only signal: the panel also carries the code the legend explains.
    assert hood.find(f"{SVG}text").text == "RP"


def test_a_panel_without_a_verdict_is_hatched_and_says_it_was_not_recorded():
    with translation.override("en"):
        root = parse(car_outline_svg({"hood": "original", "roof": ""}))

    for panel in ("roof", "trunk"):
        group = panel_groups(root)[panel]
        assert group.get("data-verdict") == ""
        assert group.find(f"{SVG}path").get("fill").startswith("url(#")
        assert group.find(f"{SVG}title").text.endswith(": Not recorded")
    pattern_id = root.find(f"{SVG}defs/{SVG}pattern").get("id")
    assert panel_groups(root)["roof"].find(f"{SVG}path").get("fill") == f"url(#{pattern_id})"


def test_outline_is_an_image_with_a_title_and_a_description_of_what_it_shows():
    verdicts = dict.fromkeys(Panel.values, PaintVerdict.ORIGINAL)
    verdicts[Panel.FRONT_DOOR_L] = PaintVerdict.FILLER_SUSPECTED
    with translation.override("en"):
        root = parse(car_outline_svg(verdicts))

    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    description = root.find(f"{SVG}desc")
    assert description.get("id") == desc_id
    assert "Filler suspected: Front door, left." in description.text
    assert "Original paint: 16 panels." in description.text


def test_outline_speaks_the_active_language():
    with translation.override("zh-hans"):
        hood_in_chinese = str(Panel.HOOD.label)
        root = parse(car_outline_svg({"hood": "repaint_suspected"}))

    assert hood_in_chinese != "Hood", "the Chinese catalogue names the hood"
    assert panel_groups(root)["hood"].find(f"{SVG}title").text.startswith(hood_in_chinese)


def test_outline_escapes_the_panel_names_it_is_given():
    name = 'Hood <script>alert("x")</script> & co'
    svg = car_outline_svg({"hood": "original"}, labels={"hood": name})

    assert "<script>" not in svg
    assert panel_groups(parse(svg))["hood"].find(f"{SVG}title").text.startswith(name)


def test_outline_without_legend_keeps_only_the_codes_as_text():
    with translation.override("en"):
        root = parse(car_outline_svg({"hood": "repaint_suspected"}, legend=False))

    texts = {text.text for text in root.iter(f"{SVG}text")}
    assert texts <= {"OK", "RP", "FL", "SR", "PR", "NM", "NR"}
    assert not [g for g in root.iter(f"{SVG}g") if g.get("class") == "legend-entry"]
    assert len(panel_groups(root)) == 17


def test_outline_refuses_a_panel_it_does_not_know():
    with pytest.raises(ValueError, match="bonnet"):
        car_outline_svg({"bonnet": "original"})


def test_two_different_outlines_do_not_share_ids():
    first = parse(car_outline_svg({"hood": "original"}))
    second = parse(car_outline_svg({"hood": "filler_suspected"}))

    assert first.find(f"{SVG}title").get("id") != second.find(f"{SVG}title").get("id")


# The QR code


def dark_modules(svg):
    """The (x, y) modules the QR SVG paints dark, read back from its path."""
    path = parse(svg).find(f"{SVG}path").get("d")
    cells = set()
    for x, y, width in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", path):
        cells.update((int(x) + dx, int(y)) for dx in range(int(width)))
    return cells


def test_qr_svg_draws_exactly_the_modules_of_the_level_m_code_for_the_address():
    # An address short enough that segno would raise the level to Q if allowed to.
    url = "https://dh.example/v/abc123"
    assert segno.make(url, error="m").error == "Q"
    code = segno.make(url, error="m", micro=False, boost_error=False)
    expected = {
        (x, y)
        for y, row in enumerate(code.matrix_iter(border=4))
        for x, dark in enumerate(row)
        if dark
    }

    svg = qr_svg(url)

    assert dark_modules(svg) == expected
    size = code.symbol_size(border=4)[0]
    root = parse(svg)
    assert root.get("viewBox") == f"0 0 {size} {size}"
    assert root.get("width") is None and root.get("height") is None


def test_qr_code_is_the_same_for_the_same_address_and_differs_for_another():
    assert qr_svg(VERIFY_URL) == qr_svg(VERIFY_URL)
    assert dark_modules(qr_svg(VERIFY_URL)) != dark_modules(qr_svg(VERIFY_URL + "x"))


def test_qr_data_uri_carries_the_same_drawing():
    prefix = "data:image/svg+xml;base64,"
    uri = qr_data_uri(VERIFY_URL)

    assert uri.startswith(prefix)
    assert base64.b64decode(uri.removeprefix(prefix)).decode() == qr_svg(VERIFY_URL)


# The PDF


@pytest.fixture
def report(dealer_a, manager_a):
    vehicle = VehicleFactory(dealer=dealer_a, colour="Pearl white")
    return issued_inspection(vehicle, by=manager_a, points={"hood": [310, 320, 330]})


def test_pdf_is_an_a4_certificate_with_its_number_vehicle_readings_and_hash(report):
    pdf = render_certificate_pdf(report, verify_url=VERIFY_URL, language="en")

    assert pdf.startswith(b"%PDF")
    first_page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert [round(float(side)) for side in first_page.mediabox[2:]] == [595, 842]
    text = pdf_text(pdf)
    assert "Inspection certificate" in text
    assert report.certificate_number in text
    assert report.vehicle.vin in text
    assert "310 · 320 · 330" in text
    assert "Repaint suspected" in text
    assert "Steel baseline: 126 µm" in text
    assert report.content_hash in text
    assert "Revoked" not in text
    assert "Superseded" not in text


def test_pdf_in_chinese_prints_chinese_labels_and_data_with_a_cjk_font(dealer_a, manager_a):
    draft = draft_inspection(VehicleFactory(dealer=dealer_a))
    draft.findings = "左前门补漆"
    services.inspection_save_draft(report=draft)
    report = services.inspection_issue(report=draft, by=manager_a)
    with translation.override("zh-hans"):
        hood = str(Panel.HOOD.label)

    pdf = render_certificate_pdf(report, verify_url=VERIFY_URL, language="zh-hans")

    text = pdf_text(pdf)
    assert "左前门补漆" in text
    assert hood != "Hood", "the Chinese catalogue names the panel"
    assert hood in text
    assert any("NotoSansCJK" in name.replace("-", "") for name in pdf_fonts(pdf))


def test_english_pdf_needs_no_cjk_font(report):
    pdf = render_certificate_pdf(report, verify_url=VERIFY_URL, language="en")

    assert not any("CJK" in name for name in pdf_fonts(pdf))


def test_arabic_certificate_reads_right_to_left(report):
    html = certificate_html(report, verify_url=VERIFY_URL, language="ar")

    assert '<html lang="ar" dir="rtl">' in html
    assert '<html lang="en" dir="ltr">' in certificate_html(
        report, verify_url=VERIFY_URL, language="en"
    )


def test_revoked_certificate_says_so_with_the_reason(report, manager_a):
    revoked = services.inspection_revoke(report=report, reason="Odometer misread", by=manager_a)

    text = pdf_text(render_certificate_pdf(revoked, verify_url=VERIFY_URL, language="en"))

    assert "REVOKED" in text
    assert "Reason: Odometer misread" in text
    assert report.certificate_number in text


def test_superseded_certificate_names_the_one_that_replaced_it(report, manager_a):
    correction = services.inspection_issue(
        report=services.inspection_revise(report=report, by=manager_a), by=manager_a
    )
    report.refresh_from_db()

    text = pdf_text(render_certificate_pdf(report, verify_url=VERIFY_URL, language="en"))

    assert "SUPERSEDED" in text
    assert f"Replaced by certificate {correction.certificate_number}." in text


def test_certificate_whose_content_changed_after_issue_is_marked(report):
    PaintReading.objects.filter(report=report, panel="hood").update(points=[120, 121, 122])

    text = pdf_text(render_certificate_pdf(report, verify_url=VERIFY_URL, language="en"))

    assert "DOES NOT MATCH THE ISSUED RECORD" in text


def test_battery_block_only_for_a_report_with_battery_readings(dealer_a, manager_a):
    electric = issued_inspection(
        VehicleFactory(dealer=dealer_a, powertrain="BEV"), by=manager_a, battery_cycle_count=140
    )
    combustion = issued_inspection(VehicleFactory(dealer=dealer_a, powertrain="ICE"), by=manager_a)

    electric_text = pdf_text(render_certificate_pdf(electric, verify_url=VERIFY_URL, language="en"))
    combustion_text = pdf_text(
        render_certificate_pdf(combustion, verify_url=VERIFY_URL, language="en")
    )

    assert "Traction battery" in electric_text
    assert "State of health 99 %" in electric_text
    assert "Charge cycles 140" in electric_text
    assert "Traction battery" not in combustion_text


def test_a_draft_has_no_certificate(dealer_a):
    draft = draft_inspection(VehicleFactory(dealer=dealer_a))

    with pytest.raises(ValueError, match="draft"):
        render_certificate_pdf(draft, verify_url=VERIFY_URL, language="en")


# Nothing from outside the document


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/logo.png",
        "file:///etc/passwd",
        "FILE:///etc/hostname",
    ],
)
def test_fetcher_refuses_anything_but_data_urls(url):
    with pytest.raises(ResourceRefused):
        inline_only_fetcher().fetch(url)


def test_fetcher_serves_data_urls():
    response = inline_only_fetcher().fetch("data:text/plain;base64,aGVsbG8=")

    assert response.read() == b"hello"


def test_rendering_stops_when_the_html_asks_for_a_file(report, monkeypatch):
    def html_with_a_file(*args, **kwargs):
        return '<html><body><img src="file:///etc/passwd"><p>x</p></body></html>'

    monkeypatch.setattr(certificate_render, "render_to_string", html_with_a_file)

    with pytest.raises(ResourceRefused):
        render_certificate_pdf(report, verify_url=VERIFY_URL, language="en")


def test_the_same_certificate_renders_to_the_same_bytes(report):
    first = render_certificate_pdf(report, verify_url=VERIFY_URL, language="en")

    assert render_certificate_pdf(report, verify_url=VERIFY_URL, language="en") == first


@pytest.fixture
def full_report(dealer_a, manager_a):
    """A certificate with everything a page can hold: a battery, two structural findings, a
    repainted panel with a spot repair, the inspector's notes and a superseded banner."""
    vehicle = VehicleFactory(dealer=dealer_a, powertrain="BEV", colour="Pearl white")
    original = issued_inspection(
        vehicle,
        by=manager_a,
        points={"hood": [310, 320, 330], "door_fl": [120, 121, 560, 122]},
        structural=[("front_rail_l", "SH"), ("a_pillar_r", "BX")],
        accident_grade="B",
        battery_tool="Launch X-431 EV (firmware 8.2)",
        battery_cell_spread_mv=12,
        battery_cycle_count=140,
        standard_ref="WM/T 9-2022",
        findings="Hood repainted (left corner).\nScratch on the rear bumper, 5 cm.\n"
        "Windshield replaced by an authorised dealer.",
    )
    services.inspection_issue(
        report=services.inspection_revise(report=original, by=manager_a), by=manager_a
    )
    original.refresh_from_db()
    return original


@pytest.mark.parametrize("language", ["en", "zh-hans", "ru", "ar"])
def test_the_certificate_fits_two_pages_in_every_language(full_report, language):
    pdf = render_certificate_pdf(full_report, verify_url=VERIFY_URL, language=language)

    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 2
    # The fingerprint is on the last page with the rest, not alone on a third.
    assert full_report.content_hash in pages[-1].extract_text()


def test_arabic_certificate_keeps_codes_numbers_and_typed_text_in_their_own_direction(
    full_report,
):
    html = certificate_html(full_report, verify_url=VERIFY_URL, language="ar")
    ltr, fsi, pop = "\u2066", "\u2068", "\u2069"

    assert f"{ltr}{full_report.vehicle.vin}{pop}" in html
    assert f"{ltr}{full_report.issued_at:%Y}" in html  # the issue time
    assert f"{fsi}CCIC Testing{pop}" in html  # typed text keeps its first letter's direction
    assert f"{fsi}Launch X-431 EV (firmware 8.2){pop}" in html
    assert f"{fsi}Hood repainted (left corner)." in html
    # A list of readings is one left-to-right block, so its order and separators stay put.
    assert '<td dir="ltr" class="end-aligned">310 · 320 · 330</td>' in html
    assert f'<figcaption dir="ltr">{VERIFY_URL}</figcaption>' in html
    assert 'class="hash-value" dir="ltr"' in html
    assert f"{ltr}{full_report.superseded_by.certificate_number}{pop}" in html


def test_a_left_to_right_certificate_carries_no_direction_marks(full_report):
    html = certificate_html(full_report, verify_url=VERIFY_URL, language="ru")

    assert not {"\u2066", "\u2068", "\u2069"} & set(html)
