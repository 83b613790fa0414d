from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.access.choices import ConsentForm
from samspil.citizens import cpr
from samspil.citizens.choices import GuardianRelation
from samspil.citizens.forms import CprInput
from samspil.citizens.models import Citizen, Guardianship, adult_birth_date_limit
from samspil.core.forms import DanishDateField, DkfdsFormMixin
from samspil.organisations.choices import StaffRole
from samspil.organisations.models import Department, ExternalContact, Membership
from samspil.pathways.choices import REASON_REQUIRED, TRANSITIONS, PathwayStatus, TeamRole


class PathwayForm(DkfdsFormMixin, forms.Form):
    """A form on a pathway's page; its choices come from the pathway's municipality."""

    def __init__(self, *args, pathway, **kwargs):
        self.pathway = pathway
        super().__init__(*args, **kwargs)


class StatusChangeForm(PathwayForm):
    to_status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the pathway is paused or closed."),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        help_text=_("Required when the pathway is closed: how it ended."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    # When closing: where the citizen stands (the closing status entry), optional but asked for. Named `closing_` +
    # the field of `results.forms.status_fields`; only on a one-citizen pathway (a family records per member on the
    # status page).
    CLOSING_PREFIX = "closing_"

    def __init__(self, *args, **kwargs):
        from samspil.results.choices import PathwayOutcome
        from samspil.results.forms import status_fields

        super().__init__(*args, **kwargs)
        pathway = self.pathway
        self.fields["to_status"].choices = [("", _("Choose the new status"))] + [
            (s.value, s.label) for s in TRANSITIONS[PathwayStatus(pathway.status)]
        ]
        self.fields["outcome"].choices = [("", _("Choose the outcome")), *PathwayOutcome.choices]
        self.fields["version"].initial = pathway.version
        if pathway.citizen_id and PathwayStatus.CLOSED in TRANSITIONS[PathwayStatus(pathway.status)]:
            for name, field in status_fields().items():
                field.required = False
                field.label = _("At closing: %(field)s") % {"field": str(field.label).lower()}
                self.fields[self.CLOSING_PREFIX + name] = field
            self.fields[self.CLOSING_PREFIX + "education_employment"].help_text = _(
                "Where the citizen stands when the pathway is closed (recommended). Recorded in the status history."
            )
            for field in self.fields.values():  # the added fields get the design system's classes too
                if isinstance(field.widget, forms.Select):
                    field.widget.attrs.setdefault("class", "form-select")
                elif not isinstance(field.widget, forms.HiddenInput):
                    field.widget.attrs.setdefault("class", "form-input")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("to_status") in REASON_REQUIRED and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give a reason when a pathway is paused or closed."))
        closing = cleaned.get("to_status") == PathwayStatus.CLOSED
        if closing and not cleaned.get("outcome"):
            self.add_error("outcome", _("Choose the outcome of the pathway when it is closed."))
        if not closing:
            cleaned["outcome"] = ""
        return cleaned

    def closing_status(self) -> dict | None:
        """The closing status entry's values (for `results.services.pathway_close`), or None when none was given."""
        from samspil.results.forms import STATUS_FIELD_NAMES

        values = {name: self.cleaned_data.get(self.CLOSING_PREFIX + name, "") for name in STATUS_FIELD_NAMES}
        return values if any(values.values()) else None


class StaffMemberForm(PathwayForm):
    membership = forms.ModelChoiceField(
        label=_("Staff member"),
        queryset=Membership.objects.none(),
        to_field_name="public_id",
        empty_label=_("Choose the staff member"),
    )
    role = forms.ChoiceField(
        label=_("Role on the team"), choices=[(r.value, r.label) for r in TeamRole if r != TeamRole.NETWORK]
    )
    active_from = DanishDateField(label=_("From"), initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pathway = self.pathway
        self.fields["membership"].queryset = (
            Membership.objects.current()
            .filter(
                municipality_id=pathway.municipality_id,
                user__is_active=True,
            )
            .select_related("user", "department")
            .order_by("user__first_name", "user__last_name", "department__name")
        )
        self.fields["membership"].label_from_instance = lambda m: (
            f"{m.user.get_full_name()} – {m.department.name} ({m.get_role_display().lower()})"
        )


class ExternalMemberForm(PathwayForm):
    external_contact = forms.ModelChoiceField(
        label=_("External contact"),
        queryset=ExternalContact.objects.none(),
        to_field_name="public_id",
        empty_label=_("Choose the contact person"),
    )
    role = forms.ChoiceField(
        label=_("Role on the team"), choices=[(r.value, r.label) for r in TeamRole if r != TeamRole.NETWORK]
    )
    active_from = DanishDateField(label=_("From"), initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pathway = self.pathway
        self.fields["external_contact"].queryset = (
            ExternalContact.objects.filter(municipality_id=pathway.municipality_id)
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )


class NetworkMemberForm(PathwayForm):
    name = forms.CharField(label=_("Name"), max_length=160)
    relation = forms.CharField(
        label=_("Relation to the citizen"), max_length=80, help_text=_("For example: aunt, neighbour, football coach.")
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    active_from = DanishDateField(label=_("From"), initial=timezone.localdate)


class EndMemberForm(PathwayForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)
    active_to = DanishDateField(label=_("Last day on the team"), initial=timezone.localdate)


class ConsentRecordForm(PathwayForm):
    giver = forms.ModelChoiceField(
        label=_("The person consenting"),
        queryset=Citizen.objects.none(),
        to_field_name="public_id",
        help_text=_("The citizen, or a custody holder of a minor in the pathway."),
    )
    form = forms.ChoiceField(label=_("Form"), choices=ConsentForm.choices)
    purpose = forms.CharField(label=_("Purpose"), max_length=300, initial=_("Coordinated pathway across departments"))
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments that may share data"),
        queryset=Department.objects.none(),
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
    )
    given_on = DanishDateField(label=_("Given on"), initial=timezone.localdate)
    expires_on = DanishDateField(label=_("Expires on"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pathway = self.pathway
        self.fields["departments"].queryset = Department.objects.filter(
            municipality_id=pathway.municipality_id
        ).order_by("name")
        subjects = pathway.subject_ids()
        guardians = Guardianship.objects.filter(child_id__in=subjects, has_custody=True, valid_to__isnull=True)
        self.fields["giver"].queryset = Citizen.objects.filter(
            Q(pk__in=subjects) | Q(pk__in=guardians.values("guardian_id")), municipality_id=pathway.municipality_id
        )
        self.fields["giver"].label_from_instance = lambda citizen: citizen.full_name
        self.fields["giver"].empty_label = _("Choose the person")

    def clean(self):
        cleaned = super().clean()
        given_on, expires_on = cleaned.get("given_on"), cleaned.get("expires_on")
        if given_on and given_on > timezone.localdate():
            self.add_error("given_on", _("Consent cannot be recorded as given in the future."))
        if given_on and expires_on and expires_on < given_on:
            self.add_error("expires_on", _("The consent expires before it was given."))
        return cleaned


class ConsentWithdrawForm(PathwayForm):
    reason = forms.CharField(label=_("Reason for withdrawal"), max_length=300, required=False)


class LegalBasisForm(PathwayForm):
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        to_field_name="public_id",
        empty_label=_("Choose the department"),
    )
    reference = forms.CharField(
        label=_("Legal reference"),
        max_length=120,
        help_text=_("For example: Barnets Lov § 92, SEL § 49 b, LAB § 40 stk. 3."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pathway = self.pathway
        self.fields["department"].queryset = Department.objects.filter(
            municipality_id=pathway.municipality_id
        ).order_by("name")


class GrantForm(PathwayForm):
    membership = forms.ModelChoiceField(
        label=_("Staff member"), queryset=Membership.objects.none(), to_field_name="public_id"
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)
    valid_until = DanishDateField(label=_("Access until (inclusive)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pathway = self.pathway
        self.fields["membership"].queryset = (
            Membership.objects.current()
            .filter(
                municipality_id=pathway.municipality_id,
                user__is_active=True,
            )
            .select_related("user", "department")
            .order_by("user__first_name", "user__last_name")
        )
        self.fields["membership"].label_from_instance = lambda m: f"{m.user.get_full_name()} – {m.department.name}"
        self.fields["membership"].empty_label = _("Choose the staff member")

    def clean_valid_until(self):
        valid_until = self.cleaned_data["valid_until"]
        today = timezone.localdate()
        if valid_until < today:
            self.add_error("valid_until", _("The access must end in the future."))
        elif (valid_until - today).days > settings.SAMSPIL_GRANT_MAX_DAYS:
            raise forms.ValidationError(
                _("Access can be given for at most %(days)s days at a time."),
                params={"days": settings.SAMSPIL_GRANT_MAX_DAYS},
            )
        return valid_until


class BreakGlassForm(PathwayForm):
    reason = forms.CharField(
        label=_("Why do you need to open this pathway?"),
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class GuardianForm(PathwayForm):
    """A custody holder of a minor in the pathway, found (or registered) by CPR number."""

    child = forms.ModelChoiceField(
        label=_("Child"), queryset=Citizen.objects.none(), to_field_name="public_id", empty_label=None
    )
    cpr_number = forms.CharField(
        label=_("The custody holder's CPR number"),
        max_length=11,
        help_text=_("Ten digits: DDMMYY-SSSS."),
        widget=CprInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),  # never echoed back
    )
    first_name = forms.CharField(
        label=_("First name(s)"),
        max_length=120,
        required=False,
        help_text=_("Only needed when the person is not registered yet."),
    )
    last_name = forms.CharField(label=_("Last name"), max_length=120, required=False)
    relation = forms.ChoiceField(label=_("Relation"), choices=GuardianRelation.choices)
    has_custody = forms.BooleanField(label=_("Has custody"), required=False, initial=True)
    lives_in_home = forms.BooleanField(
        label=_("Lives in the home (member of the family)"),
        required=False,
        initial=True,
        help_text=_("Untick if the person holds custody but does not live with the family."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pathway = self.pathway
        if pathway.citizen_id:  # only a family pathway has a household
            del self.fields["lives_in_home"]
        subjects = pathway.subject_ids()
        adult_born_by = adult_birth_date_limit()
        self.fields["child"].queryset = Citizen.objects.filter(pk__in=subjects, birth_date__gt=adult_born_by)
        self.fields["child"].label_from_instance = lambda citizen: citizen.full_name

    def clean_cpr_number(self):
        try:
            return cpr.normalise(self.cleaned_data["cpr_number"])
        except forms.ValidationError as error:
            raise forms.ValidationError(error.messages) from None


class CoordinatorForm(PathwayForm):
    membership = forms.ModelChoiceField(
        label=_("New coordinator"),
        queryset=Membership.objects.none(),
        to_field_name="public_id",
        empty_label=_("Choose the caseworker"),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pathway = self.pathway
        memberships = (
            Membership.objects.current()
            .filter(
                municipality_id=pathway.municipality_id,
                role=StaffRole.CASEWORKER,
                user__is_active=True,
            )
            .exclude(user_id=pathway.coordinator_id)
            .select_related("user", "department")
        )
        if pathway.programme.coordinator_department_kind:
            from samspil.pathways.worklist import transition_handover_kinds

            # At the transition to adulthood the programme may let coordination pass to other departments (seed 002).
            kinds = [pathway.programme.coordinator_department_kind, *transition_handover_kinds(pathway)]
            memberships = memberships.filter(department__kind__in=kinds)
        self.fields["membership"].queryset = memberships.order_by("user__first_name", "user__last_name")
        self.fields["membership"].label_from_instance = lambda m: f"{m.user.get_full_name()} – {m.department.name}"
        self.fields["version"].initial = pathway.version
