import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from samspil.segmentation import reader
from samspil.segmentation.tests.factories import row, write_csv, write_xlsx
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (the msgids); the Danish catalogue is tested on its own."""
    with translation.override("en"):
        yield


def check(cells):
    return reader.RowChecker().check(2, cells)


def test_a_good_row_is_normalised():
    cpr = f.random_cpr(born=datetime.date(1980, 5, 17))
    good = check(row(f"{cpr[:6]}-{cpr[6:]}", amount="1234,5", department=" Jobcenter "))
    assert isinstance(good, reader.GoodRow)
    assert good.cpr_digits == cpr and good.birth_date == datetime.date(1980, 5, 17)
    assert good.amount == Decimal("1234.50") and good.department == "Jobcenter"
    assert good.period_start == datetime.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("100", Decimal("100.00")),
        ("100.5", Decimal("100.50")),
        ("100,25", Decimal("100.25")),
        ("-12,00", Decimal("-12")),
    ],
)
def test_amounts_with_point_or_comma(amount, expected):
    assert check(row(f.random_cpr(), amount=amount)).amount == expected


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("1.234,50", "amount_grouping"),
        ("1,234.50", "amount_grouping"),
        ("1.234", "amount_grouping"),
        ("12.345", "amount_grouping"),
        ("1,2345", "amount"),
        ("12 kr", "amount"),
        ("1e5", "amount"),
        ("1234567890123", "amount_too_large"),
    ],
)
def test_ambiguous_or_bad_amounts_are_refused(amount, reason):
    assert check(row(f.random_cpr(), amount=amount)) == reason


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"start": "01.01.2026"}, "date:period_start"),
        ({"start": "20260101"}, "date:period_start"),
        ({"end": "2026-02-30"}, "date:period_end"),
        ({"start": "2026-02-01", "end": "2026-01-31"}, "period_order"),
        ({"department": "  "}, "empty:department"),
        ({"name": ""}, "empty:service_name"),
        ({"code": "x" * 61}, "too_long:service_code"),
    ],
)
def test_bad_fields_give_a_reason(changes, reason):
    assert check(row(f.random_cpr(), **changes)) == reason


@pytest.mark.parametrize(("cpr", "reason"), [("12345", "cpr_format"), ("3213801234", "cpr_date"), ("", "empty:cpr")])
def test_bad_cpr_numbers_give_a_reason_without_the_number(cpr, reason):
    assert check(row(cpr)) == reason
    assert "3213801234" not in reader.reason_text(reason)


def test_a_row_with_too_few_fields():
    assert check(["0101801234", "Jobcenter"]) == "columns"


def test_identical_rows_have_the_same_key_and_different_rows_not():
    cpr = f.random_cpr()
    assert check(row(cpr)).row_hash == check(row(cpr)).row_hash
    assert check(row(cpr)).row_hash != check(row(cpr, amount="100.01")).row_hash
    assert check(row(cpr, amount="100")).row_hash == check(row(cpr, amount="100,00")).row_hash


@pytest.mark.parametrize(("delimiter", "bom"), [(";", False), (",", False), (";", True), (",", True)])
def test_csv_delimiter_and_bom(tmp_path, delimiter, bom):
    cpr = f.random_cpr()
    path = write_csv(tmp_path / "a.csv", [row(cpr, amount="10.5")], delimiter=delimiter, bom=bom)
    [(line, cells, fraction)] = list(reader.rows(str(path), "a.csv"))
    assert line == 2 and cells[0] == cpr and cells[6] == "10.5" and fraction == 1.0


def test_columns_in_another_order_and_case(tmp_path):
    header = ["AMOUNT_DKK", *reader.COLUMNS[:-1]]
    cpr = f.random_cpr()
    cells = row(cpr)
    path = write_csv(tmp_path / "a.csv", [[cells[-1], *cells[:-1]]], header=header)
    [(_line, read, _fraction)] = list(reader.rows(str(path), "a.csv"))
    assert read == cells


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (reader.COLUMNS[:-1], "missing: amount_dkk"),
        ((*reader.COLUMNS, "note"), "not expected: note"),
        ((*reader.COLUMNS[:-1], "cpr"), "missing: amount_dkk"),
    ],
)
def test_header_errors_stop_before_any_row(tmp_path, header, message):
    path = write_csv(tmp_path / "a.csv", [row(f.random_cpr())], header=header)
    with pytest.raises(reader.ImportFileError, match=message):
        next(reader.rows(str(path), "a.csv"))


def test_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(";".join(reader.COLUMNS).encode() + "\næøå".encode("latin-1"))
    with pytest.raises(reader.ImportFileError, match="UTF-8"):
        list(reader.rows(str(path), "a.csv"))


def test_xlsx_with_date_cells_and_numbers(tmp_path):
    cpr = f.random_cpr(born=datetime.date(1979, 3, 4))
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [[int(cpr), "Sundhed", "S1", "Genoptræning", datetime.datetime(2026, 2, 1), "2026-02-28", 99.5]],
    )
    [(line, cells, _fraction)] = list(reader.rows(str(path), "a.xlsx"))
    good = reader.RowChecker().check(line, cells)
    assert line == 2
    assert good.cpr_digits == cpr and good.period_start == datetime.date(2026, 2, 1) and good.amount == Decimal("99.50")


def test_xlsx_header_error(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [], header=["cpr", "department"])
    with pytest.raises(reader.ImportFileError, match="missing"):
        list(reader.rows(str(path), "a.xlsx"))


def test_other_file_types_are_refused(tmp_path):
    with pytest.raises(reader.ImportFileError):
        reader.rows(str(tmp_path / "a.pdf"), "a.pdf")


def test_windows_line_endings_and_blank_lines(tmp_path):
    cpr = f.random_cpr()
    path = tmp_path / "a.csv"
    path.write_bytes(
        ("\r\n".join([";".join(reader.COLUMNS), ";".join(row(cpr)), "", ";".join(row(cpr))]) + "\r\n").encode()
    )
    lines = [line for line, _cells, _fraction in reader.rows(str(path), "a.csv")]
    assert lines == [2, 4]
    assert all(
        isinstance(reader.RowChecker().check(2, cells), reader.GoodRow)
        for _l, cells, _f in reader.rows(str(path), "a.csv")
    )


# --- the header error never repeats a value from the file -----------------------------------------------------


def _header_error(path, name) -> str:
    with pytest.raises(reader.ImportFileError) as raised:
        list(reader.rows(str(path), name))
    return str(raised.value)


@pytest.mark.parametrize("dashed", [False, True])
def test_a_csv_without_header_says_so_and_repeats_no_cell(tmp_path, dashed):
    cpr = f.random_cpr()
    first = row(f"{cpr[:6]}-{cpr[6:]}" if dashed else cpr, department="Jobcenter Nord", name="Ressourceforløb")
    path = write_csv(tmp_path / "a.csv", [row(f.random_cpr())], header=first)
    message = _header_error(path, "a.csv")
    assert "looks like data" in message
    for secret in (cpr, cpr[:6], cpr[6:], "Jobcenter Nord", "Ressourceforløb", "100.00"):
        assert secret not in message


def test_an_xlsx_without_header_says_so_and_repeats_no_cell(tmp_path):
    cpr = f.random_cpr()
    first = [int(cpr), "Jobcenter", "JC1", "Ressourceforløb", datetime.date(2026, 1, 1), "2026-01-31", 100]
    path = write_xlsx(tmp_path / "a.xlsx", [], header=first)
    message = _header_error(path, "a.xlsx")
    assert "looks like data" in message and str(int(cpr)) not in message and "Ressourceforløb" not in message


def test_unexpected_columns_are_named_only_when_they_look_like_column_names(tmp_path):
    header = (*reader.COLUMNS, "note", "Jens Hansen", "x" * 41, "")
    path = write_csv(tmp_path / "a.csv", [row(f.random_cpr())], header=header)
    message = _header_error(path, "a.csv")
    assert "not expected: note" in message and "3 unrecognised columns" in message
    assert "jens" not in message.lower() and "x" * 41 not in message


# --- spreadsheet cells of unexpected types are bad rows, not a failed import --------------------------------------


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"start": 46023}, "date:period_start"),  # a date cell stored as a number
        ({"end": 46023.5}, "date:period_end"),
        ({"start": True}, "date:period_start"),
        ({"start": datetime.time(12, 0)}, "date:period_start"),
        ({"amount": True}, "amount"),
        ({"amount": datetime.date(2026, 1, 1)}, "amount"),
        ({"amount": datetime.datetime(2026, 1, 1, 12, 0)}, "amount"),
        ({"amount": datetime.time(12, 0)}, "amount"),
        ({"amount": float("nan")}, "amount"),
    ],
)
def test_cells_of_unexpected_types_give_a_reason(changes, reason):
    assert check(row(f.random_cpr(), **changes)) == reason


def test_an_xlsx_with_odd_cells_is_imported_in_skip_mode(tmp_path):
    from samspil.segmentation.choices import ImportMode, ImportStatus
    from samspil.segmentation.tests.factories import run_import

    municipality = f.MunicipalityFactory()
    rows = [
        row(f.random_cpr()),
        [f.random_cpr(), "Jobcenter", "JC1", "Ressourceforløb", 46023, "2026-01-31", "10"],
        [f.random_cpr(), "Jobcenter", "JC1", "Ressourceforløb", "2026-01-01", "2026-01-31", datetime.time(1, 2)],
    ]
    job = run_import(municipality, write_xlsx(tmp_path / "a.xlsx", rows), mode=ImportMode.SKIP_BAD_ROWS)
    assert (job.status, job.rows_imported, job.rows_bad) == (ImportStatus.DONE, 1, 2)
    assert job.bad_rows == [[3, "date:period_start"], [4, "amount"]]


# --- XLSX: a cap on the unpacked size, and no XML entities ---------------------------------------------------------


def test_an_xlsx_that_unpacks_beyond_the_cap_is_refused_before_reading(tmp_path, settings):
    path = write_xlsx(tmp_path / "a.xlsx", [row(f.random_cpr())])
    settings.SAMSPIL_IMPORT_MAX_XLSX_BYTES = 1024 * 1024
    assert len(list(reader.rows(str(path), "a.xlsx"))) == 1
    settings.SAMSPIL_IMPORT_MAX_XLSX_BYTES = 1000
    assert "unpacks to more than" in _header_error(path, "a.xlsx")


def _with_entity(path):
    """The workbook with an internal XML entity in its sheet (the start of a "billion laughs")."""
    import zipfile

    source = zipfile.ZipFile(path)
    parts = {name: source.read(name) for name in source.namelist()}
    source.close()
    sheet = "xl/worksheets/sheet1.xml"
    xml = parts[sheet].decode()
    start = xml.index("?>") + 2 if xml.startswith("<?xml") else 0
    parts[sheet] = (xml[:start] + '<!DOCTYPE worksheet [<!ENTITY lol "Jobcenter">]>' + xml[start:]).encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def test_an_xlsx_with_xml_entities_is_refused(tmp_path):
    path = _with_entity(write_xlsx(tmp_path / "a.xlsx", [row(f.random_cpr())]))
    with pytest.raises(reader.ImportFileError):
        list(reader.rows(str(path), "a.xlsx"))
