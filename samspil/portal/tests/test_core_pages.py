"""The portal's core pages (`/borger/`): the list of pathways, one pathway, the plan in the citizen's edition, its
versions and the calendar files — for a young person with the write right, custody holders (a child under 15 and a
16-year-old), a read-only right, another citizen, staff and the anonymous; the 18th birthday; the access log; and
what must never reach the portal (analysis meetings, internal notes)."""

import datetime
import io
from dataclasses import dataclass

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from samspil.audit.choices import AccessPurpose, AccessVia
from samspil.audit.models import AccessLogEntry, AuditEvent
from samspil.citizens.choices import HouseholdRole
from samspil.documents import services as documents
from samspil.meetings.choices import MeetingType
from samspil.organisations.choices import DepartmentKind, StaffRole
from samspil.pathways.choices import PathwayStatus, TeamMemberKind, TeamRole
from samspil.pathways.models import Programme
from samspil.pathways.programmes import ONE_FAMILY, ROAD_TO_EDUCATION
from samspil.plans.models import Agreement, GoalComment, Plan, PlanRevision
from samspil.portal.choices import PortalLevel
from samspil.portal.models import PortalRight
from tests import factories as f

pytestmark = pytest.mark.django_db

# Texts that must never reach the portal: an analysis meeting's minutes and place, and an internal note.
ANALYSIS_MARKER = "ANALYSEMOEDE-HEMMELIG-7731"
INTERNAL_MARKER = "INTERN-NOTE-HEMMELIG-4410"


@dataclass
class PortalWorld:
    coordinator: object
    young: object  # 16, write access
    young_account: object
    pathway: object  # the young person's pathway (Vejen til uddannelse)
    mother: object  # custody holder of the young person and of the child, write access to both
    mother_account: object
    child: object  # 10
    child_pathway: object
    family_pathway: object  # the mother and the child as a family (Én familie – én indgang): the mother as herself
    reader: object  # an adult with read access to their own pathway
    reader_account: object
    reader_pathway: object
    other_account: object  # a citizen with no access to anything here
    own_agreement: object
    team_agreement: object
    goal: object
    meeting: object  # a status meeting tomorrow, the young person invited
    analysis: object  # an analysis meeting the day after, without the young person
    team_meeting: object  # a status meeting without the young person


def _years_ago(years: int, days: int = 0) -> datetime.date:
    return f.years_ago(years, days=days)


@pytest.fixture
def pw(db) -> PortalWorld:
    municipality = f.MunicipalityFactory()
    children = f.DepartmentFactory(municipality=municipality, name="Børn og Unge", kind=DepartmentKind.CHILDREN_YOUTH)
    jobs = f.DepartmentFactory(municipality=municipality, name="Jobcentret", kind=DepartmentKind.JOB_CENTRE)
    coordinator = f.make_staff(
        children, StaffRole.CASEWORKER, phone="12 34 56 78", email="koordinator@kommune.test", job_title="Koordinator"
    )
    road = Programme.objects.get(municipality=municipality, code=ROAD_TO_EDUCATION)
    family_programme = Programme.objects.get(municipality=municipality, code=ONE_FAMILY)

    young = f.CitizenFactory(municipality=municipality, born=_years_ago(16), street="Ungevej 1", first_name="Zenobia")
    mother = f.CitizenFactory(municipality=municipality, born=_years_ago(42), street="Mor Allé 9", email="mor@x.test")
    f.GuardianshipFactory(child=young, guardian=mother)
    pathway = f.PathwayFactory(coordinator=coordinator, lead_department=children, programme=road, citizen=young)

    child = f.CitizenFactory(municipality=municipality, born=_years_ago(10))
    f.GuardianshipFactory(child=child, guardian=mother)
    child_pathway = f.PathwayFactory(coordinator=coordinator, lead_department=children, citizen=child)
    household = f.HouseholdFactory(municipality=municipality, name="Familien Hansen")
    f.HouseholdMemberFactory(household=household, citizen=mother, role=HouseholdRole.ADULT)
    f.HouseholdMemberFactory(household=household, citizen=child, role=HouseholdRole.CHILD)
    family_pathway = f.PathwayFactory(
        coordinator=coordinator,
        lead_department=children,
        programme=family_programme,
        citizen=None,
        household=household,
    )

    reader = f.CitizenFactory(municipality=municipality, born=_years_ago(30))
    reader_pathway = f.PathwayFactory(coordinator=coordinator, lead_department=children, citizen=reader)
    other = f.CitizenFactory(municipality=municipality, born=_years_ago(25))

    for target, person, level in (
        (pathway, young, PortalLevel.WRITE),
        (pathway, mother, PortalLevel.WRITE),
        (child_pathway, mother, PortalLevel.WRITE),
        (family_pathway, mother, PortalLevel.WRITE),
        (reader_pathway, reader, PortalLevel.READ),
    ):
        f.grant_portal(target, person, level)

    # The team: a colleague in the job centre, an external professional and a network person.
    f.TeamMemberFactory(pathway=pathway, department=jobs, role=TeamRole.CASEWORKER)
    f.TeamMemberFactory(pathway=pathway, external=True)
    f.TeamMemberFactory(pathway=pathway, network=True, name="Karen Moster", relation="Moster")
    coordinator_place = pathway.team.get(user=coordinator)

    # The plan: an agreement of the young person's, one of the coordinator's, a follow-up with an internal note.
    plan = f.PlanFactory(pathway=pathway, citizen_wishes="Jeg vil være mekaniker.")
    goal = f.GoalFactory(plan=plan, description="Starte på en erhvervsuddannelse")
    own = f.AgreementFactory(goal=goal, what="Besøge teknisk skole")
    team = f.AgreementFactory(goal=goal, what="Søge om mentor", owner_kind="team_member", owner=coordinator_place)
    f.GoalFollowUpFactory(goal=goal, note="Det går fint i praktikken", internal_note=INTERNAL_MARKER)
    f.make_revision(pathway)

    meeting = f.MeetingFactory(pathway=pathway, meeting_type=MeetingType.STATUS, location="Rådhuset, lokale 2")
    f.MeetingParticipantFactory(meeting=meeting)
    analysis = f.MeetingFactory(
        pathway=pathway,
        meeting_type=MeetingType.ANALYSIS,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        ends_at=timezone.now() + datetime.timedelta(days=2, hours=1),
        location=f"Lokale {ANALYSIS_MARKER}",
        minutes=ANALYSIS_MARKER,
    )
    f.MeetingFactory(pathway=pathway, meeting_type=MeetingType.ANALYSIS, held=True, minutes=ANALYSIS_MARKER)
    team_meeting = f.MeetingFactory(
        pathway=pathway,
        meeting_type=MeetingType.STATUS,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        ends_at=timezone.now() + datetime.timedelta(days=3, hours=1),
        location="Teamets eget møde",
    )
    return PortalWorld(
        coordinator=coordinator,
        young=young,
        young_account=f.portal_account(young),
        pathway=pathway,
        mother=mother,
        mother_account=f.portal_account(mother),
        child=child,
        child_pathway=child_pathway,
        family_pathway=family_pathway,
        reader=reader,
        reader_account=f.portal_account(reader),
        reader_pathway=reader_pathway,
        other_account=f.portal_account(other),
        own_agreement=own,
        team_agreement=team,
        goal=goal,
        meeting=meeting,
        analysis=analysis,
        team_meeting=team_meeting,
    )


def url(name: str, pathway, *args) -> str:
    return reverse(f"portal:{name}", args=[pathway.public_id, *args])


def reads(**filters):
    return list(AccessLogEntry.objects.filter(**filters).values_list("citizen_id", "pathway_id", "shown", "via"))


def page_urls(pw) -> list[str]:
    """Every GET of the core pages about the young person's pathway (and the list)."""
    return [
        reverse("portal:home"),
        url("pathway", pw.pathway),
        url("plan", pw.pathway),
        url("revisions", pw.pathway),
        url("revision", pw.pathway, 1),
        url("meeting_ics", pw.pathway, pw.meeting.public_id),
    ]


# --- the list of pathways ------------------------------------------------------------------------------------


def test_home_lists_each_pathway_with_its_capacity_and_logs_one_row_per_citizen_and_pathway(client, pw):
    client.force_login(pw.mother_account)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Som forældremyndighedsindehaver for {pw.young.first_name}" in html
    assert f"Som forældremyndighedsindehaver for {pw.child.first_name}" in html
    assert "Din families forløb" in html  # the family pathway, where the mother is a member herself
    assert pw.coordinator.get_full_name() in html and "Vejen til uddannelse og beskæftigelse" in html
    rows = AccessLogEntry.objects.filter(actor=pw.mother_account)
    assert sorted((r.citizen_id, r.pathway_id, r.via) for r in rows) == sorted(
        [
            (pw.young.pk, pw.pathway.pk, AccessVia.CUSTODY),
            (pw.child.pk, pw.child_pathway.pk, AccessVia.CUSTODY),
            (pw.mother.pk, pw.family_pathway.pk, AccessVia.OWN),
            (pw.child.pk, pw.family_pathway.pk, AccessVia.OWN),
        ]
    )
    assert {(r.shown, r.purpose) for r in rows} == {("portal.home", AccessPurpose.PORTAL)}


def test_home_for_the_young_person_says_it_is_their_own(client, pw):
    client.force_login(pw.young_account)
    html = client.get(reverse("portal:home")).content.decode()
    assert "Dit forløb" in html and "Som forældremyndighedsindehaver" not in html
    assert reads(actor=pw.young_account) == [(pw.young.pk, pw.pathway.pk, "portal.home", AccessVia.OWN)]


def test_home_without_access_explains_how_to_get_it_and_logs_nothing(client, pw):
    client.force_login(pw.other_account)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Du kan ikke se et forløb endnu" in html and "bed din koordinator om at give dig adgang" in html
    assert not AccessLogEntry.objects.exists()


def test_staff_and_anonymous_never_reach_the_portal(client, pw):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response["Location"].startswith(settings.PORTAL_LOGIN_URL)
    client.force_login(pw.coordinator)
    for address in page_urls(pw):
        assert client.get(address).status_code == 404, address
    assert client.post(url("plan_wishes", pw.pathway), {"wishes-wishes": "x", "wishes-version": 1}).status_code == 404
    assert not AccessLogEntry.objects.exists()
    assert Plan.objects.get(pathway=pw.pathway).citizen_wishes == "Jeg vil være mekaniker."


# --- one pathway ---------------------------------------------------------------------------------------------


def test_pathway_page_shows_the_coordinator_the_team_and_the_meetings_with_the_young_person(client, pw):
    client.force_login(pw.young_account)
    response = client.get(url("pathway", pw.pathway))
    assert response.status_code == 200
    html = response.content.decode()
    coordinator = pw.coordinator
    for text in (coordinator.get_full_name(), "12 34 56 78", "koordinator@kommune.test", "Børn og Unge"):
        assert text in html
    assert "Hvad er Vejen til uddannelse og beskæftigelse?" in html
    assert "Du får én koordinator og et team af fagfolk" in html
    assert "Jobcentret" in html and "Sagsbehandler" in html  # a team member's department and role
    assert "Karen Moster" in html and "Fra dit netværk, Moster" in html
    assert "Statusmøde" in html and "Rådhuset, lokale 2" in html
    assert url("meeting_ics", pw.pathway, pw.meeting.public_id) in html
    assert str(pw.analysis.public_id) not in html and "Analysemøde" not in html
    assert str(pw.team_meeting.public_id) not in html and "Teamets eget møde" not in html
    assert "Ungevej 1" not in html and "Mor Allé 9" not in html  # no citizen's address
    assert reads(actor=pw.young_account) == [(pw.young.pk, pw.pathway.pk, "portal.pathway", AccessVia.OWN)]


def test_custody_holder_of_a_16_year_old_reads_the_pathway_as_custody_holder(client, pw):
    client.force_login(pw.mother_account)
    response = client.get(url("pathway", pw.pathway))
    assert response.status_code == 200
    assert f"Som forældremyndighedsindehaver for {pw.young.first_name}" in response.content.decode()
    assert reads(actor=pw.mother_account) == [(pw.young.pk, pw.pathway.pk, "portal.pathway", AccessVia.CUSTODY)]


def test_custody_holder_of_a_child_under_15_and_the_child_itself(client, pw):
    client.force_login(pw.mother_account)
    assert client.get(url("plan", pw.child_pathway)).status_code == 200
    assert reads(actor=pw.mother_account) == [(pw.child.pk, pw.child_pathway.pk, "portal.plan", AccessVia.CUSTODY)]
    # Under 15 the custody holders use the portal, not the child, even with a right of its own.
    f.grant_portal(pw.child_pathway, pw.child, PortalLevel.WRITE)
    client.force_login(f.portal_account(pw.child))
    assert client.get(url("pathway", pw.child_pathway)).status_code == 404
    assert AuditEvent.objects.filter(code="access.denied", pathway=pw.child_pathway).count() == 1


def test_the_custody_query_is_made_only_for_someone_who_is_not_a_subject_of_their_own(pw):
    """A young person or an adult reaches their pathway as themselves: the minors they hold custody of are not read.
    A custody holder's page reads them, and the mother, who is a subject of the family pathway, reaches it as
    herself and the child's pathway as custody holder."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from samspil.portal.access import Capacity, portal_pathway_get

    def get(account, pathway):
        with CaptureQueriesContext(connection) as queries:
            found = portal_pathway_get(user=account, public_id=pathway.public_id)
        return found.portal_access, sum("citizens_guardianship" in query["sql"] for query in queries)

    access, custody_queries = get(pw.young_account, pw.pathway)
    assert access.capacity == Capacity.SELF and custody_queries == 0
    access, custody_queries = get(pw.mother_account, pw.pathway)
    assert (access.capacity, access.child) == (Capacity.CUSTODY, pw.young) and custody_queries == 1
    assert get(pw.mother_account, pw.family_pathway)[0].capacity == Capacity.SELF
    assert get(pw.mother_account, pw.child_pathway)[0].child == pw.child


def test_another_citizen_gets_404_and_the_refusal_is_logged(client, pw):
    client.force_login(pw.other_account)
    for address in page_urls(pw)[1:]:
        assert client.get(address).status_code == 404, address
    assert AuditEvent.objects.filter(code="access.denied", pathway=pw.pathway, actor=pw.other_account).count() == 5
    assert not AccessLogEntry.objects.exists()


def test_the_meeting_in_the_calendar_and_never_the_analysis_meeting(client, pw):
    client.force_login(pw.young_account)
    response = client.get(url("meeting_ics", pw.pathway, pw.meeting.public_id))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VEVENT" in body and f"UID:{pw.meeting.public_id}@samspil" in body
    assert pw.young.first_name not in body  # a calendar file never names the citizen
    assert reads(actor=pw.young_account) == [(pw.young.pk, pw.pathway.pk, "portal.meeting", AccessVia.OWN)]
    for hidden in (pw.analysis, pw.team_meeting):
        assert client.get(url("meeting_ics", pw.pathway, hidden.public_id)).status_code == 404
    assert AccessLogEntry.objects.count() == 1


# --- what never reaches the portal ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["young_account", "mother_account"])
def test_analysis_meetings_and_internal_notes_are_on_no_portal_page(client, pw, who):
    client.force_login(getattr(pw, who))
    for address in page_urls(pw):
        response = client.get(address)
        assert response.status_code == 200, address
        content = response.content.decode()
        assert ANALYSIS_MARKER not in content, address
        assert INTERNAL_MARKER not in content, address
        assert str(pw.analysis.public_id) not in content, address


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_downloads_hold_the_comments_and_never_the_analysis_meeting_or_internal_notes(client, pw):
    client.force_login(pw.young_account)
    key = f"comment-{pw.goal.public_id}"
    client.post(url("goal_comment", pw.pathway, pw.goal.public_id), {f"{key}-text": "Jeg glæder mig til august."})
    data = client.get(url("export_json", pw.pathway))
    assert data.status_code == 200
    text = data.content.decode()
    assert "Jeg glæder mig til august." in text
    document = client.get(url("export_pdf", pw.pathway))
    assert document.status_code == 200
    pdf = pdf_text(document.content)
    assert "Jeg glæder mig til august." in pdf
    for content in (text, pdf):
        assert ANALYSIS_MARKER not in content and INTERNAL_MARKER not in content
        assert str(pw.analysis.public_id) not in content


def test_exactly_one_access_log_row_per_read_of_each_page(client, pw):
    client.force_login(pw.young_account)
    for address in page_urls(pw)[1:]:
        before = AccessLogEntry.objects.count()
        assert client.get(address).status_code == 200
        rows = AccessLogEntry.objects.order_by("-id")[: AccessLogEntry.objects.count() - before]
        assert [(r.citizen_id, r.pathway_id, r.purpose, r.via) for r in rows] == [
            (pw.young.pk, pw.pathway.pk, AccessPurpose.PORTAL, AccessVia.OWN)
        ], address


# --- the plan ------------------------------------------------------------------------------------------------


def test_the_plan_in_the_citizens_edition_with_the_forms_of_the_write_right(client, pw):
    client.force_login(pw.young_account)
    html = client.get(url("plan", pw.pathway)).content.decode()
    assert "Jeg vil være mekaniker." in html and "Starte på en erhvervsuddannelse" in html
    assert "Det går fint i praktikken" in html  # the follow-up note is part of the citizen's edition
    assert url("agreement_done", pw.pathway, pw.own_agreement.public_id) in html
    assert url("agreement_done", pw.pathway, pw.team_agreement.public_id) not in html
    assert url("goal_comment", pw.pathway, pw.goal.public_id) in html
    assert url("plan_wishes", pw.pathway) in html
    assert url("revision", pw.pathway, 1) in html  # "do you agree?" for the newest version


def test_the_pathway_tabs_mark_the_page_or_its_section(client, pw):
    """Seven tabs in order, each to this pathway's page; the overview is current on itself only, the plan also on
    its versions. The unread-messages badge sits on *Beskeder*."""
    client.force_login(pw.young_account)
    names = ["pathway", "plan", "assessment", "consent", "insight", "documents", "messages"]
    for page, current in (
        (url("pathway", pw.pathway), "pathway"),
        (url("plan", pw.pathway), "plan"),
        (url("revision", pw.pathway, 1), "plan"),
        (url("messages", pw.pathway), "messages"),
    ):
        html = client.get(page).content.decode()
        nav = html.split('class="portal-nav-list', 1)[1].split("</ul>", 1)[0]
        links = [part.split('"', 1)[0] for part in nav.split('href="')[1:]]
        assert links == [url(name, pw.pathway) for name in names], page
        marked = [link for link in nav.split("<li>")[1:] if 'aria-current="page"' in link]
        assert len(marked) == 1 and f'href="{url(current, pw.pathway)}"' in marked[0], page
    documents.message_send(actor=pw.coordinator, pathway=pw.pathway, body="Husk mødet i morgen.")
    client.force_login(pw.young_account)
    nav = client.get(url("plan", pw.pathway)).content.decode().split('class="portal-nav-list', 1)[1]
    assert 'Beskeder <span class="badge badge-info">1 ny</span>' in nav.split("</ul>", 1)[0]


def test_a_reader_sees_the_plan_and_every_write_is_404_with_nothing_written(client, pw):
    plan = f.PlanFactory(pathway=pw.reader_pathway, citizen_wishes="Læserens ønsker")
    goal = f.GoalFactory(plan=plan)
    agreement = f.AgreementFactory(goal=goal)
    f.make_revision(pw.reader_pathway)
    client.force_login(pw.reader_account)
    html = client.get(url("plan", pw.reader_pathway)).content.decode()
    assert "Læserens ønsker" in html and "Du kan læse" not in html
    assert url("plan_wishes", pw.reader_pathway) not in html
    assert url("agreement_done", pw.reader_pathway, agreement.public_id) not in html
    before = (AuditEvent.objects.exclude(code="access.denied").count(), GoalComment.objects.count())
    posts = [
        (url("plan_wishes", pw.reader_pathway), {"wishes-wishes": "Nyt", "wishes-version": plan.version}),
        (url("goal_comment", pw.reader_pathway, goal.public_id), {f"comment-{goal.public_id}-text": "Hej"}),
        (url("agreement_done", pw.reader_pathway, agreement.public_id), {f"done-{agreement.public_id}-version": 1}),
        (url("revision", pw.reader_pathway, 1), {"response-agreed": "yes"}),
    ]
    for address, data in posts:
        assert client.post(address, data).status_code == 404, address
    assert (AuditEvent.objects.exclude(code="access.denied").count(), GoalComment.objects.count()) == before
    assert Plan.objects.get(pk=plan.pk).citizen_wishes == "Læserens ønsker"
    assert Agreement.objects.get(pk=agreement.pk).status == "agreed"
    assert not PlanRevision.objects.get(pathway=pw.reader_pathway).has_citizen_response
    assert AuditEvent.objects.filter(code="access.denied", actor=pw.reader_account).count() == 4


def test_wishes_in_own_words_are_a_new_version_on_the_coordinators_timeline(
    client, pw, django_capture_on_commit_callbacks
):
    client.force_login(pw.young_account)
    plan = Plan.objects.get(pathway=pw.pathway)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("plan_wishes", pw.pathway),
            {"wishes-wishes": "Jeg vil være automekaniker og have min egen bil.", "wishes-version": plan.version},
        )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.citizen_wishes == "Jeg vil være automekaniker og have min egen bil."
    revision = PlanRevision.objects.filter(pathway=pw.pathway).order_by("-number").first()
    assert revision.number == 2 and revision.saved_by == pw.young_account
    assert revision.event.code == "portal.wishes_updated"
    assert revision.snapshot["wishes"] == plan.citizen_wishes
    # The coordinator is told there is news, without a name or the text.
    assert [message.to for message in mail.outbox] == [["koordinator@kommune.test"]]
    assert "automekaniker" not in mail.outbox[0].body and pw.young.first_name not in mail.outbox[0].body
    client.force_login(pw.coordinator)
    overview = client.get(reverse("pathways:overview", args=[pw.pathway.public_id])).content.decode()
    assert "(borgeren, via portalen) skrev egne ønsker i den fælles plan" in overview


def test_a_conflict_on_the_wishes_keeps_the_text_and_shows_what_is_saved(client, pw):
    plan = Plan.objects.get(pathway=pw.pathway)
    client.force_login(pw.mother_account)
    client.post(url("plan_wishes", pw.pathway), {"wishes-wishes": "Mors udgave", "wishes-version": plan.version})
    client.force_login(pw.young_account)
    response = client.post(
        url("plan_wishes", pw.pathway), {"wishes-wishes": "Min egen tekst", "wishes-version": plan.version}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "En anden har gemt ønskerne, mens du skrev" in html
    assert "Min egen tekst</textarea>" in html  # the young person's text is kept in the box
    assert "Mors udgave" in html  # what is saved now, beside it
    assert Plan.objects.get(pk=plan.pk).citizen_wishes == "Mors udgave"
    # Saving again, after reading, is a deliberate overwrite on the saved version.
    saved = Plan.objects.get(pk=plan.pk).version
    assert f'name="wishes-version" value="{saved}"' in html
    again = client.post(url("plan_wishes", pw.pathway), {"wishes-wishes": "Min egen tekst", "wishes-version": saved})
    assert again.status_code == 302 and Plan.objects.get(pk=plan.pk).citizen_wishes == "Min egen tekst"


def test_a_comment_on_a_goal_is_shown_to_the_team_as_the_citizens_own_words(client, pw):
    client.force_login(pw.young_account)
    key = f"comment-{pw.goal.public_id}"
    assert client.post(url("goal_comment", pw.pathway, pw.goal.public_id), {f"{key}-text": "  "}).status_code == 422
    assert not GoalComment.objects.exists()
    response = client.post(
        url("goal_comment", pw.pathway, pw.goal.public_id), {f"{key}-text": "Jeg vil gerne starte til august."}
    )
    assert response.status_code == 302
    comment = GoalComment.objects.get()
    assert (comment.person, comment.author, comment.goal) == (pw.young, pw.young_account, pw.goal)
    assert PlanRevision.objects.filter(pathway=pw.pathway).count() == 1  # a comment is no new version
    event = AuditEvent.objects.get(code="portal.goal_commented")
    assert "(borgeren, via portalen) kommenterede målet" in event.text
    html = client.get(url("plan", pw.pathway)).content.decode()
    today = timezone.localdate().strftime("%d.%m.%Y")
    assert f"<strong>Kommentar fra {pw.young.full_name}</strong> · {today}<br>Jeg vil gerne starte til august." in html
    client.force_login(pw.mother_account)
    client.post(url("goal_comment", pw.pathway, pw.goal.public_id), {f"{key}-text": "Vi støtter det."})
    client.force_login(pw.coordinator)
    for page in ("plans:plan", "plans:goal"):
        args = [pw.pathway.public_id] + ([pw.goal.public_id] if page == "plans:goal" else [])
        html = client.get(reverse(page, args=args)).content.decode()
        assert f"Kommentar fra {pw.young.full_name} (borgerens egne ord)" in html
        assert "Jeg vil gerne starte til august." in html
        assert f"Kommentar fra {pw.mother.full_name} (forældremyndighedsindehaver, egne ord)" in html


def test_marking_own_agreements_done_and_no_one_elses(client, pw):
    client.force_login(pw.young_account)
    own, team = pw.own_agreement, pw.team_agreement
    stale = client.post(url("agreement_done", pw.pathway, own.public_id), {f"done-{own.public_id}-version": 7})
    assert stale.status_code == 422 and "En anden har ændret aftalen" in stale.content.decode()
    assert Agreement.objects.get(pk=own.pk).status == "agreed"
    refused = client.post(url("agreement_done", pw.pathway, team.public_id), {f"done-{team.public_id}-version": 1})
    assert refused.status_code == 404 and Agreement.objects.get(pk=team.pk).status == "agreed"
    done = client.post(url("agreement_done", pw.pathway, own.public_id), {f"done-{own.public_id}-version": 1})
    assert done.status_code == 302
    own.refresh_from_db()
    assert own.status == "done" and own.completed_on == timezone.localdate()
    revision = PlanRevision.objects.filter(pathway=pw.pathway).order_by("-number").first()
    assert revision.event.code == "portal.agreement_done" and "som udført" in revision.event.text
    # A custody holder marks only agreements naming them: the young person's own is not hers.
    other = f.AgreementFactory(goal=pw.goal, what="Købe arbejdstøj")
    client.force_login(pw.mother_account)
    html = client.get(url("plan", pw.pathway)).content.decode()
    assert url("agreement_done", pw.pathway, other.public_id) not in html
    response = client.post(url("agreement_done", pw.pathway, other.public_id), {f"done-{other.public_id}-version": 1})
    assert response.status_code == 404 and Agreement.objects.get(pk=other.pk).status == "agreed"


def test_a_family_member_marks_the_familys_and_their_own_agreements(client, pw):
    plan = f.PlanFactory(pathway=pw.family_pathway)
    goal = f.GoalFactory(plan=plan)
    family = f.AgreementFactory(goal=goal, what="Hele familien")
    mine = f.AgreementFactory(goal=goal, what="Mors aftale", owner_member=pw.mother)
    childs = f.AgreementFactory(goal=goal, what="Barnets aftale", owner_member=pw.child)
    client.force_login(pw.mother_account)
    html = client.get(url("plan", pw.family_pathway)).content.decode()
    assert url("agreement_done", pw.family_pathway, family.public_id) in html
    assert url("agreement_done", pw.family_pathway, mine.public_id) in html
    assert url("agreement_done", pw.family_pathway, childs.public_id) not in html


def test_every_version_in_the_citizens_edition_and_the_answer_as_the_citizens_own(
    client, pw, django_capture_on_commit_callbacks
):
    client.force_login(pw.young_account)
    listing = client.get(url("revisions", pw.pathway)).content.decode()
    assert "Version 1" in listing and "Ingen har svaret på denne version endnu." in listing
    version = client.get(url("revision", pw.pathway, 1)).content.decode()
    assert "Det går fint i praktikken" in version and "Er du enig i denne version af planen?" in version
    assert client.get(url("revision", pw.pathway, 9)).status_code == 404
    assert client.post(url("revision", pw.pathway, 1), {}).status_code == 422  # yes or no is required
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("revision", pw.pathway, 1), {"response-agreed": "no", "response-comment": "Jeg vil have mentor."}
        )
    assert response.status_code == 302
    revision = PlanRevision.objects.get(pathway=pw.pathway, number=1)
    assert revision.citizen_agreed is False and revision.citizen_comment == "Jeg vil have mentor."
    assert revision.citizen_responded_by == pw.young and revision.citizen_response_recorded_by == pw.young_account
    assert "(borgeren, via portalen) har set version 1 af planen og er ikke enig" in (
        AuditEvent.objects.get(code="portal.plan_disagreed").text
    )
    assert [message.to for message in mail.outbox] == [["koordinator@kommune.test"]]
    answered = client.get(url("revision", pw.pathway, 1)).content.decode()
    assert f"Svar fra {pw.young.full_name}" in answered and 'id="response-form"' not in answered
    # Once per version, by anyone.
    client.force_login(pw.mother_account)
    again = client.post(url("revision", pw.pathway, 1), {"response-agreed": "yes"})
    assert again.status_code == 422 and "Der er allerede svaret på denne version" in again.content.decode()
    # The coordinator sees who answered.
    client.force_login(pw.coordinator)
    staff = client.get(reverse("plans:revisions", args=[pw.pathway.public_id])).content.decode()
    assert f"Svar fra {pw.young.full_name} selv i portalen" in staff and "Jeg vil have mentor." in staff


def test_the_versions_page_tells_an_answer_recorded_by_the_coordinator(client, pw):
    from samspil.plans import services as plan_services

    plan_services.revision_record_citizen_agreement(
        actor=pw.coordinator, revision=PlanRevision.objects.get(pathway=pw.pathway), agreed=True
    )
    client.force_login(pw.young_account)
    assert "Registreret af koordinatoren" in client.get(url("revisions", pw.pathway)).content.decode()
    client.force_login(pw.coordinator)
    staff = client.get(reverse("plans:revisions", args=[pw.pathway.public_id])).content.decode()
    assert f"registreret af {pw.coordinator.get_full_name()}" in staff and "selv i portalen" not in staff


def test_a_closed_pathway_is_read_only(client, pw):
    pw.pathway.status = PathwayStatus.CLOSED
    pw.pathway.save(update_fields=["status"])
    client.force_login(pw.young_account)
    assert client.get(url("plan", pw.pathway)).status_code == 200
    plan = Plan.objects.get(pathway=pw.pathway)
    response = client.post(url("plan_wishes", pw.pathway), {"wishes-wishes": "Nyt", "wishes-version": plan.version})
    assert response.status_code == 404
    assert Plan.objects.get(pk=plan.pk).citizen_wishes == "Jeg vil være mekaniker."


def test_a_new_team_member_kind_shows_without_contact_details(client, pw):
    network = pw.pathway.team.get(kind=TeamMemberKind.NETWORK)
    network.phone, network.email = "87654321", "moster@x.test"
    network.save(update_fields=["phone", "email"])
    client.force_login(pw.young_account)
    html = client.get(url("pathway", pw.pathway)).content.decode()
    assert "Karen Moster" in html and "87654321" not in html and "moster@x.test" not in html


# --- the 18th birthday ---------------------------------------------------------------------------------------

BIRTHDAY = datetime.date(2031, 6, 16)


def _at(day: datetime.date, hour: int = 12):
    return time_machine.travel(timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0))), tick=False)


@pytest.fixture
def turning_18(db):
    """A young person who turns 18 on BIRTHDAY; the mother (custody, write access) and the young person both have
    portal access to the pathway. Made the week before the birthday."""
    with _at(BIRTHDAY - datetime.timedelta(days=7)):
        municipality = f.MunicipalityFactory()
        young = f.CitizenFactory(municipality=municipality, born=datetime.date(2013, 6, 16))
        mother = f.CitizenFactory(municipality=municipality, born=datetime.date(1985, 3, 1))
        f.GuardianshipFactory(child=young, guardian=mother, valid_from=datetime.date(2013, 6, 16))
        department = f.DepartmentFactory(municipality=municipality)
        pathway = f.PathwayFactory(coordinator=f.make_staff(department), lead_department=department, citizen=young)
        f.grant_portal(pathway, young, PortalLevel.WRITE)
        f.grant_portal(pathway, mother, PortalLevel.WRITE)
        return pathway, f.portal_account(young), f.portal_account(mother)


NOTICE = "Dine forældre kan ikke længere se dit forløb"


def test_the_parents_access_ends_on_the_18th_birthday_and_the_young_person_is_told(client, turning_18):
    pathway, young_account, mother_account = turning_18
    with _at(BIRTHDAY - datetime.timedelta(days=1), hour=23):
        client.force_login(mother_account)
        assert client.get(url("pathway", pathway)).status_code == 200
        assert pathway.public_id.hex[:8] in client.get(reverse("portal:home")).content.decode().replace("-", "")
        client.force_login(young_account)
        assert NOTICE not in client.get(reverse("portal:home")).content.decode()
    with _at(BIRTHDAY, hour=0):
        client.force_login(mother_account)
        assert client.get(url("pathway", pathway)).status_code == 404
        assert AuditEvent.objects.filter(code="access.denied", actor=mother_account, pathway=pathway).count() == 1
        home = client.get(reverse("portal:home")).content.decode()
        assert str(pathway.public_id) not in home and "Du kan ikke se et forløb endnu" in home
        plan = Plan.objects.filter(pathway=pathway).first()
        assert client.post(url("plan_wishes", pathway), {"wishes-wishes": "x", "wishes-version": 1}).status_code == 404
        assert plan is None or plan.citizen_wishes == ""
        client.force_login(young_account)
        assert NOTICE in client.get(reverse("portal:home")).content.decode()
        assert NOTICE in client.get(url("pathway", pathway)).content.decode()
    with _at(BIRTHDAY + datetime.timedelta(days=90)):
        client.force_login(young_account)
        assert NOTICE not in client.get(reverse("portal:home")).content.decode()


def test_no_notice_when_the_parents_never_had_portal_access(client, turning_18):
    pathway, young_account, mother_account = turning_18
    right = pathway.portal_rights.get(citizen=mother_account.citizen)
    right.level = PortalLevel.NONE
    right.save(update_fields=["level"])
    with _at(BIRTHDAY):
        client.force_login(young_account)
        assert NOTICE not in client.get(reverse("portal:home")).content.decode()


def test_one_kept_pathway_query_serves_each_account_with_its_own_right_and_unread_messages(pw):
    """`portal_pathway_get` keeps one compiled query per municipality (`core.db.precompiled_rows`): the person and
    the account are its parameters, so accounts asked in turn on one connection each get their own answer."""
    from django.http import Http404

    from samspil.documents.services import message_send, thread_mark_read
    from samspil.portal.access import portal_pathway_get

    message_send(actor=pw.coordinator, pathway=pw.pathway, body="Husk mødet i morgen")
    thread_mark_read(reader=pw.young_account, pathway=pw.pathway)

    def unread(account):
        pathway = portal_pathway_get(user=account, public_id=pw.pathway.public_id, with_unread=True)
        return pathway.documents_unread_messages

    for _ in range(2):  # the second round runs the kept query
        assert unread(pw.young_account) == 0  # read by the young person
        assert unread(pw.mother_account) == 1  # not by the mother, who holds custody
        young = portal_pathway_get(user=pw.young_account, public_id=pw.pathway.public_id, with_unread=True)
        assert young.portal_access.person == pw.young and young.portal_access.may_write
        for stranger in (pw.reader_account, pw.other_account):  # no right on this pathway: 404, as for none
            with pytest.raises(Http404):
                portal_pathway_get(user=stranger, public_id=pw.pathway.public_id, with_unread=True)
    # A right taken away counts at once: the right is read in the query, not kept with it.
    right = PortalRight.objects.get(pathway=pw.pathway, citizen=pw.mother)
    right.level = PortalLevel.NONE
    right.save()
    with pytest.raises(Http404):
        portal_pathway_get(user=pw.mother_account, public_id=pw.pathway.public_id, with_unread=True)


def test_each_account_gets_its_own_open_agreements_from_the_kept_query(pw):
    """`plan_for_citizen`'s own agreements are one query kept per kind of account with the pathway and the person as
    parameters: asked in turn, the young person and the custody holder each get only theirs."""
    from samspil.plans.choices import OwnerKind
    from samspil.portal.access import portal_pathway_get
    from samspil.portal.selectors import plan_for_citizen

    hers = f.AgreementFactory(
        goal=pw.goal, what="Ringe til skolen", owner_kind=OwnerKind.CITIZEN, owner_member=pw.mother
    )

    def own(account):
        pathway = portal_pathway_get(user=account, public_id=pw.pathway.public_id)
        return set(plan_for_citizen(user=account, pathway=pathway).mine)

    for _ in range(2):  # the second round runs the kept queries
        young = own(pw.young_account)
        assert str(pw.own_agreement.public_id) in young and str(hers.public_id) not in young
        assert own(pw.mother_account) == {str(hers.public_id)}
