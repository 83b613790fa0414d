"""What an uploaded file is, judged by its content; a safe name for it; and a safe way to hand it back.

**Type by content.** A file's name and the browser's content type are the uploader's word; the bytes are not. A
document is accepted only as one of `DocumentKind` and only when its content says so:

- PDF (`%PDF-` at the start), PNG, JPEG, GIF and WebP by their signatures;
- Word, Excel and PowerPoint (docx, xlsx, pptx) as what they are, ZIP archives (Office Open XML): the archive must
  hold `[Content_Types].xml`, and it must declare the main part of exactly one of the three (which must be in the
  archive). Before anything is unpacked the archive is checked from the sizes it declares, as the consumption
  import does (`segmentation/reader.py`): at most `MAX_MEMBERS` members, all of them together at most
  `MAX_UNPACK_FACTOR` × the upload limit, and no member above 1 MiB packed more tightly than 100:1 (a "zip
  bomb"). Only `[Content_Types].xml` (at most 1 MiB) is read, with defusedxml.
- Office files with macros (`*.docm`/`xlsm`/`pptm` main parts, or a VBA project in the archive) are refused: a
  shared document must not run code on the reader's machine.
- **Legacy Office files (.doc, .xls, .ppt: OLE2 compound files) are refused**, with a message asking for the
  newer format or PDF. Their content cannot be checked without a parser for the whole format, they may carry
  macros, and password-protected Office files are OLE2 too. Every Office version since 2007 saves the newer
  formats.
- Anything else (programs, scripts, HTML, SVG, archives, text) is refused.

**A name that contradicts the content** ("rapport.pdf" holding a PNG image) is not refused: the file is stored
as what its content is, and the name's extension is corrected ("rapport.png"), so the reader's computer opens it
with the right program. Only the allowed types get this far, so nothing dangerous passes by a wrong name.

**Names** keep what the uploader called the file, made safe: no path (only what follows the last `/` or `\\`), no
control or invisible formatting characters (a right-to-left override could make "fil‮fdp.exe" look like
"filexe.pdf"), none of `<>:"|?*`, no leading or trailing dots and spaces, no device name Windows reserves (CON,
PRN, AUX, NUL, COM1–9, LPT1–9: a leading `_` is added), at most `MAX_NAME_LENGTH` characters with the extension.
The stored object's own name in the storage is random (`models.document_storage_name`), never this one.
"""

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

from defusedxml import DefusedXmlException, ElementTree
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from samspil.documents.choices import DocumentKind

MAX_NAME_LENGTH = 150
MAX_MEMBERS = 10_000
MAX_UNPACK_FACTOR = 10  # an Office file may unpack to at most this many times the upload limit
MAX_COMPRESSION_RATIO = 100  # as the consumption import: real Office parts pack 5-20:1
_RATIO_FROM_BYTES = 1024 * 1024
_CONTENT_TYPES = "[Content_Types].xml"
_CONTENT_TYPES_MAX_BYTES = 1024 * 1024

CONTENT_TYPES = {
    DocumentKind.PDF: "application/pdf",
    DocumentKind.PNG: "image/png",
    DocumentKind.JPEG: "image/jpeg",
    DocumentKind.GIF: "image/gif",
    DocumentKind.WEBP: "image/webp",
    DocumentKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DocumentKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    DocumentKind.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
# The first extension is the one a corrected name gets.
EXTENSIONS = {
    DocumentKind.PDF: ("pdf",),
    DocumentKind.PNG: ("png",),
    DocumentKind.JPEG: ("jpg", "jpeg", "jpe"),
    DocumentKind.GIF: ("gif",),
    DocumentKind.WEBP: ("webp",),
    DocumentKind.DOCX: ("docx",),
    DocumentKind.XLSX: ("xlsx",),
    DocumentKind.PPTX: ("pptx",),
}
# The main part's content type (in [Content_Types].xml) of each Office Open XML kind.
_OFFICE_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DocumentKind.DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": DocumentKind.XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": DocumentKind.PPTX,
}
_MACRO_MAIN_PARTS = {
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.ms-excel.addin.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
}
_VBA_PROJECT = "application/vnd.ms-office.vbaProject"

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_SIGNATURES = (
    (b"%PDF-", DocumentKind.PDF),
    (b"\x89PNG\r\n\x1a\n", DocumentKind.PNG),
    (b"\xff\xd8\xff", DocumentKind.JPEG),
    (b"GIF87a", DocumentKind.GIF),
    (b"GIF89a", DocumentKind.GIF),
)


@dataclass(frozen=True)
class Inspected:
    """An accepted upload: its kind, content type, size in bytes and SHA-256 (hex)."""

    kind: str
    content_type: str
    size: int
    sha256: str


def megabytes(size: int) -> str:
    """A size for a Danish message: "20" for 20 MB, "0,5" below one."""
    return number_format(size / 1024**2, decimal_pos=0 if size >= 1024**2 else 1)


def _refused(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def allowed_types_text() -> str:
    return _("PDF, images (PNG, JPEG, GIF, WebP) and Office documents (Word .docx, Excel .xlsx, PowerPoint .pptx)")


def inspect(upload) -> Inspected:
    """Check an uploaded file (Django's `UploadedFile` or any seekable binary file with `size`) and say what it is.

    Raises `ValidationError` with a Danish message the uploader can act on: too large, empty, a legacy or
    macro-enabled Office file, an archive that unpacks to too much, or a type that is not allowed.
    """
    limit = settings.SAMSPIL_DOCUMENT_MAX_BYTES
    size = upload.size
    if size is not None and size > limit:
        raise _refused(
            _("The file is larger than %(mb)s MB, the most a shared document may be.") % {"mb": megabytes(limit)},
            "too_large",
        )
    upload.seek(0)
    head = upload.read(64)
    if not head:
        raise _refused(_("The file is empty."), "empty")
    kind = _kind_from_signature(head)
    if kind is None and head.startswith(_OLE2):
        raise _refused(
            _(
                "Old Office files (.doc, .xls, .ppt) and password-protected Office files cannot be checked safely. "
                "Save the file as .docx, .xlsx, .pptx or PDF and share that."
            ),
            "legacy_office",
        )
    if kind is None and head.startswith(_ZIP):
        kind = _office_kind(upload, limit)
    if kind is None:
        raise _refused(
            _("This type of file cannot be shared. Allowed: %(types)s.") % {"types": allowed_types_text()},
            "type",
        )
    digest, counted = _digest(upload)
    if counted > limit:  # the declared size was wrong or missing
        raise _refused(
            _("The file is larger than %(mb)s MB, the most a shared document may be.") % {"mb": megabytes(limit)},
            "too_large",
        )
    upload.seek(0)
    return Inspected(kind=kind, content_type=CONTENT_TYPES[kind], size=counted, sha256=digest)


def _kind_from_signature(head: bytes) -> str | None:
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return DocumentKind.WEBP
    return None


def _digest(upload) -> tuple[str, int]:
    upload.seek(0)
    digest, counted = hashlib.sha256(), 0
    while chunk := upload.read(1024 * 1024):
        digest.update(chunk)
        counted += len(chunk)
    return digest.hexdigest(), counted


def _office_kind(upload, limit: int) -> str | None:
    """The Office Open XML kind of a ZIP upload; None for any other archive. Refuses bombs and macros."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACK_FACTOR * limit:
                raise _too_packed()
            for member in members:
                if member.file_size > _RATIO_FROM_BYTES and member.file_size > MAX_COMPRESSION_RATIO * max(
                    member.compress_size, 1
                ):
                    raise _too_packed()
            names = {member.filename for member in members}
            if _CONTENT_TYPES not in names or archive.getinfo(_CONTENT_TYPES).file_size > _CONTENT_TYPES_MAX_BYTES:
                return None
            try:
                root = ElementTree.fromstring(archive.read(_CONTENT_TYPES))
            except (ElementTree.ParseError, DefusedXmlException):
                return None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        return None
    found = set()
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        content_type = element.get("ContentType") or ""
        if content_type in _MACRO_MAIN_PARTS or content_type == _VBA_PROJECT:
            raise _refused(
                _("Office files with macros cannot be shared. Save the file without macros (.docx, .xlsx, .pptx)."),
                "macros",
            )
        if tag == "Override" and content_type in _OFFICE_MAIN_PARTS:
            part = (element.get("PartName") or "").lstrip("/")
            if part in names:
                found.add(_OFFICE_MAIN_PARTS[content_type])
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise _refused(
            _("Office files with macros cannot be shared. Save the file without macros (.docx, .xlsx, .pptx)."),
            "macros",
        )
    return found.pop() if len(found) == 1 else None


def _too_packed() -> ValidationError:
    return _refused(
        _(
            "The Office file unpacks to far more than a real document does (a zip bomb?), so it cannot be shared. "
            "Save it as PDF and share that."
        ),
        "zip_bomb",
    )


# --- names ----------------------------------------------------------------------------------------------------

_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}
_FORBIDDEN = re.compile(r'[<>:"|?*]')
_EXTENSION = re.compile(r"^[A-Za-z0-9]{1,10}$")


def safe_name(raw: str, kind: str) -> str:
    """The uploader's file name made safe to show and to offer as a download name, with the extension of `kind`."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    # Categories C*: control, format (bidi overrides, zero-width), surrogates, private use, unassigned.
    name = re.sub(r"[\t\n\r]", " ", name)
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    name = _FORBIDDEN.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot or not _EXTENSION.match(extension):
        stem = name
    stem = stem.strip(" .") or _("document")
    allowed = EXTENSIONS[kind]
    extension = extension.lower() if dot and extension.lower() in allowed else allowed[0]
    if stem.split(".", 1)[0].strip().upper() in _RESERVED:
        stem = f"_{stem}"
    stem = stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip(" .") or _("document")
    return f"{stem}.{extension}"


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII fallback name and the real one as RFC 5987 `filename*` (UTF-8, percent-encoded).

    The fallback, for clients without `filename*`, keeps only ASCII letters, digits, `.`, `_`, `-` and spaces (accents
    dropped, letters without an ASCII form left out, anything else `_`: "Åben møde.pdf" → "Aben mde.pdf"), so no
    quote, backslash, semicolon or line break can reach the header.
    """
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = re.sub(r"[^A-Za-z0-9._ -]", "_", fallback).strip(" .") or "dokument"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
