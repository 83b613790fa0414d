"""The family of a family pathway on its overview: the coordinator adds a member and ends a membership.

Both are overview actions (`PathwayActionView`: MANAGE, logged, the refreshed overview or a redirect, the form
with its errors and 422 when refused). The services are `citizens.services.household_member_register` and
`household_member_end`.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from samspil.citizens import services as citizen_services
from samspil.citizens.models import HouseholdMember
from samspil.pathways.household_forms import HouseholdMemberAddForm, HouseholdMemberEndForm
from samspil.pathways.views import PathwayActionView


class FamilyPathwayMixin:
    """Only a family pathway has a household: on a one-citizen pathway these URLs answer 404."""

    def get_form(self, data=None):
        if not self.pathway.household_id:
            raise Http404
        return super().get_form(data)


@method_decorator(sensitive_post_parameters("household-cpr_number"), name="dispatch")
class HouseholdMemberAddView(FamilyPathwayMixin, PathwayActionView):
    form_key = "household"
    form_class = HouseholdMemberAddForm

    @property
    def submit_label(self):
        return _("Add to the family")

    @property
    def success_message(self):
        return _("The family member was added.")

    def perform(self, form):
        data = form.cleaned_data
        citizen_services.household_member_register(
            actor=self.request.user,
            pathway=self.pathway,
            cpr_number=data["cpr_number"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            relation=data["relation"],
            member_from=data["member_from"],
        )


class HouseholdMemberEndView(FamilyPathwayMixin, PathwayActionView):
    form_class = HouseholdMemberEndForm

    @property
    def form_key(self):
        return f"household-end-{self.kwargs['household_member_id']}"

    @property
    def submit_label(self):
        return _("End membership")

    @property
    def success_message(self):
        return _("The membership of the family was ended. The person is kept in the family's history.")

    def member(self) -> HouseholdMember:
        return get_object_or_404(
            HouseholdMember.objects.filter(
                municipality_id=self.pathway.municipality_id, household_id=self.pathway.household_id
            ).select_related("citizen"),
            public_id=self.kwargs["household_member_id"],
        )

    def get_form(self, data=None):
        if not self.pathway.household_id:
            raise Http404
        member = self.member()
        return self.form_class(data, pathway=self.pathway, prefix=self.form_key, initial={"version": member.version})

    def perform(self, form):
        data = form.cleaned_data
        citizen_services.household_member_end(
            actor=self.request.user,
            pathway=self.pathway,
            member=self.member(),
            reason=data["reason"],
            member_to=data["member_to"],
            expected_version=data["version"],
        )
