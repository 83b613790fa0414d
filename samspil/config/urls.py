from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from samspil.core import views as core_views
from samspil.meetings import urls_experts as meeting_experts_urls

admin.site.site_header = "Samspil"
admin.site.site_title = "Samspil"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("konto/", include("samspil.accounts.urls")),
    path("forloeb/", include("samspil.pathways.urls")),
    path("forloeb/<uuid:pathway_id>/plan/", include("samspil.plans.urls")),
    path("forloeb/<uuid:pathway_id>/moeder/", include("samspil.meetings.urls")),
    path("forloeb/<uuid:pathway_id>/oekonomi/", include("samspil.economy.pathway_urls")),
    path("oekonomi/", include("samspil.economy.urls")),
    path("segmentering/", include("samspil.segmentation.urls")),
    path("borgere/", include("samspil.citizens.urls")),
    path("ledelse/", include("samspil.organisations.urls")),
    # Programme management, the documentation model and dashboards, baseline and follow-up (one prefix, three apps).
    path("programmer/", include("samspil.implementation.urls")),
    path("programmer/", include("samspil.results.programme_urls")),
    path("programmer/", include("samspil.evaluation.urls")),
    # Where the citizen stands (`forloeb/<id>/status/` is the overview's status-change form, `pathways:status`).
    path("forloeb/<uuid:pathway_id>/borgerstatus/", include("samspil.results.urls")),
    path("forloeb/<uuid:pathway_id>/pilot/", include("samspil.implementation.pathway_urls")),
    path("forloeb/<uuid:pathway_id>/maalinger/", include("samspil.evaluation.pathway_urls")),
    path("borger/log-ind/", include("samspil.identity.portal_urls")),  # settings.PORTAL_LOGIN_URL: "portal_login"
    path("borger/", include("samspil.portal.urls")),
    # The drop-in-centre model: staff pages, drop-in staff's pages, the citizen's one-time rating link.
    path("vaeresteder/", include("samspil.outreach.urls")),
    path("forloeb/<uuid:pathway_id>/udredning/", include("samspil.assessments.urls")),
    path("kerneteamer/", include("samspil.coreteams.urls")),
    path("analysemoeder/", meeting_experts_urls.staff_urls),  # outside experts at an analysis meeting (staff)
    path("partner/analysemoeder/", meeting_experts_urls.partner_urls),  # … and with a partner account
    path("partner/vaerested/", include("samspil.outreach.partner_urls")),
    path("vurdering/", include("samspil.outreach.rating_urls")),
    path("partner/", include("samspil.partners.urls")),
    path("identitet/", include("samspil.identity.urls")),
    path("forloeb/<uuid:pathway_id>/", include("samspil.documents.urls")),  # dokumenter/, beskeder/
    path("api/v1/", include("samspil.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.SAMSPIL_BENCH:  # the benchmark's floor view (`make bench` only, never in production)
    urlpatterns.append(path("_bench/", include("samspil.demo.urls")))
