"""The team's side: sharing, downloading and removing documents, and the thread with the citizen."""

import os

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.urls import reverse

from samspil.audit.models import AccessLogEntry, AuditEvent
from samspil.documents.choices import Visibility
from samspil.documents.models import Document, Message
from samspil.documents.tests.files import EXE, PDF, PNG, office, upload
from tests import factories as f

pytestmark = pytest.mark.django_db


def share(client, pathway, name, content, visibility=Visibility.TEAM):
    return client.post(
        reverse("documents:upload", args=[pathway.public_id]),
        {"upload-file": upload(name, content), "upload-visibility": visibility},
    )


def stored_files(settings) -> list[str]:
    root = os.path.join(settings.MEDIA_ROOT, "documents")
    return sorted(os.listdir(root)) if os.path.isdir(root) else []


def reads(pathway, shown):
    return list(AccessLogEntry.objects.filter(pathway=pathway, shown=shown))


def test_the_coordinator_shares_a_pdf_stored_under_a_random_name(client, world, settings):
    client.force_login(world.coordinator)

    response = share(client, world.pathway, "Mål- og aftaleskema.pdf", PDF)

    assert response.status_code == 302
    document = Document.objects.get(pathway=world.pathway)
    assert (document.name, document.kind, document.content_type) == (
        "Mål- og aftaleskema.pdf",
        "pdf",
        "application/pdf",
    )
    assert (document.size, document.visibility, document.uploaded_by) == (len(PDF), Visibility.TEAM, world.coordinator)
    assert document.uploaded_by_person is None
    assert "aftaleskema" not in document.file.name and document.file.name.startswith("documents/")
    assert stored_files(settings) == [document.file.name.split("/", 1)[1]]
    with default_storage.open(document.file.name) as stored:
        assert stored.read() == PDF
    event = AuditEvent.objects.get(pathway=world.pathway, code="document.shared")
    assert "Mål- og aftaleskema.pdf" in event.text

    page = client.get(reverse("documents:list", args=[world.pathway.public_id]))
    assert page.status_code == 200
    assert "Mål- og aftaleskema.pdf" in page.content.decode()
    assert "Kun teamet" in page.content.decode()


def test_a_pdf_name_with_png_content_is_stored_as_the_png_it_is(client, world):
    client.force_login(world.coordinator)
    assert share(client, world.pathway, "scanning.pdf", PNG).status_code == 302
    document = Document.objects.get(pathway=world.pathway)
    assert (document.name, document.kind, document.content_type) == ("scanning.png", "png", "image/png")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rapport.pdf", EXE, "Denne type fil kan ikke deles."),
        ("makro.docx", office("docm"), "Office-filer med makroer kan ikke deles."),
    ],
)
def test_a_disguised_program_is_refused_and_nothing_is_stored(client, world, settings, name, content, message):
    client.force_login(world.coordinator)

    response = share(client, world.pathway, name, content)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(settings) == []
    assert not AuditEvent.objects.filter(code__startswith="document.").exists()
    assert len(reads(world.pathway, "documents")) == 1  # the page shown again with the error


def test_a_file_over_the_size_limit_is_refused_with_the_limit_in_danish(client, world, settings):
    settings.SAMSPIL_DOCUMENT_MAX_BYTES = 2 * 1024 * 1024
    client.force_login(world.coordinator)

    response = share(client, world.pathway, "stor.pdf", PDF + b"%" * (2 * 1024 * 1024))

    assert response.status_code == 422
    assert "Filen er større end 2 MB, som er det største et delt dokument må være." in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_a_post_without_a_file_asks_for_one(client, world):
    client.force_login(world.coordinator)
    response = client.post(reverse("documents:upload", args=[world.pathway.public_id]), {})
    assert response.status_code == 422
    assert "Vælg en fil." in response.content.decode()


def test_a_download_is_an_attachment_with_a_safe_header_and_one_access_log_row(client, world):
    client.force_login(world.coordinator)
    share(client, world.pathway, 'Møde "noter".pdf', PDF)
    document = Document.objects.get()
    client.force_login(world.colleague)  # a team member (the coordinating department: covered)
    before = AccessLogEntry.objects.count()

    response = client.get(reverse("documents:download", args=[world.pathway.public_id, document.public_id]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Mde _noter_.pdf\"; filename*=UTF-8''M%C3%B8de%20_noter_.pdf"  # the name made safe
    )
    assert "sandbox" in response["Content-Security-Policy"]
    rows = list(AccessLogEntry.objects.order_by("pk")[before:])
    assert [(r.actor, r.citizen, r.pathway, r.shown) for r in rows] == [
        (world.colleague, world.citizen, world.pathway, "document")
    ]


def test_someone_outside_the_team_gets_404_and_nothing_is_logged_as_read(client, world):
    client.force_login(world.coordinator)
    share(client, world.pathway, "notat.pdf", PDF)
    document = Document.objects.get()
    client.force_login(world.outsider)
    before = AccessLogEntry.objects.count()
    response = client.get(reverse("documents:download", args=[world.pathway.public_id, document.public_id]))
    assert response.status_code == 404
    assert AccessLogEntry.objects.count() == before


def test_the_uploader_removes_their_document_the_row_stays_and_the_content_goes(
    client, world, settings, django_capture_on_commit_callbacks
):
    client.force_login(world.colleague)
    share(client, world.pathway, "forkert fil.pdf", PDF)
    document = Document.objects.get()
    url = reverse("documents:remove", args=[world.pathway.public_id, document.public_id])

    assert client.post(url, {}).status_code == 422  # the reason is required
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {f"remove-{document.public_id}-reason": "Forkert borger"})

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.is_removed and document.removed_by == world.colleague
    assert document.removed_reason == "Forkert borger" and not document.file
    assert stored_files(settings) == []
    assert AuditEvent.objects.filter(code="document.removed", pathway=world.pathway).exists()
    download = client.get(reverse("documents:download", args=[world.pathway.public_id, document.public_id]))
    assert download.status_code == 404
    page = client.get(reverse("documents:list", args=[world.pathway.public_id])).content.decode()
    assert "Fjernede dokumenter" in page and "Forkert borger" in page


def test_a_team_member_may_not_remove_someone_elses_document_the_coordinator_may(client, world):
    client.force_login(world.coordinator)
    share(client, world.pathway, "koordinatorens.pdf", PDF)
    document = Document.objects.get()
    url = reverse("documents:remove", args=[world.pathway.public_id, document.public_id])
    data = {f"remove-{document.public_id}-reason": "Ikke relevant"}

    client.force_login(world.colleague)
    assert client.post(url, data).status_code == 403
    assert AuditEvent.objects.filter(code="access.denied", actor=world.colleague).exists()
    document.refresh_from_db()
    assert not document.is_removed

    client.force_login(world.coordinator)
    assert client.post(url, data).status_code == 302
    document.refresh_from_db()
    assert document.is_removed


def test_a_grant_holder_may_download_but_not_share(client, world):
    holder = f.make_staff(world.jobs, "team_leader")
    f.AccessGrantFactory(pathway=world.pathway, user=holder)
    client.force_login(world.coordinator)
    share(client, world.pathway, "plan.pdf", PDF)
    document = Document.objects.get()
    client.force_login(holder)
    assert (
        client.get(reverse("documents:download", args=[world.pathway.public_id, document.public_id])).status_code == 200
    )
    assert share(client, world.pathway, "mere.pdf", PDF).status_code == 403
    assert client.get(reverse("documents:messages", args=[world.pathway.public_id])).status_code == 403


def test_nothing_can_be_shared_on_a_closed_pathway(client, world):
    world.pathway.status = "closed"
    world.pathway.save()
    client.force_login(world.coordinator)
    response = share(client, world.pathway, "sent.pdf", PDF)
    assert response.status_code == 422
    assert "Forløbet er afsluttet" in response.content.decode()


# --- messages -------------------------------------------------------------------------------------------------


def test_the_coordinator_writes_and_the_citizen_side_is_told_without_text_or_names(
    client, world, portal, django_capture_on_commit_callbacks
):
    client.force_login(world.coordinator)
    url = reverse("documents:message_send", args=[world.pathway.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"message-body": "Husk mødet på torsdag hos Jobcentret."})

    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.author, message.author_person, message.body) == (
        world.coordinator,
        None,
        "Husk mødet på torsdag hos Jobcentret.",
    )
    assert [m.to for m in mail.outbox] == [["borger@example.org"]]
    sent = mail.outbox[0].subject + mail.outbox[0].body
    for secret in ("torsdag", world.citizen.first_name, world.citizen.last_name, world.coordinator.last_name):
        assert secret not in sent
    assert "/borger/log-ind/" in sent


def test_an_empty_message_is_refused(client, world):
    client.force_login(world.coordinator)
    response = client.post(reverse("documents:message_send", args=[world.pathway.public_id]), {"message-body": "  "})
    assert response.status_code == 422
    assert "Skriv en besked." in response.content.decode()
    assert not Message.objects.exists()


def test_the_team_reads_the_thread_only_the_coordinator_writes(client, world):
    f_message = Message.objects.create(
        municipality=world.municipality, pathway=world.pathway, author=world.coordinator, body="Velkommen"
    )
    client.force_login(world.colleague)
    before = AccessLogEntry.objects.count()
    page = client.get(reverse("documents:messages", args=[world.pathway.public_id]))
    assert page.status_code == 200
    assert f_message.body in page.content.decode()
    assert [r.shown for r in AccessLogEntry.objects.order_by("pk")[before:]] == ["messages"]
    write = client.post(reverse("documents:message_send", args=[world.pathway.public_id]), {"message-body": "Hej"})
    assert write.status_code == 403
    assert Message.objects.count() == 1


def test_the_overview_shows_unread_messages_until_the_thread_is_opened(client, world, portal):
    Message.objects.create(
        municipality=world.municipality,
        pathway=world.pathway,
        author=portal.account,
        author_person=world.citizen,
        body="Jeg kan ikke komme i morgen",
    )
    client.force_login(world.coordinator)
    overview = reverse("pathways:overview", args=[world.pathway.public_id])
    assert "1 ny" in client.get(overview).content.decode()
    client.get(reverse("documents:messages", args=[world.pathway.public_id]))
    assert "1 ny" not in client.get(overview).content.decode()
