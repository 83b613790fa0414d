"""The one role check for pages outside a pathway (reports, segmentation, leadership, intake, lists of one's own).

Pages about one pathway use `pathways.views.PathwayMixin` (the pathway scope); every other page that is not
public inherits `RoleRequiredMixin` and names the policy's role check. Anyone without the role gets 404, exactly
as if the page did not exist, and the refusal is logged once: a warning line and an `access.denied` event in the
user's municipality, which security review reads.
"""

from collections.abc import Callable

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404

from samspil.access import policy
from samspil.audit.services import access_denied_record


def deny(request) -> None:
    """Refuse the request as if the page did not exist, and log the refusal (path without its query string)."""
    access_denied_record(
        actor=request.user, path=request.path, municipality_id=getattr(request.user, "municipality_id", None)
    )
    raise Http404


class RoleRequiredMixin(LoginRequiredMixin):
    """Log-in required; then `role_check(user)` (a predicate from `access.policy`) must hold, else 404 and logged.

    Set it as `role_check = staticmethod(policy.can_see_costs)`; a view without one fails at its first request.
    `prepare(request, **kwargs)` runs after the check and before the handler: load what the page is about there
    (and call `deny(request)` when it is not the user's to see).
    """

    role_check: Callable | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.role_check is None:
            raise ValueError(f"{type(self).__name__} must set role_check")
        if not self.role_check(request.user):
            deny(request)
        self.prepare(request, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def prepare(self, request, **kwargs) -> None:
        """Load what the page is about, after the role check."""


class StaffRequiredMixin(RoleRequiredMixin):
    """Any staff account of a municipality: lists of one's own work, the service catalogue."""

    role_check = staticmethod(policy.is_municipal_staff)
