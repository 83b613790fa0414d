"""Seed 001's ten measures of a baseline and its follow-ups (*Tværgående borgerforløb*, "Mål for indsatsen").

One list shared by the measurement rounds (`samspil.evaluation`), which record and compute them, and the change
theory of programme management (`samspil.implementation`), whose results each point at the measure that shows them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Measure(models.TextChoices):
    QUALITY_OF_LIFE = "quality_of_life", _("1. Quality of life (WHO-5)")
    OBJECTIVE_OUTCOMES = "objective_outcomes", _("2. Objective outcomes")
    CITIZEN_INTERVIEWS = "citizen_interviews", _("3. Citizen interviews")
    PATHWAY_QUALITY = "pathway_quality", _("4. The staff's assessment of the quality of the pathway")
    TARGET_GROUP_COST = "target_group_cost", _("5. The cost of the target group")
    COORDINATION = "coordination", _("6. The degree of coordination")
    MONO_CROSS_EFFORTS = "mono_cross_efforts", _("7. Mono- and cross-disciplinary efforts")
    STEERING = "steering", _("8. Cross-department steering (leader group)")
    BUDGETS = "budgets", _("9. Cross-department budgets (leader group)")
    EXEMPTIONS = "exemptions", _("10. New solutions using a legal exemption")
