"""`core.xlsx.workbook_response`, the spreadsheet writer the results exports use (and others may)."""

import io
import zipfile

import openpyxl

from samspil.core.xlsx import Sheet, workbook_bytes, workbook_response
from samspil.organisations.suppression import Cell, count_cell


def test_hidden_cells_are_text_never_their_number():
    secondary = Cell(value=7, pathways=7, hidden=True)
    data = workbook_bytes(
        [Sheet("Tal", ["Navn", "Antal"], [["a", count_cell(3)], ["b", secondary], ["c", count_cell(9)]])]
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows == [("Navn", "Antal"), ("a", "<5"), ("b", "vises ikke"), ("c", 9)]
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert ">3<" not in sheet_xml and ">7<" not in sheet_xml


def test_text_is_never_a_formula():
    data = workbook_bytes([Sheet("Ark", ["Navn"], [['=HYPERLINK("http://x")'], ["+1"], ["@SUM(A1)"]])])
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[1] == ('=HYPERLINK("http://x")',)


def test_sheet_titles_are_made_valid_and_unique():
    data = workbook_bytes(
        [Sheet("Pr. koordinator: a/b [x]" + "y" * 40, ["a"]), Sheet("Pr. koordinator: a/b [x]" + "y" * 40, ["a"])]
    )
    names = openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in names)
    assert len(set(names)) == 2


def test_the_response_is_a_download():
    response = workbook_response("resultater-x.xlsx", [Sheet("Ark", ["a"], [[1]])])
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="resultater-x.xlsx"'
    assert openpyxl.load_workbook(io.BytesIO(response.content)).active["A2"].value == 1
