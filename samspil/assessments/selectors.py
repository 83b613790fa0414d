"""Reading the joint assessment. Selectors never log: the views that show their results do (see views_base)."""

from django.utils.text import Truncator

from samspil.assessments.models import AssessmentReport, Finding


def finding_choices(pathway) -> list[tuple[str, str]]:
    """The findings of the pathway's assessments as (public id, label) for a goal's or an intervention's
    "answers the findings" field, newest assessment first: "Udredning 2 · Sundhed · Bekymring: <text>"."""
    findings = (
        Finding.objects.filter(pathway=pathway)
        .select_related("assessment")
        .order_by("-assessment__number", "area", "id")
    )
    return [(str(finding.public_id), finding_label(finding)) for finding in findings]


def finding_label(finding) -> str:
    from django.utils.translation import gettext

    return gettext("Assessment %(number)s · %(area)s · %(kind)s: %(text)s") % {
        "number": finding.assessment.number,
        "area": finding.area_label,
        "kind": finding.get_kind_display(),
        "text": Truncator(finding.text).chars(80),
    }


def latest_approved_report(pathway) -> AssessmentReport | None:
    """The newest approved combined report of the pathway (of its latest assessment that has one): what the family
    sees in the portal."""
    return (
        AssessmentReport.objects.filter(pathway=pathway, approved_at__isnull=False)
        .select_related("assessment")
        .order_by("-assessment__number", "-number")
        .first()
    )
