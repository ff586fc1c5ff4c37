"""Paint judged per panel and per point on a real report: what staff see on the inspection page,
what a buyer reads on the verification page and the PDF, and how certificates issued before
per-point judging keep verifying and reading exactly as issued. Rules: domain_rules.md 4.1 and
P6 (a baseline of factory paint; a median per material survives a repainted or glass roof),
P2 (one spot among factory points is local)."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from inventory import certificates
from inventory.models import InspectionReport, PaintReading, Panel
from tests.factories import VehicleFactory, draft_inspection, issued_inspection

pytestmark = pytest.mark.django_db

# Every other panel is steel at 124-128 µm (tests/factories.py), a median of 126.
REPAINTED_ROOF = {"roof": [255, 259, 263], "front_door_l": [380, 385, 390], "hood": [128, 130, 132]}
GLASS_ROOF = {"roof": [], "hood": [240, 240, 240]}
FILLER_SPOT = {"front_door_l": [120, 118, 122, 900, 121]}


def verdicts(report):
    return {r.panel: (r.verdict, r.local_finding) for r in report.readings.all()}


@pytest.mark.parametrize(
    ("rule", "points", "substrates", "expected", "finding"),
    [
        (
            "P6 median baseline: a repainted roof is found and hides nothing",
            REPAINTED_ROOF,
            {},
            {
                "roof": ("repaint_suspected", ""),
                "front_door_l": ("repaint_suspected", ""),
                "hood": ("original", ""),
            },
            "repaint_suspected",
        ),
        (
            "P6 glass reads nothing: the steel panels still give a baseline",
            GLASS_ROOF,
            {"roof": "plastic"},
            {"roof": ("not_measurable", ""), "hood": ("repaint_suspected", "")},
            "repaint_suspected",
        ),
        (
            "P2 one filler spot in five points is local, not a whole-panel repaint",
            FILLER_SPOT,
            {},
            {"front_door_l": ("original", "filler_spot_suspected")},
            "filler_spot_suspected",
        ),
    ],
)
def test_a_report_is_judged_against_the_median_of_its_material(
    dealer_a, rule, points, substrates, expected, finding
):
    report = draft_inspection(VehicleFactory(dealer=dealer_a), points=points, substrates=substrates)
    report.refresh_from_db()
    found = verdicts(report)
    assert {panel: found[panel] for panel in expected} == expected, rule
    assert report.paint_finding == finding, rule
    assert report.paint_baselines == {"steel": 126}, rule


def test_a_car_with_nothing_measurable_says_it_cannot_be_judged(dealer_a):
    # P6: no gauge mode reads glass or plastic, so there is no baseline at all.
    report = draft_inspection(substrates=dict.fromkeys(Panel.values, "plastic"))
    report.refresh_from_db()
    assert report.paint_finding == "no_baseline"
    assert report.paint_baselines == {}
    assert report.get_paint_finding_display() == "Cannot judge: no baseline"


@pytest.mark.parametrize(
    ("rule", "own", "points", "panel", "verdict"),
    [
        # 4.1 thresholds are the dealer's own: a lower repaint limit finds a door the default
        # 200 µm leaves original (above 1.5 x 126 = 189 either way).
        ("4.1 repaint above 200", {}, [195, 195, 195], "front_door_l", "original"),
        ("4.1 repaint, dealer 190", {"paint_repaint_min_um": 190}, [195] * 3, "front_door_l",
         "repaint_suspected"),
        # A dealer who asks for more panels before trusting a median: with only three steel
        # panels measured (the rest plastic), the default judges, 4 cannot.
        ("P6 baseline from 3 panels", {}, None, "hood", "original"),
        ("P6 baseline from 4 panels", {"paint_baseline_min_panels": 4}, None, "hood",
         "no_baseline"),
    ],
)  # fmt: skip
def test_the_dealers_own_thresholds_change_the_verdict(dealer_a, rule, own, points, panel, verdict):
    for name, value in own.items():
        setattr(dealer_a, name, value)
    dealer_a.full_clean()
    dealer_a.save()
    substrates = {}
    if points is None:
        substrates = {p: "plastic" for p in Panel.values if p not in ("roof", "hood", "trunk")}
    report = draft_inspection(
        VehicleFactory(dealer=dealer_a),
        points={panel: points} if points else {},
        substrates=substrates,
    )
    assert verdicts(report)[panel][0] == verdict, rule


def test_staff_see_the_per_point_finding_on_the_inspection_page(client, staff_a, dealer_a):
    client.force_login(staff_a)
    report = draft_inspection(VehicleFactory(dealer=dealer_a), points=FILLER_SPOT)
    page = client.get(report.get_absolute_url()).content.decode()
    row = re.search(r'<tr data-panel="front_door_l">(.*?)</tr>', page, re.S).group(1)
    assert "900 <bdi" in row and "(Filler spot suspected)" in row
    assert "Original paint" in row  # the door as a whole
    assert "Steel baseline 126 µm" in page
    client.cookies["django_language"] = "zh-hans"
    page = client.get(report.get_absolute_url(), headers={"accept-language": "zh-hans"})
    assert "疑似局部原子灰" in page.content.decode()


def verify_page(client, report, lang="en"):
    url = reverse("verify", args=[report.verification_token])
    return client.get(url, {"lang": lang}).content.decode()


def pdf_text(client, report, lang="en"):
    url = reverse("verify_pdf", args=[report.verification_token])
    content = client.get(url, {"lang": lang}).content
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def test_a_new_certificate_carries_the_per_point_findings(client, dealer_a, manager_a):
    report = issued_inspection(VehicleFactory(dealer=dealer_a), by=manager_a, points=FILLER_SPOT)
    assert report.content_version == 4
    content = certificates.canonical_content(report)
    door = next(r for r in content["paint"]["readings"] if r["panel"] == "front_door_l")
    assert door["local_finding"] == "filler_spot_suspected"
    assert door["point_verdicts"][3] == "filler_spot_suspected"
    assert content["paint"]["baselines"] == {"steel": 126}

    html = verify_page(client, report)
    assert "(Filler spot suspected)" in html
    assert "Baseline for steel panels: 126 µm, the median of their means." in html
    assert "疑似局部原子灰" in verify_page(client, report, "zh-hans")
    assert "Filler spot suspected" in pdf_text(client, report)

    # The per-point verdicts are covered by the hash like every reading.
    PaintReading.objects.filter(report=report, panel="front_door_l").update(
        point_verdicts=["original"] * 5, local_finding=""
    )
    stored = certificates.for_certificate().get(pk=report.pk)
    assert certificates.verify(stored).state == "tampered"


@pytest.fixture
def v3_certificate(dealer_a, manager_a):
    """A certificate as issued before per-point judging: the roof was the baseline (259 µm),
    so the repainted door read original and the factory hood replaced, and it was hashed
    under layout 3 with no per-point fields."""
    report = issued_inspection(VehicleFactory(dealer=dealer_a), by=manager_a, points=REPAINTED_ROOF)
    readings = PaintReading.objects.filter(report=report)
    readings.update(point_verdicts=[], local_finding="", verdict="original")
    readings.filter(panel="hood").update(verdict="panel_replaced_suspected")
    readings.filter(panel="roof").update(verdict="repaint_suspected")
    InspectionReport.objects.filter(pk=report.pk).update(
        content_version=3, paint_baseline_um=259, paint_baselines={}
    )
    report = certificates.for_certificate().get(pk=report.pk)
    InspectionReport.objects.filter(pk=report.pk).update(
        content_hash=certificates.content_hash(report)
    )
    return certificates.for_certificate().get(pk=report.pk)


def test_a_certificate_issued_before_per_point_judging_still_verifies(client, v3_certificate):
    assert certificates.verify(v3_certificate).state == "valid"
    assert "point_verdicts" not in str(certificates.canonical_content(v3_certificate))
    html = verify_page(client, v3_certificate)
    assert "This certificate is valid" in html
    # It reads as issued: the roof baseline and the verdicts of then, no new wording.
    assert "Roof baseline: 259 µm. Every other panel is compared with it." in html
    assert "Panel replaced suspected" in html
    for new in ("Baseline for steel", "Spot repair suspected", "Cannot judge", 'data-point="'):
        assert new not in html
    text = pdf_text(client, v3_certificate)
    assert "Roof baseline: 259 µm" in text
    assert "Cannot judge" not in text and "Spot repair" not in text


def test_the_staff_page_of_an_old_certificate_keeps_its_roof_baseline(
    client, manager_a, v3_certificate
):
    client.force_login(manager_a)
    page = client.get(v3_certificate.get_absolute_url()).content.decode()
    assert "roof baseline 259 µm" in page
    assert "Steel baseline" not in page


def test_drafts_started_before_per_point_judging_are_judged_again(dealer_a, v3_certificate):
    import importlib

    from django.apps import apps as django_apps

    # A draft as the roof-baseline method left it: the factory hood "replaced".
    draft = draft_inspection(VehicleFactory(dealer=dealer_a), points=REPAINTED_ROOF)
    PaintReading.objects.filter(report=draft).update(point_verdicts=[], local_finding="")
    PaintReading.objects.filter(report=draft, panel="hood").update(
        verdict="panel_replaced_suspected"
    )
    InspectionReport.objects.filter(pk=draft.pk).update(paint_baselines={}, paint_baseline_um=259)

    migration = importlib.import_module("inventory.migrations.0015_paint_judged_per_point")
    migration.judge_drafts_per_point(django_apps, None)

    draft.refresh_from_db()
    assert verdicts(draft)["hood"] == ("original", "")
    assert draft.paint_baselines == {"steel": 126}
    # The issued certificate is left exactly as issued.
    stored = certificates.for_certificate().get(pk=v3_certificate.pk)
    assert certificates.verify(stored).state == "valid"
    assert verdicts(stored)["hood"] == ("panel_replaced_suspected", "")
