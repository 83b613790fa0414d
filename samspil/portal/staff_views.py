"""The staff side of the portal: the coordinator sets who may use a pathway in the portal, on the overview.

`/forloeb/<id>/portaladgang/` (`pathways:portal_right`, POST only, MANAGE): one person's level, posted from their
line of the overview's "Portal access" section (`pathways/_portal_rights.html`). It answers like every overview form:
the refreshed overview for HTMX, else a redirect; bad input or a conflict the overview with the message (422).
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samspil.core.forms import DkfdsFormMixin
from samspil.pathways.views import PathwayActionView
from samspil.portal import rights
from samspil.portal.choices import PortalLevel


class PortalRightForm(DkfdsFormMixin, forms.Form):
    """One person's level. `person` is offered only among those `rights.portal_people` allows."""

    person = forms.ChoiceField(
        label=gettext_lazy("Person"),
        error_messages={"invalid_choice": gettext_lazy("Choose one of the people listed.")},
    )
    level = forms.ChoiceField(label=gettext_lazy("Access to the portal"), choices=PortalLevel.choices)
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, data=None, *, pathway, **kwargs):
        super().__init__(data, **kwargs)
        self.people = {str(person.citizen.public_id): person for person in rights.portal_people(pathway)}
        self.fields["person"].choices = [
            (public_id, person.citizen.full_name) for public_id, person in self.people.items() if person.may_have_access
        ]

    @property
    def chosen(self):
        return self.people.get(self.data.get(self.add_prefix("person"), ""))


class PortalRightView(PathwayActionView):
    """Set one person's portal access (the coordinator only, like every form of the overview)."""

    http_method_names = ["post"]
    form_key = "portal"
    form_class = PortalRightForm

    @property
    def success_message(self):
        return _("The access to the portal was saved.")

    def perform(self, form):
        person = self.form_people[form.cleaned_data["person"]]
        rights.portal_right_set(
            actor=self.request.user,
            pathway=self.pathway,
            citizen=person.citizen,
            level=form.cleaned_data["level"],
            expected_version=form.cleaned_data["version"],
        )

    def get_form(self, data=None):
        form = super().get_form(data)
        self.form_people = form.people
        return form
