from django.db import models
from django.utils.translation import gettext_lazy as _


class CollaborationModel(models.TextChoices):
    KL_COHERENCE = "kl_coherence", _("KL: coherence between employment, health and social")
    CROSS_SECTOR = "cross_sector", _("Cross-sector citizen pathways (free-municipality experiment)")
    ROAD_TO_EDUCATION = "road_to_education", _("The road to education and employment")
    ONE_FAMILY = "one_family", _("One family, one entry")
    DROP_IN = "drop_in", _("The role of drop-in centres")


class SubjectKind(models.TextChoices):
    CITIZEN = "citizen", _("A citizen")
    HOUSEHOLD = "household", _("A family (household)")
    EITHER = "either", _("A citizen or a family")


class PathwayStatus(models.TextChoices):
    REFERRED = "referred", _("Referred")
    ASSESSMENT = "assessment", _("Assessment")
    ACTIVE = "active", _("Active")
    FOLLOW_UP = "follow_up", _("Follow-up")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


# The lifecycle: only these transitions are possible. Closed is final; a new pathway is opened instead.
TRANSITIONS = {
    PathwayStatus.REFERRED: (PathwayStatus.ASSESSMENT, PathwayStatus.CLOSED),
    PathwayStatus.ASSESSMENT: (PathwayStatus.ACTIVE, PathwayStatus.PAUSED, PathwayStatus.CLOSED),
    PathwayStatus.ACTIVE: (PathwayStatus.FOLLOW_UP, PathwayStatus.PAUSED, PathwayStatus.CLOSED),
    PathwayStatus.FOLLOW_UP: (PathwayStatus.ACTIVE, PathwayStatus.CLOSED),
    PathwayStatus.PAUSED: (
        PathwayStatus.ASSESSMENT,
        PathwayStatus.ACTIVE,
        PathwayStatus.FOLLOW_UP,
        PathwayStatus.CLOSED,
    ),
    PathwayStatus.CLOSED: (),
}
# A reason is required for these, so the file shows why a pathway stopped.
REASON_REQUIRED = frozenset({PathwayStatus.PAUSED, PathwayStatus.CLOSED})
OPEN_STATUSES = tuple(status for status in PathwayStatus if status != PathwayStatus.CLOSED)


class TeamMemberKind(models.TextChoices):
    STAFF = "staff", _("Municipal staff")
    EXTERNAL = "external", _("External professional")
    NETWORK = "network", _("Private network")


class TeamRole(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    PROFESSIONAL = "professional", _("Professional")
    SPECIALIST = "specialist", _("Specialist (psychologist, doctor, therapist)")
    TEACHER = "teacher", _("Teacher / school")
    DROP_IN_STAFF = "drop_in_staff", _("Drop-in centre staff")
    SUPPORT_CONTACT = "support_contact", _("Support and contact person (SKP)")
    MENTOR = "mentor", _("Mentor")
    NETWORK = "network", _("Network person")
