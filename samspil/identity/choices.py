from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginMethod(models.TextChoices):
    """How a session was started; kept in the session as `samspil_login_method`.

    `accounts` (the password log-in) uses "password" and asks for TOTP only for that method, so these values are a
    contract: do not rename them.
    """

    MITID_SAML = "mitid_saml", _("MitID through NemLog-in (SAML)")
    MITID_OIDC = "mitid_oidc", _("MitID through a broker (OpenID Connect)")
    DEMO_MITID = "demo_mitid", _("Demo-MitID")
    STAFF_SAML = "staff_saml", _("The municipality's log-in (SAML)")
    STAFF_OIDC = "staff_oidc", _("The municipality's log-in (OpenID Connect)")


class Side(models.TextChoices):
    """Who logs in through an identity provider: citizens (MitID) or staff (the municipality's provider)."""

    CITIZEN = "citizen", _("Citizens and custody holders (MitID)")
    STAFF = "staff", _("Staff (the municipality's identity provider)")


class RefusalReason(models.TextChoices):
    """Why a log-in through an identity provider was refused. Stable codes: they are stored in `LoginRefusal`."""

    SIGNATURE = "signature", _("The signature is missing or does not match")
    AUDIENCE = "audience", _("The answer was meant for another service")
    EXPIRED = "expired", _("The answer has expired or is not valid yet")
    REPLAYED = "replayed", _("The answer was used before")
    NO_REQUEST = "no_request", _("No log-in was started in this browser")
    ASSURANCE_TOO_LOW = "assurance_too_low", _("The assurance level is too low")
    UNKNOWN_CPR = "unknown_cpr", _("No citizen with this CPR number")
    SEVERAL_MUNICIPALITIES = "several_municipalities", _("The citizen is known in several municipalities")
    UNKNOWN_STAFF_SUBJECT = "unknown_staff_subject", _("No staff account is linked to this identity")
    ACCOUNT_CLOSED = "account_closed", _("The account is closed")
    MISSING_ATTRIBUTE = "missing_attribute", _("Information is missing in the answer")
    IDP_ERROR = "idp_error", _("The identity provider did not log the person in")
    IDP_UNAVAILABLE = "idp_unavailable", _("The identity provider could not be reached")
    INVALID_RESPONSE = "invalid_response", _("The answer could not be read")
