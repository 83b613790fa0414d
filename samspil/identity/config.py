"""Which identity providers are configured, read from the settings, and the start-up check of that configuration.

Settings (see samspil/config/settings.py and README "Log-in: MitID and the municipality's identity provider"):
`SAMSPIL_CITIZEN_LOGIN` / `SAMSPIL_STAFF_LOGIN` choose "saml", "oidc" or "" per side; `SAMSPIL_MITID_SAML`,
`SAMSPIL_MITID_OIDC`, `SAMSPIL_STAFF_SAML` and `SAMSPIL_STAFF_OIDC` hold each provider's details.
"""

import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from samspil.identity.choices import LoginMethod, Side

SAML = "saml"
OIDC = "oidc"
PROTOCOLS = (SAML, OIDC)

# NSIS assurance levels (OIOSAML 3 and the MitID brokers), in Danish and English, lowest first.
LOA_ORDER = {"lav": 1, "low": 1, "betydelig": 2, "substantial": 2, "høj": 3, "hoej": 3, "high": 3}


@dataclass(frozen=True)
class Provider:
    """One configured identity provider for one side: which protocol, its settings and its URL names."""

    side: str
    protocol: str
    options: dict

    @property
    def method(self) -> str:
        return {
            (Side.CITIZEN, SAML): LoginMethod.MITID_SAML,
            (Side.CITIZEN, OIDC): LoginMethod.MITID_OIDC,
            (Side.STAFF, SAML): LoginMethod.STAFF_SAML,
            (Side.STAFF, OIDC): LoginMethod.STAFF_OIDC,
        }[(self.side, self.protocol)]

    @property
    def prefix(self) -> str:
        """The first part of this provider's URL names: "mitid" or "staff"."""
        return "mitid" if self.side == Side.CITIZEN else "staff"

    def absolute(self, name: str) -> str:
        return settings.SAMSPIL_BASE_URL + reverse(f"identity:{self.prefix}_{name}")

    @property
    def entity_id(self) -> str:
        """The SAML service provider's entity id: set, or the URL of its metadata."""
        return self.options.get("entity_id") or self.absolute("saml_metadata")


def _setting_for(side: str, protocol: str) -> dict:
    name = {
        (Side.CITIZEN, SAML): "SAMSPIL_MITID_SAML",
        (Side.CITIZEN, OIDC): "SAMSPIL_MITID_OIDC",
        (Side.STAFF, SAML): "SAMSPIL_STAFF_SAML",
        (Side.STAFF, OIDC): "SAMSPIL_STAFF_OIDC",
    }[(side, protocol)]
    return dict(getattr(settings, name, {}) or {})


def protocol_for(side: str) -> str:
    value = settings.SAMSPIL_CITIZEN_LOGIN if side == Side.CITIZEN else settings.SAMSPIL_STAFF_LOGIN
    return (value or "").strip().lower()


def provider(side: str, protocol: str | None = None) -> Provider | None:
    """The configured provider of `side` (for `protocol`, if given), or None when that log-in is not set up."""
    configured = protocol_for(side)
    if configured not in PROTOCOLS or (protocol is not None and protocol != configured):
        return None
    return Provider(side=side, protocol=configured, options=_setting_for(side, configured))


def staff_login_name() -> str:
    return settings.SAMSPIL_STAFF_LOGIN_NAME or ""


def loa_rank(value: str | None) -> int:
    """The rank of an assurance level given as a name (Betydelig, Substantial) or a URI ending in one; 0: unknown."""
    if not value:
        return 0
    last = str(value).strip().rstrip("/").rsplit("/", 1)[-1].strip().lower()
    return LOA_ORDER.get(last, 0)


def minimum_loa_rank() -> int:
    return loa_rank(settings.SAMSPIL_MITID_MINIMUM_LOA)


def xmlsec_binary() -> str | None:
    configured = settings.SAMSPIL_XMLSEC1 or "xmlsec1"
    return shutil.which(configured)


# --- the start-up check ----------------------------------------------------------------------------------------


def check() -> None:
    """Refuse to start with an identity provider configuration that would fail at the first log-in.

    Messages name the setting, never a secret. Metadata URLs are not fetched here (the network may not be up yet):
    they are fetched at the first log-in and kept `SAMSPIL_IDP_METADATA_CACHE_SECONDS`.
    """
    problems = []
    for side, setting in ((Side.CITIZEN, "SAMSPIL_CITIZEN_LOGIN"), (Side.STAFF, "SAMSPIL_STAFF_LOGIN")):
        protocol = protocol_for(side)
        if protocol and protocol not in PROTOCOLS:
            problems.append(f'{setting} must be "saml", "oidc" or empty, not {protocol!r}.')
            continue
        if protocol == SAML:
            problems += _saml_problems(side)
        elif protocol == OIDC:
            problems += _oidc_problems(side)
    if loa_rank(settings.SAMSPIL_MITID_MINIMUM_LOA) == 0:
        problems.append("SAMSPIL_MITID_MINIMUM_LOA must be Lav, Betydelig or Høj (or Low, Substantial, High).")
    if protocol_for(Side.STAFF) in PROTOCOLS and not staff_login_name():
        problems.append('SAMSPIL_STAFF_LOGIN_NAME must name the staff log-in (the button says "Log ind med <name>").')
    if problems:
        raise ImproperlyConfigured("Identity provider configuration: " + " ".join(problems))


def _prefix(side: str, protocol: str) -> str:
    return f"SAMSPIL_{'MITID' if side == Side.CITIZEN else 'STAFF'}_{protocol.upper()}"


def _saml_problems(side: str) -> list[str]:
    options, prefix, problems = _setting_for(side, SAML), _prefix(side, SAML), []
    if xmlsec_binary() is None:
        problems.append(
            f"SAML log-in needs xmlsec1 (Debian: apt-get install xmlsec1); {settings.SAMSPIL_XMLSEC1!r} was not found."
        )
    if not options.get("idp_metadata_file") and not options.get("idp_metadata_url"):
        problems.append(f"{prefix}_IDP_METADATA_FILE or {prefix}_IDP_METADATA_URL must be set.")
    if options.get("idp_metadata_file"):
        problems += _file_problems(f"{prefix}_IDP_METADATA_FILE", options["idp_metadata_file"], b"EntityDescriptor")
    for key in ("key_file", "cert_file"):
        if not options.get(key):
            problems.append(f"{prefix}_{key.upper()} must be set (the service provider's own key and certificate).")
    problems += _file_problems(f"{prefix}_KEY_FILE", options.get("key_file"), b"PRIVATE KEY")
    problems += _file_problems(f"{prefix}_CERT_FILE", options.get("cert_file"), b"CERTIFICATE")
    if bool(options.get("encryption_key_file")) != bool(options.get("encryption_cert_file")):
        problems.append(f"{prefix}_ENCRYPTION_KEY_FILE and {prefix}_ENCRYPTION_CERT_FILE go together.")
    problems += _file_problems(f"{prefix}_ENCRYPTION_KEY_FILE", options.get("encryption_key_file"), b"PRIVATE KEY")
    problems += _file_problems(f"{prefix}_ENCRYPTION_CERT_FILE", options.get("encryption_cert_file"), b"CERTIFICATE")
    if side == Side.CITIZEN:
        for key in ("cpr_attribute", "loa_attribute"):
            if not options.get(key):
                problems.append(f"{prefix}_{key.upper()} must name the attribute.")
    return problems


def _file_problems(setting: str, path: str | None, marker: bytes) -> list[str]:
    if not path:
        return []
    try:
        content = Path(path).read_bytes()
    except OSError as error:
        return [f"{setting}: the file {path} cannot be read ({error.strerror or type(error).__name__})."]
    if marker not in content:
        return [f"{setting}: the file {path} does not look right (no {marker.decode()} in it)."]
    return []


def _oidc_problems(side: str) -> list[str]:
    options, prefix, problems = _setting_for(side, OIDC), _prefix(side, OIDC), []
    for key in ("discovery_url", "client_id", "client_secret"):
        if not options.get(key):
            problems.append(f"{prefix}_{key.upper()} must be set.")
    if "openid" not in (options.get("scopes") or "").split():
        problems.append(f'{prefix}_SCOPES must contain "openid".')
    claims = ("cpr_claim", "loa_claim") if side == Side.CITIZEN else ("subject_claim",)
    for key in claims:
        if not options.get(key):
            problems.append(f"{prefix}_{key.upper()} must name the claim.")
    return problems
