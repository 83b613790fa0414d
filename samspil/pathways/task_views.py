"""*Mine opgaver*, the task list of every staff user (see `pathways.tasks`)."""

from django.shortcuts import render
from django.views import View

from samspil.access.views import StaffRequiredMixin
from samspil.pathways import tasks


class TaskListView(StaffRequiredMixin, View):
    """What the user has to do across the pathways they work in; scoped by `Pathway.visible_to(user, CONTRIBUTE)`."""

    def get(self, request):
        return render(request, "pathways/tasks.html", {"tasks": tasks.tasks_for_page(actor=request.user)})
