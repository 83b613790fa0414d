"""The start-up check of the identity provider settings, and the assurance levels."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from samspil.identity import config
from samspil.identity.tests.providers import sp_options


@pytest.fixture
def no_providers(settings):
    settings.SAMSPIL_CITIZEN_LOGIN = ""
    settings.SAMSPIL_STAFF_LOGIN = ""
    settings.SAMSPIL_STAFF_LOGIN_NAME = ""
    settings.SAMSPIL_MITID_MINIMUM_LOA = "Betydelig"
    return settings


def test_nothing_configured_starts(no_providers):
    config.check()


def test_a_complete_saml_configuration_starts(no_providers, saml_idp, sp_keys):
    no_providers.SAMSPIL_CITIZEN_LOGIN = "saml"
    no_providers.SAMSPIL_MITID_SAML = sp_options("citizen", sp_keys, idp_metadata_file=str(saml_idp.metadata_file))
    config.check()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"key_file": ""}, "SAMSPIL_MITID_SAML_KEY_FILE must be set"),
        ({"key_file": "/nowhere/samspil.key"}, "SAMSPIL_MITID_SAML_KEY_FILE: the file /nowhere/samspil.key cannot"),
        ({"cert_file": "KEY"}, "SAMSPIL_MITID_SAML_CERT_FILE: the file"),
        ({"idp_metadata_file": ""}, "SAMSPIL_MITID_SAML_IDP_METADATA_FILE or SAMSPIL_MITID_SAML_IDP_METADATA_URL"),
        ({"idp_metadata_file": "CERT"}, "does not look right (no EntityDescriptor"),
        ({"encryption_key_file": "KEY"}, "ENCRYPTION_KEY_FILE and SAMSPIL_MITID_SAML_ENCRYPTION_CERT_FILE go together"),
        ({"cpr_attribute": ""}, "SAMSPIL_MITID_SAML_CPR_ATTRIBUTE must name the attribute"),
    ],
)
def test_a_broken_saml_configuration_stops_the_start(no_providers, saml_idp, sp_keys, change, message):
    options = sp_options("citizen", sp_keys, idp_metadata_file=str(saml_idp.metadata_file))
    replacements = {"KEY": sp_keys.key_file, "CERT": sp_keys.cert_file}
    options.update({key: replacements.get(value, value) for key, value in change.items()})
    no_providers.SAMSPIL_CITIZEN_LOGIN = "saml"
    no_providers.SAMSPIL_MITID_SAML = options
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(")):
        config.check()


def test_the_key_never_appears_in_the_message(no_providers, sp_keys, saml_idp):
    no_providers.SAMSPIL_CITIZEN_LOGIN = "saml"
    no_providers.SAMSPIL_MITID_SAML = sp_options(
        "citizen", sp_keys, idp_metadata_file=str(saml_idp.metadata_file), cert_file=sp_keys.key_file
    )
    with pytest.raises(ImproperlyConfigured) as error:
        config.check()
    assert "PRIVATE KEY-----" not in str(error.value) and sp_keys.key_pem.decode()[40:80] not in str(error.value)


def test_saml_needs_xmlsec1(no_providers, saml_idp, sp_keys):
    no_providers.SAMSPIL_CITIZEN_LOGIN = "saml"
    no_providers.SAMSPIL_MITID_SAML = sp_options("citizen", sp_keys, idp_metadata_file=str(saml_idp.metadata_file))
    no_providers.SAMSPIL_XMLSEC1 = "/nowhere/xmlsec1"
    with pytest.raises(ImproperlyConfigured, match="apt-get install xmlsec1"):
        config.check()


def test_oidc_needs_its_client_and_openid(no_providers):
    no_providers.SAMSPIL_STAFF_LOGIN = "oidc"
    no_providers.SAMSPIL_STAFF_LOGIN_NAME = "Entra ID"
    no_providers.SAMSPIL_STAFF_OIDC = {
        "discovery_url": "https://login.microsoftonline.com/x/v2.0/.well-known/openid-configuration",
        "client_id": "",
        "client_secret": "s",
        "scopes": "profile",
        "subject_claim": "oid",
    }
    with pytest.raises(ImproperlyConfigured) as error:
        config.check()
    assert "SAMSPIL_STAFF_OIDC_CLIENT_ID must be set" in str(error.value)
    assert 'SAMSPIL_STAFF_OIDC_SCOPES must contain "openid"' in str(error.value)


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("SAMSPIL_CITIZEN_LOGIN", "kerberos", 'SAMSPIL_CITIZEN_LOGIN must be "saml", "oidc" or empty'),
        ("SAMSPIL_MITID_MINIMUM_LOA", "Middel", "SAMSPIL_MITID_MINIMUM_LOA must be Lav, Betydelig or Høj"),
    ],
)
def test_unknown_values_stop_the_start(no_providers, setting, value, message):
    setattr(no_providers, setting, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        config.check()


def test_the_staff_button_needs_a_name(no_providers, saml_idp, sp_keys):
    no_providers.SAMSPIL_STAFF_LOGIN = "saml"
    no_providers.SAMSPIL_STAFF_SAML = sp_options("staff", sp_keys, idp_metadata_url="https://adfs.example/metadata")
    with pytest.raises(ImproperlyConfigured, match="SAMSPIL_STAFF_LOGIN_NAME"):
        config.check()


@pytest.mark.parametrize(
    ("value", "rank"),
    [
        ("Lav", 1),
        ("Low", 1),
        ("Betydelig", 2),
        ("substantial", 2),
        ("https://data.gov.dk/concept/core/nsis/loa/Substantial", 2),
        ("https://data.gov.dk/concept/core/nsis/Substantial", 2),
        ("Høj", 3),
        ("High", 3),
        ("", 0),
        ("urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport", 0),
    ],
)
def test_assurance_levels(value, rank):
    assert config.loa_rank(value) == rank
