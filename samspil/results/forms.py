from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.core.forms import DanishDateField, DkfdsFormMixin
from samspil.results.choices import (
    Benefit,
    EducationEmployment,
    Housing,
    Placement,
    PlacementKind,
    StatusOccasion,
    SubstanceUse,
)


def _optional(choices, empty):
    return [("", empty), *choices.choices]


# The fields of where a citizen stands, shared by the status form and the closing form (`pathways.forms`).
def status_fields() -> dict:
    return {
        "education_employment": forms.ChoiceField(
            label=_("Education and employment"),
            choices=_optional(EducationEmployment, _("Choose the status")),
        ),
        "benefit": forms.ChoiceField(
            label=_("Benefit"),
            choices=_optional(Benefit, _("No benefit")),
            required=False,
            help_text=_("Required when the status is “on a benefit”, otherwise left empty."),
        ),
        "placement": forms.ChoiceField(
            label=_("Placed outside the home"),
            choices=_optional(Placement, _("Does not apply")),
            required=False,
            help_text=_("For young people in care."),
        ),
        "placement_kind": forms.ChoiceField(
            label=_("Where placed"),
            choices=_optional(PlacementKind, _("Not placed")),
            required=False,
            help_text=_("Only when placed or previously placed."),
        ),
        "placement_note": forms.CharField(
            label=_("Placement, details"),
            max_length=200,
            required=False,
            help_text=_("Only when placed or previously placed, for example the name of the home."),
        ),
        "housing": forms.ChoiceField(label=_("Housing"), choices=_optional(Housing, _("Not stated")), required=False),
        "substance_use": forms.ChoiceField(
            label=_("Substance use"), choices=_optional(SubstanceUse, _("Not stated")), required=False
        ),
    }


STATUS_FIELD_NAMES = tuple(status_fields())


def for_form(form, error: ValidationError, prefix: str = "") -> ValidationError:
    """A service's `ValidationError` keyed for `form`: a field's message on that field (named `prefix` + the
    service's key, or the key itself) when the form has it, anything else above the form (`FormPostMixin` adds it
    to the form)."""
    if not hasattr(error, "error_dict"):
        return error
    keyed: dict[str, list] = {}
    for key, messages in error.message_dict.items():
        name = next((name for name in (prefix + key, key) if name in form.fields), NON_FIELD_ERRORS)
        keyed.setdefault(name, []).extend(messages)
    return ValidationError(keyed)


class StatusEntryForm(DkfdsFormMixin, forms.Form):
    """Record where a citizen stands. The citizen is chosen only on a family pathway (each member the pathway is
    about); the occasion is fixed when the status is recorded at a meeting."""

    citizen = forms.ModelChoiceField(
        label=_("Family member"), queryset=None, to_field_name="public_id", empty_label=_("Choose the family member")
    )
    recorded_on = DanishDateField(label=_("Date"), initial=timezone.localdate)
    occasion = forms.ChoiceField(label=_("Occasion"), choices=_optional(StatusOccasion, _("Choose the occasion")))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, pathway, subjects, meeting=None, **kwargs):
        self.pathway, self.meeting = pathway, meeting
        super().__init__(*args, **kwargs)
        for name, field in status_fields().items():
            self.fields[name] = field
        self.order_fields(["citizen", "recorded_on", "occasion", *STATUS_FIELD_NAMES, "note"])
        from samspil.citizens.models import Citizen

        self.fields["citizen"].queryset = Citizen.objects.filter(pk__in=[c.pk for c in subjects])
        self.fields["citizen"].label_from_instance = lambda citizen: citizen.full_name
        if pathway.citizen_id:
            del self.fields["citizen"]
        if meeting is not None:
            del self.fields["occasion"]
            self.fields["recorded_on"].initial = timezone.localtime(meeting.starts_at).date()
        if not pathway.is_open:
            self.fields["recorded_on"].initial = pathway.closed_on
            if "occasion" in self.fields:
                self.fields["occasion"].initial = StatusOccasion.CLOSING

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("education_employment") == EducationEmployment.BENEFIT and not cleaned.get("benefit"):
            self.add_error("benefit", _("Choose the benefit when the citizen is on a benefit."))
        elif (
            cleaned.get("education_employment")
            and cleaned.get("benefit")
            and (cleaned["education_employment"] != EducationEmployment.BENEFIT)
        ):
            self.add_error("benefit", _("A benefit is given only when the status is “on a benefit”."))
        placed = cleaned.get("placement") in (Placement.PLACED, Placement.PREVIOUSLY_PLACED)
        if not placed and cleaned.get("placement_kind"):
            self.add_error(
                "placement_kind", _("Where the young person is placed is given only when placed or previously placed.")
            )
        if not placed and cleaned.get("placement_note", "").strip():
            self.add_error(
                "placement_note", _("Details of the placement are given only when placed or previously placed.")
            )
        return cleaned

    def service_values(self) -> dict:
        """The keyword arguments of `services.status_entry_record` from the cleaned form."""
        data = self.cleaned_data
        values = {name: data.get(name, "") for name in STATUS_FIELD_NAMES}
        values["citizen"] = data.get("citizen") or self.pathway.citizen
        values["recorded_on"] = data["recorded_on"]
        values["note"] = data.get("note", "")
        if self.meeting is not None:
            from samspil.results.services import MEETING_OCCASIONS

            values["meeting"] = self.meeting
            values["occasion"] = MEETING_OCCASIONS.get(self.meeting.meeting_type, StatusOccasion.STATUS_MEETING)
        else:
            values["occasion"] = data["occasion"]
        return values


class TargetGroupForm(DkfdsFormMixin, forms.Form):
    """The pathway's target group, among the active groups of its programme. For the KL programme an empty choice is
    prefilled with the citizen type segmentation classified the citizen as."""

    target_group = forms.ModelChoiceField(
        label=_("Target group"),
        queryset=None,
        to_field_name="public_id",
        required=False,
        empty_label=_("No target group"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, pathway, **kwargs):
        self.pathway = pathway
        super().__init__(*args, **kwargs)
        from samspil.pathways.models import TargetGroup

        self.fields["target_group"].queryset = TargetGroup.objects.filter(
            programme_id=pathway.programme_id, active=True
        ).order_by("position", "name")
        self.fields["version"].initial = pathway.version
        if pathway.target_group_id:
            self.fields["target_group"].initial = pathway.target_group.public_id
        elif not self.is_bound:
            from samspil.results.services import suggested_target_group

            suggested = suggested_target_group(pathway)
            if suggested is not None:
                self.fields["target_group"].initial = suggested.public_id
                self.fields["target_group"].help_text = _("Suggested from segmentation: %(name)s.") % {
                    "name": suggested.name
                }
