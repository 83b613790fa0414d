"""The citizen side: documents shared with it, its own uploads, and the thread with the coordinator."""

import pytest
from django.core import mail
from django.urls import reverse

from samspil.audit.choices import AccessPurpose, AccessVia
from samspil.audit.models import AccessLogEntry, AuditEvent
from samspil.documents import selectors
from samspil.documents.choices import Visibility
from samspil.documents.models import Document, Message
from samspil.documents.services import document_upload
from samspil.documents.tests.files import EXE, PDF, PNG, upload
from tests import factories as f

pytestmark = pytest.mark.django_db


def staff_share(world, name, content=PDF, visibility=Visibility.TEAM_AND_CITIZEN) -> Document:
    return document_upload(
        actor=world.coordinator, pathway=world.pathway, upload=upload(name, content), visibility=visibility
    )


def url(name, world, *args):
    return reverse(f"portal:{name}", args=[world.pathway.public_id, *args])


def new_reads(before):
    return list(AccessLogEntry.objects.filter(pk__gt=before).order_by("pk"))


def last_log_pk():
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_the_citizen_sees_what_is_shared_with_them_and_never_a_team_only_document(client, world, portal):
    shared = staff_share(world, "Mål- og aftaleskema.pdf")
    internal = staff_share(world, "Analysemøde noter.pdf", visibility=Visibility.TEAM)
    client.force_login(portal.account)
    before = last_log_pk()

    page = client.get(url("documents", world))

    assert page.status_code == 200
    text = page.content.decode()
    assert shared.name in text and internal.name not in text
    assert "Analysemøde" not in text
    assert [(r.shown, r.citizen, r.via, r.purpose) for r in new_reads(before)] == [
        ("portal.documents", world.citizen, AccessVia.OWN, AccessPurpose.PORTAL)
    ]
    before = last_log_pk()
    assert client.get(url("document_download", world, internal.public_id)).status_code == 404
    assert new_reads(before) == []


def test_each_portal_download_writes_exactly_one_access_log_row(client, world, portal):
    shared = staff_share(world, "Skema.pdf")
    client.force_login(portal.account)
    before = last_log_pk()

    response = client.get(url("document_download", world, shared.public_id))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith('attachment; filename="Skema.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    rows = new_reads(before)
    assert [(r.actor, r.citizen, r.pathway, r.shown, r.via) for r in rows] == [
        (portal.account, world.citizen, world.pathway, "portal.documents", AccessVia.OWN)
    ]


def test_the_citizen_shares_a_file_seen_by_both_and_the_coordinator_is_told_without_names(
    client, world, portal, django_capture_on_commit_callbacks
):
    # Names that no e-mail text holds by chance (a random first name "Sam" is in "Samspil").
    world.citizen.first_name, world.citizen.last_name = "Borgerinde", "Navneprøvesen"
    world.citizen.save()
    client.force_login(portal.account)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("document_upload", world), {"upload-file": upload("min lægeerklæring.pdf", PDF)})

    assert response.status_code == 302
    document = Document.objects.get()
    assert document.visibility == Visibility.TEAM_AND_CITIZEN
    assert (document.uploaded_by, document.uploaded_by_person) == (portal.account, world.citizen)
    assert AuditEvent.objects.get(code="document.shared_in_portal").pathway == world.pathway
    assert [m.to for m in mail.outbox] == [["koordinator@example-kommune.dk"]]
    sent = mail.outbox[0].subject + mail.outbox[0].body
    for secret in ("lægeerklæring", world.citizen.first_name, world.citizen.last_name):
        assert secret not in sent
    assert "min lægeerklæring.pdf" in client.get(url("documents", world)).content.decode()
    client.force_login(world.coordinator)
    staff_page = client.get(reverse("documents:list", args=[world.pathway.public_id])).content.decode()
    assert "min lægeerklæring.pdf" in staff_page and "Teamet og borgeren" in staff_page


def test_a_disguised_program_from_the_portal_is_refused(client, world, portal):
    client.force_login(portal.account)
    response = client.post(url("document_upload", world), {"upload-file": upload("billede.png", EXE)})
    assert response.status_code == 422
    assert "Denne type fil kan ikke deles." in response.content.decode()
    assert not Document.objects.exists()


def test_a_png_named_pdf_from_the_portal_is_stored_as_png(client, world, portal):
    client.force_login(portal.account)
    client.post(url("document_upload", world), {"upload-file": upload("foto.pdf", PNG)})
    assert Document.objects.get().name == "foto.png"


def test_read_only_access_may_read_and_write_messages_but_not_upload(
    client, world, portal, settings, django_capture_on_commit_callbacks
):
    f.grant_portal(world.pathway, world.citizen, "read")
    client.force_login(portal.account)
    page = client.get(url("documents", world))
    assert page.status_code == 200
    assert 'id="upload-form"' not in page.content.decode()

    refused = client.post(url("document_upload", world), {"upload-file": upload("skema.pdf", PDF)})
    assert refused.status_code == 404
    assert not Document.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url("messages", world), {"message-body": "Jeg har fået nyt nummer"})
    assert sent.status_code == 302
    assert Message.objects.get().author_person == world.citizen
    assert [m.to for m in mail.outbox] == [["koordinator@example-kommune.dk"]]
    assert "nyt nummer" not in mail.outbox[0].body


@pytest.mark.parametrize("page", ["documents", "messages"])
def test_another_citizen_staff_and_the_anonymous_never_reach_the_pages(client, world, portal, page):
    shared = staff_share(world, "Skema.pdf")
    for user in (portal.stranger_account, world.coordinator):
        client.force_login(user)
        before = last_log_pk()
        assert client.get(url(page, world)).status_code == 404
        assert client.get(url("document_download", world, shared.public_id)).status_code == 404
        assert client.post(url("messages", world), {"message-body": "Hej"}).status_code == 404
        assert new_reads(before) == []
    assert not Message.objects.exists()
    client.logout()
    response = client.get(url(page, world))
    assert response.status_code == 302 and response["Location"].startswith("/borger/log-ind/")


def test_messages_go_both_ways_and_each_side_is_told_without_content(
    client, world, portal, django_capture_on_commit_callbacks
):
    client.force_login(portal.account)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("messages", world), {"message-body": "Kan vi flytte mødet til mandag?"})
    client.force_login(world.coordinator)
    thread = client.get(reverse("documents:messages", args=[world.pathway.public_id])).content.decode()
    assert "Kan vi flytte mødet til mandag?" in thread
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("documents:message_send", args=[world.pathway.public_id]), {"message-body": "Ja, kl. 10 mandag."}
        )
    assert [m.to for m in mail.outbox] == [["koordinator@example-kommune.dk"], ["borger@example.org"]]
    for message in mail.outbox:
        for secret in ("mandag", world.citizen.first_name, world.citizen.last_name, world.coordinator.last_name):
            assert secret not in message.subject + message.body

    client.force_login(portal.account)
    overview = client.get(reverse("portal:pathway", args=[world.pathway.public_id])).content.decode()
    assert "1 ny" in overview  # the tab shows the unread reply
    before = last_log_pk()
    thread = client.get(url("messages", world)).content.decode()
    assert "Ja, kl. 10 mandag." in thread and "Dig" in thread
    assert "Læst af din koordinator" in thread  # the coordinator opened the thread after the citizen wrote
    assert "1 ny" not in thread  # the tab's count, read with the pathway, follows the reading of the thread
    assert [r.shown for r in new_reads(before)] == ["portal.messages"]
    assert "1 ny" not in client.get(reverse("portal:pathway", args=[world.pathway.public_id])).content.decode()


def test_a_custody_holder_uses_the_documents_of_a_childs_pathway_a_parent_without_custody_does_not(client, world):
    child = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(12))
    pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=child)
    mother = f.GuardianshipFactory(child=child, guardian=f.CitizenFactory(municipality=world.municipality)).guardian
    father = f.GuardianshipFactory(
        child=child, guardian=f.CitizenFactory(municipality=world.municipality), has_custody=False
    ).guardian
    for parent in (mother, father):
        f.grant_portal(pathway, parent, "write", by=world.coordinator)
    shared = document_upload(
        actor=world.coordinator,
        pathway=pathway,
        upload=upload("Skoleplan.pdf", PDF),
        visibility=Visibility.TEAM_AND_CITIZEN,
    )
    download = reverse("portal:document_download", args=[pathway.public_id, shared.public_id])

    client.force_login(f.portal_account(mother))
    before = last_log_pk()
    assert client.get(download).status_code == 200
    assert [(r.citizen, r.via) for r in new_reads(before)] == [(child, AccessVia.CUSTODY)]

    client.force_login(f.portal_account(father))
    assert client.get(download).status_code == 404


def test_the_export_lists_what_the_citizen_side_sees(world, portal):
    shared = staff_share(world, "Skema.pdf")
    staff_share(world, "Internt notat.pdf", visibility=Visibility.TEAM)
    Message.objects.create(
        municipality=world.municipality,
        pathway=world.pathway,
        author=portal.account,
        author_person=world.citizen,
        body="Hej",
    )
    Message.objects.create(
        municipality=world.municipality, pathway=world.pathway, author=world.coordinator, body="Hej selv"
    )

    export = selectors.for_export(world.pathway, world.citizen)

    assert [d["name"] for d in export["documents"]] == [shared.name]
    assert export["documents"][0]["shared_by"] == world.coordinator.get_full_name()
    assert [(m["body"], m["own"]) for m in export["messages"]] == [("Hej", True), ("Hej selv", False)]
    assert export["messages"][0]["written_by"] == "Dig"
