"""Fixtures: the real identity providers of the test session (samspil/identity/tests/providers.py) and the settings
that point Samspil at them, as the README tells an operator to."""

import pytest

from samspil.identity import oidc as identity_oidc
from samspil.identity import saml as identity_saml
from samspil.identity.choices import Side
from samspil.identity.tests.providers import (
    BASE,
    KeyPair,
    OidcAnswer,
    OidcOp,
    SamlAnswer,
    SamlIdp,
    oidc_options,
    self_signed,
    sp_options,
)


@pytest.fixture(scope="session")
def key_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("identity-keys")


@pytest.fixture(scope="session")
def sp_keys(key_dir) -> KeyPair:
    """Samspil's own key and certificate (the OCES/FOCES certificate in production)."""
    return self_signed(key_dir, "samspil-sp")


@pytest.fixture(scope="session")
def saml_idp(key_dir, sp_keys):
    idp = SamlIdp(key_dir, sp_keys)
    yield idp
    idp.server.shutdown()


@pytest.fixture
def idp(saml_idp):
    """The session's IdP with a fresh answer and no remembered traffic."""
    saml_idp.answer = SamlAnswer()
    saml_idp.seen_urls.clear()
    saml_idp.logout_requests.clear()
    saml_idp.logout_responses.clear()
    yield saml_idp
    saml_idp.answer = SamlAnswer()


@pytest.fixture
def citizen_saml(settings, saml_idp, sp_keys):
    """Citizens log in with MitID through "NemLog-in" (the test IdP, its metadata from a file)."""
    settings.SAMSPIL_BASE_URL = BASE
    settings.SAMSPIL_CITIZEN_LOGIN = "saml"
    settings.SAMSPIL_MITID_SAML = sp_options(Side.CITIZEN, sp_keys, idp_metadata_file=str(saml_idp.metadata_file))
    identity_saml.forget_configurations()
    yield settings
    identity_saml.forget_configurations()


@pytest.fixture
def staff_saml(settings, saml_idp, sp_keys):
    """Staff log in through "AD FS" (the test IdP, its metadata fetched from its URL), matched by persistent NameID."""
    settings.SAMSPIL_BASE_URL = BASE
    settings.SAMSPIL_STAFF_LOGIN = "saml"
    settings.SAMSPIL_STAFF_LOGIN_NAME = "Testkommunes log-in"
    settings.SAMSPIL_STAFF_SAML = sp_options(Side.STAFF, sp_keys, idp_metadata_url=saml_idp.entity_id)
    identity_saml.forget_configurations()
    yield settings
    identity_saml.forget_configurations()


@pytest.fixture(scope="session")
def oidc_op_server(key_dir):
    op = OidcOp(key_dir)
    yield op
    op.server.shutdown()


@pytest.fixture
def op(oidc_op_server, monkeypatch):
    """The session's OIDC provider with a fresh answer; Samspil's HTTP client trusts its test CA."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", oidc_op_server.ca_file)
    oidc_op_server.answer = OidcAnswer()
    oidc_op_server.seen_urls.clear()
    yield oidc_op_server
    oidc_op_server.answer = OidcAnswer()


@pytest.fixture
def citizen_oidc(settings, op):
    settings.SAMSPIL_BASE_URL = BASE
    settings.SAMSPIL_CITIZEN_LOGIN = "oidc"
    settings.SAMSPIL_MITID_OIDC = oidc_options(op, Side.CITIZEN)
    identity_oidc.forget_clients()
    yield settings
    identity_oidc.forget_clients()


@pytest.fixture
def staff_oidc(settings, op):
    settings.SAMSPIL_BASE_URL = BASE
    settings.SAMSPIL_STAFF_LOGIN = "oidc"
    settings.SAMSPIL_STAFF_LOGIN_NAME = "Entra ID"
    settings.SAMSPIL_STAFF_OIDC = oidc_options(op, Side.STAFF)
    identity_oidc.forget_clients()
    yield settings
    identity_oidc.forget_clients()
