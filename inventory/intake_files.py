"""Reading a dealer's stock file (.xlsx or .csv) into rows of text, refusing what is not one:
the wrong type, too large, a zip bomb, a locked or damaged workbook, formulas, too many rows.

Rows are streamed: a file of 50,000 cars is read a row at a time, never held whole."""

import csv
import io
import itertools
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

# The most cars one file may hold; a background task checks and imports it in about half a
# minute (see the README's Performance section).
MAX_ROWS = 50_000
# A stock list compresses well, but not a thousandfold: more than this unpacked is a bomb.
MAX_UNPACKED_BYTES = 200_000_000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted (password) workbook, or .xls
_ENCODINGS = ("utf-8-sig", "gb18030")
# A cell formula in a worksheet's XML: <f>, <f t="shared" .../> or with a namespace prefix.
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_SCAN_BYTES = 1 << 20


# Rows judged or written together: one lookup of their VINs, bounded memory.
CHUNK = 1000


def chunks(rows, size=None):
    """`rows` (any iterable, read once) in lists of `size` (default `CHUNK`)."""
    size = size or CHUNK
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class FileRefused(Exception):
    """The file cannot be read as a stock list; the message says why, for the user."""


@dataclass
class StreamedTable:
    """The header cells, and the rows as they are read: each the row's number as the user's
    program shows it and its cells as text or None. Reading them may still refuse the file
    (a formula, too many rows, a damaged sheet). `estimate` is how many rows the file seems to
    hold, for a progress bar only."""

    headers: list[str]
    rows: Iterator[tuple[int, list[str | None]]]
    estimate: int


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


def open_table(upload, *, name: str | None = None) -> StreamedTable:
    """The stock list in `upload` (an uploaded or stored file), typed from its content, never
    from its name; `name` is what refusals call it (default: the upload's own name)."""
    name = name or upload.name
    refuse_size(upload, name=name)
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(_OLE_MAGIC):
        raise FileRefused(
            _(
                "%(name)s is password-protected or an old .xls workbook; save it as an "
                "unprotected .xlsx and upload it again."
            )
            % {"name": name}
        )
    read_lines = _workbook_lines if head.startswith(b"PK\x03\x04") else _csv_lines
    lines, estimate = read_lines(upload, name)
    if estimate > MAX_ROWS + 1:
        # The file may be too long: count its rows first, so that it is refused at once
        # rather than after checking the first 50,000 of them.
        counted, _estimate = read_lines(upload, name)
        for _row in _limited(_numbered(counted), name, header=True):
            pass
    numbered = _numbered(lines)
    headers = next(numbered, None)
    if headers is None:
        raise FileRefused(_("%(name)s has no header row.") % {"name": name})
    first = next(numbered, None)
    if first is None:
        raise FileRefused(_("%(name)s has no vehicles under its header.") % {"name": name})
    return StreamedTable(
        headers=[value or "" for value in headers[1]],
        rows=_limited(itertools.chain([first], numbered), name),
        estimate=max(estimate - 1, 1),
    )


def refuse_size(upload, *, name) -> None:
    """Refuse a file that is empty or over `INTAKE_MAX_BYTES`, before reading any of it."""
    limit = settings.INTAKE_MAX_BYTES
    if upload.size > limit:
        raise FileRefused(
            _("%(name)s is %(size)s MB; a stock file may be at most %(limit)s MB.")
            % {
                "name": name,
                "size": f"{upload.size / 1_000_000:.1f}",
                "limit": f"{limit / 1_000_000:g}",
            }
        )
    if not upload.size:
        raise FileRefused(_("%(name)s is empty.") % {"name": name})


def _numbered(lines):
    """(the row's number, its cells as text) of every row that is not empty."""
    for number, line in enumerate(lines, start=1):
        values = [_text(value) for value in line]
        if any(values):
            yield number, values


def _limited(rows, name, *, header=False):
    for count, row in enumerate(rows, start=0 if header else 1):
        if count > MAX_ROWS:
            raise FileRefused(
                _("%(name)s has more than %(limit)s vehicles; split it into smaller files.")
                % {"name": name, "limit": f"{MAX_ROWS:,}"}
            )
        yield row


def _not_a_stock_file(name):
    return FileRefused(_("%(name)s is not an .xlsx workbook or a .csv file.") % {"name": name})


def _damaged(name):
    return FileRefused(_("%(name)s is a damaged workbook.") % {"name": name})


def _has_formulas(archive, members) -> bool:
    """Whether any worksheet holds a formula, read from its XML a megabyte at a time."""
    for member in members:
        if not (member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")):
            continue
        with archive.open(member) as sheet:
            tail = b""
            while chunk := sheet.read(_SCAN_BYTES):
                if _FORMULA.search(tail + chunk):
                    return True
                tail = chunk[-16:]
    return False


def _workbook_lines(upload, name):
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            unpacked = sum(member.file_size for member in members)
            if "[Content_Types].xml" not in names:
                raise _not_a_stock_file(name)
            if unpacked > MAX_UNPACKED_BYTES:
                raise FileRefused(
                    _("%(name)s unpacks to more than %(limit)s MB; it cannot be a stock list.")
                    % {"name": name, "limit": f"{MAX_UNPACKED_BYTES / 1_000_000:g}"}
                )
            formulas_inside = _has_formulas(archive, members)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error) as exc:
        raise _damaged(name) from exc
    try:
        upload.seek(0)
        values = load_workbook(upload, read_only=True, data_only=True)
        # The same sheet with its formulas: a formula whose value was never saved (a file
        # written by a program, not by Excel) reads as an empty cell in the first one. Read
        # only when the sheets hold formulas at all, which a stock list rarely does.
        formulas = None
        if formulas_inside:
            upload.seek(0)
            formulas = load_workbook(upload, read_only=True, data_only=False)
    except Exception as exc:  # a hostile or damaged workbook can fail openpyxl in any way
        raise _damaged(name) from exc
    if not values.worksheets:
        raise FileRefused(_("%(name)s has no header row.") % {"name": name})
    sheet = values.worksheets[0]
    estimate = sheet.max_row or 0
    return _workbook_rows(name, values, formulas), estimate


def _workbook_rows(name, values, formulas):
    try:
        lines = values.worksheets[0].iter_rows(values_only=True)
        if formulas is not None:
            lines = _checked_lines(
                zip(lines, formulas.worksheets[0].iter_rows(values_only=True), strict=False)
            )
        yield from lines
    except FileRefused:
        raise
    except Exception as exc:  # a damaged sheet fails while it is read, not when opened
        raise _damaged(name) from exc
    finally:
        values.close()
        if formulas is not None:
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


def _csv_lines(upload, name):
    upload.seek(0)
    raw = upload.read()
    if b"\x00" in raw:
        raise _not_a_stock_file(name)
    for encoding in _ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRefused(_("%(name)s is neither UTF-8 nor GB18030 text.") % {"name": name})
    estimate = raw.count(b"\n") + 1
    del raw
    return _csv_rows(name, text), estimate


def _csv_rows(name, text):
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise _not_a_stock_file(name) from exc
