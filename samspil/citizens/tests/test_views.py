"""Intake pages: search (POST only), register, open a pathway."""

import pytest
from django.urls import reverse

from samspil.audit.models import AccessLogEntry
from samspil.citizens import cpr
from samspil.citizens.models import Citizen
from samspil.pathways.models import Pathway
from tests import factories as f

pytestmark = pytest.mark.django_db

SEARCH = "/borgere/soeg/"


def rows(response):
    return AccessLogEntry.objects.filter(request_id=response["X-Request-Id"])


def test_search_url_is_the_contract():
    assert reverse("citizens:search") == SEARCH


@pytest.mark.sends_cpr_in_query_string
def test_search_ignores_a_query_in_the_url(client, world):
    """A CPR number must not travel in a query string: GET shows an empty form and searches nothing."""
    digits = cpr.normalise(f.random_cpr())
    wanted = f.CitizenFactory(municipality=world.municipality, cpr=digits)
    client.force_login(world.outsider)
    for query in (digits, cpr.formatted(digits), wanted.last_name):
        response = client.get(SEARCH, {"query": query})
        assert response.status_code == 200
        content = response.content.decode()
        assert wanted.full_name not in content and wanted.cpr_masked not in content
        assert response.context["form"].is_bound is False
        assert 'name="query"' in content and f'value="{query}"' not in content  # the form is empty
        assert not rows(response).exists()


def test_search_by_cpr_in_the_post_body(client, world):
    digits = f.random_cpr()
    wanted = f.CitizenFactory(municipality=world.municipality, cpr=digits)
    client.force_login(world.outsider)
    response = client.post(SEARCH, {"query": cpr.formatted(digits)})
    assert response.status_code == 200
    content = response.content.decode()
    assert wanted.full_name in content and wanted.cpr_masked in content
    assert cpr.formatted(digits) not in content.split('id="search-results"', 1)[1]  # results show it masked
    assert list(rows(response).values_list("citizen_id", "shown")) == [(wanted.pk, "citizen.search")]


def test_search_result_offers_break_glass_for_a_pathway_out_of_scope(client, world):
    client.force_login(world.outsider)
    response = client.post(SEARCH, {"query": world.citizen.full_name})
    content = response.content.decode()
    assert reverse("pathways:break_glass", args=[world.pathway.public_id]) in content
    assert f'href="{reverse("pathways:overview", args=[world.pathway.public_id])}"' not in content


def test_search_by_htmx_returns_the_results_fragment(client, world):
    client.force_login(world.outsider)
    response = client.post(SEARCH, {"query": world.citizen.full_name}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert world.citizen.full_name in response.content.decode() and "<html" not in response.content.decode()


def test_search_with_a_too_short_query_is_422(client, world):
    client.force_login(world.outsider)
    response = client.post(SEARCH, {"query": "a"})
    assert response.status_code == 422
    assert not rows(response).exists()


@pytest.mark.parametrize("name", ["search", "create"])
def test_intake_pages_are_404_without_a_case_role_and_ask_anonymous_to_log_in(client, world, name):
    url = reverse(f"citizens:{name}")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/konto/log-ind/")
    client.force_login(world.head)
    assert client.get(url).status_code == 404


def test_register_citizen_then_open_a_pathway(client, world):
    digits = f.random_cpr()
    client.force_login(world.coordinator)
    response = client.post(
        reverse("citizens:create"), {"first_name": "Bo", "last_name": "Ny", "cpr_number": cpr.formatted(digits)}
    )
    citizen = Citizen.objects.get(last_name="Ny")
    assert response.status_code == 302
    assert response["Location"] == reverse("citizens:open_pathway", args=[citizen.public_id])
    assert client.get(response["Location"]).status_code == 200
    response = client.post(
        response["Location"], {"programme": world.programme.public_id, "referral_reason": "Henvist af egen læge"}
    )
    pathway = Pathway.objects.get(citizen=citizen)
    assert response.status_code == 302
    assert response["Location"] == reverse("pathways:overview", args=[pathway.public_id])
    assert pathway.coordinator == world.coordinator


def test_register_a_registered_cpr_number_points_to_the_existing_citizen(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("citizens:create"),
        {"first_name": "Kopi", "last_name": "Person", "cpr_number": world.citizen.reveal_cpr()},
    )
    assert response.status_code == 422
    assert response.context["existing"] == world.citizen
    assert world.citizen.full_name in response.content.decode()
    assert not Citizen.objects.filter(last_name="Person").exists()
    assert list(rows(response).values_list("citizen_id", flat=True)) == [world.citizen.pk]


def test_register_with_an_invalid_cpr_number_is_422_with_a_message(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("citizens:create"), {"first_name": "Bo", "last_name": "Ugyldig", "cpr_number": "310290-1234"}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["cpr_number"]
    assert not Citizen.objects.filter(last_name="Ugyldig").exists()


def test_opening_a_second_pathway_in_the_same_programme_is_422(client, world):
    client.force_login(world.coordinator)
    url = reverse("citizens:open_pathway", args=[world.citizen.public_id])
    response = client.post(url, {"programme": world.programme.public_id, "referral_reason": "Igen"})
    assert response.status_code == 422
    assert Pathway.objects.filter(citizen=world.citizen).count() == 1


def test_search_for_a_cpr_number_with_a_future_birth_date_is_refused_as_registration_refuses_it(client, world):
    client.force_login(world.outsider)
    response = client.post(SEARCH, {"query": "010150-5000"})  # 1 January 2050: a valid date, not born yet
    assert response.status_code == 422
    assert [e.code for e in response.context["form"].errors.as_data()["query"]] == ["cpr_future"]
    assert response.context["results"] is None
