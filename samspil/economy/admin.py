"""The service catalogue in the admin: read-only, for controllers.

The catalogue's rules (unique codes, one provider, no negative price, a new version on every change, an audit
event) live in the services; the admin would bypass them, so it only shows the catalogue, to those who may see
costs (`policy.can_see_costs`). Changes are made on the catalogue page (/oekonomi/ydelser/).
"""

from django.contrib import admin

from samspil.access import policy
from samspil.core.admin import TenantAdmin
from samspil.economy.models import Service


@admin.register(Service)
class ServiceAdmin(TenantAdmin):
    list_display = ["code", "name", "department", "legal_basis", "unit", "unit_price", "active"]
    list_filter = ["unit", "active", ("department", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name", "legal_basis"]
    exclude = ["version"]

    def has_view_permission(self, request, obj=None):
        return policy.can_see_costs(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):  # never reached: no add or change permission
        raise PermissionError("The service catalogue is changed through samspil.economy.services.")
