"""WHO-5 in the portal (`/borger/forloeb/<id>/trivsel/`): the citizen answers for themself in an open round of their
pathway's programme whose cohort holds the pathway. The page resolves the pathway through `PortalPathwayMixin`
(every read logged); answering needs the write right (a reader's POST is 404, as a stranger's). A custody holder
sees that only the young person can answer, and cannot answer for them.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from samspil.evaluation import forms, services
from samspil.evaluation import questionnaires as q
from samspil.evaluation.models import Who5Response
from samspil.portal.choices import Capacity
from samspil.portal.views_base import PortalPathwayMixin


class PortalWho5View(PortalPathwayMixin, View):
    access_shown = "portal.who5"
    portal_write_methods = ("POST",)

    def page_context(self, form=None):
        round = services.portal_who5_round(pathway=self.pathway, person=self.person)
        own = self.access.capacity == Capacity.SELF
        answered = bool(round) and Who5Response.objects.filter(round=round, citizen=self.person).exists()
        return {
            "pathway": self.pathway,
            "round": round,
            "own": own,
            "answered": answered,
            "may_write": self.access.may_write,
            "form": form or forms.Who5Form(),
            "intro": q.WHO5_INTRO,
        }

    def get(self, request, pathway_id):
        return render(request, "evaluation/portal_who5.html", self.page_context())

    def post(self, request, pathway_id):
        form = forms.Who5Form(request.POST)
        round = services.portal_who5_round(pathway=self.pathway, person=self.person)
        if form.is_valid():
            try:
                if round is None:
                    raise ValidationError(_("There is no questionnaire to answer right now."))
                services.portal_who5_answer(actor=request.user, pathway=self.pathway, round=round, items=form.items())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Thank you for your answer."))
                return HttpResponseRedirect(reverse("portal:pathway", args=[self.pathway.public_id]))
        return render(request, "evaluation/portal_who5.html", self.page_context(form), status=422)
