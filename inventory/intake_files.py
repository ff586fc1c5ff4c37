"""Reading a dealer's stock file (.xlsx or .csv) into rows of text, refusing what is not one:
the wrong type, too large, a zip bomb, a locked or damaged workbook, formulas, too many rows."""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

# Files are checked and imported inside the request until imports run as a background task;
# this keeps one within a request's time.
MAX_ROWS = 2_000
# A stock list compresses well, but not a thousandfold: more than this unpacked is a bomb.
MAX_UNPACKED_BYTES = 200_000_000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted (password) workbook, or .xls
_ENCODINGS = ("utf-8-sig", "gb18030")


class FileRefused(Exception):
    """The file cannot be read as a stock list; the message says why, for the user."""


@dataclass
class Table:
    """The header cells and every non-empty row, each a list of text or None, with the row's
    number as the user's program shows it."""

    headers: list[str]
    rows: list[tuple[int, list[str | None]]]


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        value = Decimal(repr(value))
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
    text = str(value).strip()
    return text or None


def read_table(upload) -> Table:
    """The stock list in `upload`, typed from its content, never from its name."""
    limit = settings.INTAKE_MAX_BYTES
    if upload.size > limit:
        raise FileRefused(
            _("%(name)s is %(size)s MB; a stock file may be at most %(limit)s MB.")
            % {
                "name": upload.name,
                "size": f"{upload.size / 1_000_000:.1f}",
                "limit": f"{limit / 1_000_000:g}",
            }
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head:
        raise FileRefused(_("%(name)s is empty.") % {"name": upload.name})
    if head.startswith(_OLE_MAGIC):
        raise FileRefused(
            _(
                "%(name)s is password-protected or an old .xls workbook; save it as an "
                "unprotected .xlsx and upload it again."
            )
            % {"name": upload.name}
        )
    table = _read_workbook(upload) if head.startswith(b"PK\x03\x04") else _read_csv(upload)
    if not table.headers:
        raise FileRefused(_("%(name)s has no header row.") % {"name": upload.name})
    if not table.rows:
        raise FileRefused(_("%(name)s has no vehicles under its header.") % {"name": upload.name})
    return table


def _not_a_stock_file(upload):
    return FileRefused(
        _("%(name)s is not an .xlsx workbook or a .csv file.") % {"name": upload.name}
    )


def _read_workbook(upload) -> Table:
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            unpacked = sum(member.file_size for member in members)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRefused(_("%(name)s is a damaged workbook.") % {"name": upload.name}) from exc
    if "[Content_Types].xml" not in names:
        raise _not_a_stock_file(upload)
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileRefused(
            _("%(name)s unpacks to more than %(limit)s MB; it cannot be a stock list.")
            % {"name": upload.name, "limit": f"{MAX_UNPACKED_BYTES / 1_000_000:g}"}
        )
    try:
        upload.seek(0)
        values = load_workbook(upload, read_only=True, data_only=True)
        upload.seek(0)
        # The same sheet with its formulas: a formula whose value was never saved (a file
        # written by a program, not by Excel) reads as an empty cell in the first one.
        formulas = load_workbook(upload, read_only=True, data_only=False)
    except Exception as exc:  # a hostile or damaged workbook can fail openpyxl in any way
        raise FileRefused(_("%(name)s is a damaged workbook.") % {"name": upload.name}) from exc
    try:
        if not values.worksheets:
            raise FileRefused(_("%(name)s has no header row.") % {"name": upload.name})
        lines = zip(
            values.worksheets[0].iter_rows(values_only=True),
            formulas.worksheets[0].iter_rows(values_only=True),
            strict=False,
        )
        return _rows_of(upload, _checked_lines(lines))
    except FileRefused:
        raise
    except Exception as exc:  # a damaged sheet fails while it is read, not when opened
        raise FileRefused(_("%(name)s is a damaged workbook.") % {"name": upload.name}) from exc
    finally:
        values.close()
        formulas.close()


def _checked_lines(lines):
    for number, (line, written) in enumerate(lines, start=1):
        for index, (value, typed) in enumerate(zip(line, written, strict=False), start=1):
            if value is None and isinstance(typed, str) and typed.startswith("="):
                raise FileRefused(
                    _(
                        "Cell %(cell)s holds a formula without a saved value; type the "
                        "value instead."
                    )
                    % {"cell": f"{get_column_letter(index)}{number}"}
                )
        yield line


def _read_csv(upload) -> Table:
    upload.seek(0)
    raw = upload.read()
    if b"\x00" in raw:
        raise _not_a_stock_file(upload)
    for encoding in _ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRefused(_("%(name)s is neither UTF-8 nor GB18030 text.") % {"name": upload.name})
    try:
        lines = csv.reader(io.StringIO(text, newline=""))
        return _rows_of(upload, lines)
    except csv.Error as exc:
        raise _not_a_stock_file(upload) from exc


def _rows_of(upload, lines) -> Table:
    headers = None
    rows = []
    for number, line in enumerate(lines, start=1):
        values = [_text(value) for value in line]
        if not any(values):
            continue
        if headers is None:
            headers = [value or "" for value in values]
            continue
        rows.append((number, values))
        if len(rows) > MAX_ROWS:
            raise FileRefused(
                _("%(name)s has more than %(limit)s vehicles; split it into smaller files.")
                % {"name": upload.name, "limit": f"{MAX_ROWS:,}"}
            )
    return Table(headers or [], rows)
