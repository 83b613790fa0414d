"""Forms of the joint assessment. Choices by public id; the services validate everything again."""

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from samspil.assessments import methods
from samspil.assessments.choices import FindingKind, Method, StudyKind
from samspil.assessments.models import Assessment
from samspil.core.forms import DanishDateField
from samspil.pathways.forms import PathwayForm
from samspil.pathways.models import TeamMember


def _subject_choices(pathway) -> list[tuple[str, str]]:
    from samspil.pathways.selectors import subject_citizens

    return [(str(citizen.public_id), citizen.full_name) for citizen in subject_citizens(pathway)]


def _text(label, *, required=True, rows=4, max_length=10000, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class AssessmentStartForm(PathwayForm):
    method = forms.ChoiceField(label=_("Method"), choices=[("", _("Choose the method")), *Method.choices])
    subject = forms.ChoiceField(label=_("Assessed person"))
    purpose = _text(
        _("Purpose and questions"),
        required=False,
        help_text=_("What the team wants the assessment to answer."),
    )
    previous = forms.ModelChoiceField(
        label=_("Follow-up of an earlier assessment"),
        queryset=Assessment.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("No – a first assessment"),
        help_text=_("A follow-up can be compared area by area with the earlier one."),
    )
    meeting = forms.ModelChoiceField(
        label=_("Started at a status meeting"),
        queryset=None,
        to_field_name="public_id",
        required=False,
        empty_label=_("Not at a meeting"),
    )

    def __init__(self, *args, **kwargs):
        from samspil.meetings.choices import MeetingStatus, MeetingType
        from samspil.meetings.models import Meeting

        super().__init__(*args, **kwargs)
        subjects = _subject_choices(self.pathway)
        self.fields["subject"].choices = subjects
        if len(subjects) == 1:
            self.fields["subject"].initial = subjects[0][0]
        self.fields["previous"].queryset = Assessment.objects.filter(pathway=self.pathway).order_by("-number")
        self.fields["previous"].label_from_instance = lambda a: str(a)
        self.fields["meeting"].queryset = Meeting.objects.filter(
            pathway=self.pathway,
            meeting_type=MeetingType.STATUS,
            status__in=[MeetingStatus.PLANNED, MeetingStatus.HELD],
        ).order_by("-starts_at")
        self.fields["meeting"].label_from_instance = lambda m: formats.date_format(
            timezone.localtime(m.starts_at), "SHORT_DATETIME_FORMAT"
        )


class StudyForm(PathwayForm):
    kind = forms.ChoiceField(
        label=_("Investigation"), choices=[("", _("Choose the investigation")), *StudyKind.choices]
    )
    description = forms.CharField(
        label=_("Description"), max_length=300, required=False, help_text=_("Required for another investigation.")
    )
    responsible = forms.ModelChoiceField(
        label=_("Responsible"),
        queryset=TeamMember.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("Not decided yet"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = (
            TeamMember.objects.current()
            .filter(pathway=self.pathway, kind__in=["staff", "external"])
            .select_related("user", "department", "external_contact")
            .order_by("kind", "active_from", "id")
        )
        self.fields["responsible"].label_from_instance = lambda m: (
            f"{m.display_name} ({m.department.name})" if m.department_id else m.display_name
        )


class StudyDoneForm(PathwayForm):
    done_on = DanishDateField(label=_("Done on"), required=False, help_text=_("Empty: not done. Format: dd.mm.yyyy"))


class FamilyViewForm(PathwayForm):
    family_view = _text(
        _("The family's own view"),
        rows=6,
        help_text=_(
            "In the family's own words: how they see their situation, what they wish for and what they need. "
            "Written before the professionals' sections."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class SectionForm(PathwayForm):
    """One professional's section: the area (when writing a new one), the two texts named by the method, the
    function level for VUM 2.0, and an internal note."""

    area = forms.ChoiceField(label=_("Area"))
    level = forms.ChoiceField(label=_("Function level (FFB)"), required=False)
    strengths = _text(_("Strengths"), required=False)
    concerns = _text(_("Concerns"), required=False)
    internal_note = _text(
        _("Internal note"),
        required=False,
        rows=2,
        help_text=_("For the professionals only: never in the family's version or the citizen PDF."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)  # required when editing; removed for a new section

    def __init__(self, *args, assessment, section=None, **kwargs):
        self.assessment, self.section = assessment, section
        if section is not None and not kwargs.get("data") and not (args and args[0] is not None):
            kwargs.setdefault(
                "initial",
                {
                    "strengths": section.strengths,
                    "concerns": section.concerns,
                    "level": section.level,
                    "internal_note": section.internal_note,
                    "version": section.version,
                },
            )
        super().__init__(*args, **kwargs)
        method = assessment.method
        if section is not None:
            del self.fields["area"]
        else:
            del self.fields["version"]
            self.fields["area"].choices = [("", _("Choose the area")), *methods.area_choices(method)]
        if method == Method.VUM:
            self.fields["level"].required = True
            self.fields["level"].choices = [("", _("Choose the level"))] + [
                (level.key, level.label) for level in methods.vum_levels()
            ]
            self.fields["level"].help_text = _("KL's FFB function levels; choose “Ikke vurderet” when not assessed.")
            self.fields["strengths"].label = _("Resources and strengths")
            self.fields["concerns"].label = _("Limitations and concerns")
        else:
            del self.fields["level"]
        if method == Method.RESOURCE_PROFILE:
            self.fields["strengths"].label = _("Resources")
            self.fields["concerns"].label = _("Barriers")

    def clean(self):
        cleaned = super().clean()
        written = cleaned.get("strengths", "").strip() or cleaned.get("concerns", "").strip()
        if not written and "strengths" not in self.errors and "concerns" not in self.errors:
            raise forms.ValidationError(_("Write at least one of the two texts."))
        return cleaned


class FindingForm(PathwayForm):
    area = forms.ChoiceField(label=_("Area"))
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Choose the kind")), *FindingKind.choices])
    text = _text(_("Finding"), rows=3, max_length=5000)
    member = forms.ChoiceField(label=_("Family member"), required=False, help_text=_("Empty: the assessed person."))
    version = forms.IntegerField(widget=forms.HiddenInput)  # required when editing; removed for a new finding

    def __init__(self, *args, assessment, finding=None, **kwargs):
        self.assessment, self.finding = assessment, finding
        if finding is not None and not (args and args[0] is not None) and not kwargs.get("data"):
            kwargs.setdefault(
                "initial",
                {
                    "area": finding.area,
                    "kind": finding.kind,
                    "text": finding.text,
                    "member": str(finding.member.public_id) if finding.member_id else "",
                    "version": finding.version,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("Choose the area")), *methods.area_choices(assessment.method)]
        if self.pathway.citizen_id:
            del self.fields["member"]
        else:
            self.fields["member"].choices = [("", _("The assessed person")), *_subject_choices(self.pathway)]
        if finding is None:
            del self.fields["version"]


class CompileForm(PathwayForm):
    summary = _text(
        _("Combined assessment"),
        rows=8,
        max_length=20000,
        help_text=_("The team's joint conclusion across the sections: what the family needs, and what is next."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ConfirmForm(PathwayForm):
    """A button (approve, remove): nothing to fill in."""
