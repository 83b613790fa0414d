"""The service catalogue is configuration: administrators may keep it in the admin too (own municipality)."""

from django.contrib import admin

from samspil.core.admin import TenantAdmin
from samspil.economy.models import Service


@admin.register(Service)
class ServiceAdmin(TenantAdmin):
    list_display = ["code", "name", "department", "legal_basis", "unit", "unit_price", "active"]
    list_filter = ["unit", "active", ("department", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name", "legal_basis"]
    exclude = ["version"]

    def save_model(self, request, obj, form, change):
        if change:  # an edit here moves the version on, so a form open on the catalogue page sees the conflict
            obj.version += 1
        super().save_model(request, obj, form, change)
