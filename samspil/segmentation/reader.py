"""Reading consumption files (CSV or XLSX) row by row, and checking every row.

The reader never holds the whole file: CSV is read through the csv module from a buffered file, XLSX with
openpyxl in read-only (streaming) mode. A bad row is reported by its line number and a reason *code*
(`REASONS` explains them); no cell value is ever put in a reason, so a CPR number cannot leak into an
error message, a log line or the import record.

Decisions (tested in tests/test_reader.py):
- The header is required and must name exactly the seven columns (any order, any case); a missing, extra
  or repeated column stops the import before any row is read.
- CSV is UTF-8 with or without a byte-order mark; the delimiter is `;` or `,`, whichever the header uses.
- Dates are ISO `YYYY-MM-DD` only (Excel date cells are accepted as dates).
- Amounts have at most two decimals, with `.` or `,` as decimal separator, and may be negative (a
  correction). Thousands separators are rejected, because "1.234" and "1,234" cannot be told apart from
  1,234 and 1.234: "1.234,50", "1,234.50" and "1.234" are bad rows with the reason `amount_grouping`.
- Blank lines are skipped and do not count as rows.
"""

import csv
import datetime
import hashlib
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from defusedxml import DefusedXmlException
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from samspil.citizens import cpr

COLUMNS = ("cpr", "department", "service_code", "service_name", "period_start", "period_end", "amount_dkk")
MAX_LENGTH = {"department": 200, "service_code": 60, "service_name": 200}
MAX_AMOUNT_DIGITS = 12  # Decimal(14, 2)

REASONS = {
    "columns": _("The row does not have exactly seven fields."),
    "cpr_format": _("The CPR number is not ten digits (DDMMYY-SSSS)."),
    "cpr_date": _("The first six digits of the CPR number are not a valid date."),
    "cpr_future": _("The CPR number gives a birth date in the future."),
    "empty": _("The field is empty."),
    "too_long": _("The field is too long."),
    "date": _("The date is not a valid date written YYYY-MM-DD."),
    "period_order": _("The period ends before it starts."),
    "amount": _("The amount is not a number with at most two decimals."),
    "amount_grouping": _(
        "The amount has a thousands separator; write it without one, with . or , as the decimal separator."
    ),
    "amount_too_large": _("The amount is too large."),
}


def reason_text(code: str) -> str:
    """The reader's explanation of a reason code such as "empty:department"."""
    base, _sep, column = code.partition(":")
    text = str(REASONS.get(base, code))
    return f"{column}: {text}" if column else text


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong header, not UTF-8, not a spreadsheet). Nothing is imported."""


@dataclass(slots=True)
class GoodRow:
    line: int
    cpr_digits: str
    cpr_index: str
    birth_date: datetime.date
    department: str
    service_code: str
    service_name: str
    period_start: datetime.date
    period_end: datetime.date
    amount: Decimal
    row_hash: str


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)  # ASCII digits only, as the CPR numbers
_AMOUNT = re.compile(r"^-?\d+(?:[.,]\d{1,2})?$", re.ASCII)
_GROUPED = re.compile(r"^-?\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?$", re.ASCII)
_CENT = Decimal("0.01")


def _row_key() -> bytes:
    # A keyed hash, so a row's key (which covers the CPR number) cannot be reversed by trying every CPR.
    return hashlib.sha256(b"samspil-consumption-row:" + settings.CPR_INDEX_KEY.encode()).digest()


class RowChecker:
    """Checks rows and turns good ones into `GoodRow`; caches per distinct CPR number (work once per person)."""

    def __init__(self):
        self._people: dict[str, tuple | str] = {}
        self._key = _row_key()

    def _person(self, raw: str):
        known = self._people.get(raw)
        if known is None:
            try:
                digits = cpr.normalise(raw)
            except ValidationError as error:
                known = error.code
            else:
                known = (digits, cpr.blind_index(digits), cpr.birth_date(digits))
            if len(self._people) > 500_000:  # bounded, whatever the file holds
                self._people.clear()
            self._people[raw] = known
        return known

    @staticmethod
    def _date(value) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if not isinstance(value, str) or not _DATE.match(value):  # a spreadsheet number, time or bool: a bad row
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None

    @staticmethod
    def _amount(value) -> Decimal | str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = repr(value) if isinstance(value, float) else str(value)
        if not isinstance(value, str):  # a spreadsheet date, time or bool: a bad row, not a failed import
            return "amount"
        if not _AMOUNT.match(value):
            return "amount_grouping" if _GROUPED.match(value) else "amount"
        amount = Decimal(value.replace(",", "."))
        if amount.adjusted() >= MAX_AMOUNT_DIGITS:
            return "amount_too_large"
        return amount.quantize(_CENT)

    def check(self, line: int, cells) -> GoodRow | str:
        """A `GoodRow`, or the reason code of the first problem found."""
        if len(cells) != 7:
            return "columns"
        values = []
        for column, cell in zip(COLUMNS, cells, strict=True):
            if cell is None:
                return f"empty:{column}"
            if isinstance(cell, str):
                cell = cell.strip()
                if not cell:
                    return f"empty:{column}"
                if column in MAX_LENGTH and len(cell) > MAX_LENGTH[column]:
                    return f"too_long:{column}"
            elif column == "cpr" and isinstance(cell, int):
                cell = f"{cell:010d}"  # a spreadsheet drops the leading zero
            elif column in MAX_LENGTH:
                cell = str(cell)
            values.append(cell)
        raw_cpr, department, service_code, service_name, raw_start, raw_end, raw_amount = values
        person = self._person(raw_cpr) if isinstance(raw_cpr, str) else "cpr_format"
        if isinstance(person, str):
            return person
        start = self._date(raw_start)
        if start is None:
            return "date:period_start"
        end = self._date(raw_end)
        if end is None:
            return "date:period_end"
        if end < start:
            return "period_order"
        amount = self._amount(raw_amount)
        if isinstance(amount, str):
            return amount
        digits, index, birth = person
        normalised = "\x1f".join(
            (digits, department, service_code, service_name, start.isoformat(), end.isoformat(), str(amount))
        )
        row_hash = hashlib.blake2b(normalised.encode(), key=self._key, digest_size=16).hexdigest()
        return GoodRow(line, digits, index, birth, department, service_code, service_name, start, end, amount, row_hash)


_COLUMN_NAME = re.compile(r"^[a-z_]{1,40}$")
# What a data row's cells look like: a CPR number, a date, an amount. Seen in the first line, it is no header.
_DATA_LIKE = re.compile(r"^\d{6}-?\d{4}$|^\d{4}-\d{2}-\d{2}|^\d{1,2}[.-]\d{1,2}[.-]\d{2,4}$|^-?\d+(?:[.,]\d+)*$")


def _looks_like_data(cell) -> bool:
    if isinstance(cell, (int, float, Decimal, datetime.date, datetime.time)):
        return True
    return isinstance(cell, str) and bool(_DATA_LIKE.match(cell.strip()))


def _check_header(cells) -> list[int]:
    """The position of each of COLUMNS in the file's header, or ImportFileError.

    The error never repeats a value from the file (the first line may be a data row with a CPR number):
    an unexpected column is named only when it looks like a column name, and a first line that looks like
    data is said to be so.
    """
    if any(_looks_like_data(cell) for cell in cells):
        raise ImportFileError(
            str(_("The first line looks like data, not a header: it must name the columns %(expected)s."))
            % {"expected": ", ".join(COLUMNS)}
        )
    names = [str(cell or "").strip().lower() for cell in cells]
    missing = [column for column in COLUMNS if column not in names]
    extra = [name for name in names if name not in COLUMNS]
    repeated = sorted({name for name in names if name in COLUMNS and names.count(name) > 1})
    if missing or extra or repeated:
        parts = []
        if missing:
            parts.append(str(_("missing: %(columns)s")) % {"columns": ", ".join(missing)})
        named = [name for name in extra if _COLUMN_NAME.match(name)]
        if named:
            parts.append(str(_("not expected: %(columns)s")) % {"columns": ", ".join(named[:10])})
        unrecognised = len(extra) - len(named)
        if unrecognised:
            parts.append(
                ngettext("%(count)s unrecognised column", "%(count)s unrecognised columns", unrecognised)
                % {"count": unrecognised}
            )
        if repeated:
            parts.append(str(_("more than once: %(columns)s")) % {"columns": ", ".join(repeated)})
        raise ImportFileError(
            str(_("The first line must name exactly the columns %(expected)s (%(problems)s)."))
            % {"expected": ", ".join(COLUMNS), "problems": "; ".join(parts)}
        )
    return [names.index(column) for column in COLUMNS]


Progress = Callable[[float], None]


def _csv_rows(path: str) -> Iterator[tuple[int, list, float]]:
    size = os.path.getsize(path) or 1
    with open(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        try:
            first = text.readline()
        except UnicodeDecodeError:
            raise ImportFileError(_("The file is not UTF-8 text.")) from None
        if not first.strip():
            raise ImportFileError(_("The file is empty: the first line must name the columns."))
        delimiter = ";" if first.count(";") >= first.count(",") else ","
        positions = _check_header(next(csv.reader([first], delimiter=delimiter)))
        identity = positions == list(range(7))
        reader = csv.reader(text, delimiter=delimiter)
        try:
            for cells in reader:
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue
                if not identity and len(cells) == 7:
                    cells = [cells[position] for position in positions]
                yield reader.line_num + 1, cells, raw.tell() / size
        except UnicodeDecodeError:
            raise ImportFileError(_("The file is not UTF-8 text.")) from None
        except csv.Error:
            raise ImportFileError(
                str(_("Line %(line)s cannot be read as CSV.")) % {"line": reader.line_num + 1}
            ) from None


# A "zip bomb" is a small file that unpacks to gigabytes (the security test: 638 KiB → 1.5 GB of memory,
# 186 s). The archive is checked before openpyxl opens it, from the sizes it declares (Python's zipfile never
# unpacks more than a member declares, and a member that unpacks to a different size fails its CRC check):
# - all members together at most SAMSPIL_IMPORT_MAX_XLSX_BYTES (time: the sheets are streamed, not kept);
# - no member above 1 MiB packed more tightly than 100:1 (real sheets: 5–20:1, even with every row the same);
# - the shared strings, which openpyxl keeps in memory whole, at most SAMSPIL_IMPORT_MAX_SHARED_STRINGS_BYTES
#   and at most MAX_SHARED_STRINGS entries as the part declares them (memory).
MAX_COMPRESSION_RATIO = 100
_RATIO_FROM_BYTES = 1024 * 1024
MAX_SHARED_STRINGS = 2_000_000
_CONTENT_TYPES = "[Content_Types].xml"
_CONTENT_TYPES_MAX_BYTES = 1024 * 1024
_SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_UNIQUE_COUNT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sst\b[^>]*?\buniqueCount\s*=\s*[\"'](\d{1,20})[\"']")


def _megabytes(size: int) -> str:
    from django.utils.formats import number_format

    return number_format(size / 1024**2, decimal_pos=0 if size >= 1024**2 else 1)


def _check_archive(path: str) -> None:
    """Refuse a spreadsheet that would unpack to too much, before any of it is unpacked (see above)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            cap = settings.SAMSPIL_IMPORT_MAX_XLSX_BYTES
            if sum(member.file_size for member in members) > cap:
                raise ImportFileError(
                    str(
                        _(
                            "The spreadsheet unpacks to more than %(mb)s MB; split it into smaller files or save "
                            "it as CSV."
                        )
                    )
                    % {"mb": _megabytes(cap)}
                )
            for member in members:
                if member.file_size > _RATIO_FROM_BYTES and member.file_size > MAX_COMPRESSION_RATIO * max(
                    member.compress_size, 1
                ):
                    raise ImportFileError(
                        _(
                            "The spreadsheet is packed far more tightly than a real spreadsheet is (a zip bomb?), "
                            "so it is not opened. Save it as CSV and import that."
                        )
                    )
            for name in _shared_strings_parts(archive):
                _check_shared_strings(archive, name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError):
        raise ImportFileError(_("The file is not an XLSX spreadsheet.")) from None


def _shared_strings_parts(archive: zipfile.ZipFile) -> set[str]:
    """Where the shared strings are: the part the content types name (as openpyxl finds it), and the usual place."""
    from defusedxml import ElementTree

    names = set(archive.namelist())
    parts = {"xl/sharedStrings.xml"} & names
    if _CONTENT_TYPES in names and archive.getinfo(_CONTENT_TYPES).file_size <= _CONTENT_TYPES_MAX_BYTES:
        try:
            root = ElementTree.fromstring(archive.read(_CONTENT_TYPES))
        except (ElementTree.ParseError, DefusedXmlException):
            return parts  # openpyxl refuses the file itself
        for element in root.iter():
            if element.tag.endswith("Override") and element.get("ContentType") == _SHARED_STRINGS_TYPE:
                part = (element.get("PartName") or "").lstrip("/")
                if part in names:
                    parts.add(part)
    return parts


def _check_shared_strings(archive: zipfile.ZipFile, name: str) -> None:
    too_many = ImportFileError(
        _(
            "The spreadsheet holds too many different texts to be read safely; split it into smaller files or "
            "save it as CSV."
        )
    )
    if archive.getinfo(name).file_size > settings.SAMSPIL_IMPORT_MAX_SHARED_STRINGS_BYTES:
        raise too_many
    with archive.open(name) as part:
        head = part.read(4096)  # the <sst count="…" uniqueCount="…"> element opens the part
    declared = _UNIQUE_COUNT.search(head)
    if declared and int(declared.group(1)) > MAX_SHARED_STRINGS:
        raise too_many


def _xlsx_rows(path: str) -> Iterator[tuple[int, list, float]]:
    from openpyxl import load_workbook

    # openpyxl parses the sheets with defusedxml when it is installed (it is a requirement): no entity
    # expansion, no external entities. A refused construct is a DefusedXmlException (a ValueError).
    _check_archive(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportFileError(_("The file is not an XLSX spreadsheet.")) from None
    try:
        yield from _sheet_rows(workbook)
    except DefusedXmlException:
        raise ImportFileError(_("The spreadsheet contains XML that is not allowed (entities or a DTD).")) from None
    finally:
        workbook.close()


def _sheet_rows(workbook) -> Iterator[tuple[int, list, float]]:
    sheet = workbook.worksheets[0]
    total = sheet.max_row or 0
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise ImportFileError(_("The file is empty: the first line must name the columns."))
    header = list(header)
    while header and header[-1] is None:
        header.pop()
    positions = _check_header(header)
    for line, cells in enumerate(rows, start=2):
        cells = list(cells)
        while cells and cells[-1] is None and len(cells) > 7:
            cells.pop()
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
            continue
        if len(cells) < 7:
            cells += [None] * (7 - len(cells))
        picked = [cells[position] for position in positions] if len(cells) == len(header) else cells
        yield line, picked, (line / total if total else 0.0)


def rows(path: str, file_name: str) -> Iterator[tuple[int, list, float]]:
    """(line number, cells in COLUMNS order, fraction of the file read) for every non-blank data row."""
    if file_name.lower().endswith(".xlsx"):
        return _xlsx_rows(path)
    if file_name.lower().endswith((".csv", ".txt")):
        return _csv_rows(path)
    raise ImportFileError(_("The file must be CSV (.csv) or XLSX (.xlsx)."))
