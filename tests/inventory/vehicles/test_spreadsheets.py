"""Cells of CSV files and workbooks: typed text that looks like a formula stays text."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from inventory.spreadsheets import WriteOnlySheet, cell, csv_safe

FORMULA_LIKE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "#N/A"]


@pytest.fixture
def ws():
    return Workbook(write_only=True).create_sheet("s")


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_a_string_is_text_exactly_as_typed(ws, text):
    written = cell(ws, text)
    assert (written.value, written.data_type) == (text, "s")


@pytest.mark.parametrize(
    ("value", "data_type"),
    [(-2, "n"), (Decimal("-2.50"), "n"), (1.5, "n"), (date(2025, 1, 6), "d"), (True, "b")],
)
def test_numbers_and_dates_keep_their_type(ws, value, data_type):
    written = cell(ws, value)
    assert (written.value, written.data_type) == (value, data_type)


def test_a_lazy_label_is_text(ws):
    written = cell(ws, gettext_lazy("=Model"))
    assert (written.value, written.data_type) == ("=Model", "s")


def test_control_characters_xml_cannot_carry_are_dropped(ws):
    assert cell(ws, "BYD\x01 Seal\x1f").value == "BYD Seal"


def test_a_sheet_row_writes_plain_values_as_text_cells():
    workbook = Workbook(write_only=True)
    sheet = WriteOnlySheet(workbook, "A title longer than Excel's 31 letters", widths=(20,))
    sheet.row("=1+1", None, -3, sheet.cell("=2", number_format="@"))
    written = io.BytesIO()
    workbook.save(written)
    [row] = load_workbook(written).worksheets[0].iter_rows()
    assert [(c.value, c.data_type) for c in row] == [
        ("=1+1", "s"),
        (None, "n"),
        (-3, "n"),
        ("=2", "s"),
    ]
    assert load_workbook(written).sheetnames == ["A title longer than Excel's 31 "]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("-2+3", "'-2+3"),
        ("\r=1", "'\r=1"),
        (-2, "-2"),
        (Decimal("-2.50"), "-2.50"),
        (date(2025, 1, 6), "2025-01-06"),
        (gettext_lazy("@cmd"), "'@cmd"),
    ],
)
def test_csv_neutralises_typed_text_and_leaves_numbers(value, expected):
    assert csv_safe(value) == expected
