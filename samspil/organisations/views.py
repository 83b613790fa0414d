from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import render
from django.views import View

from samspil.access import policy
from samspil.organisations import selectors
from samspil.pathways.choices import PathwayStatus


class LeadershipView(LoginRequiredMixin, View):
    """Aggregates for department heads, team leaders, project leaders and controllers."""

    def get(self, request):
        if not policy.can_see_aggregates(request.user):
            raise Http404
        figures = selectors.department_figures(actor=request.user)
        return render(
            request, "organisations/leadership.html", {"figures": figures, "status_labels": dict(PathwayStatus.choices)}
        )
