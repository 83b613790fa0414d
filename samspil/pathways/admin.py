"""Programmes are configuration; pathways are case content and are not in the admin."""

from django.contrib import admin

from samspil.core.admin import TenantAdmin
from samspil.pathways.models import Programme


@admin.register(Programme)
class ProgrammeAdmin(TenantAdmin):
    list_display = [
        "name",
        "model",
        "subject_kind",
        "coordinator_department_kind",
        "min_citizen_meetings",
        "status_meeting_cadence_days",
        "active",
    ]
    list_filter = ["model", "active"]
    search_fields = ["name", "code"]
