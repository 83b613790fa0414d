"""Who is told by e-mail (through `portal.notify`: the kind of news only, never a name, a file name or a text).

- Something new from the citizen side (a message, a document) → the coordinator (`User.email`).
- Something new from the team for the citizen side (a message, a document shared with the citizen) → everyone on
  the citizen side who reaches the pathway in the portal today (`portal.access`: their right, the age rules,
  custody in force), at `Citizen.email`, except the writer.
"""

from django.utils import timezone

from samspil.pathways.models import Pathway
from samspil.portal.access import _access_for, _children_in_custody
from samspil.portal.choices import PortalLevel
from samspil.portal.models import PortalRight
from samspil.portal.notify import notify


def portal_readers(pathway: Pathway) -> list:
    """The citizens who reach `pathway` in the portal today (read or write), by the one portal rule."""
    today = timezone.localdate()
    rights = (
        PortalRight.objects.filter(municipality_id=pathway.municipality_id, pathway=pathway)
        .exclude(level=PortalLevel.NONE)
        .select_related("citizen")
    )
    readers = []
    for right in rights:
        person = right.citizen
        if _access_for(pathway, person, _children_in_custody(person, today), right.level, today) is not None:
            readers.append(person)
    return readers


def tell_citizen_side(*, pathway: Pathway, news: str, except_person=None) -> None:
    for person in portal_readers(pathway):
        if except_person is None or person.pk != except_person.pk:
            notify(email=person.email, news=news, portal=True)


def tell_coordinator(*, pathway: Pathway, news: str) -> None:
    notify(email=pathway.coordinator.email, news=news)
