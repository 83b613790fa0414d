from django.urls import path

from samspil.identity import views
from samspil.identity.choices import Side

app_name = "identity"


def _side(prefix: str, side: str, folder: str) -> list:
    return [
        path(f"{folder}/log-ind/", views.LoginStartView.as_view(side=side), name=f"{prefix}_login"),
        path(f"{folder}/saml/acs/", views.SamlAcsView.as_view(side=side), name=f"{prefix}_saml_acs"),
        path(f"{folder}/saml/slo/", views.SamlSloView.as_view(side=side), name=f"{prefix}_saml_slo"),
        path(f"{folder}/saml/metadata/", views.SamlMetadataView.as_view(side=side), name=f"{prefix}_saml_metadata"),
        path(f"{folder}/oidc/callback/", views.OidcCallbackView.as_view(side=side), name=f"{prefix}_oidc_callback"),
    ]


urlpatterns = [
    *_side("mitid", Side.CITIZEN, "mitid"),
    *_side("staff", Side.STAFF, "medarbejder"),
    path("demo-mitid/", views.DemoMitIdView.as_view(), name="demo_mitid"),
]
