"""Reads of shared documents and messages. The pathway is resolved (and its read access-logged) by the page's mixin,
`PathwayMixin` for staff and `PortalPathwayMixin` in the portal; these only read that pathway's rows.

- Staff (VIEW) see every document of the pathway, removed ones as history without a download.
- The citizen side sees the documents shared with it (`Visibility.TEAM_AND_CITIZEN`, which everything it uploads
  is) that are not removed; a team-only document does not exist for it (404 on its URL).
- The thread is read by the coordinator and covered team places (CONTRIBUTE) and by everyone on the citizen side
  who reaches the pathway in the portal (read or write).
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from samspil.documents.choices import Visibility
from samspil.documents.models import Document, Message, MessageReadMarker
from samspil.pathways.models import Pathway

THREAD_PAGE_SIZE = 50
_BEGINNING = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


# --- documents --------------------------------------------------------------------------------------------------


@dataclass
class DocumentsPage:
    current: list
    removed: list = field(default_factory=list)


def documents_for_staff(*, actor, pathway: Pathway) -> DocumentsPage:
    """Every document of the pathway, newest first; each with `may_remove` for the actor (its uploader on the team,
    or the coordinator, while the actor may contribute)."""
    rows = list(
        Document.objects.filter(pathway=pathway).select_related("uploaded_by", "uploaded_by_person", "removed_by")
    )
    may_contribute = pathway.access.may_contribute
    for document in rows:
        document.may_remove = (
            not document.is_removed
            and may_contribute
            and (pathway.access.is_coordinator or document.uploaded_by_id == actor.pk)
        )
    return DocumentsPage(current=[d for d in rows if not d.is_removed], removed=[d for d in rows if d.is_removed])


def document_for_staff(*, pathway: Pathway, public_id) -> Document:
    """A document of the pathway that has not been removed, or 404."""
    return get_object_or_404(Document.objects.filter(pathway=pathway, removed_at__isnull=True), public_id=public_id)


def _shared_with_citizen(pathway: Pathway):
    return Document.objects.filter(
        pathway=pathway, visibility=Visibility.TEAM_AND_CITIZEN, removed_at__isnull=True
    ).select_related("uploaded_by", "uploaded_by_person")


def documents_for_portal(*, pathway: Pathway, person) -> list[Document]:
    """What the citizen side sees: the documents shared with it, newest first, each with `shared_by` for `person`."""
    documents = list(_shared_with_citizen(pathway))
    for document in documents:
        document.shared_by = author_for_citizen(document.uploaded_by, document.uploaded_by_person, person)
    return documents


def document_for_portal(*, pathway: Pathway, public_id) -> Document:
    """A document shared with the citizen side, or 404 (a team-only or removed one is as one that does not exist)."""
    return get_object_or_404(_shared_with_citizen(pathway), public_id=public_id)


def author_for_citizen(user, author_person, viewer) -> str:
    """Who wrote or shared something, as the citizen side is told: "You", a staff member's name, or the other
    person's name, unless that person has name and address protection."""
    if author_person is None:
        return user.get_full_name() or _("The team")
    if viewer is not None and author_person.pk == viewer.pk:
        return _("You")
    if author_person.address_protected:
        return _("Another person with access to the pathway")
    return author_person.full_name


# --- messages ---------------------------------------------------------------------------------------------------


@dataclass
class ThreadPage:
    messages: list  # oldest first
    older: str = ""  # the cursor (a message's public id) for the page before, when there is one
    is_latest: bool = True


def thread_page(*, pathway: Pathway, before: str | None = None, size: int = THREAD_PAGE_SIZE) -> ThreadPage:
    """A page of the thread: the latest `size` messages, or those before the message `before` (a public id, from
    "Show earlier messages"); keyset, no COUNT. An unknown cursor gives the latest page."""
    rows = Message.objects.filter(pathway=pathway).select_related("author", "author_person")
    cursor = None
    if before:
        cursor = Message.objects.filter(pathway=pathway, public_id=_uuid_or_none(before)).first()
    if cursor is not None:
        rows = rows.filter(Q(created_at__lt=cursor.created_at) | Q(created_at=cursor.created_at, id__lt=cursor.id))
    newest_first = list(rows.order_by("-created_at", "-id")[: size + 1])
    more = len(newest_first) > size
    messages = list(reversed(newest_first[:size]))
    return ThreadPage(messages=messages, older=str(messages[0].public_id) if more else "", is_latest=cursor is None)


def _uuid_or_none(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def read_by_other_side(*, pathway: Pathway, messages: list, for_citizen: bool) -> set[int]:
    """The ids of `messages` the other side has read: a citizen-side message once the coordinator has opened the
    thread after it; a staff message once anyone on the citizen side has. One query."""
    if not messages:
        return set()
    markers = MessageReadMarker.objects.filter(pathway=pathway)
    if for_citizen:
        markers = markers.filter(user_id=pathway.coordinator_id)
    else:
        markers = markers.filter(user__citizen__isnull=False)
    last_read = max(markers.values_list("read_at", flat=True), default=None)
    if last_read is None:
        return set()
    own_side = [m for m in messages if m.from_citizen_side == for_citizen]
    return {m.pk for m in own_side if m.created_at <= last_read}


def _unread(user, pathway_ref):
    """The messages of the other side on `pathway_ref` (a pathway or OuterRef) that `user` has not read yet."""
    marker = MessageReadMarker.objects.filter(pathway=OuterRef("pathway"), user=user).values("read_at")[:1]
    other_side = Q(author_person__isnull=True) if user.is_citizen_account else Q(author_person__isnull=False)
    return (
        Message.objects.filter(other_side, pathway=pathway_ref)
        .exclude(author=user)
        .filter(created_at__gt=Coalesce(Subquery(marker), Value(_BEGINNING)))
    )


def unread_messages_annotation(user) -> dict:
    """For Pathway rows: `documents_unread_messages`, the number of messages `user` has not read, read in the query
    that loads the pathway anyway (`pathway_get(annotations=...)`), so the overview makes no query of its own."""
    counted = _unread(user, OuterRef("pk")).order_by().values("pathway").annotate(n=Count("pk")).values("n")
    return {"documents_unread_messages": Coalesce(Subquery(counted, output_field=IntegerField()), 0)}


def unread_messages(*, pathway: Pathway, user) -> int:
    """How many messages of the other side `user` has not read on `pathway`: no query when the pathway was loaded
    with `unread_messages_annotation`, else one."""
    if hasattr(pathway, "documents_unread_messages"):
        return pathway.documents_unread_messages
    return _unread(user, pathway).count()


# --- the citizen's own data (GDPR art. 15) ------------------------------------------------------------------------


def for_export(pathway: Pathway, person) -> dict:
    """The documents and messages of `pathway` as the citizen side sees them, for `person`'s data export (art. 15).

    `documents`: every document shared with the citizen side (visibility "team and citizen"), removed ones too (with
    `removed_at`; their content is gone), newest first: name, type (label), size in bytes, shared at (aware
    datetime), shared by (as the portal says it), whether `person` shared it. Team-only documents are left out, as
    in the portal. File contents are not included (the portal downloads them one by one).
    `messages`: the whole thread, oldest first: written at, written by, whether `person` wrote it, the text.
    Reads only; the caller logs the export.
    """
    documents = (
        Document.objects.filter(pathway=pathway, visibility=Visibility.TEAM_AND_CITIZEN)
        .select_related("uploaded_by", "uploaded_by_person")
        .order_by("-created_at", "-id")
    )
    messages = (
        Message.objects.filter(pathway=pathway).select_related("author", "author_person").order_by("created_at", "id")
    )
    return {
        "documents": [
            {
                "name": d.name,
                "type": str(d.get_kind_display()),
                "size": d.size,
                "shared_at": d.created_at,
                "shared_by": author_for_citizen(d.uploaded_by, d.uploaded_by_person, person),
                "own": d.uploaded_by_person_id == person.pk,
                "removed_at": d.removed_at,
            }
            for d in documents
        ],
        "messages": [
            {
                "written_at": m.created_at,
                "written_by": author_for_citizen(m.author, m.author_person, person),
                "own": m.author_person_id == person.pk,
                "body": m.body,
            }
            for m in messages
        ],
    }
