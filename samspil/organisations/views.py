from django.shortcuts import render
from django.views import View

from samspil.access import policy
from samspil.access.views import RoleRequiredMixin
from samspil.organisations import selectors
from samspil.pathways.choices import PathwayStatus


class LeadershipView(RoleRequiredMixin, View):
    """Aggregates for department heads, team leaders, project leaders and controllers (others 404, logged)."""

    role_check = staticmethod(policy.can_see_aggregates)

    def get(self, request):
        figures = selectors.department_figures(actor=request.user)
        return render(
            request, "organisations/leadership.html", {"figures": figures, "status_labels": dict(PathwayStatus.choices)}
        )
