"""The reviewer's findings on the economy, each with a test that failed before the fix (numbers: the review's)."""

import datetime
from decimal import Decimal

import pytest
from django import forms as django_forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AuditEvent
from samspil.core.exceptions import ConflictError
from samspil.economy import costs, selectors, services
from samspil.economy.choices import ProgrammeElement, ServiceUnit
from samspil.economy.forms import DanishDecimalField, InterventionForm
from samspil.economy.models import FinancingDecision, Intervention, LegalExemptionUse, OperatingCost
from samspil.economy.tests.factories import ExemptionFactory, InterventionFactory, ServiceFactory, make_decision
from samspil.economy.validation import normalised_paragraph
from samspil.organisations.choices import StaffRole
from samspil.organisations.suppression import Cell, protect
from samspil.pathways.selectors import pathway_get
from tests import factories as f

D = Decimal
pytestmark = pytest.mark.django_db


def economy_page(actor, pathway, until=datetime.date(2026, 11, 1)):
    resolved = pathway_get(actor=actor, public_id=pathway.public_id)
    return selectors.pathway_economy(actor=actor, pathway=resolved, until=until)


def pathways_in(world, count, department=None):
    """`count` more pathways coordinated by the world's coordinator (children, the world's programme)."""
    return [
        f.PathwayFactory(
            coordinator=world.coordinator,
            lead_department=department or world.children,
            programme=world.programme,
        )
        for _n in range(count)
    ]


# --- 1. the exemption report -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("§ 12", "§ 12"),
        ("§12", "§ 12"),
        ("§ 12, stk. 3", "§ 12, stk. 3"),
        ("§12 stk.3", "§ 12, stk. 3"),
        ("§ 31 b", "§ 31 b"),
        ("§ 31B, stk. 2, nr. 1", "§ 31 b, stk. 2, nr. 1"),
        ("Jens Hansen", None),
        ("§ 12 Jens Hansen", None),
        ("010190-1234", None),
        ("12", None),
        ("kap. 9", "kap. 9"),
        ("Kap 9", "kap. 9"),
        ("kapitel 6a", "kap. 6a"),
        ("Kapitel 6 A", "kap. 6a"),
        ("kap. 12a", "kap. 12a"),
        ("kap.12b", "kap. 12b"),
        ("kapitel 9-13", None),
        ("kap. Jens", None),
        ("kapitel", None),
    ],
)
def test_a_paragraph_must_be_a_paragraph_reference(typed, normalised):
    assert normalised_paragraph(typed) == normalised


def test_the_service_refuses_free_text_as_paragraph_and_saves_the_normalised_form(world):
    with pytest.raises(ValidationError):
        services.exemption_register(
            actor=world.coordinator, pathway=world.pathway, law="LAB", paragraph="Jens Hansen 010190-1234", reason="x"
        )
    use = services.exemption_register(
        actor=world.coordinator, pathway=world.pathway, law="LAB", paragraph="§31B,stk.2", reason="Mentor"
    )
    assert use.paragraph == "§ 31 b, stk. 2"


def test_the_exemption_form_refuses_free_text_as_paragraph(client, world):
    client.force_login(world.coordinator)
    url = reverse("pathway_economy:exemption_add", args=[world.pathway.public_id])
    data = {"exemption-law": "LAB", "exemption-paragraph": "Jens Hansen", "exemption-reason": "x"}
    data["exemption-used_on"] = "01.11.2026"
    assert client.post(url, data).status_code == 422
    assert not LegalExemptionUse.objects.exists()


def test_the_exemption_report_counts_uses_exactly_hides_few_pathways_and_never_shows_free_text(
    client, world, controller
):
    for _n in range(3):  # three uses on one pathway: exact, a use is not about a person
        ExemptionFactory(pathway=world.pathway, law="LAB", paragraph="§ 31 b")
    for pathway in pathways_in(world, 5):  # five pathways, two spellings of the same paragraph
        ExemptionFactory(pathway=pathway, law="SEL", paragraph="§52, stk.3")
        ExemptionFactory(pathway=pathway, law="SEL", paragraph="§ 52, stk. 3")
    ExemptionFactory(pathway=world.pathway, law="SEL", paragraph="Jens Hansen")  # written before the check
    client.force_login(controller)
    response = client.get(reverse("economy:exemptions"))
    report = response.context["report"]
    lab = next(row for row in report.by_paragraph if row["law"] == "LAB")
    assert lab["uses"] == 3 and lab["pathways"].hidden  # the pathways behind it are a count of citizens
    sel = next(row for row in report.by_paragraph if row["paragraph"] == "§ 52, stk. 3")
    assert (sel["uses"], sel["pathways"].value, sel["pathways"].hidden) == (10, 5, False)
    assert report.total == 14
    text = response.content.decode()
    assert "Jens Hansen" not in text
    assert "§52, stk.3" not in text
    lab_row = text.split('<th scope="row">LAB</th>', 1)[1].split("</tr>", 1)[0]
    assert ">3<" in lab_row
    assert "14 " in text.split('class="font-lead">', 1)[1].split("</p>", 1)[0]


def test_the_register_takes_the_application_s_laws_and_chapter_references(client, world, controller):
    """Seed 001, Bilag 1: Styringsloven §§ 2, 5, 6, 9, 10; LAB kap. 9-13 and 12a; LAS kapitel 4, 6a and § 74;
    Sygedagpengeloven kapitel 6 — each registered as the list writes it, grouped on one spelling."""
    client.force_login(world.coordinator)
    url = reverse("pathway_economy:exemption_add", args=[world.pathway.public_id])
    typed = [
        ("Styringsloven", "§ 6, stk. 4"),
        ("LAB", "kap. 9"),
        ("LAB", "kap. 12a"),
        ("LAS", "kapitel 6a"),
        ("LAS", "Kap. 6 a"),
        ("LAS", "§ 74"),
        ("Sygedagpengeloven", "kapitel 6"),
    ]
    for law, paragraph in typed:
        data = {"exemption-law": law, "exemption-paragraph": paragraph, "exemption-reason": "Mentor fra UU"}
        data["exemption-used_on"] = "01.11.2026"
        assert client.post(url, data).status_code == 302, (law, paragraph)
    stored = sorted(LegalExemptionUse.objects.values_list("law", "paragraph"))
    assert stored == [
        ("LAB", "kap. 12a"),
        ("LAB", "kap. 9"),
        ("LAS", "kap. 6a"),
        ("LAS", "kap. 6a"),
        ("LAS", "§ 74"),
        ("Styringsloven", "§ 6, stk. 4"),
        ("Sygedagpengeloven", "kap. 6"),
    ]
    client.force_login(controller)
    rows = client.get(reverse("economy:exemptions")).context["report"].by_paragraph
    assert [(row["law"], row["paragraph"], row["uses"]) for row in rows] == [
        ("LAB", "kap. 9", 1),
        ("LAB", "kap. 12a", 1),
        ("LAS", "kap. 6a", 2),
        ("LAS", "§ 74", 1),
        ("Styringsloven", "§ 6, stk. 4", 1),
        ("Sygedagpengeloven", "kap. 6", 1),
    ]


def test_a_range_of_chapters_is_refused_with_both_formats_named(client, world):
    client.force_login(world.coordinator)
    url = reverse("pathway_economy:exemption_add", args=[world.pathway.public_id])
    data = {"exemption-law": "LAB", "exemption-paragraph": "kapitel 9-13", "exemption-reason": "x"}
    data["exemption-used_on"] = "01.11.2026"
    response = client.post(url, data)
    assert response.status_code == 422
    assert not LegalExemptionUse.objects.exists()
    message = str(response.context["forms"]["exemption"].errors["paragraph"][0])
    assert "§ 31 b" in message and "kap. 9" in message


# --- 2 and 3. amounts in the reports, and secondary suppression --------------------------------------------


def test_protect_hides_small_cells_and_one_more_when_a_single_one_could_be_worked_out():
    small, middle, large = Cell(D("100"), 2), Cell(D("500"), 6), Cell(D("900"), 8)
    total = Cell(D("1500"), 16)
    protect([small, middle, large], total)
    assert (small.hidden, middle.hidden, large.hidden, total.hidden) == (True, True, False, False)
    # Two hidden already: the total no longer gives either away.
    a, b, c, total = Cell(D("1"), 1), Cell(D("2"), 2), Cell(D("9"), 9), Cell(D("12"), 12)
    protect([a, b, c], total)
    assert (a.hidden, b.hidden, c.hidden, total.hidden) == (True, True, False, False)
    # Nothing else to hide: the total goes.
    only, total = Cell(D("5"), 3), Cell(D("5"), 6)
    protect([only], total)
    assert only.hidden and total.hidden
    # The total preferred (its other figures are shown elsewhere).
    own, others, total = Cell(D("5"), 3), Cell(D("50"), 9), Cell(D("55"), 12)
    protect([own, others], total, prefer_total=True)
    assert (own.hidden, others.hidden, total.hidden) == (True, False, True)


def test_overview_hides_amounts_of_one_to_four_pathways(client, world, controller):
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    started = (last_month - datetime.timedelta(days=1)).replace(day=1)  # the month before, in the chart too
    other_programme = f.ProgrammeFactory(municipality=world.municipality)
    single = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, programme=other_programme)
    InterventionFactory(pathway=single, starts_on=started)  # one citizen's cost
    for pathway in pathways_in(world, 5):
        InterventionFactory(pathway=pathway, starts_on=started)
    client.force_login(controller)
    response = client.get(reverse("economy:overview"))
    overview = response.context["overview"]
    programmes = dict(overview.by_programme)
    assert programmes[other_programme.name].hidden and programmes[other_programme.name].pathways == 1
    # Shown, the other programme's amount and the total would give the hidden one away: it is hidden too.
    assert programmes[world.programme.name].pathways == 5 and programmes[world.programme.name].hidden
    assert not overview.total.hidden
    month = dict(overview.series)[last_month]
    assert month.pathways == 6 and not month.hidden
    text = response.content.decode().split('id="h-programmes"')[1].split('id="h-series"')[0]
    assert "kr." not in text


def test_department_report_hides_small_amounts_and_the_next_smallest(client, world, controller):
    # Children pays 100 % of jobs' services on five pathways and of health's on one.
    jobs_service = ServiceFactory(department=world.jobs, unit_price=D("1000.00"))
    health_service = ServiceFactory(department=world.health, unit_price=D("400.00"))
    for pathway in pathways_in(world, 5):
        intervention = InterventionFactory(pathway=pathway, service=jobs_service, starts_on=datetime.date(2026, 11, 1))
        make_decision(intervention, [(world.children, "100")], decided_on=datetime.date(2026, 11, 1))
    lonely = InterventionFactory(pathway=world.pathway, service=health_service, starts_on=datetime.date(2026, 11, 1))
    make_decision(lonely, [(world.children, "100")], decided_on=datetime.date(2026, 11, 1))
    client.force_login(controller)
    response = client.get(reverse("economy:department", args=[world.children.public_id]))
    report = response.context["report"]
    rows = dict(report.for_others_rows)
    assert rows[world.health.name].hidden  # one pathway
    assert rows[world.jobs.name].hidden  # shown, it would give the health row away through the sum
    assert not report.for_others.hidden and report.for_others.pathways == 6
    assert not report.own.hidden and report.own.value == D("0.00")
    text = response.content.decode()
    assert "Where figures add up to a total" in text or "kun ét af dem" in text


def test_department_report_hides_the_total_when_its_own_part_is_hidden(client, world, controller):
    jobs_service = ServiceFactory(department=world.jobs, unit_price=D("1000.00"))
    for pathway in pathways_in(world, 5):
        intervention = InterventionFactory(pathway=pathway, service=jobs_service, starts_on=datetime.date(2026, 11, 1))
        make_decision(intervention, [(world.children, "100")], decided_on=datetime.date(2026, 11, 1))
    InterventionFactory(pathway=world.pathway, starts_on=datetime.date(2026, 11, 1))  # children's own, one pathway
    client.force_login(controller)
    report = client.get(reverse("economy:department", args=[world.children.public_id])).context["report"]
    assert report.own.hidden and not report.for_others.hidden and report.total.hidden


# --- 4. the authority to grant ------------------------------------------------------------------------------


def test_a_team_member_grants_only_on_behalf_of_their_own_covered_department(client, team):
    world = team
    service = ServiceFactory(department=world.jobs)
    with pytest.raises(ValidationError, match="Børn og Unge"):
        services.intervention_grant(
            actor=world.jobworker,
            pathway=world.pathway,
            service=service,
            starts_on=datetime.date(2026, 10, 1),
            quantity=D("1"),
            granting_department=world.children,
        )
    granted = services.intervention_grant(
        actor=world.jobworker,
        pathway=world.pathway,
        service=service,
        starts_on=datetime.date(2026, 10, 1),
        quantity=D("1"),
        granting_department=world.jobs,
    )
    assert granted.granting_department == world.jobs
    page = economy_page(world.jobworker, world.pathway)
    assert page.granting_departments == [world.jobs]
    choices = dict(InterventionForm(page=page).fields["granting_department"].choices)
    assert str(world.jobs.public_id) in choices and str(world.children.public_id) not in choices


def test_without_consent_the_team_place_gives_no_authority_and_the_coordinator_grants_for_the_lead(world):
    service = ServiceFactory(department=world.jobs)
    assert selectors.granting_departments(actor=world.jobworker, pathway=world.pathway) == []
    assert selectors.granting_departments(actor=world.coordinator, pathway=world.pathway) == [world.children]
    with pytest.raises(ValidationError):
        services.intervention_grant(
            actor=world.coordinator,
            pathway=world.pathway,
            service=service,
            starts_on=datetime.date(2026, 10, 1),
            quantity=D("1"),
            granting_department=world.jobs,
        )


def test_granting_on_another_departments_budget_is_422_with_a_message(client, world):
    service = ServiceFactory(department=world.children)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("pathway_economy:intervention_add", args=[world.pathway.public_id]),
        {
            "intervention-service": str(service.public_id),
            "intervention-granting_department": str(world.jobs.public_id),
            "intervention-starts_on": "01.10.2026",
            "intervention-quantity": "1",
        },
    )
    assert response.status_code == 422
    assert not Intervention.objects.exists()


# --- 6 and 7. financing decisions ---------------------------------------------------------------------------


def _decide(world, intervention, **kwargs):
    values = {
        "actor": world.coordinator,
        "pathway": world.pathway,
        "intervention": intervention,
        "shares": [(world.children, D("100"))],
        "reason": "Fælles",
        "decided_on": datetime.date(2026, 3, 1),
    }
    return services.financing_decide(**{**values, **kwargs})


def test_a_decision_moves_the_version_on_and_a_stale_one_is_a_conflict(world):
    intervention = InterventionFactory(pathway=world.pathway)
    _decide(world, intervention, expected_version=1)
    intervention.refresh_from_db()
    assert intervention.version == 2
    with pytest.raises(ConflictError):
        _decide(world, intervention, expected_version=1)
    assert FinancingDecision.objects.count() == 1


def test_the_financing_form_shows_the_conflict_and_keeps_the_input(client, world):
    intervention = InterventionFactory(pathway=world.pathway)
    client.force_login(world.coordinator)
    prefix = f"financing-{intervention.public_id}"
    url = reverse("pathway_economy:financing_decide", args=[world.pathway.public_id, intervention.public_id])
    data = {
        f"{prefix}-decided_on": "01.11.2026",
        f"{prefix}-reason": "Min begrundelse",
        f"{prefix}-department_1": str(world.children.public_id),
        f"{prefix}-percent_1": "100",
        f"{prefix}-version": "1",
    }
    _decide(world, intervention)  # someone else decides meanwhile
    response = client.post(url, data)
    assert response.status_code == 422
    text = response.content.decode()
    assert "Min begrundelse" in text
    assert "Someone else decided on the financing" in text or "En anden har truffet" in text
    form = response.context["forms"][prefix]
    assert form.data[f"{prefix}-version"] == "2"  # saving again is a deliberate overwrite
    assert client.post(url, {**data, f"{prefix}-version": "2"}).status_code == 302


@pytest.mark.parametrize("which", ["in the future", "before the intervention starts"])
def test_a_decision_cannot_be_dated_in_the_future_or_before_the_start(world, which):
    today = timezone.localdate()
    intervention = InterventionFactory(pathway=world.pathway, starts_on=today - datetime.timedelta(days=30))
    decided_on = (
        today + datetime.timedelta(days=1)
        if which == "in the future"
        else intervention.starts_on - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError):
        _decide(world, intervention, decided_on=decided_on)
    assert not FinancingDecision.objects.exists()


# --- 8. dates within bounds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [(datetime.date(1900, 1, 1), None), (datetime.date(2026, 1, 1), datetime.date(2999, 12, 31))],
)
def test_dates_far_away_are_refused(world, starts_on, ends_on):
    service = ServiceFactory(department=world.children)
    with pytest.raises(ValidationError):
        services.intervention_grant(
            actor=world.coordinator,
            pathway=world.pathway,
            service=service,
            starts_on=starts_on,
            ends_on=ends_on,
            quantity=D("1"),
            granting_department=world.children,
        )


def test_the_form_refuses_a_date_centuries_ahead(client, world):
    service = ServiceFactory(department=world.children)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("pathway_economy:intervention_add", args=[world.pathway.public_id]),
        {
            "intervention-service": str(service.public_id),
            "intervention-granting_department": str(world.children.public_id),
            "intervention-starts_on": "01.10.2026",
            "intervention-ends_on": "01.10.2526",
            "intervention-quantity": "1",
        },
    )
    assert response.status_code == 422
    assert not Intervention.objects.exists()


# --- 9. re-assessment never rewrites history ----------------------------------------------------------------


def test_each_month_is_split_by_the_decision_in_force_in_it():
    months = {datetime.date(2026, m, 1): D("1000.00") for m in (1, 2, 3, 4)}
    decisions = [
        (datetime.date(2026, 2, 10), [("A", D("50")), ("B", D("50"))]),  # the first covers from the start
        (datetime.date(2026, 3, 15), [("B", D("100"))]),  # from March on
    ]
    result = costs.split_by_decisions(months, decisions, [("G", D("100"))])
    assert costs.payer_totals(result) == {"A": D("1000.00"), "B": D("3000.00")}
    assert result["A"] == {datetime.date(2026, 1, 1): D("500.00"), datetime.date(2026, 2, 1): D("500.00")}
    assert costs.split_by_decisions(months, [], [("G", D("100"))]) == {"G": months}


def test_a_reassessment_changes_only_the_months_from_it_on_the_page_and_in_the_reports(world, controller):
    intervention = InterventionFactory(
        pathway=world.pathway,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 4, 30),
        service__unit_price=D("1000.00"),
    )
    make_decision(intervention, [(world.children, "100")], decided_on=datetime.date(2026, 1, 10))
    make_decision(intervention, [(world.jobs, "100")], decided_on=datetime.date(2026, 3, 1))
    page = economy_page(world.coordinator, world.pathway)
    assert {p.department: p.amount for p in page.rows[0].payers} == {
        world.children: D("2000.00"),
        world.jobs: D("2000.00"),
    }
    assert {p.department: p.amount for p in page.payers} == {world.children: D("2000.00"), world.jobs: D("2000.00")}
    facts = selectors.cost_facts(actor=controller, until=datetime.date(2026, 11, 1))
    assert {(fact.payer_id, fact.month.month): fact.amount for fact in facts} == {
        (world.children.pk, 1): D("1000.00"),
        (world.children.pk, 2): D("1000.00"),
        (world.jobs.pk, 3): D("1000.00"),
        (world.jobs.pk, 4): D("1000.00"),
    }


# --- 10. the service's department is copied at grant time ---------------------------------------------------


def test_moving_a_service_to_another_department_does_not_move_past_interventions(world, controller):
    service = ServiceFactory(department=world.children, unit_price=D("1000.00"))
    intervention = services.intervention_grant(
        actor=world.coordinator,
        pathway=world.pathway,
        service=service,
        starts_on=datetime.date(2026, 10, 1),
        quantity=D("1"),
        granting_department=world.children,
    )
    assert intervention.service_department == world.children
    services.service_update(
        actor=controller,
        service=service,
        expected_version=service.version,
        department=world.jobs,
        code=service.code,
        name=service.name,
        legal_basis=service.legal_basis,
        unit=service.unit,
        unit_price=service.unit_price,
    )
    facts = selectors.cost_facts(actor=controller, until=datetime.date(2026, 11, 1))
    assert {fact.service_department_id for fact in facts} == {world.children.pk}
    head_of_jobs = f.make_staff(world.jobs, StaffRole.DEPARTMENT_HEAD)
    assert not Intervention.objects.visible_to(head_of_jobs, "aggregate").exists()


# --- 11. the operating-cost page ----------------------------------------------------------------------------


def test_operating_costs_hide_small_counts_and_other_programmes_from_aggregate_roles(client, world, controller):
    other = f.ProgrammeFactory(municipality=world.municipality)
    health_head = f.make_staff(world.health, StaffRole.DEPARTMENT_HEAD)
    f.PathwayFactory(lead_department=world.health, coordinator=f.make_staff(world.health), programme=other)
    for programme in (world.programme, other):
        OperatingCost.objects.create(
            municipality=world.municipality,
            programme=programme,
            month=timezone.localdate().replace(day=1),  # the pathways open today
            element=ProgrammeElement.IMPLEMENTATION_TEAM,
            amount=D("10000.00"),
            registered_by=controller,
        )
    client.force_login(world.head)  # children: coordinates the world's pathway (one citizen) in the programme
    response = client.get(reverse("economy:operating_costs"))
    rows = response.context["rows"]
    assert [row.programme for row in rows] == [world.programme.name]
    assert rows[0].citizens.hidden and rows[0].per_citizen is None
    assert response.context["chart"]["datasets"][0]["data"] == [None]
    client.force_login(health_head)
    assert [row.programme for row in client.get(reverse("economy:operating_costs")).context["rows"]] == [other.name]
    client.force_login(controller)
    rows = client.get(reverse("economy:operating_costs")).context["rows"]
    assert len(rows) == 2 and all(row.per_citizen is not None for row in rows)


def test_the_unit_cost_chart_has_a_gap_for_a_month_without_citizens():
    row = selectors.UnitCostRow(
        programme="P",
        month=datetime.date(2026, 1, 1),
        amount=D("1"),
        citizens=Cell(0, 0),
        per_citizen=None,
        elements={},
    )
    assert selectors.unit_cost_chart([row])["datasets"][0]["data"] == [None]


# --- 13. percentages ----------------------------------------------------------------------------------------


def test_payer_percentages_add_up_to_exactly_100():
    shares = costs.percentages({"a": D("100"), "b": D("100"), "c": D("100")})
    assert sum(shares.values()) == D("100.00")
    assert sorted(shares.values()) == [D("33.33"), D("33.33"), D("33.34")]


def test_the_pathway_payer_percentages_add_up_to_100(world):
    for department in (world.children, world.jobs, world.health):
        intervention = InterventionFactory(pathway=world.pathway, starts_on=datetime.date(2026, 10, 1))
        make_decision(intervention, [(department, "100")], decided_on=datetime.date(2026, 10, 1))
    page = economy_page(world.coordinator, world.pathway)
    assert sum(p.percent for p in page.payers) == D("100.00")


# --- 14. Danish numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("12.500", D("12500")),
        ("1.000.000", D("1000000")),
        ("12.500,50", D("12500.50")),
        ("1,5", D("1.5")),
        ("412,50", D("412.50")),
    ],
)
def test_danish_grouping_dots_are_accepted_where_unambiguous(typed, value):
    assert DanishDecimalField(max_digits=12, decimal_places=2).clean(typed) == value


# A dot is never a decimal point (issue 8: one way of writing numbers everywhere): "1.5" and "12.50" are refused
# with a message asking for a comma, instead of being read as 1,5 and 12,50.
@pytest.mark.parametrize("typed", ["1.2,5", "12.5000", "1.00.000", "1.5", "12.50"])
def test_ambiguous_grouping_is_refused(typed):
    with pytest.raises(django_forms.ValidationError):
        DanishDecimalField(max_digits=12, decimal_places=2).clean(typed)


def test_the_service_option_shows_the_price_with_danish_separators(world):
    ServiceFactory(department=world.children, unit_price=D("12500.50"), unit=ServiceUnit.PER_MONTH)
    page = economy_page(world.coordinator, world.pathway)
    labels = [label for _value, label in InterventionForm(page=page).fields["service"].choices]
    assert any("12.500,50 kr." in str(label) for label in labels), labels


# --- 15. audit events and the operating-cost conflict check -------------------------------------------------


def test_catalogue_writes_record_events(world, controller):
    service = services.service_create(
        actor=controller,
        department=world.children,
        code="X1",
        name="Mentor",
        legal_basis="LAB § 31 b",
        unit=ServiceUnit.PER_HOUR,
        unit_price=D("400"),
    )
    services.service_update(
        actor=controller,
        service=service,
        expected_version=1,
        department=world.children,
        code="X1",
        name="Mentor",
        legal_basis="LAB § 31 b",
        unit=ServiceUnit.PER_HOUR,
        unit_price=D("450"),
    )
    assert list(AuditEvent.objects.order_by("id").values_list("code", flat=True)) == [
        "service.created",
        "service.changed",
    ]


def test_replacing_an_operating_cost_needs_the_amount_it_replaces(client, world, controller):
    values = {
        "actor": controller,
        "programme": world.programme,
        "month": datetime.date(2026, 11, 1),
        "element": ProgrammeElement.IMPLEMENTATION_TEAM,
    }
    services.operating_cost_register(**values, amount=D("1000"))
    assert AuditEvent.objects.filter(code="operating_cost.registered").count() == 1
    with pytest.raises(services.OperatingCostExists) as raised:
        services.operating_cost_register(**values, amount=D("2000"))  # someone expects none registered
    assert raised.value.current == D("1000.00")
    with pytest.raises(ConflictError):
        services.operating_cost_register(**values, amount=D("2000"), replaces=D("900"))  # saw another amount
    services.operating_cost_register(**values, amount=D("2000"), replaces=D("1000"))
    assert OperatingCost.objects.get().amount == D("2000.00")
    # Through the page: the first save shows the conflict and keeps the input, the second replaces.
    client.force_login(controller)
    url = reverse("economy:operating_costs")
    data = {
        "programme": str(world.programme.public_id),
        "month": "01.11.2026",
        "element": ProgrammeElement.IMPLEMENTATION_TEAM,
        "amount": "3.000,00",
    }
    response = client.post(url, data)
    assert response.status_code == 422
    assert response.context["form"].data["replaces"] == "2000.00"
    assert OperatingCost.objects.get().amount == D("2000.00")
    assert client.post(url, {**data, "replaces": "2000.00"}).status_code == 302
    assert OperatingCost.objects.get().amount == D("3000.00")
