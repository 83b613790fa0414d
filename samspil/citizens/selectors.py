"""Reads of citizen data. Every function that returns citizen data writes the access log."""

from django.db.models import Prefetch, Q
from django.http import Http404

from samspil.access import policy
from samspil.audit.choices import AccessPurpose, AccessVia
from samspil.audit.services import access_record
from samspil.citizens import cpr
from samspil.citizens.models import Citizen
from samspil.pathways.models import Pathway

SEARCH_LIMIT = 25


def citizen_search(*, actor, query: str) -> list[Citizen]:
    """Intake search by CPR number (exact, through the blind index) or by name (every word must match).

    Each result carries `pathway_list`: the citizen's pathways, each marked `is_visible` for the actor.
    """
    query = (query or "").strip()
    citizens = Citizen.objects.visible_to(actor, policy.INTAKE)
    if cpr.looks_like_cpr(query):
        citizens = citizens.filter(cpr_index=cpr.blind_index(cpr.normalise(query)))
    else:
        words = query.split()
        if not words or len(query) < 2:
            return []
        for word in words[:5]:
            citizens = citizens.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    visible_ids = Pathway.objects.visible_to(actor, policy.VIEW).values("pk")
    results = list(
        citizens.prefetch_related(Prefetch(
            "pathways",
            queryset=Pathway.objects.select_related("programme", "coordinator").order_by("-opened_on"),
            to_attr="pathway_list",
        ))[:SEARCH_LIMIT]
    )
    visible = set(Pathway.objects.filter(pk__in=visible_ids, citizen__in=results).values_list("pk", flat=True))
    for citizen in results:
        for pathway in citizen.pathway_list:
            pathway.is_visible = pathway.pk in visible
    access_record(actor=actor, citizens=results, shown="citizen.search", purpose=AccessPurpose.INTAKE,
                  via=AccessVia.INTAKE)
    return results


def citizen_for_intake(*, actor, public_id) -> Citizen:
    """A citizen found by intake search, to open a pathway for. Logged."""
    citizen = Citizen.objects.visible_to(actor, policy.INTAKE).filter(public_id=public_id).first()
    if citizen is None:
        raise Http404
    access_record(actor=actor, citizens=[citizen], shown="citizen.intake", purpose=AccessPurpose.INTAKE,
                  via=AccessVia.INTAKE)
    return citizen
