from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from samspil.accounts import services
from samspil.accounts.forms import SamspilAdminAuthenticationForm
from samspil.accounts.models import User
from samspil.core.admin import PublicIdChoicesMixin, PublicIdInitialMixin
from samspil.identity.admin import ExternalIdentityInline

# The admin's log-in goes through SamspilBackend like the site's, and says the same when it refuses (locked, or
# password log-in switched off). A password log-in to the admin owes its TOTP code like any other.
admin.site.login_form = SamspilAdminAuthenticationForm


class SamspilUserChangeForm(PublicIdInitialMixin, UserChangeForm):
    pass


@admin.register(User)
class UserAdmin(PublicIdChoicesMixin, DjangoUserAdmin):
    """Staff accounts of the administrator's municipality. Superusers see all accounts."""

    form = SamspilUserChangeForm
    inlines = [ExternalIdentityInline]  # the municipality's identity provider: who logs in to this account

    list_display = ["username", "first_name", "last_name", "kind", "municipality", "is_active", "has_totp"]
    list_filter = ["kind", "is_active", "is_staff"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Samspil"), {"fields": ("kind", "municipality", "job_title", "phone", "is_demo_account", "has_totp")}),
    )
    readonly_fields = ["has_totp"]
    actions = ["reset_totp"]

    @admin.display(boolean=True, description=_("two-factor authentication set up"))
    def has_totp(self, obj):
        if hasattr(obj, "totp_confirmed"):
            return obj.totp_confirmed
        return obj.pk is not None and TOTPDevice.objects.filter(user=obj, confirmed=True).exists()

    @admin.action(permissions=["change"], description=_("Reset two-factor authentication (lost phone)"))
    def reset_totp(self, request, queryset):
        """The user sets up a new authenticator app at their next password log-in; recorded as an event."""
        users = list(queryset)
        for user in users:
            services.totp_reset(actor=request.user, user=user)
        self.message_user(
            request,
            ngettext(
                "Two-factor authentication was reset for %(count)d user. They set it up again at their next log-in.",
                "Two-factor authentication was reset for %(count)d users. They set it up again at their next log-in.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
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
        confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        queryset = super().get_queryset(request).annotate(totp_confirmed=Exists(confirmed))
        if request.user.is_superuser:
            return queryset
        return queryset.filter(municipality_id=request.user.municipality_id)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.municipality_id = request.user.municipality_id
            obj.is_superuser = False
        super().save_model(request, obj, form, change)
