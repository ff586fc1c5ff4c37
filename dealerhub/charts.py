"""Server-rendered SVG charts, with their text equivalents, for the cash-flow dashboard."""

import datetime
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

Number = Decimal | int
Formatter = Callable[[Number], str]

MISSING = "—"
TEXT_COLOUR = "#333333"
AXIS_COLOUR = "#888888"
GRID_COLOUR = "#dddddd"


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    svg: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _attribute(value: object) -> str:
    return f"{value:.1f}" if isinstance(value, float) else escape(str(value), quote=True)


def _tag(name: str, text: str | None = None, **attributes: object) -> str:
    pairs = " ".join(f'{key.replace("_", "-")}="{_attribute(v)}"' for key, v in attributes.items())
    if text is None:
        return f"<{name} {pairs}/>"
    return f"<{name} {pairs}>{escape(text, quote=True)}</{name}>"


def _label(x: float, y: float, text: str, anchor: str = "middle", size: int = 11) -> str:
    position = {"x": float(x), "y": float(y), "font_size": size, "text_anchor": anchor}
    return _tag("text", text, fill=TEXT_COLOUR, font_family="sans-serif", **position)


def _rule(x1: float, x2: float, y: float, colour: str = AXIS_COLOUR) -> str:
    return _tag("line", x1=float(x1), y1=float(y), x2=float(x2), y2=float(y), stroke=colour)


def _svg(title: str, description: str, width: int, height: int, body: list[str]) -> str:
    # Ids come from the content rather than a counter so the page, the e-mail and the PDF get
    # identical markup, while different charts on one page still get different ids.
    content = "\0".join([title, description, *body]).encode()
    digest = hashlib.sha1(content, usedforsecurity=False).hexdigest()[:6]
    chart_id = f"chart-{digest}"
    labelled_by = f"{chart_id}-title {chart_id}-desc"
    opening = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="{labelled_by}">'
    )
    title_tag = _tag("title", title, id=f"{chart_id}-title")
    desc_tag = _tag("desc", description, id=f"{chart_id}-desc")
    return "".join([opening, title_tag, desc_tag, *body, "</svg>"])


def bar_chart(
    *,
    title: str,
    bars: Sequence[tuple[str, Number]],
    value_label: str,
    category_label: str,
    format_value: Formatter,
    width: int = 560,
    height: int = 220,
    colour: str = "#2f6f9f",
    empty_text: str = "No data",
    description: str | None = None,
) -> Chart:
    rows = tuple((label, format_value(value)) for label, value in bars)
    top, bottom, side = 20.0, 28.0, 8.0
    baseline = height - bottom
    tallest = max((value for _, value in bars), default=0)
    slot = (width - 2 * side) / max(len(bars), 1)
    body = []
    for index, ((label, value), (_, printed)) in enumerate(zip(bars, rows, strict=True)):
        # The axis starts at zero, so a negative value gets no bar; its printed label still tells.
        share = float(value) / float(tallest) if tallest > 0 and value > 0 else 0.0
        bar_height = share * (baseline - top)
        centre = side + slot * (index + 0.5)
        corner = {"x": centre - slot * 0.3, "y": baseline - bar_height}
        body.append(_tag("rect", width=slot * 0.6, height=bar_height, fill=colour, **corner))
        body.append(_label(centre, baseline - bar_height - 4, printed))
        body.append(_label(centre, baseline + 16, label))
    body.append(_rule(side, width - side, baseline))
    if not bars:
        body.append(_label(width / 2, baseline / 2, empty_text, size=13))
    if description is None and bars:
        label, printed = rows[max(range(len(bars)), key=lambda index: bars[index][1])]
        noun = "bar" if len(bars) == 1 else "bars"
        description = f"{len(bars)} {noun}; highest: {label}, {printed}"
    description = empty_text if description is None else description
    svg = _svg(title, description, width, height, body)
    return Chart(title, description, svg, (category_label, value_label), rows)


def _grid_value(peak: Number, step: int) -> Number:
    # Grid labels pass through the caller's formatter, so keep the peak's type and precision.
    exact = Decimal(peak)
    places = Decimal(1).scaleb(min(exact.as_tuple().exponent, 0))
    value = (exact * step / 3).quantize(places)
    return int(value) if isinstance(peak, int) else value


def _segments(values: Sequence[Number | None]) -> list[list[tuple[int, Number]]]:
    segments: list[list[tuple[int, Number]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            segments.append([])
        else:
            segments[-1].append((index, value))
    return [segment for segment in segments if segment]


def line_chart(
    *,
    title: str,
    dates: Sequence[datetime.date],
    series: Sequence[tuple[str, Sequence[Number | None], str]],
    format_value: Formatter,
    date_label: str,
    width: int = 560,
    height: int = 220,
    empty_text: str = "No data",
    description: str | None = None,
) -> Chart:
    order = sorted(range(len(dates)), key=lambda index: dates[index])
    days = [dates[index] for index in order]
    lines = []
    for name, values, colour in series:
        if len(values) != len(dates):
            raise ValueError(f"Series {name!r} has {len(values)} values for {len(dates)} dates")
        lines.append((name, [values[index] for index in order], colour))
    columns = (date_label, *(name for name, _, _ in lines))
    rows = tuple(
        (day.isoformat(), *(MISSING if v[i] is None else format_value(v[i]) for _, v, _ in lines))
        for i, day in enumerate(days)
    )
    peak = max((v for _, values, _ in lines for v in values if v is not None), default=0)
    peak = peak if peak > 0 else 1
    grid_labels = [format_value(_grid_value(peak, step)) for step in (1, 2, 3)]
    # Room at the left for the longest grid label, at about 6 px a glyph in 10 px type.
    left = max(64.0, 10.0 + 6.0 * max(len(label) for label in grid_labels))
    right, top, bottom = 12.0, 28.0, 24.0
    baseline, plot_width = height - bottom, width - left - right
    body = []
    legend_x = left
    for name, _, colour in lines:
        body.append(_tag("rect", x=legend_x, y=8.0, width=10, height=10, fill=colour))
        body.append(_label(legend_x + 14, 17, name, anchor="start"))
        # No font metrics on the server, so allow a generous average glyph width.
        legend_x += 30 + 7 * len(name)
    if days:
        for step, grid_label in enumerate(grid_labels, start=1):
            y = baseline - (baseline - top) * step / 3
            body.append(_rule(left, width - right, y, GRID_COLOUR))
            body.append(_label(left - 4, y + 4, grid_label, "end", 10))

        def x_of(index: int) -> float:
            return left + plot_width * (index / (len(days) - 1) if len(days) > 1 else 0.5)

        def y_of(value: Number) -> float:
            # The axis starts at zero; clamping keeps a negative day inside the drawing.
            return baseline - (baseline - top) * max(float(value), 0.0) / float(peak)

        for _, values, colour in lines:
            stroke = {"fill": "none", "stroke": colour, "stroke_width": 2}
            for segment in _segments(values):
                if len(segment) == 1:
                    index, value = segment[0]
                    body.append(_tag("circle", cx=x_of(index), cy=y_of(value), r=3, fill=colour))
                    continue
                points = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in segment)
                body.append(_tag("polyline", points=points, **stroke))
        if len(days) == 1:
            body.append(_label(x_of(0), baseline + 16, days[0].isoformat()))
        else:
            body.append(_label(left, baseline + 16, days[0].isoformat(), anchor="start"))
            body.append(_label(width - right, baseline + 16, days[-1].isoformat(), anchor="end"))
    else:
        body.append(_label(width / 2, baseline / 2, empty_text, size=13))
    body.append(_rule(left, width - right, baseline))
    if description is None and days:
        description = f"{len(days)} days from {days[0].isoformat()} to {days[-1].isoformat()}"
    description = empty_text if description is None else description
    svg = _svg(title, description, width, height, body)
    return Chart(title, description, svg, columns, rows)
