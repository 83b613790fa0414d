"""Log-in through identity providers: from a verified identity to a Samspil session, and every refusal recorded.

- Citizens and custody holders (MitID, by SAML or OIDC): the CPR number is matched through the blind index against
  the citizens of every municipality; the one citizen found gets (or reuses) one citizen account. The CPR number
  lives only in local variables here: never in the session, a log line, a URL or a row.
- Staff (the municipality's provider, by SAML or OIDC): matched to an existing staff account through
  `ExternalIdentity` (provider + stable subject identifier); nothing is created from the assertion.
- A refusal writes a `LoginRefusal` row and a warning log line, ends any session of the browser, and the view
  shows identity/refused.html.

The session after a log-in holds the user (Django's keys), `samspil_login_method` and, for a SAML session, what
single logout needs (`samspil_saml`: side, provider, NameID, SessionIndex).
"""

import logging
import secrets
import time
from dataclasses import dataclass

from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from samspil.accounts.backends import SamspilBackend
from samspil.accounts.choices import AccountKind
from samspil.accounts.models import User
from samspil.audit import context as audit_context
from samspil.citizens import cpr
from samspil.citizens.models import Citizen
from samspil.identity import config, oidc, saml
from samspil.identity.choices import LoginMethod, RefusalReason, Side
from samspil.identity.models import ExternalIdentity, LoginRefusal, UsedAssertion

logger = logging.getLogger(__name__)

BACKEND = "samspil.accounts.backends.SamspilBackend"
LOGIN_METHOD_KEY = "samspil_login_method"  # read by accounts.second_factor: TOTP only for "password"
SAML_SESSION_KEY = "samspil_saml"
SAML_REQUESTS_KEY = "samspil_saml_requests"
SAML_LOGOUT_KEY = "samspil_saml_logout"
OIDC_NEXT_KEY = "samspil_oidc_next"
# How long a started SAML log-in may take (MitID in the app can take minutes), and how many may be open at once.
SAML_REQUEST_MAX_AGE_SECONDS = 60 * 60
SAML_REQUESTS_KEPT = 5


class Refused(Exception):
    """A log-in that is refused. Carries no CPR number; `subject` only for staff (so an admin can link it)."""

    def __init__(self, reason: str, *, method: str, issuer: str = "", subject: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.method = method
        self.issuer = issuer
        self.subject = subject


@dataclass(frozen=True)
class LoggedIn:
    user: User
    next_url: str


# --- refusals --------------------------------------------------------------------------------------------------


def refusal_record(*, request, refused: Refused) -> LoginRefusal:
    """Log the refusal (no CPR), write its row and end whatever session the browser had."""
    request_id = getattr(request, "request_id", "") or audit_context.current().request_id
    logger.warning(
        "log-in refused: method=%s reason=%s request=%s issuer=%s",
        refused.method,
        refused.reason,
        request_id,
        refused.issuer or "-",
    )
    auth_logout(request)  # a refused answer leaves nobody logged in in this browser
    return LoginRefusal.objects.create(
        method=refused.method,
        reason=refused.reason,
        request_id=request_id,
        issuer=refused.issuer[:255],
        subject=refused.subject[:255] if refused.method in (LoginMethod.STAFF_SAML, LoginMethod.STAFF_OIDC) else "",
    )


# --- SAML --------------------------------------------------------------------------------------------------------


def saml_login_start(*, request, provider: config.Provider, next_url: str) -> str:
    """Send a signed AuthnRequest; remember its id (and where to go after) in this browser's session. Raises
    `Refused` when the provider's metadata cannot be read."""
    try:
        request_id, url = saml.authn_request(provider)
    except saml.SamlRefused as error:
        raise Refused(error.reason, method=provider.method) from None
    now = int(time.time())
    pending = {
        key: value
        for key, value in (request.session.get(SAML_REQUESTS_KEY) or {}).items()
        if now - value.get("at", 0) < SAML_REQUEST_MAX_AGE_SECONDS
    }
    pending[request_id] = {"side": provider.side, "next": next_url, "at": now}
    newest = sorted(pending.items(), key=lambda item: item[1]["at"])[-SAML_REQUESTS_KEPT:]
    request.session[SAML_REQUESTS_KEY] = dict(newest)
    return url


def saml_login_finish(*, request, provider: config.Provider, saml_response: str) -> LoggedIn:
    """Verify the posted answer, check it was not used before, and log the person in. Raises `Refused`."""
    method = provider.method
    pending = {
        key: value
        for key, value in (request.session.get(SAML_REQUESTS_KEY) or {}).items()
        if value.get("side") == provider.side
    }
    try:
        identity = saml.read_response(provider, saml_response, {key: value["next"] for key, value in pending.items()})
    except saml.SamlRefused as error:
        reason = error.reason
        if reason == RefusalReason.NO_REQUEST and _answered_before(error.in_response_to):
            reason = RefusalReason.REPLAYED
        raise Refused(reason, method=method, issuer=error.issuer) from None
    _assertion_use(identity, method=method)
    if provider.side == Side.CITIZEN:
        user = _citizen_from_saml(provider, identity)
    else:
        user = _staff_from_saml(provider, identity)
    next_url = pending.get(identity.request_id, {}).get("next", "")
    _session_start(
        request,
        user,
        method=method,
        saml_session={
            "side": provider.side,
            "issuer": identity.issuer,
            "name_id": identity.name_id,
            "session_index": identity.session_index,
        },
    )
    return LoggedIn(user=user, next_url=next_url)


def _answered_before(request_id: str) -> bool:
    return bool(request_id) and UsedAssertion.objects.filter(request_id=request_id).exists()


def _assertion_use(identity: saml.SamlIdentity, *, method: str) -> None:
    """Record the assertion as used; one that is already there is a replay (on this or any other app server)."""
    UsedAssertion.objects.filter(expires_at__lt=timezone.now()).delete()
    try:
        with transaction.atomic():
            UsedAssertion.objects.create(
                issuer=identity.issuer[:255],
                assertion_id=identity.assertion_id[:255],
                request_id=identity.request_id[:255],
                expires_at=identity.expires_at,
            )
    except IntegrityError:
        raise Refused(RefusalReason.REPLAYED, method=method, issuer=identity.issuer) from None


def _citizen_from_saml(provider: config.Provider, identity: saml.SamlIdentity) -> User:
    method = provider.method
    # The NSIS level attribute, or else the AuthnContextClassRef (OIOSAML 3 sends both).
    loa = identity.first(provider.options["loa_attribute"])
    _require_loa(loa, identity.authn_context, method=method, issuer=identity.issuer)
    digits = identity.first(provider.options["cpr_attribute"])
    return citizen_account_for_cpr(digits, method=method, issuer=identity.issuer)


def _staff_from_saml(provider: config.Provider, identity: saml.SamlIdentity) -> User:
    method = provider.method
    attribute = provider.options.get("subject_attribute") or ""
    if attribute:
        subject = identity.first(attribute)
    elif saml.is_transient(identity):  # a new NameID at every log-in: it cannot name an account
        subject = ""
    else:
        subject = identity.name_id_value
    if not subject:
        raise Refused(RefusalReason.MISSING_ATTRIBUTE, method=method, issuer=identity.issuer)
    return staff_account_for(issuer=identity.issuer, subject=subject, method=method)


def saml_logout_start(request):
    """Single logout for a SAML session: log out here, and return the URL of the signed LogoutRequest to the
    provider (None for any other session, or when the provider cannot be asked: then only the local log-out)."""
    data = request.session.get(SAML_SESSION_KEY)
    if not data:
        return None
    provider = config.provider(data.get("side", ""), config.SAML)
    if provider is None:
        return None
    try:
        request_id, url = saml.logout_request(
            provider, issuer=data["issuer"], name_id=data["name_id"], session_index=data.get("session_index", "")
        )
    except Exception as error:  # no SLO endpoint, metadata unreachable: the local log-out still happens
        logger.warning("single logout not started (%s): %s", data.get("side"), type(error).__name__)
        return None
    auth_logout(request)
    request.session[SAML_LOGOUT_KEY] = {"id": request_id, "side": provider.side}
    return url


def saml_logout_request_handle(*, request, provider: config.Provider, binding: str, params, raw_query: str) -> str:
    """An IdP-initiated LogoutRequest: verified, the browser's session ended if it is that person's; returns the
    URL of the signed LogoutResponse. Raises `saml.SamlRefused` for a request that is not the provider's."""
    incoming = saml.read_logout_request(provider, binding=binding, params=params, raw_query=raw_query)
    data = request.session.get(SAML_SESSION_KEY) or {}
    if data.get("side") == provider.side and data.get("name_id") == incoming.name_id:
        auth_logout(request)
    return incoming.answer_url


def saml_logout_response_handle(*, request, provider: config.Provider, binding: str, params, raw_query: str) -> bool:
    """The provider's answer to our LogoutRequest. The local session already ended; this only closes the round."""
    outstanding = request.session.pop(SAML_LOGOUT_KEY, None) or {}
    answered = saml.read_logout_response(provider, binding=binding, params=params, raw_query=raw_query)
    return bool(answered) and answered == outstanding.get("id")


# --- OpenID Connect ------------------------------------------------------------------------------------------------


def oidc_login_start(*, request, provider: config.Provider, next_url: str):
    """The redirect to the provider (state, nonce, PKCE in the session). Raises `Refused` when it cannot be reached."""
    try:
        response = oidc.authorize_redirect(provider, request)
    except oidc.OidcRefused as error:
        raise Refused(error.reason, method=provider.method) from None
    request.session[OIDC_NEXT_KEY] = {"side": provider.side, "next": next_url}
    return response


def oidc_login_finish(*, request, provider: config.Provider) -> LoggedIn:
    method = provider.method
    pending = request.session.get(OIDC_NEXT_KEY) or {}
    try:
        identity = oidc.read_callback(provider, request)
    except oidc.OidcRefused as error:
        raise Refused(error.reason, method=method) from None
    options = provider.options
    if provider.side == Side.CITIZEN:
        _require_loa(identity.claim(options["loa_claim"]), identity.claim("acr"), method=method, issuer=identity.issuer)
        user = citizen_account_for_cpr(identity.claim(options["cpr_claim"]), method=method, issuer=identity.issuer)
    else:
        subject = identity.claim(options["subject_claim"])
        if not subject:
            raise Refused(RefusalReason.MISSING_ATTRIBUTE, method=method, issuer=identity.issuer)
        user = staff_account_for(issuer=identity.issuer, subject=subject, method=method)
    next_url = pending.get("next", "") if pending.get("side") == provider.side else ""
    _session_start(request, user, method=method)
    return LoggedIn(user=user, next_url=next_url)


# --- accounts ------------------------------------------------------------------------------------------------------


def _require_loa(*values: str, method: str, issuer: str) -> None:
    """The first of `values` that names an NSIS level decides; none: the level is missing (refused as such)."""
    rank = next((config.loa_rank(value) for value in values if config.loa_rank(value)), 0)
    if rank == 0:
        raise Refused(RefusalReason.MISSING_ATTRIBUTE, method=method, issuer=issuer)
    if rank < config.minimum_loa_rank():
        raise Refused(RefusalReason.ASSURANCE_TOO_LOW, method=method, issuer=issuer)


def citizen_account_for_cpr(raw: str, *, method: str, issuer: str = "") -> User:
    """The one citizen account of the citizen with this CPR number, made at the first log-in. Raises `Refused`.

    The number is matched through the blind index against the citizens of every municipality; a citizen known in
    more than one municipality is refused (see README: the portal cannot yet tell which municipality is meant).
    """
    if not raw:
        raise Refused(RefusalReason.MISSING_ATTRIBUTE, method=method, issuer=issuer)
    try:
        digits = cpr.normalise(raw)
    except ValidationError:
        raise Refused(RefusalReason.MISSING_ATTRIBUTE, method=method, issuer=issuer) from None
    # Every municipality's citizens: the log-in comes before any scope (no user yet); only the index is compared.
    citizens = list(Citizen.objects.filter(cpr_index=cpr.blind_index(digits))[:3])
    if not citizens:
        raise Refused(RefusalReason.UNKNOWN_CPR, method=method, issuer=issuer)
    if len({citizen.municipality_id for citizen in citizens}) > 1:
        raise Refused(RefusalReason.SEVERAL_MUNICIPALITIES, method=method, issuer=issuer)
    user = citizen_account_get_or_create(citizen=citizens[0])
    if not SamspilBackend().may_hold_session(user):
        raise Refused(RefusalReason.ACCOUNT_CLOSED, method=method, issuer=issuer)
    return user


def citizen_account_get_or_create(*, citizen: Citizen) -> User:
    """The citizen's one account (kind citizen), made on first use: names and e-mail from the citizen record, an
    unusable password, a random user name (never the CPR number). Names are brought up to date on every log-in."""
    user = User.objects.filter(citizen=citizen).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User(
                    username=f"borger-{secrets.token_hex(8)}",
                    kind=AccountKind.CITIZEN,
                    citizen=citizen,
                    municipality_id=citizen.municipality_id,
                    first_name=citizen.first_name[:150],
                    last_name=citizen.last_name[:150],
                    email=citizen.email,
                )
                user.set_unusable_password()
                user.save()
                return user
        except IntegrityError:  # the same citizen's first log-in in another tab, at the same moment
            user = User.objects.get(citizen=citizen)
    fresh = {"first_name": citizen.first_name[:150], "last_name": citizen.last_name[:150], "email": citizen.email}
    changed = [field for field, value in fresh.items() if getattr(user, field) != value]
    if changed:
        for field in changed:
            setattr(user, field, fresh[field])
        user.save(update_fields=changed)
    return user


def staff_account_for(*, issuer: str, subject: str, method: str) -> User:
    """The existing staff account linked to this provider and subject. Never created here; raises `Refused`."""
    link = ExternalIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    if link is None or not link.user.is_staff_account:
        raise Refused(RefusalReason.UNKNOWN_STAFF_SUBJECT, method=method, issuer=issuer, subject=subject)
    if not SamspilBackend().may_hold_session(link.user):
        raise Refused(RefusalReason.ACCOUNT_CLOSED, method=method, issuer=issuer, subject=subject)
    return link.user


# --- sessions ------------------------------------------------------------------------------------------------------


_FLOW_KEYS = (SAML_REQUESTS_KEY, OIDC_NEXT_KEY, SAML_LOGOUT_KEY)


def _session_start(request, user: User, *, method: str, saml_session: dict | None = None) -> None:
    """Log in with a new session key; nothing of the log-in's exchange stays in the session."""
    for key in list(request.session.keys()):
        if key in _FLOW_KEYS or key.startswith("_state_"):
            del request.session[key]
    auth_login(request, user, backend=BACKEND)
    request.session.cycle_key()
    request.session[LOGIN_METHOD_KEY] = method
    if saml_session:
        request.session[SAML_SESSION_KEY] = saml_session


def demo_login(*, request, user: User) -> None:
    """Demo-MitID: log in as a demo citizen account (the view allows it only in demo mode)."""
    _session_start(request, user, method=LoginMethod.DEMO_MITID)


def demo_citizen_accounts():
    return User.objects.filter(kind=AccountKind.CITIZEN, is_demo_account=True, is_active=True).order_by("username")
