from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    """Who sees a shared document. A document the citizen side uploads is always visible to both."""

    TEAM = "team", _("Only the team")
    TEAM_AND_CITIZEN = "team_and_citizen", _("The team and the citizen")


class DocumentKind(models.TextChoices):
    """The file types a shared document may be, as detected from its content (never from its name)."""

    PDF = "pdf", _("PDF document")
    PNG = "png", _("PNG image")
    JPEG = "jpeg", _("JPEG image")
    GIF = "gif", _("GIF image")
    WEBP = "webp", _("WebP image")
    DOCX = "docx", _("Word document")
    XLSX = "xlsx", _("Excel spreadsheet")
    PPTX = "pptx", _("PowerPoint presentation")
