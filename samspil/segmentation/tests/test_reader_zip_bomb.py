"""XLSX "zip bombs": refused from the sizes the archive declares, before openpyxl unpacks anything (issue 8,
security test: a 638 KiB upload unpacked to 1.5 GB of memory in 186 s)."""

import time
import zipfile
from unittest import mock

import pytest

from samspil.segmentation import reader
from samspil.segmentation.tests.factories import row, write_xlsx
from tests import factories as f

STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_OPEN = (
    b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
)


def rebuild(path, *, extra_part: str, write_part, content_type: bool = False):
    """The workbook at `path` with one more part, written in 1 MiB pieces (the test's memory stays small)."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    if content_type:
        types = parts["[Content_Types].xml"].decode()
        override = f'<Override PartName="/{extra_part}" ContentType="{STRINGS_TYPE}" />'
        parts["[Content_Types].xml"] = types.replace("</Types>", override + "</Types>").encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
        with target.open(extra_part, "w") as out:
            write_part(out)
    return path


def zeros_part(megabytes: int):
    def write(out):
        out.write(SST_OPEN + b' count="1" uniqueCount="1"><si><t>')
        chunk = b"0" * (1024 * 1024)
        for _ in range(megabytes):
            out.write(chunk)
        out.write(b"</t></si></sst>")

    return write


def error_of(path) -> str:
    with pytest.raises(reader.ImportFileError) as refused:
        list(reader.rows(str(path), "a.xlsx"))
    return str(refused.value)


@pytest.fixture
def workbook(tmp_path):
    return write_xlsx(tmp_path / "a.xlsx", [row(f.random_cpr())])


def test_a_shared_strings_bomb_is_refused_fast_and_before_openpyxl_opens_it(workbook):
    bomb = rebuild(workbook, extra_part="xl/sharedStrings.xml", write_part=zeros_part(60))
    assert bomb.stat().st_size < 1024 * 1024  # 60 MB of text packed into well under 1 MB
    started = time.monotonic()
    with mock.patch("openpyxl.load_workbook") as load_workbook:
        message = error_of(bomb)
    assert time.monotonic() - started < 2.0
    load_workbook.assert_not_called()
    assert "zip-bombe" in message  # what the user reads: the Danish text


def test_a_bomb_in_a_sheet_is_refused_too(workbook):
    def sheet(out):
        out.write(b"<worksheet><sheetData>")
        for _ in range(20):
            out.write(b"<row/>" * (1024 * 1024 // 6))
        out.write(b"</sheetData></worksheet>")

    bomb = rebuild(workbook, extra_part="xl/worksheets/sheet2.xml", write_part=sheet)
    assert "zip-bombe" in error_of(bomb)


def test_shared_strings_above_their_cap_are_refused(workbook, settings):
    settings.SAMSPIL_IMPORT_MAX_SHARED_STRINGS_BYTES = 64 * 1024

    def strings(out):  # not packed tightly: numbered texts
        out.write(SST_OPEN + b' count="5000" uniqueCount="5000">')
        for n in range(5000):
            out.write(b"<si><t>service %d</t></si>" % n)
        out.write(b"</sst>")

    path = rebuild(workbook, extra_part="xl/sharedStrings.xml", write_part=strings)
    assert "for mange forskellige tekster" in error_of(path)


def test_the_shared_strings_cap_follows_the_part_the_content_types_name(workbook, settings):
    settings.SAMSPIL_IMPORT_MAX_SHARED_STRINGS_BYTES = 1024

    def strings(out):
        out.write(SST_OPEN + b' count="200" uniqueCount="200">')
        out.write(b"".join(b"<si><t>text %d</t></si>" % n for n in range(200)))
        out.write(b"</sst>")

    path = rebuild(workbook, extra_part="xl/elsewhere.xml", write_part=strings, content_type=True)
    assert "for mange forskellige tekster" in error_of(path)


def test_a_declared_count_of_shared_strings_above_the_cap_is_refused(workbook):
    def strings(out):
        out.write(SST_OPEN + b' count="3000000" uniqueCount="3000000"><si><t>a</t></si></sst>')

    path = rebuild(workbook, extra_part="xl/sharedStrings.xml", write_part=strings)
    assert "for mange forskellige tekster" in error_of(path)


def test_a_real_spreadsheet_of_identical_rows_is_not_mistaken_for_a_bomb(tmp_path):
    from openpyxl import Workbook

    # Every row the same packs more tightly than any real file does, and still far below 100:1.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(reader.COLUMNS))
    for _ in range(5000):
        sheet.append(row("010190-1234"))
    path = tmp_path / "a.xlsx"
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size > 1024 * 1024  # big enough for the ratio check to apply
    assert info.file_size / info.compress_size > 10
    reader._check_archive(str(path))  # no ImportFileError


def test_the_refusal_is_danish_in_the_danish_ui(workbook):
    from django.utils import translation

    bomb = rebuild(workbook, extra_part="xl/sharedStrings.xml", write_part=zeros_part(2))
    with translation.override("da"):
        message = error_of(bomb)
    with translation.override("da"):
        expected = str(
            reader._(
                "The spreadsheet is packed far more tightly than a real spreadsheet is (a zip bomb?), so it is not "
                "opened. Save it as CSV and import that."
            )
        )
    assert message == expected
