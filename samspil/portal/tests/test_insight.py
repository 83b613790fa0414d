"""Insight in the portal (issue 9, part 5): who looked at the data, when, what, why and on which basis — across every
pathway, intake reads without a pathway, reads by blind index from segmentation, and break-glass with its reason."""

import datetime
import re
import uuid
from dataclasses import dataclass
from html import unescape

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samspil.access.models import BreakGlassAccess
from samspil.audit import context
from samspil.audit.choices import AccessPurpose, AccessVia
from samspil.audit.models import AccessLogEntry
from samspil.audit.services import access_record, access_record_subjects
from samspil.organisations.choices import StaffRole
from tests import factories as f

pytestmark = pytest.mark.django_db


def read(actor, citizen, *, at, pathway=None, shown="pathway.overview", via=AccessVia.SCOPE, purpose=None):
    with time_machine.travel(at, tick=False), context.bound(actor_id=actor.pk, request_id=f"r-{uuid.uuid4()}"):
        access_record(
            actor=actor,
            citizens=[citizen],
            shown=shown,
            purpose=purpose or AccessPurpose.COORDINATION,
            pathway=pathway,
            via=via,
        )


def entries(response) -> list[str]:
    html = response.content.decode()
    if 'id="insight-rows"' not in html:
        return []
    block = html[html.index('id="insight-rows"') : html.index("</ol>", html.index('id="insight-rows"'))]
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in block.split("<li")[1:]]


@pytest.fixture
def adult(world):
    f.grant_portal(world.pathway, world.citizen, "read")
    world.account = f.portal_account(world.citizen)
    world.coordinator.job_title = "Familiekoordinator"
    world.coordinator.save()
    return world


def insight(client, world, **params):
    client.force_login(world.account)
    return client.get(reverse("portal:insight", args=[world.pathway.public_id]), params)


def test_staff_reads_are_shown_with_name_role_department_what_why_and_basis(client, adult):
    now = timezone.now()
    read(adult.coordinator, adult.citizen, at=now - datetime.timedelta(hours=2), pathway=adult.pathway)
    read(adult.jobworker, adult.citizen, at=now - datetime.timedelta(hours=1), pathway=adult.pathway, shown="plan")
    response = insight(client, adult)
    assert response.status_code == 200
    rows = entries(response)
    assert len(rows) == 2
    newest, oldest = rows
    assert adult.jobworker.get_full_name() in newest and "Koordinator / sagsbehandler, Jobcenter" in newest
    assert "Den fælles plan" in newest and "Koordinering af forløbet" in newest
    assert adult.coordinator.get_full_name() in oldest and "Familiekoordinator, Børn og Unge" in oldest
    assert "Forløbsoverblik" in oldest and "Koordinator eller team" in oldest


def test_break_glass_intake_and_segmentation_reads_are_included(client, adult):
    now = timezone.now()
    with time_machine.travel(now - datetime.timedelta(hours=3), tick=False):
        BreakGlassAccess.objects.create(
            municipality=adult.municipality,
            pathway=adult.pathway,
            user=adult.outsider,
            reason="Akut henvendelse fra skolen om borgeren",
            expires_at=now,
        )
    read(
        adult.outsider,
        adult.citizen,
        at=now - datetime.timedelta(hours=2),
        pathway=adult.pathway,
        via=AccessVia.BREAK_GLASS,
    )
    read(
        adult.jobworker,
        adult.citizen,
        at=now - datetime.timedelta(hours=4),
        shown="citizen.intake",
        via=AccessVia.INTAKE,
        purpose=AccessPurpose.INTAKE,
    )  # no pathway
    controller = f.make_staff(adult.jobs, StaffRole.CONTROLLER)

    @dataclass
    class Subject:  # a person in imported consumption, not linked to the citizen: found by the blind index only
        municipality_id: int
        cpr_index: str
        citizen_id: int | None = None

    with time_machine.travel(now - datetime.timedelta(hours=5), tick=False):
        access_record_subjects(
            actor=controller,
            subjects=[Subject(adult.municipality.pk, adult.citizen.cpr_index)],
            shown="segmentation.candidate",
            purpose=AccessPurpose.SEGMENTATION,
            via=AccessVia.SCOPE,
        )
    other = f.CitizenFactory(municipality=adult.municipality)
    read(adult.coordinator, other, at=now - datetime.timedelta(hours=1))  # someone else's data: never shown

    rows = entries(insight(client, adult))
    assert len(rows) == 3
    glass, intake, segmentation = rows
    assert "Nødadgang" in glass and "Akut henvendelse fra skolen om borgeren" in glass
    assert "Åbning af et forløb" in intake and "Modtagelse: finde borgeren" in intake
    assert controller.get_full_name() in segmentation and "Økonomimedarbejder, Jobcenter" in segmentation
    assert "En kandidats indlæste ydelsesforbrug" in segmentation


def test_own_reads_are_you_yourself_and_can_be_hidden(client, adult):
    now = timezone.now()
    read(adult.coordinator, adult.citizen, at=now - datetime.timedelta(hours=2), pathway=adult.pathway)
    read(
        adult.account,
        adult.citizen,
        at=now - datetime.timedelta(hours=1),
        pathway=adult.pathway,
        shown="portal.plan",
        via=AccessVia.OWN,
        purpose=AccessPurpose.PORTAL,
    )
    rows = entries(insight(client, adult))
    assert len(rows) == 2 and "Dig selv" in rows[0] and "Dig selv" not in rows[1]
    assert adult.citizen.last_name not in rows[0]
    hidden = insight(client, adult, egne="skjul")
    assert len(entries(hidden)) == 1 and "Vis også din egen brug af portalen" in hidden.content.decode()


def test_the_pages_read_is_logged_for_the_person_it_concerns(client, adult):
    insight(client, adult)
    logged = AccessLogEntry.objects.filter(actor=adult.account)
    assert [(e.citizen_id, e.pathway_id, e.shown, e.purpose, e.via) for e in logged] == [
        (adult.citizen.pk, adult.pathway.pk, "portal.insight", AccessPurpose.PORTAL, AccessVia.OWN)
    ]


def test_a_custody_holder_sees_the_childs_log_not_their_own_data(client, world):
    child = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(9), first_name="Lily")
    mother = f.GuardianshipFactory(child=child).guardian
    pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=child)
    f.grant_portal(pathway, mother, "read")
    account = f.portal_account(mother)
    now = timezone.now()
    read(world.coordinator, child, at=now - datetime.timedelta(hours=2), pathway=pathway)
    read(world.coordinator, mother, at=now - datetime.timedelta(hours=1), pathway=pathway)  # the mother's own record
    client.force_login(account)
    response = client.get(reverse("portal:insight", args=[pathway.public_id]))
    rows = entries(response)
    assert len(rows) == 1 and world.coordinator.get_full_name() in rows[0]
    assert "Lily" in response.content.decode()
    logged = AccessLogEntry.objects.get(actor=account)
    assert (logged.citizen_id, logged.via) == (child.pk, AccessVia.CUSTODY)
    client.force_login(f.portal_account(f.CitizenFactory(municipality=world.municipality)))
    assert client.get(reverse("portal:insight", args=[pathway.public_id])).status_code == 404


def test_keyset_pages_neither_skip_nor_repeat_rows_sharing_a_moment(client, adult, settings):
    settings.SAMSPIL_PAGE_SIZE = 4
    now = timezone.now()
    actors = [f.make_staff(adult.children) for _ in range(3)]
    for i in range(3):  # three moments with three reads each: pages cut through them
        moment = now - datetime.timedelta(minutes=10 * (i + 1))
        for actor in actors:
            read(actor, adult.citizen, at=moment, pathway=adult.pathway)
    seen, params, pages = [], {}, 0
    while True:
        response = insight(client, adult, **params)
        assert response.status_code == 200
        seen += entries(response)
        pages += 1
        found = re.search(r'href="\?([^"]*efter=[^"]*)" rel="next"', response.content.decode())
        if not found:
            break
        params = dict(part.split("=", 1) for part in unescape(found.group(1)).split("&"))
    assert pages == 3 and len(seen) == len(set(seen)) == 9
    counts = {actor.get_full_name(): sum(actor.get_full_name() in row for row in seen) for actor in actors}
    assert set(counts.values()) == {3}


def test_a_broken_cursor_is_a_danish_message_and_the_newest_page(client, adult):
    read(adult.coordinator, adult.citizen, at=timezone.now(), pathway=adult.pathway)
    response = insight(client, adult, efter="ikke-en-markør")
    assert response.status_code == 422
    assert "Linket til næste side er ikke gyldigt" in response.content.decode()
    assert len(entries(response)) == 1


def test_queries_are_constant_however_many_reads_and_readers(client, adult):
    client.force_login(adult.account)
    url = reverse("portal:insight", args=[adult.pathway.public_id])

    def grow(count):
        now = timezone.now()
        for i in range(count):
            actor = f.make_staff(adult.jobs if i % 2 else adult.children)
            via = AccessVia.BREAK_GLASS if i % 3 == 0 else AccessVia.SCOPE
            if via == AccessVia.BREAK_GLASS:
                f.BreakGlassAccessFactory(pathway=adult.pathway, user=actor)
            read(actor, adult.citizen, at=now - datetime.timedelta(seconds=i + 1), pathway=adult.pathway, via=via)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    grow(5)
    client.get(url)  # warm-up
    small = count()
    grow(60)
    assert count() == small


@pytest.mark.django_db
def test_an_entry_whose_reader_is_gone_is_left_out_as_the_join_left_it_out():
    """The log has no foreign-key constraints (audit/0007): a row whose reader no longer exists is not shown, and
    the page does not fail."""
    from samspil.portal.insight import _with_readers

    reader = f.StaffUserFactory()
    kept = AccessLogEntry(pk=1, actor_id=reader.pk)
    gone = AccessLogEntry(pk=2, actor_id=reader.pk + 10_000)
    assert _with_readers([kept, gone]) == [kept] and kept.actor == reader
    assert _with_readers([]) == []
