"""The portal's consent pages (`portal.consent` holds the reads and writes).

- `/borger/forloeb/<id>/samtykke/` (`portal:consent`): GET what has been consented to and the form to consent;
  POST gives consent (the right to read the pathway is enough).
- `/borger/forloeb/<id>/samtykke/<consent>/<department>/tilbagekald/` (`portal:consent_withdraw`): GET asks to
  confirm, POST withdraws the account's own consent for that one department, at once.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from samspil.core.forms import DanishDateField, DkfdsFormMixin
from samspil.organisations.models import Department
from samspil.portal import consent as consent_service
from samspil.portal.views_base import PortalPathwayMixin


class PortalConsentForm(DkfdsFormMixin, forms.Form):
    departments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Which departments may share information about you?"),
        queryset=Department.objects.none(),
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one department.")},
    )
    purpose = forms.CharField(
        label=gettext_lazy("What the information may be used for"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Filled in from your pathway. You can change the text."),
    )
    expires_on = DanishDateField(
        label=gettext_lazy("The consent ends on"),
        required=False,
        help_text=gettext_lazy("Leave it empty if the consent should last until you withdraw it."),
    )

    def __init__(self, data=None, *, page: consent_service.ConsentPage, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["departments"].queryset = Department.objects.filter(pk__in=[d.pk for d in page.offered]).order_by(
            "name"
        )
        self.fields["departments"].label_from_instance = lambda department: department.name
        self.fields["purpose"].initial = page.default_purpose

    def clean_expires_on(self):
        expires_on = self.cleaned_data.get("expires_on")
        if expires_on is not None and expires_on < timezone.localdate():
            raise ValidationError(_("The consent cannot end before today."))
        return expires_on


class ConsentView(PortalPathwayMixin, View):
    access_shown = "portal.consent"

    def render_page(self, form=None, status=200):
        page = consent_service.consent_page(pathway=self.pathway)
        if form is None and page.can_give:
            form = PortalConsentForm(page=page)
        context = {"pathway": self.pathway, "access": self.access, "page": page, "form": form, "portal_tab": "consent"}
        return render(self.request, "portal/consent.html", context, status=status)

    def get(self, request, pathway_id):
        return self.render_page()

    def post(self, request, pathway_id):
        page = consent_service.consent_page(pathway=self.pathway)
        form = PortalConsentForm(request.POST, page=page)
        if form.is_valid():
            try:
                consent_service.portal_consent_give(
                    user=request.user,
                    pathway=self.pathway,
                    departments=form.cleaned_data["departments"],
                    purpose=form.cleaned_data["purpose"],
                    expires_on=form.cleaned_data["expires_on"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Thank you. Your consent has been saved, and your coordinator is told."))
                return HttpResponseRedirect(reverse("portal:consent", args=[self.pathway.public_id]))
        return self.render_page(form, status=422)


class ConsentWithdrawView(PortalPathwayMixin, View):
    access_shown = "portal.consent"

    def dispatch(self, request, *args, **kwargs):
        self.error = ""
        return super().dispatch(request, *args, **kwargs)

    def scope(self):
        return consent_service.own_consent_scope(
            pathway=self.pathway,
            consent_public_id=self.kwargs["consent_id"],
            department_public_id=self.kwargs["department_id"],
        )

    def render_page(self, scope, status=200):
        context = {
            "pathway": self.pathway,
            "access": self.access,
            "scope": scope,
            "error": self.error,
            "portal_tab": "consent",
        }
        return render(self.request, "portal/consent_withdraw.html", context, status=status)

    def get(self, request, pathway_id, consent_id, department_id):
        return self.render_page(self.scope())

    def post(self, request, pathway_id, consent_id, department_id):
        scope = self.scope()
        try:
            consent_service.portal_consent_withdraw(user=request.user, pathway=self.pathway, scope=scope)
        except ValidationError as error:
            self.error = " ".join(error.messages)
            return self.render_page(scope, status=422)
        name = scope.department.name
        if consent_service.still_covered(self.pathway, scope.department):
            text = _(
                "Your consent for %(department)s has been withdrawn. %(department)s can still see your pathway on "
                "another basis (another consent or a legal basis). Ask your coordinator if you want to know more."
            )
        else:
            text = _(
                "Your consent for %(department)s has been withdrawn. From now on %(department)s cannot see your "
                "pathway. Your coordinator is told."
            )
        messages.success(request, text % {"department": name})
        return HttpResponseRedirect(reverse("portal:consent", args=[self.pathway.public_id]))
