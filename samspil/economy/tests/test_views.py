"""Pages: the pathway's economy page (200/403/404/422, access log, constant queries) and the management pages."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AccessLogEntry
from samspil.economy.choices import ProgrammeElement
from samspil.economy.models import FinancingDecision, Intervention, OperatingCost, Service
from samspil.economy.tests.factories import ExemptionFactory, InterventionFactory, ServiceFactory, make_decision
from samspil.organisations.choices import StaffRole
from samspil.organisations.suppression import Cell
from tests import factories as f

pytestmark = pytest.mark.django_db


def page_url(world):
    return reverse("pathway_economy:page", args=[world.pathway.public_id])


def test_the_team_sees_the_page_and_the_read_is_logged(client, team):
    world = team
    intervention = InterventionFactory(pathway=world.pathway, service__name="Kontaktperson SEL § 85")
    make_decision(intervention, [(world.children, "60"), (world.jobs, "40")])
    client.force_login(world.jobworker)
    response = client.get(page_url(world))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Kontaktperson SEL § 85" in text
    assert 'data-chart="pie"' in text and 'data-chart="line"' in text
    assert AccessLogEntry.objects.filter(actor=world.jobworker, pathway=world.pathway, shown="economy").count() == 1
    assert "Decide joint financing" not in text and "Re-assess the financing" not in text  # the coordinator's


def test_outsiders_and_the_department_head_get_404(client, world):
    for user in (world.outsider, world.head, world.stranger):
        client.force_login(user)
        assert client.get(page_url(world)).status_code == 404


def test_a_controller_outside_the_team_does_not_see_the_pathway_page(client, world, controller):
    client.force_login(controller)
    assert client.get(page_url(world)).status_code == 404


def test_coordinator_grants_an_intervention(client, world):
    service = ServiceFactory(department=world.children, unit_price=Decimal("3100.00"))
    client.force_login(world.coordinator)
    response = client.post(
        reverse("pathway_economy:intervention_add", args=[world.pathway.public_id]),
        {
            "intervention-service": str(service.public_id),
            "intervention-granting_department": str(world.children.public_id),
            "intervention-starts_on": "01.10.2026",
            "intervention-quantity": "1,5",
        },
    )
    assert response.status_code == 302
    intervention = Intervention.objects.get()
    assert intervention.quantity == Decimal("1.5") and intervention.unit_price == Decimal("3100.00")


def test_a_split_not_adding_to_100_is_422_with_the_message_and_nothing_saved(client, world):
    intervention = InterventionFactory(pathway=world.pathway)
    client.force_login(world.coordinator)
    prefix = f"financing-{intervention.public_id}"
    data = {
        f"{prefix}-decided_on": "01.11.2026",
        f"{prefix}-reason": "Fælles",
        f"{prefix}-department_1": str(world.children.public_id),
        f"{prefix}-percent_1": "60",
        f"{prefix}-department_2": str(world.jobs.public_id),
        f"{prefix}-percent_2": "30",
        f"{prefix}-version": "1",
    }
    url = reverse("pathway_economy:financing_decide", args=[world.pathway.public_id, intervention.public_id])
    response = client.post(url, data)
    assert response.status_code == 422
    assert "100" in response.content.decode()
    assert not FinancingDecision.objects.exists()
    data[f"{prefix}-percent_2"] = "40"
    assert client.post(url, data).status_code == 302
    assert FinancingDecision.objects.get().shares.count() == 2


def test_the_team_may_not_decide_financing(client, team):
    world = team
    intervention = InterventionFactory(pathway=world.pathway)
    client.force_login(world.jobworker)
    url = reverse("pathway_economy:financing_decide", args=[world.pathway.public_id, intervention.public_id])
    assert client.post(url, {}).status_code == 403


def test_an_intervention_of_another_pathway_is_404(client, world):
    other = InterventionFactory(pathway__coordinator=world.coordinator, pathway__lead_department=world.children)
    client.force_login(world.coordinator)
    url = reverse("pathway_economy:intervention_end", args=[world.pathway.public_id, other.public_id])
    assert client.post(url, {"x": "1"}).status_code == 404


def _add_interventions(world, count):
    services = [ServiceFactory(department=dept) for dept in (world.children, world.jobs, world.health)]
    for n in range(count):
        intervention = InterventionFactory(pathway=world.pathway, service=services[n % 3])
        if n % 2:
            make_decision(intervention, [(world.children, "50"), (world.jobs, "50")])
        if n % 5 == 0:
            ExemptionFactory(pathway=world.pathway, intervention=intervention)


def _queries_for_page(client, world) -> int:
    client.force_login(world.coordinator)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page_url(world))
    assert response.status_code == 200
    return len(captured)


def test_the_page_queries_do_not_grow_with_the_interventions(client, world):
    _add_interventions(world, 5)
    few = _queries_for_page(client, world)
    _add_interventions(world, 45)
    assert Intervention.objects.filter(pathway=world.pathway).count() == 50
    assert _queries_for_page(client, world) == few


# --- management pages --------------------------------------------------------------------------------------


def test_the_management_pages_are_for_controllers_and_aggregate_roles(client, world, controller):
    intervention = InterventionFactory(pathway=world.pathway)
    make_decision(intervention, [(world.children, "50"), (world.jobs, "50")])
    ExemptionFactory(pathway=world.pathway, intervention=intervention)
    pages = [
        reverse("economy:overview"),
        reverse("economy:department", args=[world.children.public_id]),
        reverse("economy:exemptions"),
        reverse("economy:operating_costs"),
    ]
    client.force_login(controller)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        # The whole name: a first name alone can be part of a word on the page ("Inge" in "Ingen forbindelse").
        assert world.citizen.full_name not in response.content.decode()
    client.force_login(world.coordinator)
    for url in pages:
        assert client.get(url).status_code == 404, url
    # The department head of children and youth: their own department only.
    client.force_login(world.head)
    assert client.get(reverse("economy:department", args=[world.children.public_id])).status_code == 200
    assert client.get(reverse("economy:department", args=[world.jobs.public_id])).status_code == 404
    overview = client.get(reverse("economy:overview")).content.decode()
    assert world.children.name in overview and world.jobs.name not in overview


def test_the_department_report_adds_up_and_suppresses_small_counts(client, world, controller):
    service = ServiceFactory(department=world.jobs, unit_price=Decimal("1000.00"))
    intervention = InterventionFactory(
        pathway=world.pathway,
        service=service,
        granting_department=world.jobs,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 4, 30),
    )
    make_decision(intervention, [(world.children, "25"), (world.jobs, "75")])
    client.force_login(controller)
    response = client.get(reverse("economy:department", args=[world.children.public_id]))
    report = response.context["report"]
    assert report.total.value == Decimal("1000.00")  # 25 % of 4 × 1,000
    assert report.for_others.value == Decimal("1000.00") and report.own.value == Decimal("0.00")
    assert report.for_others_rows == [(world.jobs.name, Cell(Decimal("1000.00"), 1, hidden=True))]
    assert report.pathways == Cell(1, 1, hidden=True)
    assert report.total.hidden and report.for_others.hidden  # one pathway: one citizen's cost
    assert "fewer than 5" in response.content.decode() or "færre end 5" in response.content.decode()


def test_operating_costs_give_a_unit_cost_per_citizen(client, world, controller):
    for _n in range(3):  # four active citizens in the programme this month (the world's own pathway too)
        f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, programme=world.programme)
    client.force_login(controller)
    url = reverse("economy:operating_costs")
    today = timezone.localdate()  # the pathways open today, so they count from this month on
    data = {
        "programme": str(world.programme.public_id),
        "month": f"{today:%d.%m.%Y}",
        "element": ProgrammeElement.IMPLEMENTATION_TEAM,
        "amount": "40.000,00",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "element": ProgrammeElement.GROUP_ACTIVITIES, "amount": "2000"}).status_code == 302
    assert client.post(url, {**data, "amount": "-1"}).status_code == 422
    assert OperatingCost.objects.count() == 2
    assert OperatingCost.objects.first().month == today.replace(day=1)
    row = client.get(url).context["rows"][0]
    assert (row.amount, row.citizens.value, row.per_citizen) == (Decimal("42000.00"), 4, Decimal("10500.00"))
    client.force_login(world.head)
    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 403


def test_the_catalogue_is_readable_by_staff_and_kept_by_controllers(client, world, controller):
    ServiceFactory(department=world.children, name="Familiebehandling")
    client.force_login(world.coordinator)
    assert "Familiebehandling" in client.get(reverse("economy:services")).content.decode()
    assert client.get(reverse("economy:service_create")).status_code == 404  # the one role check: 404, logged
    client.force_login(controller)
    url = reverse("economy:service_create")
    data = {
        "department": str(world.jobs.public_id),
        "code": "LAB31B",
        "name": "Mentor",
        "legal_basis": "LAB § 31 b",
        "unit": "per_hour",
        "unit_price": "412,50",
        "active": "on",
    }
    assert client.post(url, {**data, "unit_price": ""}).status_code == 422
    assert client.post(url, data).status_code == 302
    service = Service.objects.get(code="LAB31B")
    assert service.unit_price == Decimal("412.50")
    assert client.post(url, data).status_code == 422  # the code is taken
    edit = reverse("economy:service_update", args=[service.public_id])
    assert client.post(edit, {**data, "unit_price": "450", "version": "1"}).status_code == 302
    assert client.post(edit, {**data, "unit_price": "460", "version": "1"}).status_code == 422  # stale version
    service.refresh_from_db()
    assert (service.unit_price, service.version) == (Decimal("450.00"), 2)
    client.force_login(world.stranger)
    assert client.get(edit).status_code == 404


def test_a_head_without_an_aggregate_role_elsewhere_sees_nothing_of_other_departments(client, world):
    head_of_health = f.make_staff(world.health, StaffRole.DEPARTMENT_HEAD)
    InterventionFactory(pathway=world.pathway)  # children's service, granted and paid by children
    client.force_login(head_of_health)
    overview = client.get(reverse("economy:overview")).context["overview"]
    assert overview.total.value == Decimal("0.00")


def test_htmx_gets_the_fragment_with_422_on_invalid_input(client, world):
    client.force_login(world.coordinator)
    url = reverse("pathway_economy:exemption_add", args=[world.pathway.public_id])
    response = client.post(url, {"exemption-law": "LAB"}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="economy">')
    assert "<html" not in text


def test_the_exemption_report_counts_uses_exactly_and_suppresses_pathway_counts(client, world, controller):
    for _n in range(3):
        ExemptionFactory(pathway=world.pathway, law="LAB", paragraph="§ 31 b")
    ExemptionFactory(pathway=world.pathway, law="SEL", paragraph="§ 52")
    client.force_login(controller)
    report = client.get(reverse("economy:exemptions")).context["report"]
    assert report.total == 4  # uses are not about persons: exact, even from one pathway
    lab = next(row for row in report.by_paragraph if row["law"] == "LAB")
    assert lab["uses"] == 3 and lab["pathways"] == Cell(1, 1, hidden=True)
    client.force_login(world.coordinator)
    assert client.get(reverse("economy:exemptions")).status_code == 404
    assert client.get(reverse("economy:operating_costs")).status_code == 404


def test_a_closed_pathway_costs_nothing_after_it_was_closed(client, world, controller):
    InterventionFactory(pathway=world.pathway, starts_on=datetime.date(2026, 1, 1), ends_on=None)
    world.pathway.status, world.pathway.closed_on = "closed", datetime.date(2026, 1, 31)
    world.pathway.save(update_fields=["status", "closed_on"])
    client.force_login(controller)
    assert client.get(reverse("economy:overview")).context["overview"].total.value == Decimal("3100.00")


def test_the_catalogue_is_read_only_in_the_admin_and_for_controllers_only(client, world):
    admin_user = f.make_staff(world.jobs, StaffRole.ADMINISTRATOR, is_staff=True, is_superuser=True)
    controller = f.make_staff(world.jobs, StaffRole.CONTROLLER, is_staff=True, is_superuser=True)
    service = ServiceFactory(department=world.children, name="Familiebehandling")
    client.force_login(admin_user)  # model permissions alone no longer open the catalogue
    assert client.get("/admin/economy/service/").status_code == 403
    assert client.get("/admin/economy/service/add/").status_code == 403
    client.force_login(controller)
    assert "Familiebehandling" in client.get("/admin/economy/service/").content.decode()
    assert client.get("/admin/economy/service/add/").status_code == 403  # changes go through the services
    change = f"/admin/economy/service/{service.pk}/change/"
    response = client.post(change, {"name": "Omdøbt", "code": service.code})
    service.refresh_from_db()
    assert service.name == "Familiebehandling" and response.status_code in (200, 403)
    assert client.post(f"/admin/economy/service/{service.pk}/delete/", {"post": "yes"}).status_code == 403
