"""Where the citizen stands: the status history of a pathway and the form that records a new entry (also "at this
meeting" from a start or status meeting), and the pathway's target group on the overview.

Scoping and the access log are `PathwayMixin`'s: reading needs VIEW, recording CONTRIBUTE, the target group MANAGE.
"""

from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from samspil.access import policy
from samspil.pathways.selectors import subject_citizens
from samspil.pathways.views import PathwayActionView, PathwayMixin, PathwayWriteView
from samspil.results import forms, selectors, services


def _may_record(pathway) -> bool:
    return pathway.access.may_contribute


def _history_context(request, pathway, form=None, meeting=None):
    subjects = subject_citizens(pathway)
    context = {
        "pathway": pathway,
        "histories": selectors.status_history(pathway, subjects),
        "can_record": _may_record(pathway),
        "meeting": meeting,
        "form": form,
    }
    if form is None and context["can_record"]:
        context["form"] = forms.StatusEntryForm(pathway=pathway, subjects=subjects, meeting=meeting)
    return context


class StatusHistoryView(PathwayMixin, View):
    """The dated history per citizen of the pathway (per member on a family pathway), with the form to record."""

    permission_action = policy.VIEW
    access_shown = "results.status"

    def get(self, request, pathway_id):
        return render(request, "results/history.html", _history_context(request, self.pathway))


class StatusRecordView(PathwayWriteView):
    """Record a new entry. GET: the history with the empty form; POST: save, or the form with its errors (422)."""

    permission_action = policy.CONTRIBUTE
    access_shown = "results.status"
    success_message = ""

    def get_meeting(self):
        return None

    def get(self, request, pathway_id, **kwargs):
        context = _history_context(request, self.pathway, meeting=self.get_meeting())
        return render(request, "results/history.html", context)

    def bound_form(self):
        self.meeting = self.get_meeting()
        return forms.StatusEntryForm(
            self.request.POST, pathway=self.pathway, subjects=subject_citizens(self.pathway), meeting=self.meeting
        )

    def post(self, request, *args, **kwargs):
        self.success_message = _("The status was recorded.")
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        try:
            services.status_entry_record(actor=self.request.user, pathway=self.pathway, **form.service_values())
        except ValidationError as error:
            raise forms.for_form(form, error) from None

    def success(self):
        return HttpResponseRedirect(reverse("results:history", args=[self.pathway.public_id]))

    def failure(self, form):
        context = _history_context(self.request, self.pathway, form=form, meeting=self.meeting)
        return render(self.request, "results/history.html", context, status=422)


class MeetingStatusRecordView(StatusRecordView):
    """Record the status "at this meeting" (a start or status meeting of the pathway): the entry links the meeting."""

    def get_meeting(self):
        from samspil.meetings.selectors import meeting_get

        return meeting_get(actor=self.request.user, pathway=self.pathway, public_id=self.kwargs["meeting_id"])


class TargetGroupView(PathwayActionView):
    """The pathway's target group, set by the coordinator on the overview (version-checked, change-logged)."""

    form_key = "target_group"
    form_class = forms.TargetGroupForm

    @property
    def submit_label(self):
        return _("Save target group")

    @property
    def success_message(self):
        return _("The target group was saved.")

    def perform(self, form):
        services.pathway_target_group_set(
            actor=self.request.user,
            pathway=self.pathway,
            target_group=form.cleaned_data["target_group"],
            expected_version=form.cleaned_data["version"],
        )
