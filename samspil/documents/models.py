import uuid

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samspil.audit.models import ChangeLogged
from samspil.core.models import TenantModel
from samspil.documents.choices import DocumentKind, Visibility


def document_storage_name(instance, filename) -> str:
    """A random name in the storage: never the uploader's name, never guessable, no extension to act on."""
    return f"documents/{uuid.uuid4().hex}"


class Document(ChangeLogged, TenantModel):
    """A file shared on a pathway (seed 002: the goals-and-agreements form and other files the team and the young
    person share), by the team or by the citizen side in the portal.

    The file is kept through Django's storage API under a random name (`document_storage_name`); `name` is what the
    uploader called it, made safe (`filetypes.safe_name`), and `kind` / `content_type` are what its *content* is
    (`filetypes.inspect`). `visibility` says whether the citizen side sees it; what the citizen side uploads is
    always visible to both. Removing a document keeps the row (who shared it, when, who removed it, when and why)
    and deletes only the file's content: a removed document cannot be downloaded by anyone.
    """

    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="documents", verbose_name=_("pathway")
    )
    file = models.FileField(_("file"), upload_to=document_storage_name, max_length=255, blank=True)
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, choices=DocumentKind.choices)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)
    visibility = models.CharField(_("visible to"), max_length=20, choices=Visibility.choices, default=Visibility.TEAM)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("shared by")
    )
    uploaded_by_person = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shared by (citizen side)"),
        help_text=_("The citizen or custody holder who shared it in the portal; empty when staff shared it."),
    )
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("removed by"),
    )
    removed_reason = models.CharField(_("reason for removal"), max_length=500, blank=True)

    # The storage name is random and says nothing; the change log keeps the name, type, size and SHA-256.
    change_log_ignored = ChangeLogged.change_log_ignored | {"file"}

    class Meta:
        verbose_name = _("shared document")
        verbose_name_plural = _("shared documents")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["pathway", "-created_at"], name="document_pathway_created")]

    def __str__(self):
        return gettext("Document “%(name)s”") % {"name": self.name}

    @property
    def change_log_pathway_id(self):
        return self.pathway_id

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def from_citizen_side(self) -> bool:
        return self.uploaded_by_person_id is not None

    @property
    def visible_to_citizen(self) -> bool:
        return self.visibility == Visibility.TEAM_AND_CITIZEN and not self.is_removed


class Message(ChangeLogged, TenantModel):
    """One message in a pathway's thread between the citizen side (the citizen and custody holders who reach the
    pathway in the portal) and the coordinator. Messages are never edited or deleted."""

    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="messages", verbose_name=_("pathway")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    author_person = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by (citizen side)"),
        help_text=_("The citizen or custody holder who wrote it in the portal; empty when staff wrote it."),
    )
    body = models.TextField(_("message"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["pathway", "created_at"], name="message_pathway_created")]

    def __str__(self):
        if self.created_at is None:
            return gettext("Message")
        moment = formats.date_format(timezone.localtime(self.created_at), "SHORT_DATETIME_FORMAT")
        return gettext("Message of %(moment)s") % {"moment": moment}

    @property
    def change_log_pathway_id(self):
        return self.pathway_id

    @property
    def from_citizen_side(self) -> bool:
        return self.author_person_id is not None


class MessageReadMarker(TenantModel):
    """How far one reader (a staff member or a portal account) has read a pathway's thread: messages of the other
    side written after `read_at` are unread for them.

    Not change-logged on purpose: it moves on every read of the thread, and that read is already in the access log.
    """

    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.CASCADE, related_name="+", verbose_name=_("pathway")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("reader")
    )
    read_at = models.DateTimeField(_("read up to"))

    class Meta:
        verbose_name = _("read marker")
        verbose_name_plural = _("read markers")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "pathway", "user"], name="message_read_marker_unique"),
        ]

    def __str__(self):
        return gettext("Read marker")
