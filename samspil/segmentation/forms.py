from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samspil.core.forms import DanishDecimalField, DanishIntegerField, DkfdsFormMixin
from samspil.pathways.models import Programme
from samspil.segmentation.choices import CitizenType, ImportMode, RuleCombination
from samspil.segmentation.services import coordinator_choices

MAX_UPLOAD_MB = 500


class UploadForm(DkfdsFormMixin, forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_(
            "Columns: cpr, department, service_code, service_name, period_start, period_end, amount_dkk. "
            "Dates as 2026-11-22; amounts with . or , as decimal separator and no thousands separator."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx", "class": "form-file-input"}),
    )
    mode = forms.ChoiceField(
        label=_("If the file has bad rows"),
        choices=ImportMode.choices,
        initial=ImportMode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(_("The file must be CSV (.csv) or XLSX (.xlsx)."))
        if file.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_MB})
        return file


class RuleForm(DkfdsFormMixin, forms.Form):
    min_departments = DanishIntegerField(
        label=_("Services from at least this many departments"), required=False, min_value=1, max_value=50
    )
    top_percent = DanishDecimalField(
        label=_("Among the most expensive (per cent of citizens)"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
        decimal_places=2,
    )
    min_total_dkk = DanishDecimalField(
        label=_("Total cost at least (kr.)"),
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
    )
    combination = forms.ChoiceField(
        label=_("A citizen is a candidate when they meet"),
        choices=RuleCombination.choices,
        widget=forms.RadioSelect,
        help_text=_("Empty conditions are not used."),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput)


class ClassifyForm(DkfdsFormMixin, forms.Form):
    citizen_type = forms.TypedChoiceField(
        label=_("KL citizen type"), choices=CitizenType.choices, coerce=int, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CoordinatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, membership):
        return f"{membership.user.get_full_name() or membership.user.username} ({membership.department.name})"


class ReferralForm(DkfdsFormMixin, forms.Form):
    """Refer a candidate to a coordinator for a programme (*henvisning*): no name, the coordinator registers it."""

    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        to_field_name="public_id",
        empty_label=_("Choose the programme"),
    )
    coordinator = CoordinatorChoiceField(
        label=_("Coordinator"),
        queryset=None,
        to_field_name="public_id",
        empty_label=_("Choose the coordinator"),
        help_text=_("A caseworker in the department kind the programme's coordinator must come from."),
    )
    note = forms.CharField(
        label=_("Why the person is referred"),
        help_text=_("The coordinator reads it before taking the referral on. Write no more than they need."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, municipality_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(municipality_id=municipality_id, active=True)
        probe = Programme(municipality_id=municipality_id)
        self.fields["coordinator"].queryset = coordinator_choices(programme=probe)

    def clean(self):
        cleaned = super().clean()
        programme, membership = cleaned.get("programme"), cleaned.get("coordinator")
        if programme and membership:
            kind = programme.coordinator_department_kind
            if kind and membership.department.kind != kind:
                self.add_error(
                    "coordinator",
                    _("In %(programme)s the coordinator must be a caseworker in %(kind)s.")
                    % {"programme": programme, "kind": programme.get_coordinator_department_kind_display().lower()},
                )
        return cleaned
