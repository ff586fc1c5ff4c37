"""Cells of the CSV files and workbooks DealerHub writes: what somebody typed stays text."""

from datetime import date

from django.utils.functional import Promise
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

# What spreadsheet programs read as the start of a formula (or of a DDE call) in a cell
# opened from CSV. A make, consignee or B/L that begins with one must not run when opened.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """A CSV cell: text that would start a formula gets a leading apostrophe, which spreadsheets
    read as "this is text" and do not show; numbers and dates are written as they are."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str | Promise):
        # A number is not typed text: -2 must stay a number, not become the text "'-2".
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def text_value(value: str) -> str:
    """`value` as a workbook can hold it: without the control characters XML cannot carry
    (they are invisible, and openpyxl refuses the whole file over one)."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def cell(ws, value, *, number_format=None, font=None, alignment=None) -> Cell:
    """A write-only cell of `ws`. A string is always stored as text, never as a formula:
    openpyxl turns any string starting with "=" into one unless the type is forced, and then
    the text is kept exactly as typed. Numbers and dates keep their own type."""
    result = WriteOnlyCell(ws)
    if isinstance(value, str | Promise):
        result.value = text_value(value)
        result.data_type = "s"
    else:
        result.value = value
    if number_format:
        result.number_format = number_format
    if font:
        result.font = font
    if alignment:
        result.alignment = alignment
    return result


class WriteOnlySheet:
    """A sheet of a write-only workbook whose rows go through `cell`, so that no value written
    to it, whoever typed it, can become a formula."""

    def __init__(self, workbook, title, widths=()):
        # Excel refuses a sheet title longer than 31 characters.
        self.ws = workbook.create_sheet(title=title[:31])
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width

    def cell(self, value, *, number_format=None, font=None, alignment=None) -> Cell:
        return cell(self.ws, value, number_format=number_format, font=font, alignment=alignment)

    def row(self, *values):
        self.ws.append(
            [
                value if value is None or isinstance(value, Cell) else self.cell(value)
                for value in values
            ]
        )
