"""The inspection certificate as its readers get it: the colour-coded body diagram, the QR code
that opens the public verification page, and the printable PDF."""

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from zoneinfo import ZoneInfo

import segno
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from core.pdf import SVG_FONT_FAMILY, html_to_pdf, left_to_right_isolates

# What a refused resource raises and the fetcher that refuses it, where callers found them.
from core.pdf import ResourceRefused as ResourceRefused
from core.pdf import inline_only_fetcher as inline_only_fetcher

from . import certificates
from .models import PANEL_ORDER, POINT_VERDICTS, InspectionStatus, PaintVerdict, Panel

TEMPLATE = "inventory/certificate_pdf.html"

OUTLINE_COLOURS = {
    PaintVerdict.ORIGINAL: "#43a047",
    PaintVerdict.REPAINT_SUSPECTED: "#ffb300",
    PaintVerdict.FILLER_SUSPECTED: "#ef6c00",
    PaintVerdict.STRUCTURAL_REPAIR_LIKELY: "#c62828",
    PaintVerdict.PANEL_REPLACED_SUSPECTED: "#7b1fa2",
    PaintVerdict.NOT_MEASURABLE: "#9e9e9e",
    PaintVerdict.SPOT_REPAIR_SUSPECTED: "#c0ca33",
    PaintVerdict.FILLER_SPOT_SUSPECTED: "#ff8a65",
    PaintVerdict.NO_BASELINE: "#b0bec5",
}
NOT_RECORDED_COLOUR = "#ffffff"
HATCH_COLOUR = "#9e9e9e"
OUTLINE_STROKE = "#424242"
BODY_FILL = "#eeeeee"
GLASS_FILL = "#cfd8dc"
WHEEL_FILL = "#616161"
DARK_TEXT = "#1a1a1a"
LIGHT_TEXT = "#ffffff"

# Printed on each panel and in the legend so that the diagram still reads without colour
# (colour-blind readers, black-and-white copies). The codes are the same in every language,
# so two language versions of one certificate look alike, and the legend explains them in
# the reader's language; they are also plain Latin letters, which WeasyPrint draws correctly
# inside SVG, where it does not reorder right-to-left text.
VERDICT_CODES = {
    PaintVerdict.ORIGINAL: "OK",
    PaintVerdict.REPAINT_SUSPECTED: "RP",
    PaintVerdict.FILLER_SUSPECTED: "FL",
    PaintVerdict.STRUCTURAL_REPAIR_LIKELY: "SR",
    PaintVerdict.PANEL_REPLACED_SUSPECTED: "PR",
    PaintVerdict.NOT_MEASURABLE: "NM",
    PaintVerdict.SPOT_REPAIR_SUSPECTED: "SP",
    PaintVerdict.FILLER_SPOT_SUSPECTED: "FS",
    PaintVerdict.NO_BASELINE: "NB",
}
NOT_RECORDED_CODE = "NR"
NOT_RECORDED_LABEL = _("Not recorded")

# Top view, front at the top and the car's left side on the viewer's left, in a 240 x 400 box.
# Each panel: its outline and where its verdict code is printed.
PANEL_SHAPES = {
    Panel.HOOD: ("M70 36Q120 26 170 36V130H70Z", (120, 86)),
    Panel.FRONT_FENDER_L: ("M58 36H70V130H40V54Q40 36 58 36Z", (55, 86)),
    Panel.FRONT_FENDER_R: ("M182 36H170V130H200V54Q200 36 182 36Z", (185, 86)),
    Panel.A_PILLAR_L: ("M70 130H84L92 170H80Z", (82, 152)),
    Panel.A_PILLAR_R: ("M170 130H156L148 170H160Z", (158, 152)),
    Panel.ROOF: ("M80 170H160V280H80Z", (120, 228)),
    Panel.FRONT_DOOR_L: ("M40 130H70V204H40Z", (55, 170)),
    Panel.FRONT_DOOR_R: ("M200 130H170V204H200Z", (185, 170)),
    Panel.B_PILLAR_L: ("M40 204H80V216H40Z", (60, 210)),
    Panel.B_PILLAR_R: ("M200 204H160V216H200Z", (180, 210)),
    Panel.REAR_DOOR_L: ("M40 216H70V288H40Z", (55, 255)),
    Panel.REAR_DOOR_R: ("M200 216H170V288H200Z", (185, 255)),
    Panel.SILL_L: ("M28 130H40V288H28Z", (34, 240)),
    Panel.SILL_R: ("M212 130H200V288H212Z", (206, 240)),
    Panel.REAR_QUARTER_L: ("M40 288H70V376H58Q40 376 40 358Z", (55, 334)),
    Panel.REAR_QUARTER_R: ("M200 288H170V376H182Q200 376 200 358Z", (185, 334)),
    Panel.TRUNK: ("M70 308H170V376Q120 386 70 376Z", (120, 346)),
}
# Every code is printed at one size, which reads at 12 px on a 360 px phone; the sills and
# A-pillars are too narrow for it across and print it along their length.
TALL_PANELS = frozenset({Panel.A_PILLAR_L, Panel.A_PILLAR_R, Panel.SILL_L, Panel.SILL_R})
BODY_OUTLINE = "M52 30H188Q212 30 212 54V360Q212 384 188 384H52Q28 384 28 360V54Q28 30 52 30Z"
GLASS = ("M84 130H156L148 170H92Z", "M92 280H148L156 308H84Z")
WHEELS = ((15, 52), (213, 52), (15, 310), (213, 310))
FRONT_ARROW = "M112 18L120 6L128 18Z"
CAR_WIDTH, LEGEND_WIDTH, OUTLINE_HEIGHT = 240, 230, 400
LEGEND_X, LEGEND_Y, LEGEND_STEP, SWATCH = 252, 40, 28, 18

QR_ERROR = "m"
QR_QUIET_ZONE = 4  # modules of light margin every QR reader expects


def _attributes(attributes: Mapping[str, object]) -> str:
    pairs = (
        f' {name.rstrip("_").replace("_", "-")}="{escape(str(value), quote=True)}"'
        for name, value in attributes.items()
        if value is not None
    )
    return "".join(pairs)


def _element(name: str, *children: str, **attributes: object) -> str:
    """An SVG element; `children` are markup already built by this function or `_text`.
    A trailing underscore lets a Python keyword name an attribute (`class_`)."""
    if not children:
        return f"<{name}{_attributes(attributes)}/>"
    return f"<{name}{_attributes(attributes)}>{''.join(children)}</{name}>"


def _text(text: object) -> str:
    return escape(str(text), quote=True)


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        value = value / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[index : index + 2], 16) for index in (1, 3, 5))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def code_colour(fill: str) -> str:
    """Dark or light text, whichever contrasts more with `fill` (WCAG contrast ratio)."""
    luminance = _luminance(fill)
    return DARK_TEXT if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else LIGHT_TEXT


@dataclass(frozen=True)
class VerdictKey:
    """How one verdict looks on the diagram and in its legend."""

    verdict: str  # a PaintVerdict value, "" for a panel not recorded
    label: str
    code: str
    colour: str
    code_colour: str

    @property
    def hatched(self):
        return not self.verdict


def verdict_key(verdict: str) -> VerdictKey:
    if not verdict:
        return VerdictKey(
            "", str(NOT_RECORDED_LABEL), NOT_RECORDED_CODE, NOT_RECORDED_COLOUR, DARK_TEXT
        )
    verdict = PaintVerdict(verdict)
    colour = OUTLINE_COLOURS[verdict]
    return VerdictKey(
        verdict.value, str(verdict.label), VERDICT_CODES[verdict], colour, code_colour(colour)
    )


def legend_keys(*, per_point: bool = True) -> list[VerdictKey]:
    """Every verdict in the order of PaintVerdict, then "not recorded", in the active language.
    `per_point=False` leaves out the verdicts that only reports judged per point can carry, so
    that a certificate issued before them keeps the legend it was issued with."""
    values = [v for v in PaintVerdict.values if per_point or v not in POINT_VERDICTS]
    return [verdict_key(value) for value in values] + [verdict_key("")]


def _code_text(x: float, y: float, code: str, colour: str, size: int, *, along=False) -> str:
    turn = {"transform": f"rotate(-90 {x} {y})"} if along else {}
    return _element(
        "text",
        _text(code),
        x=x,
        y=y + size * 0.35,
        fill=colour,
        font_size=size,
        font_weight="bold",
        text_anchor="middle",
        aria_hidden="true",
        **turn,
    )


def _description(
    verdicts: Mapping[str, str], names: Mapping[str, str], *, per_point: bool = True
) -> str:
    """What a screen reader says: the orientation, then which panels got which verdict."""
    sentences = [gettext("Top view, front at the top, the car's left side on the left.")]
    separator = pgettext("between the items of a list", ", ")
    for key in legend_keys(per_point=per_point):
        panels = [names[panel] for panel in Panel.values if verdicts[panel] == key.verdict]
        if not panels:
            continue
        if key.verdict == PaintVerdict.ORIGINAL:
            count = ngettext("%(count)s panel", "%(count)s panels", len(panels))
            panels = [count % {"count": len(panels)}]
        sentences.append(
            gettext("%(verdict)s: %(panels)s.")
            % {"verdict": key.label, "panels": separator.join(panels)}
        )
    return " ".join(sentences)


def _legend_entries(hatch_url: str, *, per_point: bool = True) -> list[str]:
    entries = []
    for index, key in enumerate(legend_keys(per_point=per_point)):
        y = LEGEND_Y + index * LEGEND_STEP
        fill = hatch_url if key.hatched else key.colour
        entries.append(
            _element(
                "g",
                _element(
                    "rect",
                    x=LEGEND_X,
                    y=y,
                    width=SWATCH,
                    height=SWATCH,
                    fill=fill,
                    stroke=OUTLINE_STROKE,
                ),
                _code_text(LEGEND_X + SWATCH / 2, y + SWATCH / 2, key.code, key.code_colour, 8),
                _element("text", _text(key.label), x=LEGEND_X + SWATCH + 8, y=y + 13),
                class_="legend-entry",
                data_verdict=key.verdict,
            )
        )
    return entries


def car_outline_svg(
    verdicts: Mapping[str, str],
    labels: Mapping[str, str] | None = None,
    *,
    legend: bool = True,
    per_point: bool = True,
    link_to: str = "",
) -> SafeString:
    """A top-down outline of the car, each body panel filled by its paint verdict.

    `verdicts` maps Panel values to PaintVerdict values; a panel missing or "" was not recorded
    and is drawn hatched. `labels` overrides the panel names. Each panel carries
    `data-panel`, `data-verdict` and a <title> ("Hood: Repaint suspected") that the page, its
    tests and assistive technology read; the ids come from the content, so two diagrams on
    one page do not collide.

    `legend=False` leaves out the legend and the word "Front", the only text in the drawing
    in the reader's language: WeasyPrint draws SVG text glyph by glyph without the bidi
    algorithm, which garbles Arabic, so the PDF prints those as HTML beside the drawing.

    `per_point=False` draws the legend of certificates issued before paint was judged per
    point, without the verdicts they cannot carry.

    `link_to="#panel-"` makes each panel a link to `#panel-<code>`, where the staff page
    lists that panel's readings.
    """
    unknown = sorted(set(verdicts) - set(Panel.values))
    if unknown:
        raise ValueError(f"Not body panels: {', '.join(unknown)}")
    names = {value: str(label) for value, label in Panel.choices}
    names.update({panel: str(label) for panel, label in (labels or {}).items()})
    verdicts = {panel: verdicts.get(panel) or "" for panel in Panel.values}

    title = gettext("Paint condition by body panel")
    description = _description(verdicts, names, per_point=per_point)
    content = "\0".join([title, description, str(legend), *verdicts.values()])
    figure_id = "car-" + hashlib.sha1(content.encode(), usedforsecurity=False).hexdigest()[:8]
    hatch_url = f"url(#{figure_id}-hatch)"

    body = [
        _element("title", _text(title), id=f"{figure_id}-title"),
        _element("desc", _text(description), id=f"{figure_id}-desc"),
        _element(
            "defs",
            _element(
                "pattern",
                _element("rect", width=6, height=6, fill=NOT_RECORDED_COLOUR),
                _element("path", d="M0 0V6", stroke=HATCH_COLOUR, stroke_width=2),
                id=f"{figure_id}-hatch",
                width=6,
                height=6,
                patternUnits="userSpaceOnUse",
                patternTransform="rotate(45)",
            ),
        ),
        _element("path", d=BODY_OUTLINE, fill=BODY_FILL, stroke=OUTLINE_STROKE),
        *(
            _element("rect", x=x, y=y, width=12, height=48, rx=3, fill=WHEEL_FILL)
            for x, y in WHEELS
        ),
        *(_element("path", d=glass, fill=GLASS_FILL, stroke=OUTLINE_STROKE) for glass in GLASS),
        _element("path", d=FRONT_ARROW, fill=OUTLINE_STROKE),
    ]
    if legend:
        front = _element("text", _text(gettext("Front")), x=136, y=17, fill=OUTLINE_STROKE)
        body.append(front)
    for panel in Panel.values:
        path, (x, y) = PANEL_SHAPES[panel]
        key = verdict_key(verdicts[panel])
        panel_title = gettext("%(panel)s: %(verdict)s") % {
            "panel": names[panel],
            "verdict": key.label,
        }
        fill = hatch_url if key.hatched else key.colour
        drawn = _element(
            "g",
            _element("title", _text(panel_title)),
            _element("path", d=path, fill=fill, stroke=OUTLINE_STROKE),
            _code_text(x, y, key.code, key.code_colour, 10, along=panel in TALL_PANELS),
            class_="panel",
            data_panel=panel,
            data_verdict=key.verdict,
        )
        if link_to:
            drawn = _element("a", drawn, href=f"{link_to}{panel}")
        body.append(drawn)
    if legend:
        body.extend(_legend_entries(hatch_url, per_point=per_point))

    width = CAR_WIDTH + LEGEND_WIDTH if legend else CAR_WIDTH
    svg = _element(
        "svg",
        *body,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width} {OUTLINE_HEIGHT}",
        width=width,
        height=OUTLINE_HEIGHT,
        role="img",
        aria_labelledby=f"{figure_id}-title {figure_id}-desc",
        class_="car-outline",
        font_family=SVG_FONT_FAMILY,
        font_size=11,
        fill=DARK_TEXT,
        # A drawing of a physical car: never mirrored, even on a right-to-left page.
        direction="ltr",
    )
    # Safe: every text and attribute value above went through `escape`.
    return mark_safe(svg)


def qr_code(url: str) -> segno.QRCode:
    """The QR code a certificate prints for its verification address: level M, exactly."""
    return segno.make(url, error=QR_ERROR, micro=False, boost_error=False)


def _qr_markup(url: str) -> str:
    """The QR code's dark modules as one path, a 1 x 1 square per module in the viewBox."""
    code = qr_code(url)
    runs = []
    for y, row in enumerate(code.matrix_iter(border=QR_QUIET_ZONE)):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    size = code.symbol_size(border=QR_QUIET_ZONE)[0]
    label = gettext("QR code that opens %(url)s") % {"url": url}
    return _element(
        "svg",
        _element("title", _text(label)),
        _element("path", d="".join(runs), fill="#000000"),
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {size} {size}",
        role="img",
        aria_label=label,
        class_="qr-code",
        shape_rendering="crispEdges",
    )


def qr_svg(url: str) -> SafeString:
    """The verification address as an inline SVG QR code, dark modules only with the quiet
    zone inside the viewBox. It has no width or height: the page sizes it, and it stays
    sharp at any size."""
    # Safe: built by `_element`, which escapes every value.
    return mark_safe(_qr_markup(url))


def qr_data_uri(url: str) -> str:
    """The same QR code as a data: URL, for an <img> where inline SVG does not fit."""
    encoded = base64.b64encode(_qr_markup(url).encode("utf-8")).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"


def _thresholds(values, *, per_point=False):
    """The dealer's paint thresholds the verdicts were judged by, as sentences."""
    if not values:
        return []
    if per_point:
        return _per_point_thresholds(values)
    return [
        gettext("Repaint suspected above %(factor)s times the roof baseline and above %(um)s µm")
        % {"factor": values["repaint_baseline_factor"], "um": values["repaint_min_um"]},
        gettext("Filler suspected above %(um)s µm") % {"um": values["filler_min_um"]},
        gettext("Structural repair likely above %(um)s µm") % {"um": values["structural_min_um"]},
        gettext("Panel replaced suspected more than %(um)s µm below the roof baseline")
        % {"um": values["replaced_below_baseline_um"]},
    ]


def _per_point_thresholds(values):
    """The thresholds of a report judged per point against each material's baseline."""
    return [
        gettext(
            "Baseline: the median of the panel means of one material (steel, aluminium), "
            "from at least %(panels)s panels; plastic and glass are not measured"
        )
        % {"panels": values["baseline_min_panels"]},
        gettext("Repaint suspected above %(factor)s times the baseline and above %(um)s µm")
        % {"factor": values["repaint_baseline_factor"], "um": values["repaint_min_um"]},
        gettext("Filler suspected above %(um)s µm") % {"um": values["filler_min_um"]},
        gettext("Structural repair likely above %(um)s µm") % {"um": values["structural_min_um"]},
        gettext("Panel replaced suspected more than %(um)s µm below the baseline")
        % {"um": values["replaced_below_baseline_um"]},
        gettext(
            "Every reading is judged too: a point above the panel's other points that crosses "
            "a threshold they do not is a spot repair or filler spot on that panel"
        ),
    ]


def _banner(verification, *, ltr="", end_ltr="", auto="", end_auto=""):
    """What must stand out on a certificate that no longer holds; None while it is valid.
    The isolates keep a certificate number and a typed reason in their own direction."""
    report = verification.report
    state = verification.state
    if state == "valid":
        return None
    if state == "tampered":
        return {
            "state": state,
            "title": gettext("Does not match the issued record"),
            "text": gettext(
                "This certificate's content has changed since it was issued. Do not rely on it."
            ),
        }
    if state == "revoked":
        return {
            "state": state,
            "title": gettext("Revoked"),
            "text": gettext("Reason: %(reason)s")
            % {"reason": f"{auto}{report.revoked_reason}{end_auto}"},
        }
    successor = verification.successor
    text = (
        gettext("Replaced by certificate %(number)s.")
        % {"number": f"{ltr}{successor.certificate_number}{end_ltr}"}
        if successor
        else gettext("A later revision replaces this certificate.")
    )
    return {"state": state, "title": gettext("Superseded"), "text": text}


def certificate_context(report, *, verify_url):
    """Everything the certificate template shows, worked out in the active language."""
    verification = certificates.verify(report)
    readings = sorted(report.readings.all(), key=lambda r: PANEL_ORDER[r.panel])
    per_point = report.judged_per_point
    isolates = left_to_right_isolates(translation.get_language_bidi())
    return {
        "report": report,
        "vehicle": report.certified_vehicle,
        "verification": verification,
        "state": verification.state,
        "banner": _banner(verification, **isolates),
        # The name frozen at issue; the issuer's login never reaches a buyer.
        "issued_by": report.issued_by_name,
        "readings": [
            (reading, verdict_key(reading.verdict), verdict_key(reading.local_finding))
            for reading in readings
        ],
        "thresholds": _thresholds(report.paint_thresholds, per_point=per_point),
        "per_point": per_point,
        "structural_findings": list(report.structural_findings.all()),
        "has_battery": report.has_battery_figures,
        "outline": car_outline_svg(
            {r.panel: r.shows_worst for r in readings}, legend=False, per_point=per_point
        ),
        "legend": legend_keys(per_point=per_point),
        "qr": qr_svg(verify_url),
        "verify_url": verify_url,
        "time_zone": report.vehicle.dealer.time_zone,
        # Codes, dates, readings and addresses read left to right inside right-to-left text.
        **isolates,
    }


def certificate_html(report, *, verify_url: str, language: str) -> str:
    """The certificate's HTML in `language`, times in the dealer's time zone."""
    if report.status == InspectionStatus.DRAFT:
        raise ValueError("A draft report has no certificate yet; issue it first.")
    with (
        translation.override(language),
        timezone.override(ZoneInfo(report.vehicle.dealer.time_zone)),
    ):
        return render_to_string(TEMPLATE, certificate_context(report, verify_url=verify_url))


def render_certificate_pdf(report, *, verify_url: str, language: str) -> bytes:
    """The certificate of an issued, superseded or revoked report as an A4 PDF in `language`,
    with nothing fetched from outside the document."""
    html = certificate_html(report, verify_url=verify_url, language=language)
    with translation.override(language):
        return html_to_pdf(html)
