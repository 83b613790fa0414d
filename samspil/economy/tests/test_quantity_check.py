"""A quantity far above the usual is not saved silently: the user confirms it with a tick; an impossible one is
refused. Numbers are typed the Danish way on every economy form."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from samspil.economy.choices import ServiceUnit
from samspil.economy.models import Intervention
from samspil.economy.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def grant(client, world, service, quantity, **extra):
    client.force_login(world.coordinator)
    data = {
        "intervention-service": str(service.public_id),
        "intervention-granting_department": str(world.children.public_id),
        "intervention-starts_on": timezone.localdate().strftime("%d.%m.%Y"),
        "intervention-quantity": quantity,
        **extra,
    }
    with translation.override("da"):
        return client.post(reverse("pathway_economy:intervention_add", args=[world.pathway.public_id]), data)


@pytest.fixture
def hourly(world):
    return ServiceFactory(department=world.children, unit=ServiceUnit.PER_HOUR, unit_price=Decimal("412.50"))


def test_a_usual_number_of_hours_is_saved_without_a_question(client, world, hourly):
    response = grant(client, world, hourly, "37,5")
    assert response.status_code == 302
    assert Intervention.objects.get().quantity == Decimal("37.5")


def test_1000_hours_a_month_is_impossible(client, world, hourly):
    response = grant(client, world, hourly, "1.000", **{"intervention-quantity_checked": "on"})
    assert response.status_code == 422
    assert "En måned har højst 744 timer" in response.content.decode()
    assert not Intervention.objects.exists()


def test_far_more_hours_than_usual_must_be_confirmed(client, world, hourly):
    first = grant(client, world, hourly, "200")
    assert first.status_code == 422
    page = first.content.decode()
    assert "200 timer om måneden er mere end et fuldtidsjob" in page
    assert 'name="intervention-quantity_checked"' in page and "Jeg har kontrolleret antallet" in page
    assert not Intervention.objects.exists()

    confirmed = grant(client, world, hourly, "200", **{"intervention-quantity_checked": "on"})
    assert confirmed.status_code == 302
    assert Intervention.objects.get().quantity == Decimal("200")


def test_the_tick_box_is_shown_only_when_needed(client, world, hourly):
    client.force_login(world.coordinator)
    page = client.get(reverse("pathway_economy:page", args=[world.pathway.public_id])).content.decode()
    assert "quantity_checked" not in page


def test_many_units_of_a_monthly_service_must_be_confirmed(client, world):
    monthly = ServiceFactory(department=world.children, unit=ServiceUnit.PER_MONTH)
    assert grant(client, world, monthly, "2").status_code == 302
    assert grant(client, world, monthly, "12").status_code == 422
    assert grant(client, world, monthly, "12", **{"intervention-quantity_checked": "on"}).status_code == 302


def test_a_dot_as_decimal_point_is_refused_with_the_reason(client, world, hourly):
    response = grant(client, world, hourly, "37.5")
    assert response.status_code == 422
    assert "Skriv decimaler med komma" in response.content.decode()
    assert not Intervention.objects.exists()
