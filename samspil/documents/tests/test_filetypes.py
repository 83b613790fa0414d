"""The type of a shared document is judged by its content; names are made safe; the download header is safe."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from samspil.documents import filetypes
from samspil.documents.choices import DocumentKind
from samspil.documents.tests.files import EXE, GIF, HTML, JPEG, OLE2, PDF, PNG, SVG, WEBP, office, upload, zip_bomb


@pytest.fixture(autouse=True)
def danish():
    with translation.override("da"):
        yield


@pytest.mark.parametrize(
    ("content", "kind", "content_type"),
    [
        (PDF, DocumentKind.PDF, "application/pdf"),
        (PNG, DocumentKind.PNG, "image/png"),
        (JPEG, DocumentKind.JPEG, "image/jpeg"),
        (GIF, DocumentKind.GIF, "image/gif"),
        (WEBP, DocumentKind.WEBP, "image/webp"),
        (office("docx"), DocumentKind.DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (office("xlsx"), DocumentKind.XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (
            office("pptx"),
            DocumentKind.PPTX,
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
    ],
)
def test_allowed_types_are_recognised_by_content_whatever_the_name(content, kind, content_type):
    inspected = filetypes.inspect(upload("uden-endelse", content))
    assert (inspected.kind, inspected.content_type, inspected.size) == (kind, content_type, len(content))
    assert len(inspected.sha256) == 64


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rapport.pdf", EXE, "Denne type fil kan ikke deles"),
        ("billede.png", HTML, "Denne type fil kan ikke deles"),
        ("tegning.svg", SVG, "Denne type fil kan ikke deles"),
        ("arkiv.docx", b"PK\x03\x04" + b"\x00" * 40, "Denne type fil kan ikke deles"),  # a broken ZIP
        ("gammel.doc", OLE2, "Gamle Office-filer (.doc, .xls, .ppt)"),
        ("makro.docx", office("docm"), "makroer"),
        ("skjult.docx", office("docx", extra={"word/vbaProject.bin": b"\x00" * 10}), "makroer"),
        ("bombe.docx", zip_bomb(), "zip-bombe"),
        ("tom.pdf", b"", "Filen er tom"),
    ],
)
def test_refused_files_get_a_danish_reason(name, content, message):
    with pytest.raises(ValidationError) as refused:
        filetypes.inspect(upload(name, content))
    assert message in " ".join(refused.value.messages)


def test_a_zip_that_is_not_an_office_file_is_refused():
    """A JAR or an ordinary archive is a ZIP too, but has no Office content types."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("META-INF/MANIFEST.MF", "Main-Class: Evil\n")
    with pytest.raises(ValidationError, match="Denne type fil kan ikke deles"):
        filetypes.inspect(upload("program.docx", buffer.getvalue()))


def test_an_office_file_whose_main_part_is_missing_is_refused():
    types = (
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Override PartName="/word/missing.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    with pytest.raises(ValidationError, match="Denne type fil kan ikke deles"):
        filetypes.inspect(upload("brev.docx", office("docx", content_types=types)))


def test_the_size_limit_counts_the_bytes_and_names_the_limit_in_megabytes(settings):
    settings.SAMSPIL_DOCUMENT_MAX_BYTES = 1024 * 1024
    just = PDF + b"%" * (1024 * 1024 - len(PDF))
    assert filetypes.inspect(upload("grænse.pdf", just)).size == 1024 * 1024
    with pytest.raises(ValidationError) as refused:
        filetypes.inspect(upload("for-stor.pdf", just + b"%"))
    assert refused.value.messages == ["Filen er større end 1 MB, som er det største et delt dokument må være."]


@pytest.mark.parametrize(
    ("raw", "kind", "safe"),
    [
        ("Mål- og aftaleskema.pdf", DocumentKind.PDF, "Mål- og aftaleskema.pdf"),
        ("../../etc/passwd.pdf", DocumentKind.PDF, "passwd.pdf"),
        ("C:\\Users\\ung\\Skrivebord\\Skema.PDF", DocumentKind.PDF, "Skema.pdf"),
        ("scan.pdf", DocumentKind.PNG, "scan.png"),  # the content decides; the extension follows it
        ("foto.JPEG", DocumentKind.JPEG, "foto.jpeg"),
        ("kvittering", DocumentKind.PDF, "kvittering.pdf"),
        ("virus.exe", DocumentKind.PDF, "virus.pdf"),
        ("fil\u202efdp.exe", DocumentKind.PDF, "filfdp.pdf"),  # a right-to-left override would hide the real end
        ("a\x00b\x1fc\u200b.pdf", DocumentKind.PDF, "abc.pdf"),
        ("linje\nskift\t.pdf", DocumentKind.PDF, "linje skift.pdf"),
        ('<script>"x"|y?*:z.pdf', DocumentKind.PDF, "_script__x__y___z.pdf"),
        ("CON.pdf", DocumentKind.PDF, "_CON.pdf"),
        ("lpt1.notat.docx", DocumentKind.DOCX, "_lpt1.notat.docx"),
        ("  ..skjult. .pdf", DocumentKind.PDF, "skjult.pdf"),
        ("", DocumentKind.PDF, "dokument.pdf"),
        ("....pdf", DocumentKind.PDF, "pdf.pdf"),
    ],
)
def test_names_are_made_safe(raw, kind, safe):
    assert filetypes.safe_name(raw, kind) == safe


def test_long_names_are_cut_keeping_the_extension():
    name = filetypes.safe_name("x" * 400 + ".pdf", DocumentKind.PDF)
    assert len(name) == filetypes.MAX_NAME_LENGTH
    assert name.endswith("x.pdf")


def test_the_download_header_carries_the_real_name_encoded_and_a_safe_ascii_fallback():
    header = filetypes.content_disposition('Møde "referat"; ny.pdf')
    assert header.startswith('attachment; filename="')
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback == "Mde _referat__ ny.pdf"
    assert header.endswith("filename*=UTF-8''M%C3%B8de%20%22referat%22%3B%20ny.pdf")
    assert "\n" not in header and "\r" not in header
