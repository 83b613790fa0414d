"""Intake search: by CPR number through the blind index, or by name; every result is logged once."""

from collections import Counter

import pytest
from django.http import Http404

from samspil.audit import context
from samspil.audit.choices import AccessPurpose, AccessVia
from samspil.audit.models import AccessLogEntry
from samspil.citizens import cpr, selectors
from tests import factories as f

pytestmark = pytest.mark.django_db


def search(actor, query, request_id="search"):
    with context.bound(actor_id=actor.pk, request_id=request_id):
        return selectors.citizen_search(actor=actor, query=query)


def logged(request_id):
    return Counter(AccessLogEntry.objects.filter(request_id=request_id).values_list("citizen_id", flat=True))


@pytest.mark.parametrize("written", [cpr.formatted, str])
def test_search_by_cpr_finds_exactly_that_citizen_and_logs_one_row(world, written):
    digits = f.random_cpr()
    wanted = f.CitizenFactory(municipality=world.municipality, cpr=digits)
    f.CitizenFactory(municipality=world.municipality, last_name=wanted.last_name)
    results = search(world.outsider, written(digits))
    assert results == [wanted]
    assert logged("search") == {wanted.pk: 1}  # no pathway yet: one row without a pathway
    row = AccessLogEntry.objects.get(request_id="search")
    assert (row.shown, row.purpose, row.via, row.pathway) == (
        "citizen.search",
        AccessPurpose.INTAKE,
        AccessVia.INTAKE,
        None,
    )


def test_search_by_name_needs_every_word_and_logs_each_result_once(world):
    anna = f.CitizenFactory(municipality=world.municipality, first_name="Anna Marie", last_name="Søndergaard")
    namesake = f.CitizenFactory(municipality=world.municipality, first_name="Anna", last_name="Søndergaard-Holm")
    f.CitizenFactory(municipality=world.municipality, first_name="Anna", last_name="Holm")
    f.CitizenFactory(municipality=world.other_municipality, first_name="Anna Marie", last_name="Søndergaard")
    assert search(world.outsider, "marie søndergaard") == [anna]
    assert logged("search") == {anna.pk: 1}
    assert set(search(world.outsider, "Anna Søndergaard", request_id="both")) == {anna, namesake}
    assert logged("both") == {anna.pk: 1, namesake.pk: 1}


def test_search_needs_first_and_last_name_or_a_cpr_number(world):
    """Intake search finds one person; it is not for browsing the municipality's citizens."""
    for query in ("Anna", "A Søndergaard", "", "  "):
        assert search(world.outsider, query) == []
    assert not AccessLogEntry.objects.exists()


def test_search_logs_one_row_per_citizen_and_pathway_so_each_coordinator_sees_the_glimpse(world):
    second = f.PathwayFactory(coordinator=f.make_staff(world.jobs), lead_department=world.jobs, citizen=world.citizen)
    assert search(world.outsider, world.citizen.full_name) == [world.citizen]
    rows = AccessLogEntry.objects.filter(request_id="search")
    assert sorted(rows.values_list("citizen_id", "pathway_id")) == sorted(
        [(world.citizen.pk, world.pathway.pk), (world.citizen.pk, second.pk)]
    )


def test_search_marks_which_pathways_the_searcher_may_open(world):
    results = search(world.outsider, world.citizen.full_name)
    assert results == [world.citizen]
    assert [(p.pk, p.is_visible) for p in results[0].pathway_list] == [(world.pathway.pk, False)]
    results = search(world.coordinator, world.citizen.full_name, request_id="mine")
    assert [(p.pk, p.is_visible) for p in results[0].pathway_list] == [(world.pathway.pk, True)]


def test_search_without_a_case_role_finds_nothing(world):
    assert search(world.head, world.citizen.full_name) == []
    assert not AccessLogEntry.objects.exists()


def test_citizen_for_intake_is_logged_and_scoped(world):
    with context.bound(actor_id=world.outsider.pk, request_id="intake"):
        assert selectors.citizen_for_intake(actor=world.outsider, public_id=world.citizen.public_id) == world.citizen
    assert logged("intake") == {world.citizen.pk: 1}
    with pytest.raises(Http404):
        selectors.citizen_for_intake(actor=world.stranger, public_id=world.citizen.public_id)
