from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _

from samspil.accounts.models import User
from samspil.core.admin import PublicIdChoicesMixin, PublicIdInitialMixin


class SamspilUserChangeForm(PublicIdInitialMixin, UserChangeForm):
    pass


@admin.register(User)
class UserAdmin(PublicIdChoicesMixin, DjangoUserAdmin):
    """Staff accounts of the administrator's municipality. Superusers see all accounts."""

    form = SamspilUserChangeForm

    list_display = ["username", "first_name", "last_name", "kind", "municipality", "is_active"]
    list_filter = ["kind", "is_active", "is_staff"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Samspil"), {"fields": ("kind", "municipality", "job_title", "phone", "is_demo_account")}),
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # Only platform operators hand out admin rights and permissions.
        return [
            (name, options)
            for name, options in fieldsets
            if not {"is_superuser", "user_permissions", "groups", "is_staff"} & set(options.get("fields", ()))
        ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(municipality_id=request.user.municipality_id)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.municipality_id = request.user.municipality_id
            obj.is_superuser = False
        super().save_model(request, obj, form, change)
