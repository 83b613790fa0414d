"""The scopes of this app's models for staff (see samspil/access/policy.py).

- A round (`MeasurementRound`) holds no citizen data (a title, dates, a status): every staff member of the
  municipality may read it (VIEW), since every staff member may be asked to answer its questionnaires; AGGREGATE for
  the aggregate roles (project leaders among them), who read its figures.
- What hangs off a pathway (the cohort's rows, WHO-5 answers, the team's assessments of a pathway, interviews about a
  pathway) is visible exactly when the pathway is (`pathway_child_scope`). For AGGREGATE — rows that only feed the
  round's figures, never shown one by one — the aggregate roles get every row of the municipality.
- An anonymous interview (no pathway) and its files: the project leaders who run the programmes' rounds, for VIEW
  and CONTRIBUTE (they record them), and the aggregate roles for AGGREGATE (counts).
- A staff member's own questionnaire answers (coordination, leader assessment): the respondent reads their own; the
  aggregate roles read them for AGGREGATE (means, never one person's answer).
"""

from django.db.models import Q

from samspil.access import policy
from samspil.access.scopes import pathway_child_scope
from samspil.evaluation.models import (
    CitizenInterview,
    CoordinationResponse,
    InterviewFile,
    LeaderAssessment,
    MeasurementRound,
    PathwayQualityResponse,
    RoundPathway,
    Who5Response,
)
from samspil.pathways.models import Pathway


@policy.register(MeasurementRound)
def measurement_round_scope(queryset, user, action):
    if action == policy.VIEW:
        return queryset
    if action == policy.AGGREGATE and policy.can_see_aggregates(user):
        return queryset
    return queryset.none()


@policy.register(RoundPathway, Who5Response, PathwayQualityResponse)
def round_pathway_child_scope(queryset, user, action):
    if action == policy.AGGREGATE:
        return queryset if policy.can_see_aggregates(user) else queryset.none()
    return pathway_child_scope(queryset, user, action)


def _visible_interviews(user, action) -> Q:
    """For CitizenInterview rows: about a pathway the user may `action` on, or anonymous for a project leader."""
    if action == policy.INTAKE:
        return Q(pk__in=[])
    condition = Q(pathway__in=Pathway.objects.visible_to(user, action).values("pk"))
    if action in (policy.VIEW, policy.CONTRIBUTE) and policy.can_run_programmes(user):
        condition |= Q(pathway__isnull=True)
    return condition


@policy.register(CitizenInterview)
def citizen_interview_scope(queryset, user, action):
    if action == policy.AGGREGATE:
        return queryset if policy.can_see_aggregates(user) else queryset.none()
    return queryset.filter(_visible_interviews(user, action))


@policy.register(InterviewFile)
def interview_file_scope(queryset, user, action):
    if action == policy.AGGREGATE:
        return queryset.none()
    return queryset.filter(interview__in=CitizenInterview.objects.visible_to(user, action).values("pk"))


@policy.register(CoordinationResponse, LeaderAssessment)
def own_answer_scope(queryset, user, action):
    if action == policy.AGGREGATE:
        return queryset if policy.can_see_aggregates(user) else queryset.none()
    if action in (policy.VIEW, policy.CONTRIBUTE):
        return queryset.filter(respondent=user)
    return queryset.none()
