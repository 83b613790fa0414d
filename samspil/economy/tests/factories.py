"""Factories for the economy's models (on top of tests/factories.py)."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from samspil.economy.choices import Law, ServiceUnit
from samspil.economy.models import FinancingDecision, FinancingShare, Intervention, LegalExemptionUse, Service
from tests import factories as f


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service

    department = factory.SubFactory(f.DepartmentFactory)
    municipality = factory.LazyAttribute(lambda o: o.department.municipality)
    code = factory.Sequence(lambda n: f"Y{n:03d}")
    name = factory.Sequence(lambda n: f"Kontaktperson {n}")
    legal_basis = "SEL § 85"
    unit = ServiceUnit.PER_MONTH
    unit_price = Decimal("3100.00")


class InterventionFactory(DjangoModelFactory):
    class Meta:
        model = Intervention

    pathway = factory.SubFactory(f.PathwayFactory)
    municipality = factory.LazyAttribute(lambda o: o.pathway.municipality)
    service = factory.SubFactory(ServiceFactory, department=factory.SelfAttribute("..pathway.lead_department"))
    starts_on = datetime.date(2026, 1, 1)
    ends_on = None
    quantity = Decimal("1")
    unit = factory.LazyAttribute(lambda o: o.service.unit)
    unit_price = factory.LazyAttribute(lambda o: o.service.unit_price)
    granting_department = factory.LazyAttribute(lambda o: o.service.department)
    service_department = factory.LazyAttribute(lambda o: o.service.department)
    granted_by = factory.LazyAttribute(lambda o: o.pathway.coordinator)


def make_decision(intervention, shares, *, decided_on=datetime.date(2026, 2, 1), motivated=True):
    """A financing decision with `shares` = [(department, percent), ...], written directly (no checks)."""
    decision = FinancingDecision.objects.create(
        municipality_id=intervention.municipality_id,
        intervention=intervention,
        pathway=intervention.pathway,
        decided_on=decided_on,
        reason="Fælles indsats",
        family_motivated=motivated,
        decided_by=intervention.pathway.coordinator,
    )
    for department, percent in shares:
        FinancingShare.objects.create(
            municipality_id=intervention.municipality_id,
            decision=decision,
            pathway=intervention.pathway,
            department=department,
            percent=Decimal(percent),
        )
    return decision


class ExemptionFactory(DjangoModelFactory):
    class Meta:
        model = LegalExemptionUse

    pathway = factory.SubFactory(f.PathwayFactory)
    municipality = factory.LazyAttribute(lambda o: o.pathway.municipality)
    law = Law.LAB
    paragraph = "§ 31 b"
    reason = "Mentor uden forudgående afklaring"
    registered_by = factory.LazyAttribute(lambda o: o.pathway.coordinator)


def make_review(pathway, *, controller, requested_by=None, intervention=None, question="Er fordelingen rimelig?"):
    """An open financing review of `pathway` asked of `controller`, written directly (no checks)."""
    from samspil.economy.models import FinancingReview

    return FinancingReview.objects.create(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        intervention=intervention,
        controller=controller,
        question=question,
        requested_by=requested_by or pathway.coordinator,
    )


def permission_world_economy(pathway, *, coordinator, controller) -> dict:
    """The permission world's financing review: open, on `pathway`, asked by the coordinator of the controller."""
    review = make_review(pathway, controller=controller, requested_by=coordinator)
    return {("main", "review_id"): review.public_id, (None, "review_id"): review.public_id}
