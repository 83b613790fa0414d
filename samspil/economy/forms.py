"""Forms of the economy pages. Choices come from lists the selector has loaded; option values are public ids."""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from samspil.core.forms import DanishDateField, DanishDecimalField, DkfdsFormMixin
from samspil.economy.choices import Law, ProgrammeElement, ServiceUnit
from samspil.economy.validation import check_date, check_paragraph

SHARE_ROWS = 4  # departments a split can name on the form; more has not been seen in practice


@dataclass(frozen=True)
class QuantityLimits:
    """How many units of a service are usual, and how many are impossible, per unit of pricing.

    Above `usual` the form asks the user to confirm the quantity (a tick, "I have checked the quantity"), so a
    slip of the keyboard (1.000 hours a month for 10) is caught before it reaches the figures; above `impossible`
    it refuses.
    """

    usual: Decimal
    impossible: Decimal | None
    warning: str
    impossible_error: str = ""


QUANTITY_LIMITS = {
    # Hours a month: 160 is about a full-time job; a month has at most 31 × 24 = 744 hours.
    ServiceUnit.PER_HOUR: QuantityLimits(
        usual=Decimal(160),
        impossible=Decimal(744),
        warning=_("%(quantity)s hours a month is more than a full-time job (about 160 hours)."),
        impossible_error=_("A month has at most 744 hours (31 days of 24 hours)."),
    ),
    # Units a month of a service priced per month: one or two places, contact persons and the like.
    ServiceUnit.PER_MONTH: QuantityLimits(
        usual=Decimal(5),
        impossible=None,
        warning=_("%(quantity)s units a month of a service priced per month is far more than usual."),
    ),
    ServiceUnit.ONE_OFF: QuantityLimits(
        usual=Decimal(100),
        impossible=None,
        warning=_("%(quantity)s units of a one-off service is far more than usual."),
    ),
}


def _lookup(value, objects):
    if not value:
        return None
    return next((obj for obj in objects if str(obj.public_id) == str(value)), None)


class BoundedDateField(DanishDateField):
    """A date between 01.01.2000 and ten years ahead (`validation.check_date`)."""

    def validate(self, value):
        super().validate(value)
        check_date(value)


class EconomyForm(DkfdsFormMixin, forms.Form):
    """A form on the pathway's economy page; `page` is the selector's `PathwayEconomy`."""

    def __init__(self, *args, page, **kwargs):
        self.page = page
        super().__init__(*args, **kwargs)


class InterventionForm(EconomyForm):
    service = forms.ChoiceField(label=_("Service"))
    granting_department = forms.ChoiceField(
        label=_("Granting department"),
        help_text=_("The department with the authority to grant the service (visitationskompetence)."),
        error_messages={
            "invalid_choice": _(
                "You can only grant on behalf of a department where you have a place on the pathway's team "
                "(or that coordinates the pathway, if you are the coordinator)."
            )
        },
    )
    starts_on = BoundedDateField(label=_("Start"), initial=timezone.localdate)
    ends_on = BoundedDateField(label=_("End"), required=False)
    quantity = DanishDecimalField(
        label=_("Quantity"),
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=_("Units per month for services priced per month or per hour; the number of units for a one-off."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.page.finding_choices:  # the pathway's assessments have findings the intervention can answer
            self.fields["findings"] = forms.MultipleChoiceField(
                label=_("Answers findings from the assessment"),
                help_text=_("The findings of the joint assessment that the intervention answers."),
                choices=self.page.finding_choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        self.fields["service"].choices = [("", _("Choose the service"))] + [
            (
                str(service.public_id),
                f"{service.name} · {service.legal_basis} · "
                f"{number_format(service.unit_price, 2, force_grouping=True)} kr. {service.get_unit_display()}",
            )
            for service in self.page.services
        ]
        self.fields["granting_department"].choices = [("", _("Choose the department"))] + [
            (str(department.public_id), department.name) for department in self.page.granting_departments
        ]

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end cannot be before the start."))
        self._check_quantity(cleaned.get("quantity"), self.chosen_service)
        return cleaned

    def _check_quantity(self, quantity, service) -> None:
        """Refuse an impossible quantity; above the usual, ask for a tick in "I have checked the quantity"."""
        limits = QUANTITY_LIMITS.get(service.unit) if service is not None else None
        if quantity is None or limits is None or quantity <= limits.usual:
            return
        if limits.impossible is not None and quantity > limits.impossible:
            self.add_error("quantity", limits.impossible_error)
            return
        # The tick box is added only when it is needed, right after the quantity, and read from the raw data.
        self.fields["quantity_checked"] = forms.BooleanField(
            label=_("I have checked the quantity"),
            required=False,
            widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
        )
        names = list(self.fields)
        names.insert(names.index("quantity") + 1, names.pop(names.index("quantity_checked")))
        self.order_fields(names)
        checked = self.fields["quantity_checked"].widget.value_from_datadict(
            self.data, self.files, self.add_prefix("quantity_checked")
        )
        if not checked:
            warning = limits.warning % {"quantity": floatformat(quantity, "-2g")}  # 1.000 or 1.000,50
            self.add_error(
                "quantity",
                ValidationError(
                    _("%(warning)s Check the quantity, and tick “I have checked the quantity” if it is right.")
                    % {"warning": warning},
                    code="unusual_quantity",
                ),
            )

    @property
    def chosen_service(self):
        return _lookup(self.cleaned_data.get("service"), self.page.services)

    @property
    def chosen_department(self):
        return _lookup(self.cleaned_data.get("granting_department"), self.page.granting_departments)


class InterventionEndForm(EconomyForm):
    ends_on = BoundedDateField(label=_("End"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, intervention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = intervention.version
        self.fields["ends_on"].initial = intervention.ends_on or timezone.localdate()


class SplitRowsMixin:
    """Up to SHARE_ROWS rows of department and percent (a split between departments). `split_departments` are the
    departments offered; the first row is required when `split_required`."""

    split_departments: list = []
    split_required = True

    def add_split_fields(self) -> list[str]:
        choices = [("", _("No department"))] + [(str(d.public_id), d.name) for d in self.split_departments]
        for row in range(1, SHARE_ROWS + 1):
            required = self.split_required and row == 1
            self.fields[f"department_{row}"] = forms.ChoiceField(
                label=_("Department %(row)s") % {"row": row}, choices=choices, required=required
            )
            self.fields[f"department_{row}"].widget.attrs["class"] = "form-select"
            self.fields[f"percent_{row}"] = DanishDecimalField(
                label=_("Share %(row)s (%%)") % {"row": row},
                required=required,
                max_digits=5,
                decimal_places=2,
                min_value=Decimal("0.01"),
                max_value=Decimal("100"),
            )
            self.fields[f"percent_{row}"].widget.attrs["class"] = "form-input input-width-xs"
        return [name for row in range(1, SHARE_ROWS + 1) for name in (f"department_{row}", f"percent_{row}")]

    def clean_split_rows(self, cleaned) -> None:
        for row in range(1, SHARE_ROWS + 1):
            department, percent = cleaned.get(f"department_{row}"), cleaned.get(f"percent_{row}")
            if department and percent is None and f"percent_{row}" not in self.errors:
                self.add_error(f"percent_{row}", _("Give the department's share."))
            if percent is not None and not department:
                self.add_error(f"department_{row}", _("Choose the department for this share."))

    @property
    def shares(self) -> list:
        result = []
        for row in range(1, SHARE_ROWS + 1):
            department = _lookup(self.cleaned_data.get(f"department_{row}"), self.split_departments)
            percent = self.cleaned_data.get(f"percent_{row}")
            if department is not None and percent is not None:
                result.append((department, percent))
        return result


class FinancingForm(SplitRowsMixin, EconomyForm):
    """A split of an intervention between departments: up to SHARE_ROWS rows of department and percent."""

    decided_on = BoundedDateField(label=_("Decided on"), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason for the split"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    family_motivated = forms.BooleanField(label=_("The family is motivated for the joint effort"), required=False)
    motivation_note = forms.CharField(
        label=_("About the family's motivation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, intervention, **kwargs):
        super().__init__(*args, **kwargs)
        self.intervention = intervention
        self.fields["version"].initial = intervention.version
        self.split_departments = self.page.departments
        shares = self.add_split_fields()
        self.order_fields([*shares, "decided_on", "reason", "family_motivated", "motivation_note", "version"])

    def clean_decided_on(self):
        decided_on = self.cleaned_data["decided_on"]
        if decided_on > timezone.localdate():
            raise ValidationError(_("A financing decision cannot be dated in the future."))
        if decided_on < self.intervention.starts_on:
            raise ValidationError(_("A financing decision cannot be dated before the intervention starts."))
        return decided_on

    def clean(self):
        cleaned = super().clean()
        self.clean_split_rows(cleaned)
        return cleaned


REVIEW_SEES = _(
    "The controller sees the pathway's interventions, their costs and financing decisions, and your question and "
    "proposal – not the citizen's name, CPR number, plan, meetings or notes. Write no case details in the question."
)


class ReviewRequestForm(SplitRowsMixin, EconomyForm):
    """Ask a controller to review the financing split, optionally with a proposed split (not yet a decision)."""

    split_required = False

    controller = forms.ChoiceField(label=_("Controller"))
    intervention = forms.ChoiceField(label=_("What the review is about"), required=False)
    question = forms.CharField(
        label=_("Question to the controller"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=REVIEW_SEES,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["controller"].choices = [("", _("Choose the controller"))] + [
            (str(user.public_id), user.get_full_name() or user.username) for user in self.page.controllers
        ]
        self.fields["intervention"].choices = [("", _("The pathway's interventions as a whole"))] + [
            (str(row.intervention.public_id), row.intervention.service.name) for row in self.page.rows
        ]
        self.split_departments = self.page.departments
        shares = self.add_split_fields()
        for name in shares:
            self.fields[name].help_text = ""
        self.fields["department_1"].help_text = _(
            "A proposed split, if you have one: it is not a financing decision. Leave the shares empty to have the "
            "split in force reviewed."
        )
        self.order_fields(["controller", "intervention", "question", *shares])

    def clean(self):
        cleaned = super().clean()
        self.clean_split_rows(cleaned)
        return cleaned

    @property
    def chosen_controller(self):
        return _lookup(self.cleaned_data.get("controller"), self.page.controllers)

    @property
    def chosen_intervention(self):
        return _lookup(self.cleaned_data.get("intervention"), [row.intervention for row in self.page.rows])


class ReviewWithdrawForm(EconomyForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = review.version


class ReviewAnswerForm(SplitRowsMixin, DkfdsFormMixin, forms.Form):
    """The controller's answer: agrees, or another split (shares adding up to 100 %), and a comment."""

    split_required = False

    verdict = forms.ChoiceField(label=_("Your answer"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you propose another split: explain it."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, departments, review, **kwargs):
        from samspil.economy.choices import ReviewVerdict

        super().__init__(*args, **kwargs)
        self.fields["verdict"].choices = ReviewVerdict.choices
        self.fields["version"].initial = review.version
        self.split_departments = departments
        shares = self.add_split_fields()
        self.fields["department_1"].help_text = _(
            "Only when you propose another split: the shares must add up to 100 %."
        )
        self.order_fields(["verdict", *shares, "comment", "version"])

    def clean(self):
        from samspil.economy.choices import ReviewVerdict

        cleaned = super().clean()
        self.clean_split_rows(cleaned)
        verdict = cleaned.get("verdict")
        has_shares = any(cleaned.get(f"department_{row}") for row in range(1, SHARE_ROWS + 1))
        if verdict == ReviewVerdict.OTHER_SPLIT:
            if not has_shares and "department_1" not in self.errors:
                self.add_error("department_1", _("Give the split you propose."))
            if not (cleaned.get("comment") or "").strip():
                self.add_error("comment", _("Explain the split you propose."))
        elif verdict == ReviewVerdict.AGREES and has_shares:
            self.add_error(
                "verdict", _("You agree with the split, so leave the shares empty (or propose another split).")
            )
        return cleaned


class ExemptionForm(EconomyForm):
    law = forms.ChoiceField(label=_("Law"), choices=[("", _("Choose the law")), *Law.choices])
    paragraph = forms.CharField(
        label=_("Paragraph"),
        max_length=60,
        help_text=_("The paragraph or chapter only, for example § 12, § 31 b, stk. 2, kap. 9 or kap. 6a."),
    )
    intervention = forms.ChoiceField(label=_("Intervention"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    used_on = BoundedDateField(label=_("Date"), initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention"].choices = [("", _("The pathway as a whole"))] + [
            (str(row.intervention.public_id), row.intervention.service.name) for row in self.page.rows
        ]

    def clean_paragraph(self):
        return check_paragraph(self.cleaned_data["paragraph"])

    @property
    def chosen_intervention(self):
        return _lookup(self.cleaned_data.get("intervention"), [row.intervention for row in self.page.rows])


class ServiceForm(DkfdsFormMixin, forms.Form):
    """A catalogue entry. `departments`, `units` and `organisations` are the municipality's, loaded by the view."""

    department = forms.ChoiceField(label=_("Department"))
    code = forms.CharField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=160)
    legal_basis = forms.CharField(
        label=_("Legal basis"), max_length=100, help_text=_("The paragraph, for example SEL § 85 or LAB § 31 b.")
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=ServiceUnit.choices, widget=forms.RadioSelect)
    unit_price = DanishDecimalField(label=_("Unit price (kr.)"), max_digits=12, decimal_places=2, min_value=0)
    provider_unit = forms.ChoiceField(label=_("Internal provider"), required=False)
    provider_organisation = forms.ChoiceField(label=_("External provider"), required=False)
    active = forms.BooleanField(label=_("Can be granted"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, departments, units, organisations, service=None, **kwargs):
        self.departments, self.units, self.organisations = departments, units, organisations
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("Choose the department"))] + [
            (str(d.public_id), d.name) for d in departments
        ]
        self.fields["provider_unit"].choices = [("", _("None"))] + [(str(u.public_id), str(u)) for u in units]
        self.fields["provider_organisation"].choices = [("", _("None"))] + [
            (str(o.public_id), o.name) for o in organisations
        ]
        if service is not None:
            self.initial.update(
                {
                    "department": str(service.department.public_id),
                    "code": service.code,
                    "name": service.name,
                    "legal_basis": service.legal_basis,
                    "unit": service.unit,
                    "unit_price": service.unit_price,
                    "provider_unit": str(service.provider_unit.public_id) if service.provider_unit_id else "",
                    "provider_organisation": str(service.provider_organisation.public_id)
                    if service.provider_organisation_id
                    else "",
                    "active": service.active,
                    "version": service.version,
                }
            )
        else:
            self.initial.setdefault("unit", ServiceUnit.PER_MONTH)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("provider_unit") and cleaned.get("provider_organisation"):
            self.add_error(
                "provider_organisation",
                _("Choose an internal unit or an external organisation as provider, not both."),
            )
        return cleaned

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "department": _lookup(data["department"], self.departments),
            "code": data["code"],
            "name": data["name"],
            "legal_basis": data["legal_basis"],
            "unit": data["unit"],
            "unit_price": data["unit_price"],
            "provider_unit": _lookup(data.get("provider_unit"), self.units),
            "provider_organisation": _lookup(data.get("provider_organisation"), self.organisations),
            "active": data.get("active", False),
        }


class OperatingCostForm(DkfdsFormMixin, forms.Form):
    programme = forms.ChoiceField(label=_("Programme"))
    month = BoundedDateField(
        label=_("Month"), help_text=_("Any day of the month, for example 01.10.2026. Format: dd.mm.yyyy")
    )
    element = forms.ChoiceField(
        label=_("Programme element"), choices=[("", _("Choose the element")), *ProgrammeElement.choices]
    )
    amount = DanishDecimalField(label=_("Amount (kr.)"), max_digits=12, decimal_places=2, min_value=0)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    replaces = forms.DecimalField(widget=forms.HiddenInput, required=False, max_digits=12, decimal_places=2)

    def __init__(self, *args, programmes, **kwargs):
        self.programmes = programmes
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", _("Choose the programme"))] + [
            (str(p.public_id), p.name) for p in programmes
        ]

    @property
    def chosen_programme(self):
        return _lookup(self.cleaned_data.get("programme"), self.programmes)
