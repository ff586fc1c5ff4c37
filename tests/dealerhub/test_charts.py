"""The dashboard charts are well-formed, self-contained SVG with a matching text table."""

import datetime
import xml.etree.ElementTree as ElementTree
from decimal import Decimal

import pytest

from dealerhub.charts import bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"
JAN = [datetime.date(2025, 1, day) for day in (1, 2, 3, 4)]


def money(value):
    return f"CNY {value:,.2f}"


def bars(pairs, **options):
    return bar_chart(
        title="Capital tied up per aging bucket",
        bars=pairs,
        value_label="Capital tied up",
        category_label="Bucket",
        format_value=money,
        **options,
    )


def lines(dates, series, **options):
    return line_chart(
        title="Cash in and out",
        dates=dates,
        series=series,
        format_value=money,
        date_label="Date",
        **options,
    )


def parse(chart):
    return ElementTree.fromstring(chart.svg)


def texts(root):
    return [element.text for element in root.iter(f"{SVG}text")]


def heights(root):
    return [float(rect.get("height")) for rect in root.iter(f"{SVG}rect")]


BUCKETS = [
    ("0-30 days", Decimal("120000.00")),
    ("31-90 days", Decimal("1234567.89")),
    ("181+ days", 45000),
]


def test_bar_chart_is_a_labelled_svg_image():
    root = parse(bars(BUCKETS))

    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 560 220"
    assert (root.get("width"), root.get("height"), root.get("role")) == ("560", "220", "img")
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    assert title.text == "Capital tied up per aging bucket"
    assert desc.text == "3 bars; highest: 31-90 days, CNY 1,234,567.89"


def test_bar_chart_draws_one_bar_per_category_and_the_tallest_for_the_largest_value():
    root = parse(bars(BUCKETS))

    assert len(heights(root)) == len(BUCKETS)
    assert max(heights(root)) == heights(root)[1]
    assert heights(root)[0] > heights(root)[2] > 0
    assert root.find(f"{SVG}line") is not None


def test_bar_chart_prints_categories_and_exact_values():
    chart = bar_chart(
        title="Capital",
        bars=[("Total", Decimal("1234567.89"))],
        value_label="Capital",
        category_label="Bucket",
        format_value=str,
    )

    assert {"Total", "1234567.89"} <= set(texts(parse(chart)))
    assert chart.rows == (("Total", "1234567.89"),)
    assert chart.description == "1 bar; highest: Total, 1234567.89"


def test_bar_chart_text_equivalent():
    chart = bars(BUCKETS)

    assert chart.columns == ("Bucket", "Capital tied up")
    assert chart.rows == (
        ("0-30 days", "CNY 120,000.00"),
        ("31-90 days", "CNY 1,234,567.89"),
        ("181+ days", "CNY 45,000.00"),
    )


def test_hostile_labels_are_escaped_and_still_parse():
    hostile = '<script>&"'
    chart = bars([(hostile, 1)], description=hostile)
    root = parse(chart)

    assert hostile in texts(root)
    assert root.find(f"{SVG}desc").text == hostile
    assert "<script" not in chart.svg
    assert "&lt;script&gt;&amp;&quot;" in chart.svg


def test_bar_chart_without_bars_says_so_in_the_callers_words():
    chart = bars([], empty_text="暂无数据")
    root = parse(chart)

    assert heights(root) == []
    assert texts(root) == ["暂无数据"]
    assert root.find(f"{SVG}line") is not None
    assert chart.description == "暂无数据"
    assert chart.rows == ()
    assert "No data" in texts(parse(bars([])))


def test_bar_chart_with_only_zeroes_draws_flat_bars():
    root = parse(bars([("A", 0), ("B", Decimal("0.00"))]))

    assert heights(root) == [0.0, 0.0]
    assert texts(root).count("CNY 0.00") == 2


def test_negative_value_keeps_its_label_but_gets_no_height():
    chart = bars([("Refunds", Decimal("-500")), ("Sales", 1000)])
    root = parse(chart)

    assert heights(root)[0] == 0.0
    assert heights(root)[1] > 0
    assert "CNY -500.00" in texts(root)
    assert chart.rows[0] == ("Refunds", "CNY -500.00")


def test_coordinates_have_one_decimal_place():
    root = parse(bars(BUCKETS, width=333))

    for rect in root.iter(f"{SVG}rect"):
        for name in ("x", "y", "width", "height"):
            assert len(rect.get(name).split(".")[1]) == 1


def test_different_charts_get_different_ids_and_equal_charts_the_same():
    first, second = parse(bars(BUCKETS)), parse(bars(BUCKETS[:2]))

    assert first.find(f"{SVG}title").get("id") != second.find(f"{SVG}title").get("id")
    assert bars(BUCKETS).svg == bars(BUCKETS).svg


def test_line_chart_splits_a_series_at_a_gap():
    days = [*JAN, datetime.date(2025, 1, 5)]
    root = parse(lines(days, [("Cash in", [1, 2, None, 4, 5], "#abc")]))

    polylines = root.findall(f"{SVG}polyline")
    assert len(polylines) == 2
    assert root.findall(f"{SVG}circle") == []
    for polyline in polylines:
        assert (polyline.get("stroke"), polyline.get("fill")) == ("#abc", "none")
        assert polyline.get("stroke-width") == "2"
        assert len(polyline.get("points").split()) == 2


def test_line_chart_marks_an_isolated_point_between_gaps_with_a_circle():
    root = parse(lines(JAN, [("Cash in", [10, None, 30, 40], "#2f6f9f")]))

    assert len(root.findall(f"{SVG}polyline")) == 1
    assert len(root.findall(f"{SVG}circle")) == 1


def test_line_chart_single_point_is_a_circle():
    root = parse(lines(JAN[:1], [("Cash in", [Decimal("5.00")], "#2f6f9f")]))

    assert root.findall(f"{SVG}polyline") == []
    assert len(root.findall(f"{SVG}circle")) == 1
    assert "2025-01-01" in texts(root)


def test_line_chart_text_equivalent_uses_a_dash_for_gaps():
    chart = lines(
        JAN[:3],
        [("Cash in", [1, None, 3], "#2f6f9f"), ("Cash out", [None, Decimal("2.5"), 0], "#9f2f2f")],
    )

    assert chart.columns == ("Date", "Cash in", "Cash out")
    assert chart.rows == (
        ("2025-01-01", "CNY 1.00", "—"),
        ("2025-01-02", "—", "CNY 2.50"),
        ("2025-01-03", "CNY 3.00", "CNY 0.00"),
    )
    assert chart.description == "3 days from 2025-01-01 to 2025-01-03"


def test_line_chart_sorts_dates_with_their_values():
    chart = lines([JAN[2], JAN[0], JAN[1]], [("Cash in", [3, 1, None], "#2f6f9f")])
    root = parse(chart)

    assert [row[0] for row in chart.rows] == ["2025-01-01", "2025-01-02", "2025-01-03"]
    assert [row[1] for row in chart.rows] == ["CNY 1.00", "—", "CNY 3.00"]
    assert {"2025-01-01", "2025-01-03"} <= set(texts(root))
    assert "2025-01-02" not in texts(root)


def test_line_chart_draws_grid_labels_legend_and_baseline():
    root = parse(lines(JAN[:2], [("Cash in", [Decimal("0.00"), Decimal("300.00")], "#2f6f9f")]))
    labels = texts(root)

    assert {"CNY 100.00", "CNY 200.00", "CNY 300.00", "Cash in"} <= set(labels)
    assert len(root.findall(f"{SVG}line")) == 4
    legend = root.find(f"{SVG}rect")
    assert legend.get("fill") == "#2f6f9f"


def test_line_chart_without_dates_or_values_still_parses():
    empty = lines([], [("Cash in", [], "#2f6f9f")], empty_text="暂无数据")
    assert "暂无数据" in texts(parse(empty))
    assert (empty.rows, empty.columns, empty.description) == ((), ("Date", "Cash in"), "暂无数据")

    blank = lines(JAN[:2], [("Cash in", [None, None], "#2f6f9f")])
    assert parse(blank).findall(f"{SVG}polyline") == []
    flat = lines(JAN[:2], [("Cash in", [0, -5], "#2f6f9f")])
    assert len(parse(flat).findall(f"{SVG}polyline")) == 1


def test_line_chart_rejects_a_series_of_the_wrong_length():
    with pytest.raises(ValueError, match="Cash in"):
        lines(JAN, [("Cash in", [1, 2], "#2f6f9f")])


@pytest.mark.parametrize(
    "chart",
    [
        bars(BUCKETS),
        bars([]),
        lines(JAN, [("Cash in", [1, None, 3, 4], "#2f6f9f")]),
        lines([], []),
    ],
)
def test_charts_are_self_contained(chart):
    parse(chart)

    for forbidden in ("<style", "class=", "script", "href", "<foreignObject", "<image"):
        assert forbidden not in chart.svg
    assert 'font-family="sans-serif"' in chart.svg
