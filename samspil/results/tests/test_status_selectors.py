"""Where a citizen stands on a date: the latest entry on or before it (`status_on`), the first (`status_at_start`),
and the history of one pathway."""

import datetime

import pytest
from django.utils import timezone

from samspil.results import selectors
from samspil.results.choices import Benefit, EducationEmployment, StatusOccasion
from samspil.results.models import StatusEntry
from tests import factories as f

pytestmark = pytest.mark.django_db


def entry(pathway, citizen, days_ago, status=EducationEmployment.NONE, **fields):
    if status == EducationEmployment.BENEFIT:
        fields.setdefault("benefit", Benefit.SOCIAL_ASSISTANCE)
    return StatusEntry.objects.create(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        citizen=citizen,
        recorded_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        occasion=fields.pop("occasion", StatusOccasion.OTHER),
        education_employment=status,
        recorded_by=pathway.coordinator,
        **fields,
    )


def test_status_on_is_the_latest_entry_on_or_before_the_day_per_pathway_and_citizen(django_assert_num_queries):
    first = f.PathwayFactory()
    second = f.PathwayFactory(coordinator=first.coordinator, lead_department=first.lead_department)
    family = f.PathwayFactory(family=True, coordinator=first.coordinator, lead_department=first.lead_department)
    f.HouseholdMemberFactory(household=family.household)
    f.HouseholdMemberFactory(household=family.household)
    child, parent = family.subject_ids()
    entry(first, first.citizen, 100, occasion=StatusOccasion.START)
    middle = entry(first, first.citizen, 50, EducationEmployment.PREPARATORY)
    later_same_day = entry(first, first.citizen, 50, EducationEmployment.UPPER_SECONDARY)
    entry(first, first.citizen, 5, EducationEmployment.EMPLOYED)
    entry(second, second.citizen, 10, EducationEmployment.BENEFIT)
    child_entry = entry(family, family.household.memberships.get(citizen_id=child).citizen, 30)

    day = timezone.localdate() - datetime.timedelta(days=20)
    with django_assert_num_queries(1):
        found = selectors.status_on([first.pk, second.pk, family.pk], day)
    assert found == {(first.pk, first.citizen_id): later_same_day, (family.pk, child): child_entry}
    assert middle not in found.values()
    assert (family.pk, parent) not in found

    from samspil.pathways.models import Pathway

    with django_assert_num_queries(1):
        now = selectors.status_on(Pathway.objects.values("id"), timezone.localdate())
    assert now[(first.pk, first.citizen_id)].education_employment == EducationEmployment.EMPLOYED
    assert now[(second.pk, second.citizen_id)].benefit == Benefit.SOCIAL_ASSISTANCE


def test_status_at_start_is_the_first_entry():
    pathway = f.PathwayFactory()
    start = entry(pathway, pathway.citizen, 100, occasion=StatusOccasion.START)
    entry(pathway, pathway.citizen, 100, EducationEmployment.PREPARATORY)
    entry(pathway, pathway.citizen, 3, EducationEmployment.EMPLOYED)
    assert selectors.status_at_start([pathway.pk]) == {(pathway.pk, pathway.citizen_id): start}
    before = timezone.localdate() - datetime.timedelta(days=101)
    assert selectors.status_at_start([pathway.pk], on=before) == {}
    assert selectors.status_on([], timezone.localdate()) == {}


def test_history_lists_every_member_of_a_family_newest_first():
    pathway = f.PathwayFactory(family=True)
    members = [f.HouseholdMemberFactory(household=pathway.household).citizen for _ in range(2)]
    old = entry(pathway, members[0], 40)
    new = entry(pathway, members[0], 2, EducationEmployment.PRIMARY_SCHOOL)
    histories = selectors.status_history(pathway)
    assert {h.citizen.pk for h in histories} == {m.pk for m in members}
    by_citizen = {h.citizen.pk: h for h in histories}
    assert by_citizen[members[0].pk].entries == [new, old]
    assert by_citizen[members[0].pk].current == new
    assert by_citizen[members[1].pk].current is None
