"""Writes of shared documents and messages, for staff and for the citizen side in the portal.

Each write re-checks the actor's right inside its transaction: staff through `policy.require` (the locked pathway
with `access`), a portal account through `portal.access.portal_pathway_get` (its one rule; a refusal is a logged
404). Who may do what:

| write | staff | citizen side (portal) |
|---|---|---|
| share a document | CONTRIBUTE, open pathway; visibility chosen | the *write* right, open pathway; seen by both |
| remove a document | its uploader (CONTRIBUTE) or the coordinator; also when closed | — |
| write a message | the coordinator (MANAGE), open pathway | anyone who reaches the pathway, open pathway |

Messages need only the *read* right on the citizen side: the thread is how a citizen reaches the coordinator, and a
read-only right is about the shared plan and documents, not about being heard. The other side is told by e-mail
after the commit, with the kind of news only (`notices`).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access import policy
from samspil.audit.services import event_record
from samspil.documents import filetypes, notices
from samspil.documents.choices import Visibility
from samspil.documents.models import Document, Message, MessageReadMarker
from samspil.pathways.models import Pathway
from samspil.portal.access import portal_pathway_lock, portal_person


def _require(actor, pathway: Pathway, *, staff_action: str, portal_write: bool):
    """The pathway re-read for `actor` inside the transaction, and the citizen-side person (None for staff).

    A portal account's access is worked out again from its rows as they are now, with the pathway and its portal
    right locked first (as `portal.services` does), so a right taken away meanwhile is seen: 404, logged."""
    person = portal_person(actor)
    if person is None:
        return policy.require(actor, staff_action, pathway), None
    resolved = portal_pathway_lock(user=actor, pathway=pathway, write=portal_write)
    return resolved, resolved.portal_access.person


def _closed() -> ValidationError:
    return ValidationError(_("The pathway is closed: nothing new can be shared or written on it."))


@transaction.atomic
def document_upload(*, actor, pathway: Pathway, upload, visibility: str = Visibility.TEAM) -> Document:
    """Share `upload` (an `UploadedFile`) on the pathway. The type is judged by the content and the name made safe
    (`filetypes`); the file is stored under a random name. ValidationError (Danish, on the `file` field) for a file
    that is too large, empty or of a type that may not be shared; nothing is stored then."""
    pathway, person = _require(actor, pathway, staff_action=policy.CONTRIBUTE, portal_write=True)
    if not pathway.is_open:
        raise _closed()
    if person is not None:
        visibility = Visibility.TEAM_AND_CITIZEN
    elif visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Choose who may see the document.")})
    try:
        inspected = filetypes.inspect(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    document = Document(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        name=filetypes.safe_name(upload.name, inspected.kind),
        kind=inspected.kind,
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        visibility=visibility,
        uploaded_by=actor,
        uploaded_by_person=person,
    )
    document.file.save(upload.name, upload, save=False)  # under a random name: `document_storage_name`
    try:
        document.save()
        data = {"name": document.name}
        if person is not None:
            code, data["portal_as"] = "document.shared_in_portal", pathway.portal_access.capacity
        elif visibility == Visibility.TEAM_AND_CITIZEN:
            code = "document.shared_with_citizen"
        else:
            code = "document.shared"
        event_record(actor=actor, code=code, municipality_id=pathway.municipality_id, pathway=pathway, data=data)
    except Exception:
        document.file.storage.delete(document.file.name)
        raise
    if person is not None:
        notices.tell_coordinator(pathway=pathway, news="document")
    elif visibility == Visibility.TEAM_AND_CITIZEN:
        notices.tell_citizen_side(pathway=pathway, news="document")
    return document


@transaction.atomic
def document_remove(*, actor, document: Document, reason: str) -> Document:
    """Remove a shared document: the row stays (who shared it, who removed it, when and why); the file's content is
    deleted from the storage after the commit, so no one can download it any more. For its uploader (while they may
    contribute) or the coordinator."""
    pathway = policy.require(actor, policy.CONTRIBUTE, document.pathway)
    locked = Document.objects.select_for_update().get(pk=document.pk, pathway=pathway)
    if not (pathway.access.is_coordinator or locked.uploaded_by_id == actor.pk):
        raise PermissionDenied
    if locked.is_removed:
        raise ValidationError(_("The document has already been removed."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Write why the document is removed.")})
    stored = locked.file.name
    storage = locked.file.storage
    locked.removed_at = timezone.now()
    locked.removed_by = actor
    locked.removed_reason = reason
    locked.file = ""
    locked.save(update_fields=["removed_at", "removed_by", "removed_reason", "file", "updated_at"])
    event_record(
        actor=actor,
        code="document.removed",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"name": locked.name, "reason": reason},
    )
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))
    return locked


@transaction.atomic
def message_send(*, actor, pathway: Pathway, body: str) -> Message:
    """Write a message in the pathway's thread: the coordinator, or anyone on the citizen side who reaches the
    pathway. The other side is told that there is a new message (no text, no name)."""
    pathway, person = _require(actor, pathway, staff_action=policy.MANAGE, portal_write=False)
    if not pathway.is_open:
        raise _closed()
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    message = Message.objects.create(
        municipality_id=pathway.municipality_id, pathway=pathway, author=actor, author_person=person, body=body
    )
    # The writer has read the thread up to their own message.
    thread_mark_read(reader=actor, pathway=pathway)
    if person is not None:
        notices.tell_coordinator(pathway=pathway, news="message")
    else:
        notices.tell_citizen_side(pathway=pathway, news="message")
    return message


def thread_mark_read(*, reader, pathway: Pathway) -> None:
    """`reader` has read the pathway's thread up to now (their unread count becomes 0). Called by the thread pages
    after the access check; a read receipt, not a change of the case (see `MessageReadMarker`)."""
    now = timezone.now()
    updated = MessageReadMarker.objects.filter(
        municipality_id=pathway.municipality_id, pathway=pathway, user=reader
    ).update(read_at=now)
    if updated:
        return
    try:
        with transaction.atomic():
            MessageReadMarker.objects.create(
                municipality_id=pathway.municipality_id, pathway=pathway, user=reader, read_at=now
            )
    except IntegrityError:  # the same reader's other request made it meanwhile
        MessageReadMarker.objects.filter(municipality_id=pathway.municipality_id, pathway=pathway, user=reader).update(
            read_at=now
        )
