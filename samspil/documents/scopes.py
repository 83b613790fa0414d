"""The scopes of this app's models for staff (see samspil/access/policy.py): documents, messages and read markers are
visible exactly when their pathway is. The portal never reads through `visible_to`: its one rule is `portal.access`,
and what the citizen side sees of the documents is `selectors.documents_for_portal`."""

from samspil.access import policy
from samspil.access.scopes import pathway_child_scope
from samspil.documents.models import Document, Message, MessageReadMarker

policy.register(Document, Message, MessageReadMarker)(pathway_child_scope)
