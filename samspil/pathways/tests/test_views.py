"""Pathway pages through the test client: what the user sees, and the access log each request leaves."""

import datetime
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone
from django.views import View

from samspil.audit.models import AccessLogEntry, AuditEvent
from samspil.pathways.choices import PathwayStatus
from samspil.pathways.models import Pathway, TeamMember
from tests import factories as f

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.force_login(user)
    return client


def logged(response) -> Counter:
    """Access-log rows per citizen written by the request that gave `response`."""
    request_id = response["X-Request-Id"]
    return Counter(AccessLogEntry.objects.filter(request_id=request_id).values_list("citizen_id", flat=True))


def overview_url(pathway):
    return reverse("pathways:overview", args=[pathway.public_id])


# --- overview ----------------------------------------------------------------------------------------------


def test_overview_shows_the_pathway_with_the_cpr_number_masked(client, world):
    response = as_user(client, world.colleague).get(overview_url(world.pathway))
    assert response.status_code == 200
    content = response.content.decode()
    assert world.citizen.full_name in content
    assert world.citizen.cpr_masked in content
    assert world.citizen.reveal_cpr() not in content
    assert world.jobworker.get_full_name() in content  # the team
    assert logged(response) == {world.citizen.pk: 1}


def test_overview_of_a_minor_logs_one_row_per_shown_citizen(client, world):
    child = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(12))
    mother = f.GuardianshipFactory(child=child).guardian
    father = f.GuardianshipFactory(child=child, relation="father").guardian
    pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=child)
    response = as_user(client, world.coordinator).get(overview_url(pathway))
    assert response.status_code == 200
    for person in (child, mother, father):
        assert person.full_name in response.content.decode()
    assert logged(response) == {child.pk: 1, mother.pk: 1, father.pk: 1}


def test_overview_of_a_family_logs_each_member_once(client, world):
    household = f.make_family(world.municipality, adults=2, children=3)
    pathway = f.PathwayFactory(
        coordinator=world.coordinator, lead_department=world.children, citizen=None, household=household
    )
    response = as_user(client, world.coordinator).get(overview_url(pathway))
    assert response.status_code == 200
    members = set(household.memberships.values_list("citizen_id", flat=True))
    assert logged(response) == dict.fromkeys(members, 1)


def test_each_request_logs_again(client, world):
    client = as_user(client, world.colleague)
    first, second = client.get(overview_url(world.pathway)), client.get(overview_url(world.pathway))
    assert first["X-Request-Id"] != second["X-Request-Id"]
    assert logged(first) == logged(second) == {world.citizen.pk: 1}


def test_coordinator_sees_the_forms_and_the_team_member_does_not(client, world):
    as_coordinator = as_user(client, world.coordinator).get(overview_url(world.pathway)).content.decode()
    as_colleague = as_user(client, world.colleague).get(overview_url(world.pathway)).content.decode()
    status_action = reverse("pathways:status", args=[world.pathway.public_id])
    assert status_action in as_coordinator
    assert status_action not in as_colleague


def test_coordinator_sees_who_opened_the_pathway_with_break_glass(client, world):
    f.BreakGlassAccessFactory(pathway=world.pathway, user=world.outsider, reason="Akut henvendelse fra skolen")
    content = as_user(client, world.coordinator).get(overview_url(world.pathway)).content.decode()
    assert world.outsider.get_full_name() in content
    assert "Akut henvendelse fra skolen" in content


# --- CPR reveal --------------------------------------------------------------------------------------------


def test_cpr_reveal_shows_the_number_and_logs_one_row(client, world):
    url = reverse("pathways:cpr_reveal", args=[world.pathway.public_id, world.citizen.public_id])
    client = as_user(client, world.colleague)
    assert client.get(url).status_code == 405  # an explicit POST, never a link
    response = client.post(url)
    assert response.status_code == 200
    assert world.citizen.reveal_cpr() in response.content.decode()
    assert logged(response) == {world.citizen.pk: 1}
    row = AccessLogEntry.objects.get(request_id=response["X-Request-Id"])
    assert (row.shown, row.actor, row.pathway) == ("citizen.cpr", world.colleague, world.pathway)
    assert AuditEvent.objects.filter(code="citizen.cpr_revealed", request_id=response["X-Request-Id"]).count() == 1


def test_cpr_reveal_by_htmx_returns_the_fragment(client, world):
    url = reverse("pathways:cpr_reveal", args=[world.pathway.public_id, world.citizen.public_id])
    response = as_user(client, world.coordinator).post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert world.citizen.reveal_cpr() in response.content.decode()
    assert "<html" not in response.content.decode()


# --- writes ------------------------------------------------------------------------------------------------


def status_post(client, pathway, **data):
    url = reverse("pathways:status", args=[pathway.public_id])
    return client.post(
        url,
        {
            "status-to_status": data.get("to_status", PathwayStatus.PAUSED),
            "status-reason": data.get("reason", "Borgeren er indlagt"),
            "status-version": data.get("version", pathway.version),
        },
        headers=data.get("headers", {}),
    )


def test_status_change_redirects_to_the_overview(client, world):
    response = status_post(as_user(client, world.coordinator), world.pathway)
    assert response.status_code == 302 and response["Location"] == overview_url(world.pathway)
    world.pathway.refresh_from_db()
    assert world.pathway.status == PathwayStatus.PAUSED


def test_status_change_by_htmx_returns_the_refreshed_overview(client, world):
    response = status_post(as_user(client, world.coordinator), world.pathway, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="overview"' in response.content.decode()
    assert "<html" not in response.content.decode()


def test_stale_status_form_gets_422_and_changes_nothing(client, world):
    stale_version = world.pathway.version
    client = as_user(client, world.coordinator)
    assert (
        status_post(
            client, world.pathway, to_status=PathwayStatus.FOLLOW_UP, version=stale_version, reason=""
        ).status_code
        == 302
    )
    response = status_post(client, world.pathway, to_status=PathwayStatus.PAUSED, version=stale_version)
    assert response.status_code == 422
    world.pathway.refresh_from_db()
    assert world.pathway.status == PathwayStatus.FOLLOW_UP


def test_pausing_without_reason_gets_422_with_the_form(client, world):
    response = status_post(as_user(client, world.coordinator), world.pathway, reason="")
    assert response.status_code == 422
    world.pathway.refresh_from_db()
    assert world.pathway.status == PathwayStatus.ACTIVE


def test_add_network_person_through_the_page(client, world):
    url = reverse("pathways:team_add_network", args=[world.pathway.public_id])
    response = as_user(client, world.coordinator).post(
        url,
        {
            "network-name": "Grethe Nabo",
            "network-relation": "nabo",
            "network-phone": "12345678",
            "network-active_from": timezone.localdate().strftime("%d.%m.%Y"),
        },
    )
    assert response.status_code == 302
    assert TeamMember.objects.filter(pathway=world.pathway, name="Grethe Nabo", kind="network").exists()
    assert "Grethe Nabo" in client.get(overview_url(world.pathway)).content.decode()


def test_end_team_place_through_the_page(client, world):
    url = reverse("pathways:team_end", args=[world.pathway.public_id, world.colleague_place.public_id])
    prefix = f"end-{world.colleague_place.public_id}"
    response = as_user(client, world.coordinator).post(
        url, {f"{prefix}-reason": "Skifter job", f"{prefix}-active_to": timezone.localdate().strftime("%d.%m.%Y")}
    )
    assert response.status_code == 302
    world.colleague_place.refresh_from_db()
    assert world.colleague_place.active_to == timezone.localdate()


def test_grant_through_the_page_lets_the_outsider_read(client, world):
    membership = world.outsider.memberships.get()
    url = reverse("pathways:grant_add", args=[world.pathway.public_id])
    until = timezone.localdate() + datetime.timedelta(days=3)
    response = as_user(client, world.coordinator).post(
        url,
        {
            "grant-membership": membership.public_id,
            "grant-reason": "Vikar i ferien",
            "grant-valid_until": until.strftime("%d.%m.%Y"),
        },
    )
    assert response.status_code == 302
    client.force_login(world.outsider)
    assert client.get(overview_url(world.pathway)).status_code == 200


# --- access log and break-glass ----------------------------------------------------------------------------


def test_access_log_page_shows_reads_and_denials_to_the_coordinator(client, world):
    as_user(client, world.colleague).get(overview_url(world.pathway))
    client.force_login(world.outsider)
    assert client.get(overview_url(world.pathway)).status_code == 404
    client.force_login(world.coordinator)
    response = client.get(reverse("pathways:access_log", args=[world.pathway.public_id]))
    assert response.status_code == 200
    content = response.content.decode()
    assert world.colleague.get_full_name() in content
    assert world.outsider.get_full_name() in content  # the refused attempt


def test_break_glass_opens_the_pathway_for_the_outsider(client, world):
    client = as_user(client, world.outsider)
    assert client.get(overview_url(world.pathway)).status_code == 404
    url = reverse("pathways:break_glass", args=[world.pathway.public_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "kort"}).status_code == 422
    response = client.post(url, {"reason": "Borgeren er mødt op akut i borgerservice"})
    assert response.status_code == 302 and response["Location"] == overview_url(world.pathway)
    overview = client.get(overview_url(world.pathway))
    assert overview.status_code == 200
    assert AccessLogEntry.objects.get(request_id=overview["X-Request-Id"]).via == "break_glass"


def test_break_glass_is_not_for_leaders_or_other_municipalities(client, world):
    url = reverse("pathways:break_glass", args=[world.pathway.public_id])
    assert as_user(client, world.head).get(url).status_code == 404
    client.force_login(world.stranger)
    assert client.get(url).status_code == 404


# --- "Mine forløb" -----------------------------------------------------------------------------------------


def test_mine_lists_my_pathways_and_logs_each_citizen_once(client, world):
    other = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children)
    f.PathwayFactory(coordinator=world.outsider, lead_department=world.children)  # not mine
    response = as_user(client, world.coordinator).get(reverse("pathways:mine"))
    assert response.status_code == 200
    content = response.content.decode()
    assert world.citizen.full_name in content and other.citizen.full_name in content
    assert logged(response) == {world.citizen.pk: 1, other.citizen.pk: 1}
    assert Pathway.objects.count() == 3


def test_mine_reads_the_programmes_only_when_it_shows_the_filter(client, world):
    """The filter form (with its programmes) is shown with rows or a filter; an empty list reads no programmes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def programme_queries(user, **params):
        with CaptureQueriesContext(connection) as queries:
            response = as_user(client, user).get(reverse("pathways:mine"), params)
        assert response.status_code == 200
        return sum('FROM "pathways_programme"' in query["sql"] for query in queries), response.content.decode()

    count, content = programme_queries(world.coordinator)
    assert count == 1 and f'value="{world.programme.public_id}"' in content
    newcomer = f.make_staff(world.health)  # a caseworker with no pathways yet
    count, content = programme_queries(newcomer)
    assert count == 0 and 'id="filter-programme"' not in content
    count, content = programme_queries(newcomer, programme=str(world.programme.public_id))
    assert count == 1 and f'value="{world.programme.public_id}" selected' in content


def test_mine_pages_through_the_next_link(client, world, settings):
    settings.SAMSPIL_PAGE_SIZE = 2
    for _ in range(2):
        f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children)
    client = as_user(client, world.coordinator)
    first = client.get(reverse("pathways:mine"))
    assert len(first.context["page"].rows) == 2
    cursor = first.context["page"].next_cursor
    assert f"efter={cursor}" in first.content.decode()
    second = client.get(reverse("pathways:mine"), {"efter": cursor})
    names = {p.public_id for p in first.context["page"].rows} | {p.public_id for p in second.context["page"].rows}
    assert len(second.context["page"].rows) == 1 and len(names) == 3


# --- every read of a pathway is logged by the one hook (PathwayMixin) ---------------------------------------

FORM_PAGES = [
    "pathways:status",
    "pathways:coordinator_change",
    "pathways:guardian_add",
    "pathways:team_add_staff",
    "pathways:team_add_external",
    "pathways:team_add_network",
    "pathways:consent_add",
    "pathways:legal_basis_add",
    "pathways:grant_add",
]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
@pytest.mark.parametrize("name", FORM_PAGES)
def test_a_form_page_writes_one_access_log_row_per_citizen(client, world, name, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = as_user(client, world.coordinator).get(reverse(name, args=[world.pathway.public_id]), **headers)
    assert response.status_code == 200
    if not htmx:
        assert world.citizen.full_name in response.content.decode()  # the page names the citizen
    assert logged(response) == {world.citizen.pk: 1}
    row = AccessLogEntry.objects.get(request_id=response["X-Request-Id"])
    assert (row.shown, row.via, row.pathway) == ("pathway.form", "scope", world.pathway)


def test_the_consent_form_of_a_child_logs_the_child_and_each_custody_holder_it_offers(client, world):
    child = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(12))
    mother = f.GuardianshipFactory(child=child).guardian
    pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=child)
    response = as_user(client, world.coordinator).get(reverse("pathways:consent_add", args=[pathway.public_id]))
    assert mother.full_name in response.content.decode()
    assert logged(response) == {child.pk: 1, mother.pk: 1}


def test_a_form_page_for_the_team_is_403_and_reads_nothing(client, world):
    response = as_user(client, world.colleague).get(reverse("pathways:consent_add", args=[world.pathway.public_id]))
    assert response.status_code == 403
    assert not AccessLogEntry.objects.exists()
    assert AuditEvent.objects.get(code="access.denied").actor == world.colleague


def test_a_write_logs_the_overview_it_answers_with_once_and_a_redirect_nothing(client, world):
    client = as_user(client, world.coordinator)
    url = reverse("pathways:status", args=[world.pathway.public_id])
    refused = client.post(url, {"status-to_status": PathwayStatus.PAUSED, "status-version": 1}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422  # pausing needs a reason
    assert logged(refused) == {world.citizen.pk: 1}
    assert AccessLogEntry.objects.get(request_id=refused["X-Request-Id"]).shown == "pathway.overview"
    data = {"status-to_status": PathwayStatus.PAUSED, "status-reason": "Borgeren er indlagt", "status-version": 1}
    saved = client.post(url, data)
    assert saved.status_code == 302
    assert not logged(saved)


@pytest.mark.parametrize(
    ("name", "args", "shown"),
    [
        ("meetings:list", (), "meetings"),
        ("meetings:schedule", (), "meetings"),
        ("meetings:detail", ("meeting",), "meeting"),
        ("meetings:invitation", ("meeting",), "meeting"),
        ("pathway_economy:page", (), "economy"),
        ("api:pathway", (), "api.pathway"),
    ],
)
def test_meeting_economy_and_api_reads_write_one_row_per_citizen(client, world, name, args, shown):
    meeting = f.MeetingFactory(pathway=world.pathway)
    url = reverse(name, args=[world.pathway.public_id, *(meeting.public_id for _ in args)])
    response = as_user(client, world.colleague).get(url)
    assert response.status_code == 200
    rows = AccessLogEntry.objects.filter(request_id=response["X-Request-Id"])
    assert [(row.citizen, row.shown, row.via) for row in rows] == [(world.citizen, shown, "scope")]


def test_a_pathway_view_without_access_shown_fails_loudly(rf, world):
    from samspil.access import policy
    from samspil.pathways.views import PathwayMixin

    class Forgotten(PathwayMixin, View):
        permission_action = policy.VIEW

        def get(self, request, pathway_id):
            raise AssertionError("never reached")

    request = rf.get("/x/")
    request.user = world.coordinator
    with pytest.raises(ValueError, match="must set access_shown"):
        Forgotten.as_view()(request, pathway_id=world.pathway.public_id)


def test_every_pathway_view_declares_what_it_shows():
    """Every URL whose view is pathway-scoped names a known access-log code, so its reads are logged."""
    from django.urls import get_resolver

    from samspil.audit.choices import SHOWN_LABELS
    from samspil.pathways.views import PathwayScope

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern.url_patterns)
            else:
                yield pattern

    views = [getattr(p.callback, "view_class", None) for p in walk(get_resolver().url_patterns)]
    scoped = [view for view in views if view is not None and issubclass(view, PathwayScope)]
    assert len(scoped) > 30
    assert all(view.access_shown in SHOWN_LABELS for view in scoped), [v for v in scoped if not v.access_shown]


# --- "coordinator" is one rule: a former coordinator is not the coordinator ----------------------------------


def test_former_coordinator_back_through_break_glass_sees_no_coordinator_parts(client, world):
    """The pathway still names them, but they left the coordinating department: they read it like anyone with
    break-glass, without the forms, the access list or another user's break-glass reason."""
    f.BreakGlassAccessFactory(pathway=world.pathway, user=world.outsider, reason="Politiet ringede om borgeren i nat")
    former = world.coordinator
    f.MembershipFactory(user=former, department=world.jobs, role="caseworker")
    today = timezone.localdate()
    former.memberships.filter(department=world.children).update(
        active_from=today - datetime.timedelta(days=90), active_to=today - datetime.timedelta(days=1)
    )
    f.BreakGlassAccessFactory(pathway=world.pathway, user=former, reason="Jeg skal se forløbet igen")
    response = as_user(client, former).get(overview_url(world.pathway))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Politiet ringede om borgeren i nat" not in content
    assert reverse("pathways:access_log", args=[world.pathway.public_id]) not in content
    assert reverse("pathways:status", args=[world.pathway.public_id]) not in content
    assert response.context["overview"].break_glass == [] and response.context["overview"].grants == []
    assert AccessLogEntry.objects.get(request_id=response["X-Request-Id"]).via == "break_glass"
    # The coordinator's own pages are closed to them: 403, like to anyone who may only read.
    access_log = as_user(client, former).get(reverse("pathways:access_log", args=[world.pathway.public_id]))
    assert access_log.status_code == 403
    revisions = as_user(client, former).get(reverse("plans:revisions", args=[world.pathway.public_id]))
    assert revisions.status_code == 200 and revisions.context["can_manage"] is False


def test_the_list_of_my_pathways_calls_a_former_coordinator_a_team_member(client, world):
    former = world.coordinator
    f.MembershipFactory(user=former, department=world.jobs, role="caseworker")
    today = timezone.localdate()
    former.memberships.filter(department=world.children).update(
        active_from=today - datetime.timedelta(days=90), active_to=today - datetime.timedelta(days=1)
    )
    TeamMember.objects.filter(pathway=world.pathway, user=former).update(department=world.jobs)
    f.ConsentFactory(pathway=world.pathway, departments=[world.jobs])
    response = as_user(client, former).get(reverse("pathways:mine"))
    assert [p.is_mine for p in response.context["page"].rows] == [False]


def test_options_and_head_show_nothing_and_write_no_row(client, world):
    client = as_user(client, world.colleague)
    for response in (client.options(overview_url(world.pathway)), client.head(overview_url(world.pathway))):
        assert response.status_code == 200
        assert not logged(response)


def test_the_timeline_keeps_break_glass_and_grant_reasons_for_the_coordinator(client, world):
    """Another user's reason for opening the pathway is on the coordinator's timeline, not on the team's."""
    from samspil.pathways import services

    f.ConsentFactory(pathway=world.pathway, departments=[world.jobs])
    f.MembershipFactory(user=world.outsider, department=world.jobs, role="caseworker")
    services.break_glass_open(actor=world.outsider, pathway=world.pathway, reason="Politiet ringede om borgeren i nat")
    team = as_user(client, world.jobworker).get(overview_url(world.pathway))
    assert team.status_code == 200
    assert "Politiet ringede om borgeren i nat" not in team.content.decode()
    coordinator = as_user(client, world.coordinator).get(overview_url(world.pathway))
    assert "Politiet ringede om borgeren i nat" in coordinator.content.decode()
