"""The scope of this app's tenant model for staff (see samspil/access/policy.py): none. External identities are
configuration that administrators keep in the admin; no page reads them through `visible_to`."""

from samspil.access import policy
from samspil.identity.models import ExternalIdentity


@policy.register(ExternalIdentity)
def external_identity_scope(queryset, user, action):
    return queryset.none()
