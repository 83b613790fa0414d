"""Pages of measurement rounds.

Programme pages (`/programmer/<code>/maalinger/…`) use `RoleRequiredMixin`: figures only, read by the aggregate roles
(project leaders among them); opening and closing rounds and anonymous interviews for project leaders; the
coordination questionnaire for every staff member. Pathway pages (`/forloeb/<id>/maalinger/…`) use `PathwayMixin`:
the pathway's part in the rounds (case content), WHO-5 with the citizen, the team's assessment of the pathway and
interviews about it; the mixin resolves the pathway in scope and logs every read.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from samspil.access import policy
from samspil.access.views import RoleRequiredMixin, deny
from samspil.core.exceptions import ConflictError
from samspil.core.forms import add_service_errors
from samspil.documents.views import document_response, max_upload_text
from samspil.evaluation import forms, selectors, services
from samspil.evaluation import questionnaires as q
from samspil.evaluation.models import InterviewFile
from samspil.pathways.selectors import subject_citizens
from samspil.pathways.views import PathwayMixin, PathwayWriteView

# --- programme pages ---------------------------------------------------------------------------------------------


class ProgrammeMixin(RoleRequiredMixin):
    """A page about a programme's rounds: the programme by its code (404, logged, for an unknown code)."""

    role_check = staticmethod(policy.can_see_aggregates)
    needs_round = False

    def prepare(self, request, **kwargs):
        try:
            self.programme = selectors.programme_get(user=request.user, code=kwargs["code"])
            self.round = (
                selectors.round_get(user=request.user, programme=self.programme, number=kwargs["number"])
                if self.needs_round
                else None
            )
        except Http404:
            deny(request)
        self.runs_programmes = policy.can_run_programmes(request.user)


class RoundListView(ProgrammeMixin, View):
    """The programme's rounds; a project leader opens the baseline or the next follow-up here."""

    def render_page(self, form=None, status=200):
        rounds = selectors.rounds_for_programme(user=self.request.user, programme=self.programme)
        baseline_exists = any(r.is_baseline for r in rounds)
        has_open = any(r.is_open for r in rounds)
        if form is None and self.runs_programmes and not has_open:
            form = forms.RoundOpenForm(baseline_exists=baseline_exists)
        context = {
            "programme": self.programme,
            "rounds": rounds,
            "form": form if self.runs_programmes and (not has_open or status == 422) else None,
            "baseline_exists": baseline_exists,
            "has_open": has_open,
        }
        return render(self.request, "evaluation/rounds.html", context, status=status)

    def get(self, request, code):
        return self.render_page()

    def post(self, request, code):
        if not self.runs_programmes:
            raise PermissionDenied
        baseline_exists = any(
            r.is_baseline for r in selectors.rounds_for_programme(user=request.user, programme=self.programme)
        )
        form = forms.RoundOpenForm(request.POST, baseline_exists=baseline_exists)
        if form.is_valid():
            data = form.cleaned_data
            try:
                round = services.round_open(
                    actor=request.user,
                    programme=self.programme,
                    title=data["title"],
                    measured_on=data["measured_on"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    cohort_rule=data.get("cohort_rule") or "open_on",
                    cohort_from=data.get("cohort_from"),
                    cohort_to=data.get("cohort_to"),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The measurement round was opened."))
                return HttpResponseRedirect(reverse("evaluation:round", args=[self.programme.code, round.number]))
        return self.render_page(form, status=422)


class RoundView(ProgrammeMixin, View):
    """One round: response rates, and each measure beside the baseline's with a chart and a table."""

    needs_round = True

    def render_page(self, close_form=None, status=200):
        report = selectors.round_report(user=self.request.user, round=self.round)
        context = {
            "programme": self.programme,
            "round": self.round,
            "report": report,
            "runs_programmes": self.runs_programmes,
            "answered": selectors.answered_by_user(user=self.request.user, round=self.round),
            "close_form": close_form,
        }
        return render(self.request, "evaluation/round.html", context, status=status)

    def get(self, request, code, number):
        return self.render_page()


class RoundCloseView(ProgrammeMixin, View):
    role_check = staticmethod(policy.can_run_programmes)
    needs_round = True
    http_method_names = ["post"]

    def post(self, request, code, number):
        if not self.runs_programmes:
            raise PermissionDenied
        form = forms.RoundCloseForm(request.POST)
        if form.is_valid():
            try:
                services.round_close(
                    actor=request.user, round=self.round, expected_version=form.cleaned_data["version"]
                )
            except (ValidationError, ConflictError) as error:
                form.add_error(None, getattr(error, "message", None) or error.messages)
            else:
                messages.success(request, _("The measurement round was closed."))
                return HttpResponseRedirect(reverse("evaluation:round", args=[code, number]))
        else:
            form.add_error(None, _("The page was out of date. Try again."))
        return RoundView.render_page(self, close_form=form, status=422)


class QuestionnaireView(ProgrammeMixin, View):
    """A staff questionnaire of a round (coordination; the leader group's assessment): GET the form, POST once."""

    needs_round = True
    template = "evaluation/questionnaire.html"
    form_class = None
    heading = ""
    intro = ""

    def render_page(self, form=None, status=200):
        answered = selectors.answered_by_user(user=self.request.user, round=self.round)[self.answered_key]
        context = {
            "programme": self.programme,
            "round": self.round,
            "form": form or self.form_class(),
            "answered": answered,
            "heading": self.heading,
            "intro": self.intro,
            "action": self.request.path,
        }
        return render(self.request, self.template, context, status=status)

    def get(self, request, code, number):
        return self.render_page()

    def post(self, request, code, number):
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.perform(form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Thank you. Your answer is saved."))
                return HttpResponseRedirect(reverse("evaluation:rounds", args=[code]))
        return self.render_page(form, status=422)


class CoordinationView(QuestionnaireView):
    role_check = staticmethod(policy.is_municipal_staff)
    form_class = forms.CoordinationForm
    answered_key = "coordination"

    @property
    def heading(self):
        return _("The degree of coordination")

    @property
    def intro(self):
        return _(
            "How do you experience the coordination around the citizens you work with? "
            "Your answer is only used in averages over five or more answers."
        )

    def perform(self, form):
        services.coordination_record(
            actor=self.request.user, round=self.round, items=form.items(), comment=form.cleaned_data["comment"]
        )


class LeaderAssessmentView(QuestionnaireView):
    form_class = forms.LeaderAssessmentForm
    answered_key = "leader"

    @property
    def heading(self):
        return _("The leader group's assessment")

    @property
    def intro(self):
        return _("Your assessment of the steering and the budgets across departments and areas (measures 8 and 9).")

    def perform(self, form):
        data = form.cleaned_data
        services.leader_assessment_record(
            actor=self.request.user,
            round=self.round,
            steering=data["steering"],
            budgets=data["budgets"],
            steering_comment=data["steering_comment"],
            budgets_comment=data["budgets_comment"],
        )


class AnonymousInterviewsView(ProgrammeMixin, View):
    """The round's anonymous interviews (notes and files) for the project leaders, and the form to record one."""

    role_check = staticmethod(policy.can_run_programmes)
    needs_round = True

    def render_page(self, form=None, status=200):
        context = {
            "programme": self.programme,
            "round": self.round,
            "interviews": selectors.anonymous_interviews(user=self.request.user, round=self.round),
            "form": form or forms.InterviewForm(),
            "max_upload": max_upload_text(),
        }
        return render(self.request, "evaluation/interviews.html", context, status=status)

    def get(self, request, code, number):
        return self.render_page()

    def post(self, request, code, number):
        form = forms.InterviewForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.interview_record(
                    actor=request.user,
                    round=self.round,
                    pathway=None,
                    interviewed_on=data["interviewed_on"],
                    notes=data["notes"],
                    uploads=[data["file"]] if data.get("file") else [],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The interview was saved."))
                return HttpResponseRedirect(request.path)
        return self.render_page(form, status=422)


class AnonymousInterviewFileView(ProgrammeMixin, View):
    role_check = staticmethod(policy.can_run_programmes)
    needs_round = True

    def get(self, request, code, number, file_id):
        attached = (
            InterviewFile.objects.visible_to(request.user, policy.VIEW)
            .filter(interview__round=self.round, interview__pathway__isnull=True, public_id=file_id)
            .first()
        )
        if attached is None:
            deny(request)
        return document_response(attached)


# --- pathway pages -----------------------------------------------------------------------------------------------


class PathwayEvaluationView(PathwayMixin, View):
    """The pathway's part in the measurement rounds: its citizens' WHO-5 answers, the user's own assessment of the
    pathway, the interviews about it, and the forms while a round is open."""

    permission_action = policy.VIEW
    access_shown = "evaluation"

    def get(self, request, pathway_id):
        open_round = selectors.pathway_open_round(pathway=self.pathway)
        context = {
            "pathway": self.pathway,
            "rounds": selectors.pathway_rounds(user=request.user, pathway=self.pathway),
            "open_round": open_round,
            # A closed pathway stays in the cohort: its follow-up is measured too.
            "can_contribute": self.pathway.access.may_contribute,
        }
        return render(request, "evaluation/pathway.html", context)


class PathwayFormView(PathwayWriteView):
    """A form of the pathway's open round (GET shows it, POST records once). Without an open round whose cohort
    holds the pathway, the page says so and a POST is refused (422)."""

    permission_action = policy.CONTRIBUTE
    access_shown = "evaluation.form"
    template = ""

    def make_form(self, data=None, files=None):
        raise NotImplementedError

    def context(self, form):
        return {}

    def render_page(self, form=None, status=200):
        self.round = selectors.pathway_open_round(pathway=self.pathway)
        context = {
            "pathway": self.pathway,
            "round": self.round,
            "form": form or self.make_form(),
            # A closed pathway stays in the cohort: its follow-up is measured too.
            "can_contribute": self.pathway.access.may_contribute,
            **self.context(form),
        }
        return render(self.request, self.template, context, status=status)

    def get(self, request, pathway_id):
        return self.render_page()

    def bound_form(self):
        self.round = selectors.pathway_open_round(pathway=self.pathway)
        return self.make_form(self.request.POST, self.request.FILES)

    def perform(self, form):
        if self.round is None:
            raise ValidationError(_("There is no open measurement round for this pathway."))
        self.record(form)

    def post(self, request, *args, **kwargs):
        form = self.bound_form()
        if form.is_valid():
            try:
                self.perform(form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, self.success_message)
                return self.success()
        return self.failure(form)

    def success(self):
        return HttpResponseRedirect(reverse("pathway_evaluation:page", args=[self.pathway.public_id]))

    def failure(self, form):
        return self.render_page(form, status=422)


class Who5View(PathwayFormView):
    template = "evaluation/who5.html"

    @property
    def success_message(self):
        return _("The WHO-5 answer was saved.")

    def make_form(self, data=None, files=None):
        round = selectors.pathway_open_round(pathway=self.pathway)
        citizens = (
            selectors.who5_unanswered(round=round, pathway=self.pathway) if round else subject_citizens(self.pathway)
        )
        return forms.Who5Form(data, citizens=citizens)

    def context(self, form):
        return {"intro": q.WHO5_INTRO}

    def record(self, form):
        services.who5_record(
            actor=self.request.user,
            round=self.round,
            pathway=self.pathway,
            citizen=form.chosen_citizen(),
            items=form.items(),
        )


class PathwayQualityView(PathwayFormView):
    template = "evaluation/pathway_quality.html"

    @property
    def success_message(self):
        return _("Your assessment of the pathway was saved.")

    def make_form(self, data=None, files=None):
        return forms.PathwayQualityForm(data)

    def record(self, form):
        services.pathway_quality_record(
            actor=self.request.user,
            round=self.round,
            pathway=self.pathway,
            items=form.items(),
            comment=form.cleaned_data["comment"],
        )


class InterviewView(PathwayFormView):
    template = "evaluation/interview_form.html"

    @property
    def success_message(self):
        return _("The interview was saved.")

    def make_form(self, data=None, files=None):
        return forms.InterviewForm(data, files)

    def context(self, form):
        return {"max_upload": max_upload_text()}

    def record(self, form):
        data = form.cleaned_data
        services.interview_record(
            actor=self.request.user,
            round=self.round,
            pathway=self.pathway,
            interviewed_on=data["interviewed_on"],
            notes=data["notes"],
            uploads=[data["file"]] if data.get("file") else [],
        )


class InterviewFileView(PathwayMixin, View):
    permission_action = policy.VIEW
    access_shown = "evaluation.interview_file"

    def get(self, request, pathway_id, file_id):
        attached = get_object_or_404(InterviewFile.objects.filter(interview__pathway=self.pathway), public_id=file_id)
        return document_response(attached)
