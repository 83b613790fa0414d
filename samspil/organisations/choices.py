from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentKind(models.TextChoices):
    JOB_CENTRE = "job_centre", _("Job centre")
    BENEFITS = "benefits", _("Benefits")
    CHILDREN_YOUTH = "children_youth", _("Children and youth")
    CHILDREN_DISABILITIES = "children_disabilities", _("Children with disabilities")
    ADULT_SOCIAL = "adult_social", _("Adult social services")
    HEALTH = "health", _("Health")
    SUBSTANCE_ABUSE = "substance_abuse", _("Substance abuse")
    YOUTH_GUIDANCE = "youth_guidance", _("Youth guidance")
    OTHER = "other", _("Other")


class StaffRole(models.TextChoices):
    CASEWORKER = "caseworker", _("Coordinator / caseworker")
    PROFESSIONAL = "professional", _("Professional")
    TEAM_LEADER = "team_leader", _("Team leader")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    CONTROLLER = "controller", _("Controller")
    PROJECT_LEADER = "project_leader", _("Project leader")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles that do case work and may therefore search citizens, open pathways and use break-glass.
CASE_ROLES = frozenset({StaffRole.CASEWORKER, StaffRole.PROFESSIONAL, StaffRole.TEAM_LEADER})
# Roles that may open a pathway outside their scope with break-glass.
BREAK_GLASS_ROLES = frozenset({StaffRole.CASEWORKER, StaffRole.TEAM_LEADER})
# Roles that see aggregate figures for their department.
AGGREGATE_ROLES = frozenset(
    {StaffRole.DEPARTMENT_HEAD, StaffRole.TEAM_LEADER, StaffRole.PROJECT_LEADER, StaffRole.CONTROLLER}
)


# Roles that see the costs of the whole municipality: service catalogue, interventions and joint financing
# of every pathway (as figures), department reports, operating costs. Case workers see the costs of the
# pathways they may see, through the pathway scope.
COST_ROLES = frozenset({StaffRole.CONTROLLER})
# Which roles have the purpose "find the citizens who need a coordinated pathway" (import of service
# consumption, the cost curve, candidate lists) is a decision of the municipality: the setting
# SAMSPIL_SEGMENTATION_ROLES (default: controller). See `policy.can_segment`.


class ExternalOrganisationKind(models.TextChoices):
    DROP_IN_MUNICIPAL = "drop_in_municipal", _("Drop-in centre (municipal)")
    DROP_IN_PRIVATE = "drop_in_private", _("Drop-in centre (private)")
    SCHOOL = "school", _("School")
    PROVIDER = "provider", _("Provider")
    REGION = "region", _("Region / psychiatry")
