"""Configuration for administrators: departments, units, staff roles, partners. No case content here."""

from django.contrib import admin

from samspil.core.admin import TenantAdmin
from samspil.organisations.models import (
    Department,
    ExternalContact,
    ExternalOrganisation,
    Membership,
    Municipality,
    Unit,
)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    """Municipalities are the tenants: only platform operators (superusers) manage them."""

    list_display = ["name", "code"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0
    exclude = ["municipality"]


@admin.register(Department)
class DepartmentAdmin(TenantAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(TenantAdmin):
    list_display = ["name", "department"]
    list_filter = [("department", admin.RelatedOnlyFieldListFilter)]


@admin.register(Membership)
class MembershipAdmin(TenantAdmin):
    """Who works where, in which role. An administrator cannot give roles to themself."""

    list_display = ["user", "department", "unit", "role", "active_from", "active_to"]
    list_filter = ["role", ("department", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__first_name", "user__last_name", "user__username"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "user" and not request.user.is_superuser:
            field.queryset = field.queryset.model._default_manager.filter(
                municipality_id=request.user.municipality_id, kind="staff"
            ).exclude(pk=request.user.pk)
        return field

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.user_id == request.user.pk and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.user_id == request.user.pk and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


class ExternalContactInline(admin.TabularInline):
    model = ExternalContact
    extra = 0
    exclude = ["municipality"]


@admin.register(ExternalOrganisation)
class ExternalOrganisationAdmin(TenantAdmin):
    list_display = ["name", "kind", "cooperation_agreement_on"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(ExternalContact)
class ExternalContactAdmin(TenantAdmin):
    list_display = ["name", "organisation", "title", "phone", "email"]
    search_fields = ["name"]
