"""Reads of citizen data. Every function that returns citizen data writes the access log."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404

from samspil.access import policy
from samspil.audit.choices import AccessPurpose, AccessVia
from samspil.audit.services import access_record_each
from samspil.citizens import cpr
from samspil.citizens.models import Citizen, HouseholdMember
from samspil.pathways.models import Pathway

SEARCH_LIMIT = 25


def search_terms_valid(query: str) -> bool:
    """A CPR number, or a first and a last name: intake search is for finding one person, not for browsing."""
    query = (query or "").strip()
    if cpr.looks_like_cpr(query):
        return True
    words = query.split()
    return len(words) >= 2 and all(len(word) >= 2 for word in words)


def citizen_search(*, actor, query: str) -> list[Citizen]:
    """Intake search by CPR number (exact, through the blind index) or by name (every word must match).

    Each result carries `pathway_list`: the citizen's pathways, each marked `is_visible` for the actor. Of a
    pathway the actor may not see, the page shows only that it exists, and for an open one who coordinates it
    (name and department: who to call, not what is in it), with a break-glass link; that glimpse is logged on
    the pathway, so its coordinator sees it in the pathway's access log.
    """
    query = (query or "").strip()
    if not search_terms_valid(query):
        return []
    citizens = Citizen.objects.visible_to(actor, policy.INTAKE)
    if cpr.written_like_cpr(query):
        try:
            digits = cpr.normalise(query)  # digits of any script read as ASCII: the blind index is of ASCII digits
        except ValidationError:  # no such date, or one in the future: no one has that number (the form says why)
            return []
        citizens = citizens.filter(cpr_index=cpr.blind_index(digits))
    else:
        for word in query.split()[:5]:
            citizens = citizens.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    visible_ids = Pathway.objects.visible_to(actor, policy.VIEW).values("pk")
    results = list(citizens[:SEARCH_LIMIT])
    # A citizen's pathways: their own, and those of families they belong or belonged to (a former member is shown
    # the family's pathway too: intake learns who to call, never what is in it).
    memberships = (
        HouseholdMember.objects.filter(citizen__in=results)
        .order_by()
        .values_list("citizen_id", "household_id")
        .distinct()
    )
    households_of = {}
    for citizen_id, household_id in memberships:
        households_of.setdefault(household_id, []).append(citizen_id)
    pathways = list(
        Pathway.objects.filter(Q(citizen__in=results) | Q(household_id__in=list(households_of)))
        .select_related("programme", "coordinator", "lead_department")
        .order_by("-opened_on")
    )
    visible = set(
        Pathway.objects.filter(pk__in=[pathway.pk for pathway in pathways])
        .filter(pk__in=visible_ids)
        .values_list("pk", flat=True)
    )
    by_citizen = {citizen.pk: [] for citizen in results}
    for pathway in pathways:
        owners = [pathway.citizen_id] if pathway.citizen_id else households_of.get(pathway.household_id, [])
        for owner in owners:
            by_citizen[owner].append(pathway)
    reads = []
    for citizen in results:
        citizen.pathway_list = by_citizen[citizen.pk]
        for pathway in citizen.pathway_list:
            pathway.is_visible = pathway.pk in visible
        reads.extend([(citizen, pathway) for pathway in citizen.pathway_list] or [(citizen, None)])
    access_record_each(
        actor=actor, reads=reads, shown="citizen.search", purpose=AccessPurpose.INTAKE, via=AccessVia.INTAKE
    )
    return results


def citizen_for_intake(*, actor, public_id) -> Citizen:
    """A citizen found by intake search, to open a pathway for. Logged.

    `citizen.open_pathways` lists the open pathways about them (their own and their families'), of which the page
    shows only who coordinates them; each glimpse is logged on that pathway, as the search does.
    """
    from samspil.pathways.services import open_pathways_of

    citizen = Citizen.objects.visible_to(actor, policy.INTAKE).filter(public_id=public_id).first()
    if citizen is None:
        raise Http404
    citizen.open_pathways = open_pathways_of(citizen_ids=[citizen.pk])
    access_record_each(
        actor=actor,
        reads=[(citizen, pathway) for pathway in citizen.open_pathways] or [(citizen, None)],
        shown="citizen.intake",
        purpose=AccessPurpose.INTAKE,
        via=AccessVia.INTAKE,
    )
    return citizen


def open_pathways_glimpse(*, actor, pathways) -> list[Pathway]:
    """Open pathways an intake refusal names (a family member's, say): only their coordinators are shown. Logged,
    one row per (subject, pathway), so the coordinator sees who was told."""
    reads = []
    for pathway in pathways:
        subjects = (
            [pathway.citizen] if pathway.citizen_id else list(Citizen.objects.filter(pk__in=pathway.subject_ids()))
        )
        reads.extend((subject, pathway) for subject in subjects)
    access_record_each(
        actor=actor, reads=reads, shown="citizen.intake", purpose=AccessPurpose.INTAKE, via=AccessVia.INTAKE
    )
    return list(pathways)
