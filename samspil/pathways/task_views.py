"""*Mine opgaver*, the task list of every staff user (see `pathways.tasks`)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import render
from django.views import View

from samspil.access import policy
from samspil.pathways import tasks


class TaskListView(LoginRequiredMixin, View):
    """What the user has to do across the pathways they work in; scoped by `Pathway.visible_to(user, CONTRIBUTE)`."""

    def get(self, request):
        if not policy.is_municipal_staff(request.user):
            raise Http404
        return render(request, "pathways/tasks.html", {"tasks": tasks.tasks_for_page(actor=request.user)})
