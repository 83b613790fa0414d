"""The one role check of pages outside a pathway (`access.views.RoleRequiredMixin`): 404 and logged, for each area."""

import logging

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views import View

from samspil.access.views import RoleRequiredMixin
from samspil.audit.models import AuditEvent
from samspil.organisations.choices import StaffRole
from tests import factories as f

pytestmark = pytest.mark.django_db


def areas(world):
    """(URL, who lacks the role) for every area outside a pathway that has a role check."""
    professional = world.colleague  # a professional: case work, but no break-glass, no figures
    return [
        (reverse("economy:overview"), world.coordinator),
        (reverse("economy:exemptions"), world.coordinator),
        (reverse("economy:operating_costs"), world.coordinator),
        (reverse("economy:department", args=[world.children.public_id]), world.coordinator),
        (reverse("economy:service_create"), world.head),
        (reverse("segmentation:overview"), world.head),
        (reverse("segmentation:candidates"), world.coordinator),
        (reverse("organisations:leadership"), world.coordinator),
        (reverse("citizens:search"), world.head),
        (reverse("citizens:create"), world.head),
        (reverse("citizens:open_pathway", args=[world.citizen.public_id]), world.head),
        (reverse("pathways:break_glass", args=[world.pathway.public_id]), professional),
    ]


def test_every_area_outside_a_pathway_answers_404_and_logs_the_refusal(client, world, caplog):
    for url, user in areas(world):
        client.force_login(user)
        before = AuditEvent.objects.filter(code="access.denied").count()
        with caplog.at_level(logging.WARNING, logger="samspil.audit"):
            caplog.clear()
            response = client.get(url)
        assert response.status_code == 404, url
        denials = AuditEvent.objects.filter(code="access.denied").order_by("-pk")
        assert denials.count() == before + 1, url
        denial = denials.first()
        assert (denial.actor, denial.municipality_id, denial.data) == (user, world.municipality.pk, {"path": url})
        lines = [r.getMessage() for r in caplog.records if r.name == "samspil.audit"]
        assert lines == [f"access denied user={user.pk} path={url}"], url


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_logged(client, world):
    for url, _user in areas(world):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/konto/log-ind/"), url
    assert not AuditEvent.objects.exists()


def test_a_department_report_the_user_may_not_see_is_404_and_logged(client, world):
    head_of_health = f.make_staff(world.health, StaffRole.DEPARTMENT_HEAD)
    client.force_login(head_of_health)
    url = reverse("economy:department", args=[world.children.public_id])
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.get(code="access.denied").data == {"path": url}
    assert client.get(reverse("economy:department", args=[world.health.public_id])).status_code == 200


def test_those_with_the_role_get_the_page_and_no_denial(client, world):
    client.force_login(world.head)
    assert client.get(reverse("organisations:leadership")).status_code == 200
    client.force_login(world.coordinator)
    assert client.get(reverse("citizens:search")).status_code == 200
    assert client.get(reverse("pathways:break_glass", args=[world.pathway.public_id])).status_code == 200
    assert not AuditEvent.objects.filter(code="access.denied").exists()


def test_a_view_without_a_role_check_fails_loudly(world):
    class Forgotten(RoleRequiredMixin, View):
        def get(self, request):
            raise AssertionError("never reached")

    request = RequestFactory().get("/x/")
    request.user = world.coordinator
    with pytest.raises(ValueError, match="must set role_check"):
        Forgotten.as_view()(request)
