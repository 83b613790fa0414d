"""Writes: granting at the catalogue price, joint financing (100 % or nothing), re-assessment, exemptions."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samspil.audit.models import AuditEvent, ChangeLogEntry
from samspil.core.exceptions import ConflictError
from samspil.economy import costs, selectors, services
from samspil.economy.choices import Law, ServiceUnit
from samspil.economy.models import FinancingDecision, FinancingShare, Intervention, LegalExemptionUse
from samspil.economy.tests.factories import InterventionFactory, ServiceFactory
from samspil.pathways.selectors import pathway_get

pytestmark = pytest.mark.django_db


def economy_page(actor, pathway, until=datetime.date(2026, 11, 1)):
    resolved = pathway_get(actor=actor, public_id=pathway.public_id)
    return selectors.pathway_economy(actor=actor, pathway=resolved, until=until)


def test_granting_copies_the_catalogue_price_and_a_later_price_change_leaves_history_alone(world, controller):
    service = ServiceFactory(department=world.children, unit_price=Decimal("3100.00"))
    intervention = services.intervention_grant(
        actor=world.coordinator,
        pathway=world.pathway,
        service=service,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 3, 31),
        quantity=Decimal("2"),
        granting_department=world.children,
    )
    assert (intervention.unit, intervention.unit_price) == (ServiceUnit.PER_MONTH, Decimal("3100.00"))
    assert AuditEvent.objects.filter(code="intervention.granted", pathway=world.pathway).exists()
    services.service_update(
        actor=controller,
        service=service,
        expected_version=service.version,
        department=world.children,
        code=service.code,
        name=service.name,
        legal_basis=service.legal_basis,
        unit=ServiceUnit.PER_MONTH,
        unit_price=Decimal("4000.00"),
    )
    intervention.refresh_from_db()
    until = datetime.date(2026, 12, 31)
    assert costs.total(costs.intervention_months(intervention, until)) == Decimal("18600.00")  # 3 × 2 × 3100


def test_a_stale_catalogue_version_is_a_conflict(world, controller):
    service = ServiceFactory(department=world.children)
    values = {
        "department": world.children,
        "code": service.code,
        "name": "Nyt navn",
        "legal_basis": "SEL § 85",
        "unit": ServiceUnit.PER_MONTH,
        "unit_price": Decimal("1"),
    }
    services.service_update(actor=controller, service=service, expected_version=1, **values)
    with pytest.raises(ConflictError):
        services.service_update(actor=controller, service=service, expected_version=1, **{**values, "name": "Andet"})


def test_only_controllers_keep_the_catalogue(world):
    with pytest.raises(PermissionDenied):
        services.service_create(
            actor=world.coordinator,
            department=world.children,
            code="X1",
            name="Mentor",
            legal_basis="LAB § 31 b",
            unit=ServiceUnit.PER_HOUR,
            unit_price=Decimal("400"),
        )


def test_service_codes_are_unique_per_municipality(world, controller):
    ServiceFactory(department=world.children, code="SEL85")
    with pytest.raises(ValidationError):
        services.service_create(
            actor=controller,
            department=world.children,
            code="sel85",
            name="Kontaktperson",
            legal_basis="SEL § 85",
            unit=ServiceUnit.PER_MONTH,
            unit_price=Decimal("1"),
        )


@pytest.mark.parametrize(
    "shares",
    [
        [("children", "60"), ("jobs", "30")],  # 90 %
        [("children", "60"), ("jobs", "40.01")],  # 100.01 %
        [("children", "50"), ("children", "50")],  # the same department twice
        [("children", "100.001")],  # more than two decimals
        [],
    ],
)
def test_a_split_that_is_not_exactly_100_percent_is_refused_and_nothing_is_saved(world, shares):
    intervention = InterventionFactory(pathway=world.pathway)
    events, changes = AuditEvent.objects.count(), ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.financing_decide(
            actor=world.coordinator,
            pathway=world.pathway,
            intervention=intervention,
            shares=[(getattr(world, name), Decimal(p)) for name, p in shares],
            reason="Fælles finansiering",
        )
    assert refused.value.messages
    assert not FinancingDecision.objects.exists()
    assert not FinancingShare.objects.exists()
    assert AuditEvent.objects.count() == events
    assert ChangeLogEntry.objects.count() == changes


def test_the_message_says_what_the_shares_add_up_to(world):
    intervention = InterventionFactory(pathway=world.pathway)
    with pytest.raises(ValidationError) as refused:
        services.financing_decide(
            actor=world.coordinator,
            pathway=world.pathway,
            intervention=intervention,
            shares=[(world.children, Decimal("60")), (world.jobs, Decimal("30"))],
            reason="x",
        )
    assert "90,00" in refused.value.messages[0]


def test_a_reassessment_is_a_new_decision_and_the_history_is_kept(world):
    intervention = InterventionFactory(
        pathway=world.pathway, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 1, 31)
    )
    first = services.financing_decide(
        actor=world.coordinator,
        pathway=world.pathway,
        intervention=intervention,
        shares=[(world.children, Decimal("50")), (world.jobs, Decimal("50"))],
        reason="Begge sektorer har ydelser",
        decided_on=datetime.date(2026, 1, 5),
        family_motivated=True,
    )
    second = services.financing_decide(
        actor=world.coordinator,
        pathway=world.pathway,
        intervention=intervention,
        shares=[(world.children, Decimal("25")), (world.jobs, Decimal("25")), (world.health, Decimal("50"))],
        reason="Sundhed indgår nu",
        decided_on=datetime.date(2026, 3, 1),
    )
    assert list(FinancingDecision.objects.filter(intervention=intervention).order_by("id")) == [first, second]
    assert first.shares.count() == 2 and second.shares.count() == 3
    assert AuditEvent.objects.filter(code="financing.decided", pathway=world.pathway).count() == 2
    page = economy_page(world.coordinator, world.pathway)
    row = page.rows[0]
    assert row.current == second and len(row.decisions) == 2
    # January is paid by the decision in force then (the first, 50/50); the re-assessment of March rewrites
    # no month before it, so health pays nothing of January (it only has its share in the split in force).
    assert {p.department: (p.amount, p.percent) for p in row.payers} == {
        world.health: (Decimal("0.00"), Decimal("50")),
        world.children: (Decimal("1550.00"), Decimal("25")),
        world.jobs: (Decimal("1550.00"), Decimal("25")),
    }
    with pytest.raises(ValidationError):  # a re-assessment cannot be dated before the decision in force
        services.financing_decide(
            actor=world.coordinator,
            pathway=world.pathway,
            intervention=intervention,
            shares=[(world.children, Decimal("100"))],
            reason="Tilbage",
            decided_on=datetime.date(2026, 2, 1),
        )


def test_without_a_decision_the_granting_department_pays_everything(world):
    InterventionFactory(
        pathway=world.pathway,
        granting_department=world.jobs,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 2, 28),
    )
    page = economy_page(world.coordinator, world.pathway)
    assert [(p.department, p.percent, p.amount) for p in page.payers] == [
        (world.jobs, Decimal("100.00"), Decimal("6200.00"))
    ]


def test_the_team_grants_but_only_the_coordinator_decides_financing(team):
    world = team
    service = ServiceFactory(department=world.jobs)
    intervention = services.intervention_grant(
        actor=world.jobworker,
        pathway=world.pathway,
        service=service,
        starts_on=datetime.date(2026, 1, 1),
        quantity=Decimal("1"),
        granting_department=world.jobs,
    )
    with pytest.raises(PermissionDenied):
        services.financing_decide(
            actor=world.jobworker,
            pathway=world.pathway,
            intervention=intervention,
            shares=[(world.jobs, Decimal("100"))],
            reason="x",
        )
    from django.http import Http404

    with pytest.raises(Http404):
        services.intervention_grant(
            actor=world.outsider,
            pathway=world.pathway,
            service=service,
            starts_on=datetime.date(2026, 1, 1),
            quantity=Decimal("1"),
            granting_department=world.jobs,
        )


def test_ending_checks_the_version(world):
    intervention = InterventionFactory(pathway=world.pathway)
    services.intervention_end(
        actor=world.coordinator,
        pathway=world.pathway,
        intervention=intervention,
        ends_on=datetime.date(2026, 6, 30),
        expected_version=1,
    )
    assert Intervention.objects.get(pk=intervention.pk).ends_on == datetime.date(2026, 6, 30)
    with pytest.raises(ConflictError):
        services.intervention_end(
            actor=world.coordinator,
            pathway=world.pathway,
            intervention=intervention,
            ends_on=datetime.date(2026, 7, 31),
            expected_version=1,
        )
    assert AuditEvent.objects.filter(code="intervention.ended").count() == 1


def test_an_exemption_use_is_registered_for_an_intervention_of_the_same_pathway_only(world):
    intervention = InterventionFactory(pathway=world.pathway)
    use = services.exemption_register(
        actor=world.coordinator,
        pathway=world.pathway,
        law=Law.LAB,
        paragraph="§ 31 b",
        reason="Mentor uden forudgående afklaring",
        intervention=intervention,
    )
    assert use.intervention == intervention
    other = InterventionFactory(pathway__coordinator=world.coordinator, pathway__lead_department=world.children)
    from django.http import Http404

    with pytest.raises(Http404):
        services.exemption_register(
            actor=world.coordinator,
            pathway=world.pathway,
            law=Law.SEL,
            paragraph="§ 52",
            reason="x",
            intervention=other,
        )
    assert LegalExemptionUse.objects.count() == 1
