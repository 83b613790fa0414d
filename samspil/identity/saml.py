"""SAML 2.0 with pysaml2: MitID through NemLog-in (OIOSAML 3) for citizens, AD FS or KOMBIT's context handler for staff.

This module speaks the protocol and nothing else: it builds the service provider's configuration from the settings,
sends AuthnRequests and LogoutRequests (HTTP-Redirect, signed), reads the answers (HTTP-POST for log-in, HTTP-Redirect
or HTTP-POST for log-out) and says in `SamlRefused.reason` why an answer is refused. What an identity means for an
account is in `services.py`.

pysaml2 checks the signatures (xmlsec1; assertions must be signed, unsigned ones are refused), the audience, the
validity window (with `SAMSPIL_IDP_CLOCK_SKEW_SECONDS`), the destination and InResponseTo against the requests this
browser sent (kept in its session by `services`). The replay check (a used assertion never logs in again, on any
app server) is the `UsedAssertion` table, written by `services`.

A fresh `Saml2Client` answers each request: pysaml2 keeps every identity it reads (with the CPR number) in the
client's in-memory cache, which must not outlive the request. The configuration (the parsed IdP metadata) is kept
per process for `SAMSPIL_IDP_METADATA_CACHE_SECONDS`.
"""

import base64
import calendar
import datetime
import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import unquote_plus

from django.conf import settings
from django.utils import timezone
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, samlp
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.ident import code as name_id_code
from saml2.ident import decode as name_id_decode
from saml2.metadata import entity_descriptor
from saml2.response import IncorrectlySigned, StatusError, UnsolicitedResponse
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_TRANSIENT, AuthnContextClassRef
from saml2.samlp import RequestedAuthnContext
from saml2.sigver import SignatureError, SigverError, extract_rsa_key_from_x509_cert, pem_format
from saml2.time_util import str_to_time
from saml2.validate import ResponseLifetimeExceed, ToEarly

from samspil.identity import config
from samspil.identity.choices import RefusalReason, Side

logger = logging.getLogger(__name__)

RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
NSIS_LOA_URI = "https://data.gov.dk/concept/core/nsis/loa/"
_LOA_IN_ENGLISH = {1: "Low", 2: "Substantial", 3: "High"}


class SamlRefused(Exception):
    """An answer that logs nobody in. `reason` is a `RefusalReason`; `in_response_to` is the request it claims to
    answer (for the replay check), `issuer` the provider it claims to come from."""

    def __init__(self, reason: str, *, in_response_to: str = "", issuer: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.in_response_to = in_response_to
        self.issuer = issuer


@dataclass(frozen=True)
class SamlIdentity:
    """What a verified assertion says. `attributes` may hold the CPR number: never log or store it."""

    issuer: str
    name_id: str  # pysaml2's coded NameID (format and value), for single logout
    name_id_value: str
    name_id_format: str
    session_index: str
    attributes: dict
    authn_context: str
    assertion_id: str
    request_id: str
    expires_at: datetime.datetime

    def first(self, name: str) -> str:
        values = self.attributes.get(name) or []
        return str(values[0]).strip() if values else ""


# --- configuration ----------------------------------------------------------------------------------------------

_cache: dict[tuple, tuple[float, SPConfig]] = {}
_cache_lock = threading.Lock()


def _config_dict(provider: config.Provider) -> dict:
    options = provider.options
    key_file, cert_file = options["key_file"], options["cert_file"]
    if options.get("idp_metadata_file"):
        metadata = {"local": [options["idp_metadata_file"]]}
    else:
        metadata = {"remote": [{"url": options["idp_metadata_url"]}]}
    sp = {
        "endpoints": {
            "assertion_consumer_service": [(provider.absolute("saml_acs"), BINDING_HTTP_POST)],
            "single_logout_service": [
                (provider.absolute("saml_slo"), BINDING_HTTP_REDIRECT),
                (provider.absolute("saml_slo"), BINDING_HTTP_POST),
            ],
        },
        "want_assertions_signed": True,
        "want_response_signed": bool(options.get("want_response_signed")),
        "authn_requests_signed": True,
        "logout_requests_signed": True,
        "logout_responses_signed": True,
        "allow_unsolicited": False,
        "signing_algorithm": RSA_SHA256,
        "digest_algorithm": SHA256,
    }
    if provider.side == Side.CITIZEN:  # RequestedAttribute elements in the metadata, as NemLog-in registers them
        sp["required_attributes"] = [options["cpr_attribute"], options["loa_attribute"]]
        sp["requested_attribute_name_format"] = NAME_FORMAT_URI
    result = {
        "entityid": provider.entity_id,
        "name": "Samspil",
        "xmlsec_binary": config.xmlsec_binary(),
        "key_file": key_file,
        "cert_file": cert_file,
        "encryption_keypairs": [
            {
                "key_file": options.get("encryption_key_file") or key_file,
                "cert_file": options.get("encryption_cert_file") or cert_file,
            }
        ],
        "allow_unknown_attributes": True,
        "accepted_time_diff": settings.SAMSPIL_IDP_CLOCK_SKEW_SECONDS,
        "metadata": metadata,  # a metadata URL is fetched with the TLS certificate verified (pysaml2's default)
        "http_client_timeout": 10,
        "service": {"sp": sp},
    }
    if options.get("contact_email"):
        result["contact_person"] = [{"contact_type": "technical", "email_address": [options["contact_email"]]}]
    return result


def sp_config(provider: config.Provider) -> SPConfig:
    """The service provider's pysaml2 configuration, with the IdP's metadata loaded (kept for a while)."""
    key = (
        provider.side,
        tuple(sorted((k, str(v)) for k, v in provider.options.items())),
        settings.SAMSPIL_BASE_URL,
        settings.SAMSPIL_IDP_CLOCK_SKEW_SECONDS,
        settings.SAMSPIL_XMLSEC1,
    )
    now = time.monotonic()
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
    loaded = SPConfig().load(_config_dict(provider))
    with _cache_lock:
        _cache[key] = (now + settings.SAMSPIL_IDP_METADATA_CACHE_SECONDS, loaded)
    return loaded


def forget_configurations() -> None:
    """Drop the kept configurations (tests; a changed metadata file is read again after the cache time anyway)."""
    with _cache_lock:
        _cache.clear()


def _client(provider: config.Provider) -> Saml2Client:
    """A new client; `SamlRefused(IDP_UNAVAILABLE)` when the provider's metadata cannot be read (URL down)."""
    try:
        return Saml2Client(config=sp_config(provider))
    except Exception as error:
        logger.warning("SAML metadata not loaded (%s): %s", provider.side, type(error).__name__)
        raise SamlRefused(RefusalReason.IDP_UNAVAILABLE) from None


def _idp_entity_id(client: Saml2Client) -> str:
    """The one identity provider in the metadata (NemLog-in, or the municipality's)."""
    entities = list(client.metadata.identity_providers())
    if len(entities) != 1:
        raise ValueError(f"The IdP metadata must describe exactly one identity provider, not {len(entities)}.")
    return entities[0]


def metadata_xml(provider: config.Provider) -> str:
    """The service provider's metadata, for registering Samspil with NemLog-in or the municipality's provider."""
    return str(entity_descriptor(SPConfig().load({**_config_dict(provider), "metadata": {}})))


# --- log-in -------------------------------------------------------------------------------------------------------


def authn_request(provider: config.Provider) -> tuple[str, str]:
    """A signed AuthnRequest by HTTP-Redirect: (its id, the URL to send the browser to). Raises `SamlRefused`."""
    client = _client(provider)
    kwargs = {}
    if provider.side == Side.CITIZEN:
        level = _LOA_IN_ENGLISH[config.minimum_loa_rank()]
        kwargs["requested_authn_context"] = RequestedAuthnContext(
            authn_context_class_ref=[AuthnContextClassRef(text=NSIS_LOA_URI + level)], comparison="minimum"
        )
    request_id, info = client.prepare_for_authenticate(
        entityid=_idp_entity_id(client),
        binding=BINDING_HTTP_REDIRECT,
        sign=True,
        sigalg=RSA_SHA256,
        digest_alg=SHA256,
        **kwargs,
    )
    return request_id, dict(info["headers"])["Location"]


def read_response(provider: config.Provider, saml_response: str, outstanding: dict[str, str]) -> SamlIdentity:
    """Verify a posted SAMLResponse against the requests this browser sent (`outstanding`: id → anything).

    Raises `SamlRefused` with the reason; the reason never carries the assertion's content.
    """
    claimed = _claimed_request(saml_response)
    client = _client(provider)
    try:
        response = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding=outstanding)
    except Exception as error:  # pysaml2 signals most failures with its own classes, some with a bare Exception
        reason = _reason_for(error)
        logger.info("SAML response refused (%s): %s", reason, type(error).__name__)
        raise SamlRefused(reason, in_response_to=claimed.in_response_to, issuer=claimed.issuer) from None
    if response is None or response.assertion is None or response.name_id is None:
        raise SamlRefused(RefusalReason.INVALID_RESPONSE, in_response_to=claimed.in_response_to, issuer=claimed.issuer)
    session = response.session_info()
    issuer = (response.assertion.issuer.text or "").strip() if response.assertion.issuer else session["issuer"]
    authn = response.authn_info()
    return SamlIdentity(
        issuer=issuer,
        name_id=name_id_code(response.name_id),
        name_id_value=(response.name_id.text or "").strip(),
        name_id_format=response.name_id.format or "",
        session_index=session.get("session_index") or "",
        attributes={name: list(values) for name, values in (response.ava or {}).items()},
        authn_context=authn[0][0] if authn else "",
        assertion_id=response.assertion.id,
        request_id=response.in_response_to or "",
        expires_at=_expiry(response),
    )


@dataclass(frozen=True)
class _Claimed:
    in_response_to: str = ""
    issuer: str = ""


def _claimed_request(saml_response: str) -> _Claimed:
    """What an unverified response says it answers and who sent it: only to tell a replay from a stray answer."""
    try:
        parsed = samlp.response_from_string(base64.b64decode(saml_response, validate=False))
    except Exception:
        return _Claimed()
    if parsed is None:
        return _Claimed()
    issuer = (parsed.issuer.text or "").strip() if parsed.issuer is not None else ""
    return _Claimed(in_response_to=parsed.in_response_to or "", issuer=issuer)


def _reason_for(error: Exception) -> str:
    text = str(error)
    if isinstance(error, UnsolicitedResponse) or "requestURI I don't recall" in text:
        return RefusalReason.NO_REQUEST
    if isinstance(error, StatusError):
        return RefusalReason.IDP_ERROR
    if isinstance(error, (SignatureError, SigverError, IncorrectlySigned)):
        return RefusalReason.SIGNATURE
    if isinstance(error, (ResponseLifetimeExceed, ToEarly)):
        return RefusalReason.EXPIRED
    if "AudienceRestrictions" in text:
        return RefusalReason.AUDIENCE
    return RefusalReason.INVALID_RESPONSE


def _expiry(response) -> datetime.datetime:
    """When the assertion stops being accepted anyway (plus the clock skew): the used-assertion row may go then."""
    moments = [response.not_on_or_after or 0]
    for confirmation in response.assertion.subject.subject_confirmation:
        data = confirmation.subject_confirmation_data
        if data is not None and data.not_on_or_after:
            moments.append(calendar.timegm(str_to_time(data.not_on_or_after)))
    latest = max(moments)
    if latest <= 0:
        latest = int(time.time()) + 3600
    skew = settings.SAMSPIL_IDP_CLOCK_SKEW_SECONDS
    return datetime.datetime.fromtimestamp(latest + skew, tz=datetime.UTC)


def is_transient(identity: SamlIdentity) -> bool:
    return identity.name_id_format == NAMEID_FORMAT_TRANSIENT


# --- single logout ------------------------------------------------------------------------------------------------


def logout_request(provider: config.Provider, *, issuer: str, name_id: str, session_index: str) -> tuple[str, str]:
    """A signed LogoutRequest by HTTP-Redirect to the provider that logged the session in: (id, URL)."""
    client = _client(provider)
    destination = _idp_slo_location(client, issuer)
    request_id, request = client.create_logout_request(
        destination,
        issuer,
        name_id=name_id_decode(name_id),
        session_indexes=[session_index] if session_index else None,
        sign=False,  # the HTTP-Redirect binding signs the query string, not the XML
        expire=_in_minutes(5),
    )
    info = client.apply_binding(BINDING_HTTP_REDIRECT, str(request), destination, sign=True, sigalg=RSA_SHA256)
    return request_id, dict(info["headers"])["Location"]


def _in_minutes(minutes: int) -> str:
    moment = timezone.now() + datetime.timedelta(minutes=minutes)
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _idp_slo_location(client: Saml2Client, issuer: str, binding: str = BINDING_HTTP_REDIRECT) -> str:
    services = client.metadata.single_logout_service(issuer, binding, "idpsso")
    if not services:
        raise ValueError("The identity provider has no single logout service for this binding.")
    return services[0]["location"]


@dataclass(frozen=True)
class LogoutRequestIn:
    """A verified LogoutRequest from the identity provider, and the signed answer to send the browser back with."""

    name_id: str
    session_indexes: tuple[str, ...]
    answer_url: str


def read_logout_request(provider: config.Provider, *, binding: str, params, raw_query: str = "") -> LogoutRequestIn:
    """Verify an IdP-initiated LogoutRequest (signed: by the query string for HTTP-Redirect, in the XML for POST)
    and build the LogoutResponse. Raises `SamlRefused` when it is not signed by the provider or not for us."""
    client = _client(provider)
    message = params.get("SAMLRequest", "")
    relay_state = params.get("RelayState") or None
    try:
        request = client.parse_logout_request(message, binding, relay_state=relay_state)
    except Exception as error:
        logger.info("SAML logout request refused: %s", type(error).__name__)
        raise SamlRefused(RefusalReason.INVALID_RESPONSE) from None
    if request is None or request.message is None:
        raise SamlRefused(RefusalReason.INVALID_RESPONSE)
    issuer = (request.message.issuer.text or "").strip() if request.message.issuer is not None else ""
    if binding == BINDING_HTTP_REDIRECT:
        if not _redirect_signature_ok(client, issuer, raw_query, "SAMLRequest"):
            raise SamlRefused(RefusalReason.SIGNATURE, issuer=issuer)
    elif request.message.signature is None:  # pysaml2 verified a signature that is there; it must be there
        raise SamlRefused(RefusalReason.SIGNATURE, issuer=issuer)
    destination = _idp_slo_location(client, issuer)
    response = client.create_logout_response(request.message, [BINDING_HTTP_REDIRECT], sign=False)
    info = client.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(response),
        destination,
        relay_state or "",
        response=True,
        sign=True,
        sigalg=RSA_SHA256,
    )
    return LogoutRequestIn(
        name_id=name_id_code(request.message.name_id) if request.message.name_id is not None else "",
        session_indexes=tuple((index.text or "") for index in request.message.session_index),
        answer_url=dict(info["headers"])["Location"],
    )


def read_logout_response(provider: config.Provider, *, binding: str, params, raw_query: str = "") -> str:
    """Verify the provider's LogoutResponse to our LogoutRequest: the id of the request it answers, or SamlRefused."""
    client = _client(provider)
    try:
        response = client.parse_logout_request_response(params.get("SAMLResponse", ""), binding)
    except Exception as error:
        reason = _reason_for(error)
        logger.info("SAML logout response refused (%s): %s", reason, type(error).__name__)
        raise SamlRefused(reason) from None
    if response is None or response.response is None:
        raise SamlRefused(RefusalReason.INVALID_RESPONSE)
    issuer = response.issuer()
    if binding == BINDING_HTTP_REDIRECT and not _redirect_signature_ok(client, issuer, raw_query, "SAMLResponse"):
        raise SamlRefused(RefusalReason.SIGNATURE, issuer=issuer)
    return response.in_response_to or ""


def _redirect_signature_ok(client: Saml2Client, issuer: str, raw_query: str, kind: str) -> bool:
    """The HTTP-Redirect binding's signature, over the query string exactly as the provider encoded it (SAML
    bindings 3.4.4.1): the message, RelayState if present and SigAlg, in that order."""
    parts = {}
    for part in raw_query.split("&"):
        name, _, value = part.partition("=")
        if name in (kind, "RelayState", "SigAlg", "Signature") and name not in parts:
            parts[name] = part if name != "Signature" else value
    if "SigAlg" not in parts or "Signature" not in parts or kind not in parts:
        return False
    signed = "&".join(parts[name] for name in (kind, "RelayState", "SigAlg") if name in parts).encode("ascii")
    sigalg = unquote_plus(parts["SigAlg"].partition("=")[2])
    try:
        signature = base64.b64decode(unquote_plus(parts["Signature"]))
        signer = client.sec.sec_backend.get_signer(sigalg)
    except Exception:
        return False
    if signer is None:  # an algorithm pysaml2 does not offer
        return False
    try:
        certificates = client.metadata.certs(issuer, "idpsso", "signing")
    except Exception:
        return False
    return any(_verifies(signer, signed, signature, certificate) for _name, certificate in certificates)


def _verifies(signer, signed: bytes, signature: bytes, certificate: str) -> bool:
    try:
        return bool(signer.verify(signed, signature, extract_rsa_key_from_x509_cert(pem_format(certificate))))
    except Exception:  # a signature made with another key raises instead of answering False
        return False
