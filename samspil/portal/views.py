"""The portal's core pages: the citizen's (or custody holder's) pathways, one pathway, its plan in the citizen's
edition, the plan's versions, and a meeting in the calendar.

Views parse input, call one selector or service and render; `PortalPathwayMixin` / `PortalListMixin` resolve the
pathway through `portal.access` (404, logged, for anything else) and write the access-log rows of what a response
showed. The write forms are plain POST forms: on success a redirect with a message, on invalid input or a refusal the
page again with the form and its errors (422, nothing saved), on a conflict the form with the user's text kept and
what is saved now shown beside it.
"""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from samspil.core.exceptions import ConflictError
from samspil.core.forms import form_on_saved_version
from samspil.core.views import FormPostMixin
from samspil.meetings import ics
from samspil.plans.models import Agreement, Goal, PlanRevision
from samspil.portal import forms, selectors, services
from samspil.portal.access import portal_pathways
from samspil.portal.views_base import PortalListMixin, PortalPathwayMixin


class HomeView(PortalListMixin, View):
    """`/borger/`: every pathway the account reaches, in which capacity, with its programme and coordinator."""

    access_shown = "portal.home"

    def get(self, request):
        pathways = portal_pathways(request.user)
        self.listed = pathways
        lost = selectors.parents_lost_access(person=self.person, pathways=pathways)
        for pathway in pathways:
            pathway.parents_lost_access = pathway.pk in lost
        return render(request, "portal/home.html", {"pathways": pathways, "person": self.person})


class PathwayView(PortalPathwayMixin, View):
    """One pathway: the coordinator and how to reach them, the team, the meetings ahead, what the programme is."""

    access_shown = "portal.pathway"

    def get(self, request, pathway_id):
        page = selectors.pathway_page(user=request.user, pathway=self.pathway)
        return render(request, "portal/pathway.html", {"page": page, "pathway": self.pathway})


class MeetingCalendarView(PortalPathwayMixin, View):
    """A meeting with the citizen or family as an iCalendar file; any other meeting (an analysis meeting) is 404."""

    access_shown = "portal.meeting"

    def get(self, request, pathway_id, meeting_id):
        meeting = selectors.meeting_for_citizen(pathway=self.pathway, public_id=meeting_id)
        url = request.build_absolute_uri(reverse("portal:pathway", args=[self.pathway.public_id]))
        response = HttpResponse(ics.invitation(meeting, url=url), content_type="text/calendar; charset=utf-8")
        day = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="samspil-moede-{day}.ics"'
        return response


# --- the plan ----------------------------------------------------------------------------------------------


def comment_key(goal_public_id) -> str:
    return f"comment-{goal_public_id}"


def done_key(agreement_public_id) -> str:
    return f"done-{agreement_public_id}"


class PlanView(PortalPathwayMixin, View):
    """The plan in the citizen's edition; with the right to write, the forms for the wishes, a comment on each
    goal, and "done" on the account's own agreements (each posted to its own URL, see the views below)."""

    access_shown = "portal.plan"

    def get(self, request, pathway_id):
        return self.render_plan()

    def render_plan(self, bound_forms=None, *, wishes_conflict: str = "", status: int = 200):
        """The plan page; `bound_forms` (by key) replace the empty forms. `wishes_conflict`: the message of a
        conflict on the wishes, whose form then keeps the user's text on the version saved now."""
        page = selectors.plan_for_citizen(user=self.request.user, pathway=self.pathway)
        plan_forms = {}
        if page.may_write:
            plan_forms["wishes"] = forms.WishesForm(
                prefix="wishes", initial={"wishes": page.plan.citizen_wishes, "version": page.plan.version}
            )
            for goal in page.snapshot.get("goals", []):
                key = comment_key(goal["id"])
                plan_forms[key] = forms.GoalCommentForm(prefix=key)
        plan_forms.update(bound_forms or {})
        if wishes_conflict:
            plan_forms["wishes"] = form_on_saved_version(
                plan_forms["wishes"], saved_version=page.plan.version, message=wishes_conflict
            )
        context = {
            "page": page,
            "pathway": self.pathway,
            "forms": plan_forms,
            "open_form": next(iter(bound_forms or {}), ""),
            "conflict": "wishes" if wishes_conflict else "",
        }
        return render(self.request, "portal/plan.html", context, status=status)


class PlanWriteView(FormPostMixin, PlanView):
    """A form posted from the plan page: parse it, call one portal service, answer (`core.views.FormPostMixin`):
    a redirect back to the plan, or the plan with the form and its errors (422).

    Writing needs the write right: a read-only account gets 404 for the POST, as a stranger would."""

    portal_write_methods = ("POST",)
    http_method_names = ["post"]
    form_key = ""

    def success_url(self) -> str:
        return reverse("portal:plan", args=[self.pathway.public_id])

    def success(self):
        return HttpResponseRedirect(self.success_url())

    def failure(self, form):
        return self.render_plan({self.form_key: form}, status=422)


class WishesView(PlanWriteView):
    form_key = "wishes"

    @property
    def success_message(self):
        return _("Your wishes are saved. Your coordinator and the team can read them now.")

    def bound_form(self):
        return forms.WishesForm(self.request.POST, prefix=self.form_key)

    def perform(self, form):
        services.portal_wishes_update(
            actor=self.request.user,
            pathway=self.pathway,
            wishes=form.cleaned_data["wishes"],
            expected_version=form.cleaned_data["version"],
        )

    def success_url(self):
        return super().success_url() + "#oensker"

    def conflict(self, form, error: ConflictError):
        return self.render_plan({self.form_key: form}, wishes_conflict=error.message, status=422)


class GoalCommentView(PlanWriteView):
    @property
    def form_key(self):
        return comment_key(self.kwargs["goal_id"])

    @property
    def success_message(self):
        return _("Your comment is saved. Your coordinator and the team can read it now.")

    def goal(self) -> Goal:
        return get_object_or_404(Goal.objects.filter(pathway=self.pathway), public_id=self.kwargs["goal_id"])

    def bound_form(self):
        self._goal = self.goal()  # an unknown goal is 404 before anything else
        return forms.GoalCommentForm(self.request.POST, prefix=self.form_key)

    def perform(self, form):
        services.portal_goal_comment_add(
            actor=self.request.user, pathway=self.pathway, goal=self._goal, text=form.cleaned_data["text"]
        )

    def success_url(self):
        return super().success_url() + f"#maal-{self.kwargs['goal_id']}"


class AgreementDoneView(PlanWriteView):
    @property
    def form_key(self):
        return done_key(self.kwargs["agreement_id"])

    @property
    def success_message(self):
        return _("The agreement is marked as done. Well done!")

    def bound_form(self):
        self._agreement = get_object_or_404(
            Agreement.objects.filter(pathway=self.pathway), public_id=self.kwargs["agreement_id"]
        )
        return forms.AgreementDoneForm(self.request.POST, prefix=self.form_key)

    def perform(self, form):
        services.portal_agreement_done(
            actor=self.request.user,
            pathway=self.pathway,
            agreement=self._agreement,
            expected_version=form.cleaned_data["version"],
        )

    def failure(self, form):
        # Nothing of the user's to keep in a "done" button: the message on top, and the page as things stand now.
        for error in form.non_field_errors() or [_("The agreement could not be marked as done. Try again.")]:
            messages.error(self.request, error)
        return self.render_plan(status=422)


# --- the versions ------------------------------------------------------------------------------------------


class RevisionListView(PortalPathwayMixin, View):
    """Every saved version of the plan: when, by whom, and whether (and by whom) it has been answered."""

    access_shown = "portal.revisions"

    def get(self, request, pathway_id):
        revisions = selectors.plan_revisions(pathway=self.pathway)
        return render(
            request,
            "portal/revisions.html",
            {"pathway": self.pathway, "revisions": revisions, "access": self.pathway.portal_access},
        )


class RevisionView(PortalPathwayMixin, FormPostMixin, View):
    """One version in the citizen's edition; with the right to write, the answer *enig / ikke enig* with a comment
    (POST), once per version, recorded as the person's own."""

    access_shown = "portal.revisions"
    portal_write_methods = ("POST",)

    def get(self, request, pathway_id, number):
        return self.render_revision(forms.PlanResponseForm(prefix="response"))

    def render_revision(self, form, status=200):
        version = selectors.plan_revision(pathway=self.pathway, number=self.kwargs["number"])
        context = {
            "pathway": self.pathway,
            "version": version,
            "access": self.pathway.portal_access,
            "form": form if self.pathway.portal_access.may_write else None,
        }
        return render(self.request, "portal/revision.html", context, status=status)

    @property
    def success_message(self):
        return _("Thank you for your answer. Your coordinator can see it now.")

    def bound_form(self):
        self._revision = get_object_or_404(
            PlanRevision.objects.filter(pathway=self.pathway), number=self.kwargs["number"]
        )
        return forms.PlanResponseForm(self.request.POST, prefix="response")

    def perform(self, form):
        services.portal_revision_respond(
            actor=self.request.user,
            pathway=self.pathway,
            revision=self._revision,
            agreed=form.cleaned_data["agreed"],
            comment=form.cleaned_data["comment"],
        )

    def success(self):
        return HttpResponseRedirect(reverse("portal:revision", args=[self.pathway.public_id, self.kwargs["number"]]))

    def failure(self, form):
        return self.render_revision(form, status=422)
