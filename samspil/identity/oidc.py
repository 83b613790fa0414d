"""OpenID Connect with Authlib's Django client: a MitID broker for citizens, Entra ID (or another provider) for staff.

The authorisation code flow with PKCE. Authlib keeps `state`, `nonce` and the PKCE verifier in the session under
`_state_<name>_<state>` and checks them on the way back; the ID token's signature is checked against the provider's
JWKS (fetched again once when the key id is unknown), and here also its issuer and audience (Authlib checks the
audience only through `azp`), with `SAMSPIL_IDP_CLOCK_SKEW_SECONDS` of leeway for `exp`, `iat` and `nbf`.
Claims missing from the ID token are read from the userinfo endpoint. What the claims mean for an account is in
`services.py`.
"""

import logging
import threading
import time
from dataclasses import dataclass

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from joserfc import errors as jose_errors

from samspil.identity import config
from samspil.identity.choices import RefusalReason, Side

logger = logging.getLogger(__name__)

HTTP_TIMEOUT_SECONDS = 10


class OidcRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class OidcIdentity:
    """The verified claims of the ID token (and userinfo). May hold the CPR number: never log or store it."""

    issuer: str
    claims: dict

    def claim(self, name: str) -> str:
        value = self.claims.get(name)
        if isinstance(value, list):
            value = value[0] if value else ""
        return "" if value is None else str(value).strip()


_apps: dict[tuple, tuple[float, object]] = {}
_apps_lock = threading.Lock()


def _name(provider: config.Provider) -> str:
    return f"samspil_{provider.side}"


def _app(provider: config.Provider):
    """Authlib's client for the provider, kept per process (with the discovery document and JWKS it loaded)."""
    options = provider.options
    key = (provider.side, tuple(sorted((k, str(v)) for k, v in options.items())), settings.SAMSPIL_BASE_URL)
    now = time.monotonic()
    with _apps_lock:
        cached = _apps.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
    oauth = OAuth()
    app = oauth.register(
        name=_name(provider),
        server_metadata_url=options["discovery_url"],
        client_id=options["client_id"],
        client_secret=options["client_secret"],
        client_kwargs={
            "scope": options["scopes"],
            "code_challenge_method": "S256",
            "default_timeout": HTTP_TIMEOUT_SECONDS,
        },
    )
    with _apps_lock:
        _apps[key] = (now + settings.SAMSPIL_IDP_METADATA_CACHE_SECONDS, app)
    return app


def forget_clients() -> None:
    with _apps_lock:
        _apps.clear()


def authorize_redirect(provider: config.Provider, request):
    """The redirect to the provider's authorisation endpoint; state, nonce and PKCE verifier go in the session."""
    extra = {}
    if provider.side == Side.CITIZEN and provider.options.get("acr_values"):
        extra["acr_values"] = provider.options["acr_values"]
    try:
        return _app(provider).authorize_redirect(request, provider.absolute("oidc_callback"), **extra)
    except requests.RequestException as error:
        logger.warning("OIDC provider unreachable (%s): %s", provider.side, type(error).__name__)
        raise OidcRefused(RefusalReason.IDP_UNAVAILABLE) from None


def read_callback(provider: config.Provider, request) -> OidcIdentity:
    """Exchange the code and verify the ID token; raises `OidcRefused` with the reason."""
    app = _app(provider)
    try:
        metadata = app.load_server_metadata()
        issuer = metadata.get("issuer", "")
        claims_options = {
            "iss": {"essential": True, "values": [issuer]},
            "aud": {"essential": True, "values": [provider.options["client_id"]]},
        }
        token = app.authorize_access_token(
            request, claims_options=claims_options, leeway=settings.SAMSPIL_IDP_CLOCK_SKEW_SECONDS
        )
    except Exception as error:
        reason = _reason_for(error)
        logger.info("OIDC answer refused (%s): %s", reason, type(error).__name__)
        raise OidcRefused(reason) from None
    if "id_token" not in token or not token.get("userinfo"):
        raise OidcRefused(RefusalReason.INVALID_RESPONSE)
    claims = dict(token["userinfo"])
    wanted = _wanted_claims(provider)
    if any(claims.get(name) in (None, "", []) for name in wanted) and metadata.get("userinfo_endpoint"):
        try:
            more = app.userinfo(token=token)
        except Exception as error:
            logger.info("OIDC userinfo not read: %s", type(error).__name__)
            more = {}
        if more.get("sub") == claims.get("sub"):  # the same person, or nothing from it (OIDC Core 5.3.2)
            for name, value in more.items():
                claims.setdefault(name, value)
    return OidcIdentity(issuer=str(claims.get("iss") or issuer), claims=claims)


def _wanted_claims(provider: config.Provider) -> list[str]:
    if provider.side == Side.CITIZEN:
        return [provider.options["cpr_claim"], provider.options["loa_claim"]]
    return [provider.options["subject_claim"]]


def _reason_for(error: Exception) -> str:
    if isinstance(error, MismatchingStateError):
        return RefusalReason.NO_REQUEST
    if isinstance(error, OAuthError):
        return RefusalReason.IDP_ERROR
    if isinstance(error, requests.RequestException):
        return RefusalReason.IDP_UNAVAILABLE
    if isinstance(error, jose_errors.ExpiredTokenError):
        return RefusalReason.EXPIRED
    if isinstance(error, jose_errors.ClaimError):
        if error.claim in ("aud", "azp"):
            return RefusalReason.AUDIENCE
        if error.claim == "nonce":
            return RefusalReason.NO_REQUEST
        if error.claim in ("iat", "nbf"):
            return RefusalReason.EXPIRED
        return RefusalReason.INVALID_RESPONSE
    if isinstance(error, (jose_errors.BadSignatureError, jose_errors.InvalidKeyIdError, jose_errors.MissingKeyError)):
        return RefusalReason.SIGNATURE
    if isinstance(error, jose_errors.UnsupportedAlgorithmError):
        return RefusalReason.SIGNATURE
    return RefusalReason.INVALID_RESPONSE
