"""Every pathway-scoped URL, for every kind of visitor.

Adding a pathway-scoped view means adding one line to MATRIX; `test_matrix_covers_every_pathway_url` fails
until it is there.

- anonymous: redirect to the log-in page (the API: 403 with a JSON error)
- outsider (staff of the municipality on no team) and department head: 404, exactly as if the pathway did not
  exist, and an `access.denied` event linked to the pathway
- team member from another department, consent in force: the page for VIEW views, the coordinator's answer for
  CONTRIBUTE views; 403 (and an `access.denied` event) for MANAGE views
- coordinator: 200, or 302 after a valid POST, or 422 for an empty form
"""

import datetime
import re
import uuid
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone

from samspil.access import policy
from samspil.audit.models import AccessLogEntry, AuditEvent, ChangeLogEntry
from samspil.economy.tests.factories import InterventionFactory
from tests import factories as f

pytestmark = pytest.mark.django_db

LOGIN_URL = "/konto/log-ind/"


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    action: str
    coordinator_status: int
    extra: tuple[str, ...] = ()  # further URL arguments, looked up in the `targets` fixture

    def __str__(self):
        return f"{self.method} {self.name}"


MATRIX = [
    Row("pathways:overview", "GET", policy.VIEW, 200),
    Row("pathways:cpr_reveal", "POST", policy.VIEW, 200, ("citizen_id",)),
    Row("pathways:status", "POST", policy.MANAGE, 422),
    Row("pathways:coordinator_change", "POST", policy.MANAGE, 422),
    Row("pathways:guardian_add", "POST", policy.MANAGE, 422),
    Row("pathways:team_add_staff", "POST", policy.MANAGE, 422),
    Row("pathways:team_add_external", "POST", policy.MANAGE, 422),
    Row("pathways:team_add_network", "POST", policy.MANAGE, 422),
    Row("pathways:team_end", "POST", policy.MANAGE, 422, ("member_id",)),
    Row("pathways:consent_add", "POST", policy.MANAGE, 422),
    Row("pathways:consent_withdraw", "POST", policy.MANAGE, 302, ("consent_id",)),  # the reason is optional
    Row("pathways:legal_basis_add", "POST", policy.MANAGE, 422),
    Row("pathways:grant_add", "POST", policy.MANAGE, 422),
    Row("pathways:grant_revoke", "POST", policy.MANAGE, 302, ("grant_id",)),
    Row("pathways:access_log", "GET", policy.MANAGE, 200),
    Row("api:pathway", "GET", policy.VIEW, 200),
    Row("meetings:list", "GET", policy.VIEW, 200),
    Row("meetings:schedule", "POST", policy.CONTRIBUTE, 422),
    Row("meetings:detail", "GET", policy.VIEW, 200, ("meeting_id",)),
    Row("meetings:record", "POST", policy.CONTRIBUTE, 422, ("meeting_id",)),
    Row("meetings:cancel", "POST", policy.CONTRIBUTE, 422, ("meeting_id",)),
    Row("meetings:decision_add", "POST", policy.CONTRIBUTE, 422, ("meeting_id",)),
    Row("meetings:agreement_add", "POST", policy.CONTRIBUTE, 422, ("meeting_id",)),
    Row("meetings:follow_up_add", "POST", policy.CONTRIBUTE, 422, ("meeting_id",)),
    Row("meetings:goal_update", "POST", policy.CONTRIBUTE, 422, ("meeting_id", "goal_id")),
    Row("meetings:invitation", "GET", policy.VIEW, 200, ("meeting_id",)),
    Row("plans:plan", "GET", policy.VIEW, 200),
    Row("plans:wishes", "POST", policy.CONTRIBUTE, 422),
    Row("plans:goal_add", "POST", policy.CONTRIBUTE, 422),
    Row("plans:goal", "GET", policy.VIEW, 200, ("goal_id",)),
    Row("plans:goal_update", "POST", policy.CONTRIBUTE, 422, ("goal_id",)),
    Row("plans:goal_follow_up", "POST", policy.CONTRIBUTE, 422, ("goal_id",)),
    Row("plans:agreement_add", "POST", policy.CONTRIBUTE, 422, ("goal_id",)),
    Row("plans:agreement_status", "POST", policy.CONTRIBUTE, 422, ("agreement_id",)),
    Row("plans:revisions", "GET", policy.VIEW, 200),
    Row("plans:revision_response", "POST", policy.MANAGE, 422, ("revision_number",)),
    Row("plans:compare", "GET", policy.VIEW, 200),
    Row("plans:pdf", "GET", policy.VIEW, 200),
    Row("pathway_economy:page", "GET", policy.VIEW, 200),
    Row("pathway_economy:intervention_add", "POST", policy.CONTRIBUTE, 422),
    Row("pathway_economy:intervention_end", "POST", policy.CONTRIBUTE, 422, ("intervention_id",)),
    Row("pathway_economy:financing_decide", "POST", policy.MANAGE, 422, ("intervention_id",)),
    Row("pathway_economy:exemption_add", "POST", policy.CONTRIBUTE, 422),
]

# Pathway URLs outside the matrix, with the reason.
NOT_IN_MATRIX = {
    "pathways:mine": "not about one pathway: lists the user's own pathways (selector scoped, tested in test_views)",
    "pathways:worklist": "not about one pathway: the user's own coordinated pathways (pathways/tests/test_worklist.py)",
    "pathways:break_glass": "the way in for staff outside the scope: case roles of the municipality get the form "
    "(tested in samspil/pathways/tests/test_views.py)",
    "api:pathways": "not about one pathway: the user's own pathways",
}


@pytest.fixture
def targets(world):
    """The world, with the jobworker's department covered by consent, and one of each object a URL names."""
    consent = f.ConsentFactory(pathway=world.pathway, departments=[world.jobs])
    # A grant that has not started yet: it names a URL but gives the outsider no access.
    grant = f.AccessGrantFactory(
        pathway=world.pathway,
        user=world.outsider,
        valid_from=timezone.now() + datetime.timedelta(days=1),
        valid_until=timezone.now() + datetime.timedelta(days=2),
    )
    return {
        "world": world,
        "pathway_id": world.pathway.public_id,
        "citizen_id": world.citizen.public_id,
        "member_id": world.colleague_place.public_id,
        "consent_id": consent.public_id,
        "grant_id": grant.public_id,
        "meeting_id": f.MeetingFactory(pathway=world.pathway).public_id,
        **plan_targets(world),
        "intervention_id": InterventionFactory(pathway=world.pathway).public_id,
    }


def plan_targets(world) -> dict:
    """A goal with an agreement in the pathway's plan, and a saved version of the plan."""
    goal = f.GoalFactory(plan=f.PlanFactory(pathway=world.pathway))
    agreement = f.AgreementFactory(goal=goal)
    revision = f.make_revision(world.pathway)
    return {"goal_id": goal.public_id, "agreement_id": agreement.public_id, "revision_number": revision.number}


def url_of(row: Row, targets) -> str:
    return reverse(row.name, args=[targets["pathway_id"], *(targets[name] for name in row.extra)])


def call(client, row: Row, url: str):
    return client.get(url) if row.method == "GET" else client.post(url, {})


def is_api(row: Row) -> bool:
    return row.name.startswith("api:")


@pytest.mark.parametrize("row", MATRIX, ids=str)
def test_anonymous_is_sent_to_log_in(client, targets, row):
    url = url_of(row, targets)
    response = call(client, row, url)
    if is_api(row):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_authenticated"
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN_URL}?next=")
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("row", MATRIX, ids=str)
@pytest.mark.parametrize("who", ["outsider", "head"])
def test_outside_the_scope_is_404_and_the_denial_is_logged(client, targets, row, who):
    world = targets["world"]
    user = getattr(world, who)
    changes = ChangeLogEntry.objects.count()
    client.force_login(user)
    url = url_of(row, targets)
    response = call(client, row, url)
    assert response.status_code == 404
    if is_api(row):
        assert response.json()["error"]["code"] == "not_found"
    denial = AuditEvent.objects.get(code="access.denied", actor=user)
    assert denial.pathway == world.pathway
    assert denial.data == {"path": url}
    assert not AccessLogEntry.objects.filter(actor=user).exists()  # nothing was read
    assert ChangeLogEntry.objects.count() == changes  # nothing was written


@pytest.mark.parametrize("row", MATRIX, ids=str)
def test_team_member_reads_but_does_not_manage(client, targets, row):
    world = targets["world"]
    changes = ChangeLogEntry.objects.count()
    client.force_login(world.jobworker)
    response = call(client, row, url_of(row, targets))
    denials = AuditEvent.objects.filter(code="access.denied", actor=world.jobworker, pathway=world.pathway)
    if row.action == policy.MANAGE:
        assert response.status_code == 403
        assert ChangeLogEntry.objects.count() == changes
        assert not AccessLogEntry.objects.filter(actor=world.jobworker).exists()
        assert denials.count() == 1  # the refusal is on the pathway's record too
    elif row.action == policy.CONTRIBUTE:  # the team works in the pathway: the same answer as the coordinator's
        assert response.status_code == row.coordinator_status
        assert AccessLogEntry.objects.filter(actor=world.jobworker, pathway=world.pathway).exists()
        assert not denials.exists()
    else:
        assert response.status_code == 200
        assert AccessLogEntry.objects.filter(actor=world.jobworker, pathway=world.pathway).exists()
        assert not denials.exists()


@pytest.mark.parametrize("row", MATRIX, ids=str)
def test_coordinator_gets_the_page(client, targets, row):
    world = targets["world"]
    client.force_login(world.coordinator)
    response = call(client, row, url_of(row, targets))
    assert response.status_code == row.coordinator_status
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("pathways:overview", args=[world.pathway.public_id]))
    assert not AuditEvent.objects.filter(code="access.denied").exists()


def test_a_pathway_that_does_not_exist_looks_the_same_as_one_out_of_scope(client, targets):
    world = targets["world"]
    client.force_login(world.outsider)
    missing_id = uuid.uuid4()
    missing = client.get(reverse("pathways:overview", args=[missing_id]))
    hidden = client.get(reverse("pathways:overview", args=[world.pathway.public_id]))
    assert missing.status_code == hidden.status_code == 404

    def page(response, public_id):  # without what differs on every page anyway: the CSRF token, the own URL
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        return text.replace(str(public_id), "<id>")

    assert page(missing, missing_id) == page(hidden, world.pathway.public_id)


def _names_in(urlconf_module, namespace) -> set[str]:
    return {
        f"{namespace}:{p.name}"
        for p in get_resolver(urlconf_module).url_patterns
        if isinstance(p, URLPattern) and p.name
    }


def test_matrix_covers_every_pathway_url():
    pathway_urls = _names_in("samspil.pathways.urls", "pathways")
    pathway_urls |= {
        f"api:{p.name}"
        for p in get_resolver("samspil.api.urls").url_patterns
        if isinstance(p, URLPattern) and "forloeb" in str(p.pattern)
    }
    pathway_urls |= _names_in("samspil.meetings.urls", "meetings")
    pathway_urls |= _names_in("samspil.plans.urls", "plans")
    pathway_urls |= _names_in("samspil.economy.pathway_urls", "pathway_economy")
    in_matrix = {row.name for row in MATRIX}
    assert len(in_matrix) == len(MATRIX), "a URL is in the matrix twice"
    missing = pathway_urls - in_matrix - set(NOT_IN_MATRIX)
    assert not missing, f"add a line to MATRIX for: {sorted(missing)}"
    stale = (in_matrix | set(NOT_IN_MATRIX)) - pathway_urls
    assert not stale, f"these names are no pathway URLs any more: {sorted(stale)}"
