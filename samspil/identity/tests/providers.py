"""Real identity providers for the log-in tests, started once per test session (fixtures in conftest.py).

- `SamlIdp`: a pysaml2 IdP (`saml2.server.Server`) served over HTTP from a thread. It takes the AuthnRequest by
  HTTP-Redirect (and checks its signature), and answers with a signed Response in an auto-POST form; it handles
  single logout both ways. What it answers is set per test through `answer` (who logs in, which attributes, and
  the deliberate faults: another audience, an error status, an unsigned assertion).
- `OidcOp`: an OpenID Connect provider built on pyop, served over HTTPS from a thread (discovery, JWKS, authorize,
  token, userinfo); `answer` says who logs in and which faults to make (a foreign signing key, another audience).
- The browser's part of the exchange (`saml_to_idp`, `post_to_acs`, `oidc_log_in`): the Django test client
  against Samspil, `requests` against the provider.

Keys and certificates are generated at session start into a temporary directory.
"""

import base64
import datetime
import html
import json
import re
import ssl
import threading
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs, urlparse
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.test import override_settings

from samspil.identity import config as identity_config
from samspil.identity import saml as identity_saml
from samspil.identity.choices import Side

BASE = "http://testserver"
CPR_ATTRIBUTE = "https://data.gov.dk/model/core/eid/cprNumber"
LOA_ATTRIBUTE = "https://data.gov.dk/concept/core/nsis/loa"
OBJECT_ID_ATTRIBUTE = "http://schemas.microsoft.com/identity/claims/objectidentifier"
OTHER_SP = "https://andet-system.example/saml/metadata"
RSA_SHA256 = identity_saml.RSA_SHA256
SHA256 = identity_saml.SHA256


# --- keys and certificates ---------------------------------------------------------------------------------------


@dataclass
class KeyPair:
    key_file: str
    cert_file: str
    key_pem: bytes
    cert_pem: bytes


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write(directory, name: str, key, cert) -> KeyPair:
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_file, cert_file = directory / f"{name}.key", directory / f"{name}.crt"
    key_file.write_bytes(key_pem)
    cert_file.write_bytes(cert_pem)
    return KeyPair(str(key_file), str(cert_file), key_pem, cert_pem)


# Fixed, wide validity: the suite also runs with the clock moved a year (SAMSPIL_TEST_CLOCK_SHIFT_DAYS), and xmlsec1
# and OpenSSL read the real clock.
VALID_FROM = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
VALID_TO = datetime.datetime(2090, 1, 1, tzinfo=datetime.UTC)


def self_signed(directory, name: str) -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(_name(name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(VALID_FROM)
        .not_valid_after(VALID_TO)
        .sign(key, hashes.SHA256())
    )
    return _write(directory, name, key, cert)


def tls_pair(directory) -> tuple[KeyPair, str]:
    """A test CA and a server certificate for 127.0.0.1 signed by it: (server pair, CA certificate file)."""
    import ipaddress

    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Samspil test CA"))
        .issuer_name(_name("Samspil test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(VALID_FROM)
        .not_valid_after(VALID_TO)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    server_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca_cert.subject)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(VALID_FROM)
        .not_valid_after(VALID_TO)
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file = directory / "test-ca.crt"
    ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    return _write(directory, "op-tls", server_key, server_cert), str(ca_file)


# --- serving WSGI apps from a thread -------------------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # the query strings hold SAML messages; keep them out of the output
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def serve(app, *, tls: KeyPair | None = None):
    """Serve `app` on 127.0.0.1 (a free port) from a daemon thread: (server, base URL)."""
    server = make_server("127.0.0.1", 0, app, server_class=_ThreadingServer, handler_class=_QuietHandler)
    scheme = "http"
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls.cert_file, tls.key_file)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"{scheme}://127.0.0.1:{server.server_port}"


def _respond(start_response, status: str, body: str | bytes = b"", content_type="text/html", headers=()):
    data = body.encode() if isinstance(body, str) else body
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(data))), *headers])
    return [data]


# --- the SAML identity provider ------------------------------------------------------------------------------------


@dataclass
class SamlAnswer:
    """What the IdP answers to the next AuthnRequest."""

    attributes: dict = field(default_factory=dict)
    name_id: str = "persistent-id-1"
    name_id_format: str = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
    authn_class: str = "https://data.gov.dk/concept/core/nsis/loa/Substantial"
    sign_assertion: bool = True
    encrypt_assertion: bool = False
    audience: str | None = None  # another service provider's entity id
    error_status: str | None = None  # e.g. saml2.samlp.STATUS_AUTHN_FAILED: the person cancelled


class SamlIdp:
    """A pysaml2 IdP behind a small WSGI app: /metadata, /sso (HTTP-Redirect in, auto-POST form out), /slo."""

    def __init__(self, directory, sp_keys: KeyPair):
        from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
        from saml2.config import IdPConfig
        from saml2.server import Server

        self.binding_post, self.binding_redirect = BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
        self.keys = self_signed(directory, "test-idp")
        self.directory = directory
        self.server, self.base = serve(self.app)
        self.entity_id = f"{self.base}/metadata"
        self.answer = SamlAnswer()
        self.seen_urls: list[str] = []
        self.logout_requests: list = []  # LogoutRequests received from Samspil (SP-initiated)
        self.logout_responses: list = []  # LogoutResponses received from Samspil (IdP-initiated)

        sp_metadata = []
        for side in (Side.CITIZEN, Side.STAFF):
            path = directory / f"sp-{side}.xml"
            path.write_text(sp_metadata_xml(side, sp_keys))
            sp_metadata.append(str(path))
        other = directory / "sp-other.xml"
        other.write_text(_other_sp_metadata(directory))
        sp_metadata.append(str(other))
        self.idp_config = self._config(sp_metadata)
        self.idp = Server(config=IdPConfig().load(self.idp_config))
        self.metadata_file = directory / "idp-metadata.xml"
        self.metadata_file.write_text(self.metadata_xml())

    def _config(self, sp_metadata: list[str]) -> dict:
        from saml2.saml import NAME_FORMAT_URI

        return {
            "entityid": self.entity_id,
            "xmlsec_binary": identity_config.xmlsec_binary() or "/usr/bin/xmlsec1",
            "key_file": self.keys.key_file,
            "cert_file": self.keys.cert_file,
            "encryption_keypairs": [{"key_file": self.keys.key_file, "cert_file": self.keys.cert_file}],
            "metadata": {"local": sp_metadata},
            "accepted_time_diff": 60,
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [(f"{self.base}/sso", self.binding_redirect)],
                        "single_logout_service": [(f"{self.base}/slo", self.binding_redirect)],
                    },
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": 5},
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_URI,
                            "sign_response": True,
                            "sign_assertion": True,
                        }
                    },
                    "want_authn_requests_signed": True,
                    "signing_algorithm": RSA_SHA256,
                    "digest_algorithm": SHA256,
                }
            },
        }

    def metadata_xml(self) -> str:
        from saml2.config import IdPConfig
        from saml2.metadata import entity_descriptor

        return str(entity_descriptor(IdPConfig().load({**self.idp_config, "metadata": {}})))

    # The WSGI app ----------------------------------------------------------------------------------------------

    def app(self, environ, start_response):
        path, query = environ["PATH_INFO"], environ.get("QUERY_STRING", "")
        self.seen_urls.append(f"{self.base}{path}?{query}")
        params = {key: values[0] for key, values in parse_qs(query).items()}
        try:
            if path == "/metadata":
                return _respond(start_response, "200 OK", self.metadata_xml(), "application/samlmetadata+xml")
            if path == "/sso":
                return _respond(start_response, "200 OK", self.sso(params))
            if path == "/slo":
                location = self.slo(params)
                if location:
                    return _respond(start_response, "302 Found", headers=[("Location", location)])
                return _respond(start_response, "200 OK", "logged out")
        except Exception as error:  # the test reads the status; the text names the failure, never the message
            return _respond(start_response, "400 Bad Request", type(error).__name__, "text/plain")
        return _respond(start_response, "404 Not Found", "not found", "text/plain")

    def sso(self, params) -> str:
        from saml2.saml import NameID

        request = self.idp.parse_authn_request(
            params["SAMLRequest"],
            self.binding_redirect,
            relay_state=params.get("RelayState"),
            sigalg=params.get("SigAlg"),
            signature=params.get("Signature"),
        )
        args = self.idp.response_args(request.message)
        answer = self.answer
        if answer.error_status:
            response = self.idp.create_error_response(
                args["in_response_to"],
                args["destination"],
                (answer.error_status, "The user cancelled"),
                sign=True,
                sign_alg=RSA_SHA256,
                digest_alg=SHA256,
            )
        else:
            if answer.audience:
                args["sp_entity_id"] = answer.audience
            encrypt = {}
            if answer.encrypt_assertion:
                encrypt = {
                    "encrypt_assertion": True,
                    "encrypt_cert_assertion": self._sp_cert(request.message.issuer.text),
                    "encrypted_advice_attributes": False,
                }
            response = self.idp.create_authn_response(
                answer.attributes,
                userid=answer.name_id,
                name_id=NameID(format=answer.name_id_format, text=answer.name_id),
                authn={"class_ref": answer.authn_class, "authn_auth": self.entity_id},
                sign_assertion=answer.sign_assertion,
                sign_response=answer.sign_assertion,
                sign_alg=RSA_SHA256,
                digest_alg=SHA256,
                session_not_on_or_after=None,
                **encrypt,
                **args,
            )
        http = self.idp.apply_binding(
            self.binding_post, str(response), args["destination"], params.get("RelayState", ""), response=True
        )
        return http["data"]

    def _sp_cert(self, sp_entity_id: str) -> str:
        certificates = self.idp.metadata.certs(sp_entity_id, "spsso", "encryption")
        return certificates[0][1]

    def slo(self, params) -> str | None:
        if "SAMLRequest" in params:  # SP-initiated: Samspil's log-out button
            request = self.idp.parse_logout_request(
                params["SAMLRequest"],
                self.binding_redirect,
                relay_state=params.get("RelayState"),
                sigalg=params.get("SigAlg"),
                signature=params.get("Signature"),
            )
            self.logout_requests.append(request.message)
            response = self.idp.create_logout_response(request.message, [self.binding_redirect], sign=False)
            destination = self._sp_slo(request.message.issuer.text)
            http = self.idp.apply_binding(
                self.binding_redirect,
                str(response),
                destination,
                params.get("RelayState", ""),
                response=True,
                sign=True,
                sigalg=RSA_SHA256,
            )
            return dict(http["headers"])["Location"]
        if "SAMLResponse" in params:  # the answer to our own LogoutRequest
            response = self.idp.parse_logout_request_response(params["SAMLResponse"], self.binding_redirect)
            self.logout_responses.append(response)
            return None
        raise ValueError("neither request nor response")

    def _sp_slo(self, sp_entity_id: str) -> str:
        return self.idp.metadata.single_logout_service(sp_entity_id, self.binding_redirect, "spsso")[0]["location"]

    def logout_request_url(self, side: str, *, name_id: str, session_index: str, sign: bool = True) -> str:
        """An IdP-initiated LogoutRequest for the person, by HTTP-Redirect to Samspil's SLO endpoint."""
        from saml2.saml import NameID

        sp = sp_entity_id(side)
        destination = self._sp_slo(sp)
        _, request = self.idp.create_logout_request(
            destination,
            sp,
            name_id=NameID(format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", text=name_id),
            session_indexes=[session_index],
            sign=False,
        )
        http = self.idp.apply_binding(self.binding_redirect, str(request), destination, sign=sign, sigalg=RSA_SHA256)
        return dict(http["headers"])["Location"]


def sp_entity_id(side: str) -> str:
    folder = "mitid" if side == Side.CITIZEN else "medarbejder"
    return f"{BASE}/identitet/{folder}/saml/metadata/"


def sp_options(side: str, keys: KeyPair, **extra) -> dict:
    options = {
        "entity_id": "",
        "idp_metadata_file": "",
        "idp_metadata_url": "",
        "key_file": keys.key_file,
        "cert_file": keys.cert_file,
        "encryption_key_file": "",
        "encryption_cert_file": "",
        "want_response_signed": False,
        "contact_email": "",
    }
    if side == Side.CITIZEN:
        options.update(cpr_attribute=CPR_ATTRIBUTE, loa_attribute=LOA_ATTRIBUTE)
    else:
        options.update(subject_attribute="")
    options.update(extra)
    return options


def sp_metadata_xml(side: str, keys: KeyPair) -> str:
    """Samspil's SP metadata, as its metadata endpoint gives it (registered with the IdP, as with NemLog-in)."""
    with override_settings(SAMSPIL_BASE_URL=BASE):
        provider = identity_config.Provider(side=side, protocol=identity_config.SAML, options=sp_options(side, keys))
        return identity_saml.metadata_xml(provider)


def _other_sp_metadata(directory) -> str:
    from saml2 import BINDING_HTTP_POST
    from saml2.config import SPConfig
    from saml2.metadata import entity_descriptor

    keys = self_signed(directory, "other-sp")
    config = {
        "entityid": OTHER_SP,
        "xmlsec_binary": identity_config.xmlsec_binary() or "/usr/bin/xmlsec1",
        "key_file": keys.key_file,
        "cert_file": keys.cert_file,
        "service": {
            "sp": {
                "endpoints": {
                    "assertion_consumer_service": [("https://andet-system.example/saml/acs", BINDING_HTTP_POST)]
                }
            }
        },
    }
    return str(entity_descriptor(SPConfig().load(config)))


# --- the exchange, as a browser does it ----------------------------------------------------------------------------


@dataclass
class Exchange:
    """Every URL the browser (test) saw, and the last response from Samspil."""

    urls: list[str] = field(default_factory=list)
    response: object = None
    saml_response: str = ""
    relay_state: str = ""
    acs_path: str = ""


_FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"', re.I)
_HIDDEN = re.compile(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', re.I)


def read_auto_post_form(page: str) -> tuple[str, dict]:
    """The action and the hidden fields of the IdP's auto-POST form."""
    action = html.unescape(_FORM_ACTION.search(page).group(1))
    return action, {name: html.unescape(value) for name, value in _HIDDEN.findall(page)}


def saml_to_idp(client, start_path: str, exchange: Exchange | None = None) -> Exchange:
    """Start the log-in at Samspil, follow it to the IdP over HTTP, and read the IdP's answer (not posted yet)."""
    exchange = exchange or Exchange()
    started = client.get(start_path)
    assert started.status_code == 302, started.status_code
    location = started["Location"]
    exchange.urls += [start_path, location]
    page = requests.get(location, timeout=10)
    assert page.status_code == 200, page.text
    action, fields = read_auto_post_form(page.text)
    exchange.acs_path = urlparse(action).path
    exchange.urls.append(action)
    exchange.saml_response = fields["SAMLResponse"]
    exchange.relay_state = fields.get("RelayState", "")
    return exchange


def post_to_acs(client, exchange: Exchange, saml_response: str | None = None):
    data = {"SAMLResponse": saml_response or exchange.saml_response}
    if exchange.relay_state:
        data["RelayState"] = exchange.relay_state
    response = client.post(exchange.acs_path, data)
    exchange.response = response
    if response.has_header("Location"):
        exchange.urls.append(response["Location"])
    return response


def saml_log_in(client, start_path: str) -> Exchange:
    exchange = saml_to_idp(client, start_path)
    post_to_acs(client, exchange)
    return exchange


def edit_saml_response(saml_response: str, old: str, new: str) -> str:
    xml = base64.b64decode(saml_response).decode()
    assert old in xml, "the text to tamper with is not in the response"
    return base64.b64encode(xml.replace(old, new).encode()).decode()


# --- the OpenID Connect provider -----------------------------------------------------------------------------------

CLIENT_ID = "samspil-test-client"
CLIENT_SECRET = "samspil-test-secret-not-for-production"


@dataclass
class OidcAnswer:
    user_id: str = "user-1"
    sub: str = "subject-1"
    claims: dict = field(default_factory=dict)  # extra ID-token claims (CPR number, loa, oid, acr)
    foreign_key: bool = False  # sign the ID token with a key that is not in the JWKS
    audience: str | None = None  # an ID token for another client


class OidcOp:
    """A pyop provider behind a small WSGI app over HTTPS."""

    def __init__(self, directory):
        from jwkest.jwk import RSAKey, import_rsa_key
        from pyop.authz_state import AuthorizationState
        from pyop.provider import Provider
        from pyop.subject_identifier import HashBasedSubjectIdentifierFactory
        from pyop.userinfo import Userinfo

        tls, self.ca_file = tls_pair(directory)
        self.server, self.base = serve(self.app, tls=tls)
        signing = self_signed(directory, "op-signing")
        foreign = self_signed(directory, "op-foreign")
        self.key = RSAKey(key=import_rsa_key(signing.key_pem.decode()), kid="op-key-1", alg="RS256", use="sig")
        self.foreign_key = RSAKey(key=import_rsa_key(foreign.key_pem.decode()), kid="op-key-1", alg="RS256", use="sig")
        self.answer = OidcAnswer()
        self.seen_urls: list[str] = []
        self.userinfo_db: dict = {}
        self.redirect_uris = [f"{BASE}/identitet/mitid/oidc/callback/", f"{BASE}/identitet/medarbejder/oidc/callback/"]
        configuration = {
            "issuer": self.base,
            "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token",
            "userinfo_endpoint": f"{self.base}/userinfo",
            "jwks_uri": f"{self.base}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "ssn"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }
        clients = {
            CLIENT_ID: {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": self.redirect_uris,
                "response_types": ["code"],
                "token_endpoint_auth_method": "client_secret_basic",
            }
        }
        self.provider = Provider(
            self.key,
            configuration,
            AuthorizationState(HashBasedSubjectIdentifierFactory("test-salt")),
            clients,
            Userinfo(self.userinfo_db),
            extra_scopes={"ssn": ["dk.cpr"]},
        )

    def app(self, environ, start_response):
        path, query = environ["PATH_INFO"], environ.get("QUERY_STRING", "")
        self.seen_urls.append(f"{self.base}{path}?{query}")
        try:
            if path == "/.well-known/openid-configuration":
                return _respond(
                    start_response, "200 OK", self.provider.provider_configuration.to_json(), "application/json"
                )
            if path == "/jwks":
                return _respond(start_response, "200 OK", json.dumps(self.provider.jwks), "application/json")
            if path == "/authorize":
                return _respond(start_response, "302 Found", headers=[("Location", self.authorize(query))])
            if path == "/token":
                length = int(environ.get("CONTENT_LENGTH") or 0)
                body = environ["wsgi.input"].read(length).decode()
                return _respond(start_response, "200 OK", self.token(body, environ), "application/json")
            if path == "/userinfo":
                headers = {"Authorization": environ.get("HTTP_AUTHORIZATION", "")}
                info = self.provider.handle_userinfo_request(query, headers)
                return _respond(start_response, "200 OK", info.to_json(), "application/json")
        except Exception as error:
            body = json.dumps({"error": "invalid_request", "error_description": type(error).__name__})
            return _respond(start_response, "400 Bad Request", body, "application/json")
        return _respond(start_response, "404 Not Found", "not found", "text/plain")

    def authorize(self, query: str) -> str:
        request = self.provider.parse_authentication_request(query)
        answer = self.answer
        self.userinfo_db[answer.user_id] = {"sub": answer.sub}
        response = self.provider.authorize(request, answer.user_id)
        return response.request(request["redirect_uri"], False)

    def token(self, body: str, environ) -> str:
        from jwkest.jws import JWS

        answer = self.answer
        headers = {"Authorization": environ.get("HTTP_AUTHORIZATION", "")}
        if answer.foreign_key:
            self.provider.signing_key = self.foreign_key
        try:
            response = self.provider.handle_token_request(
                body, headers, extra_id_token_claims=lambda user_id, client_id: dict(answer.claims)
            )
        finally:
            self.provider.signing_key = self.key
        if answer.audience:
            claims = JWS().verify_compact(response["id_token"], [self.key])
            claims["aud"] = answer.audience
            response["id_token"] = JWS(json.dumps(claims), alg="RS256").sign_compact([self.key])
        return response.to_json()


def oidc_options(op: OidcOp, side: str) -> dict:
    options = {"discovery_url": f"{op.base}/.well-known/openid-configuration", "client_id": CLIENT_ID}
    options["client_secret"] = CLIENT_SECRET
    if side == Side.CITIZEN:
        options.update(scopes="openid ssn", cpr_claim="dk.cpr", loa_claim="loa", acr_values="")
    else:
        options.update(scopes="openid profile", subject_claim="oid")
    return options


def oidc_log_in(client, start_path: str, op: OidcOp) -> Exchange:
    """Start at Samspil, let the provider authorise (over HTTPS), and return to Samspil's callback."""
    exchange = Exchange()
    started = client.get(start_path)
    assert started.status_code == 302, started.status_code
    exchange.urls += [start_path, started["Location"]]
    authorised = requests.get(started["Location"], allow_redirects=False, verify=op.ca_file, timeout=10)
    assert authorised.status_code == 302, authorised.text
    callback = authorised.headers["Location"]
    exchange.urls.append(callback)
    parsed = urlparse(callback)
    response = client.get(f"{parsed.path}?{parsed.query}")
    exchange.response = response
    if response.has_header("Location"):
        exchange.urls.append(response["Location"])
    return exchange


# --- shared assertions -----------------------------------------------------------------------------------------------


def session_user_id(client):
    from django.contrib.auth import SESSION_KEY

    return client.session.get(SESSION_KEY)


def session_text(client) -> str:
    """Everything in the session as stored (decoded), to look for a CPR number in it."""
    return json.dumps(dict(client.session.items()), default=str)


def assert_no_cpr(digits: str, *, client, exchange: Exchange, caplog) -> None:
    """The CPR number (in either written form) is in no URL of the exchange, not in the session, not in a log line."""
    forms = (digits, f"{digits[:6]}-{digits[6:]}")
    assert not any(form in session_text(client) for form in forms), "CPR number in the session"
    assert not any(form in url for url in exchange.urls for form in forms), "CPR number in a URL"
    assert not any(form in caplog.text for form in forms), "CPR number in a log line"
