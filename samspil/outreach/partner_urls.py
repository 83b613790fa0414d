"""Drop-in staff's pages (partner accounts of a centre with an agreement in force), at /partner/vaerested/."""

app_name = "outreach_partner"

urlpatterns = []
