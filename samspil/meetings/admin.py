"""The meeting checklist per programme is configuration; meetings themselves are case content, not in the admin."""

from django.contrib import admin

from samspil.core.admin import TenantAdmin
from samspil.meetings.models import ChecklistItem


@admin.register(ChecklistItem)
class ChecklistItemAdmin(TenantAdmin):
    list_display = ["text", "programme", "meeting_type", "position", "active"]
    list_editable = ["position", "active"]
    list_filter = ["programme", "meeting_type", "active"]
    search_fields = ["text"]
    ordering = ["programme__name", "meeting_type", "position", "id"]
