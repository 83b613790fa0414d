"""The demo municipality's economy: a catalogue, interventions, joint financing with a re-assessment,
exemption uses and operating costs, all written through the services."""

import pytest
from django.db.models import Count
from django.urls import reverse

from samspil.demo import data, loader
from samspil.economy.models import FinancingDecision, Intervention, LegalExemptionUse, OperatingCost, Service
from samspil.pathways.models import Pathway

pytestmark = pytest.mark.django_db


def test_the_demo_has_economy_data_and_the_controller_sees_the_figures(client):
    municipality, created = loader.load_demo()
    scoped = {"municipality": municipality}
    assert Service.objects.filter(**scoped).count() == len(data.SERVICES)
    koordinator = Intervention.objects.filter(pathway__coordinator__username=loader.KOORDINATOR, **scoped)
    assert koordinator.count() >= sum(len(rows) for rows in data.INTERVENTIONS)
    # Every other open pathway has one or two, so the controller's reports show figures above the limit of 5.
    others = Pathway.objects.filter(**scoped).exclude(coordinator__username=loader.KOORDINATOR).exclude(status="closed")
    assert others.exists() and not others.filter(interventions__isnull=True).exists()
    assert FinancingDecision.objects.filter(**scoped).count() == 3
    reassessed = FinancingDecision.objects.values("intervention").annotate(n=Count("id")).filter(n=2)
    assert reassessed.count() == 1
    assert LegalExemptionUse.objects.filter(**scoped).count() == 2
    assert OperatingCost.objects.filter(**scoped).count() > 0
    assert created["interventions"] and created["operating costs"]

    from django.contrib.auth import get_user_model

    controller = get_user_model().objects.get(username="demo-controller")
    controller.is_demo_account = False  # the tests run outside demo mode, where demo accounts are locked
    controller.save(update_fields=["is_demo_account"])
    client.force_login(controller)
    for name in ("economy:overview", "economy:services", "economy:operating_costs", "economy:exemptions"):
        assert client.get(reverse(name)).status_code == 200, name
    overview = client.get(reverse("economy:overview")).context["overview"]
    assert overview.total.value > 0 and not overview.total.hidden
    coordinator = get_user_model().objects.get(username=loader.KOORDINATOR)
    coordinator.is_demo_account = False
    coordinator.save(update_fields=["is_demo_account"])
    client.force_login(coordinator)
    pathway = Intervention.objects.filter(financing_decisions__isnull=False).first().pathway
    assert client.get(reverse("pathway_economy:page", args=[pathway.public_id])).status_code == 200
