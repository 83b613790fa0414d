from django.contrib import admin

from samspil.identity.models import ExternalIdentity, LoginRefusal


class ExternalIdentityInline(admin.TabularInline):
    """On the user admin (accounts/admin.py): the identities of the municipality's identity provider that log in
    to this staff account. Provider and subject exactly as the provider sends them; a refused log-in's row in
    "Refused log-ins" shows both."""

    model = ExternalIdentity
    fk_name = "user"
    fields = ["issuer", "subject"]
    extra = 0


@admin.register(LoginRefusal)
class LoginRefusalAdmin(admin.ModelAdmin):
    """Refused log-ins, read-only (the table is append-only)."""

    list_display = ["created_at", "method", "reason", "issuer", "subject", "request_id"]
    list_filter = ["method", "reason"]
    search_fields = ["request_id", "subject"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
