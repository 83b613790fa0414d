"""Who is told by e-mail (through `portal.notify`: the kind of news only, never a name, a file name or a text).

- Something new from the citizen side (a message, a document) → the coordinator (`User.email`).
- Something new from the team for the citizen side (a message, a document shared with the citizen) → everyone on
  the citizen side who reaches the pathway in the portal today (`portal.access`: their right, the age rules,
  custody in force), at `Citizen.email`, except the writer.
"""

from samspil.pathways.models import Pathway
from samspil.portal.access import portal_readers
from samspil.portal.notify import notify


def tell_citizen_side(*, pathway: Pathway, news: str, except_person=None) -> None:
    for person in portal_readers(pathway):
        if except_person is None or person.pk != except_person.pk:
            notify(email=person.email, news=news, portal=True)


def tell_coordinator(*, pathway: Pathway, news: str) -> None:
    notify(email=pathway.coordinator.email, news=news)
