from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from samspil.access import policy
from samspil.audit.services import access_denied_record


class IsMunicipalStaff(BasePermission):
    """The API is for the municipality's staff. The anonymous get a JSON 403 (log in first); a citizen or partner
    account gets a JSON 404, exactly like a URL that does not exist, and the refusal is logged — as on the pages."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if policy.is_municipal_staff(user) or hasattr(view, "resolve_pathway"):
            return True  # a pathway's view refuses through the pathway scope itself (logged with the pathway)
        access_denied_record(actor=user, path=request.path, municipality_id=user.municipality_id)
        raise NotFound
