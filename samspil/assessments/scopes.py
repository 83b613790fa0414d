"""Scopes of the assessment's rows for staff: exactly those of their pathway (every row carries it)."""

from samspil.access import policy
from samspil.access.scopes import pathway_child_scope
from samspil.assessments.models import Assessment, AssessmentReport, AssessmentSection, AssessmentStudy, Finding

policy.register(Assessment, AssessmentStudy, AssessmentSection, Finding, AssessmentReport)(pathway_child_scope)
