"""The portal's log-in page, Demo-MitID, the SP metadata endpoint, the admin of refusals and external identities."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from saml2 import md
from saml2.saml import NAME_FORMAT_URI

from samspil.accounts.choices import AccountKind
from samspil.identity.choices import LoginMethod, RefusalReason
from samspil.identity.models import ExternalIdentity, LoginRefusal
from samspil.identity.tests.providers import BASE, CPR_ATTRIBUTE, LOA_ATTRIBUTE
from tests import factories as f

pytestmark = pytest.mark.django_db


# --- /borger/log-ind/ --------------------------------------------------------------------------------------------


def test_the_portal_log_in_page_offers_mitid_when_it_is_set_up(client, citizen_saml):
    response = client.get("/borger/log-ind/?next=/borger/forloeb/abc/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Log ind i Samspil" in page and "Log ind med MitID" in page
    assert 'href="/identitet/mitid/log-ind/?next=/borger/forloeb/abc/"' in page
    assert "Demo-MitID" not in page


def test_without_mitid_the_page_says_so(client, settings):
    settings.SAMSPIL_CITIZEN_LOGIN = ""
    page = client.get(reverse("portal_login")).content.decode()
    assert "Log-in med MitID er ikke sat op endnu. Kontakt kommunen." in page
    assert "/identitet/mitid/log-ind/" not in page
    assert client.get("/identitet/mitid/log-ind/").status_code == 404


def test_in_demo_mode_the_page_links_to_demo_mitid(client, settings):
    settings.DEMO_MODE = True
    settings.SAMSPIL_CITIZEN_LOGIN = ""
    page = client.get("/borger/log-ind/?next=/borger/").content.decode()
    assert 'href="/identitet/demo-mitid/?next=/borger/"' in page
    assert "Log-in med MitID er ikke sat op endnu" not in page


def test_an_unsafe_next_is_dropped_from_the_links(client, citizen_saml):
    page = client.get("/borger/log-ind/?next=https://evil.example/").content.decode()
    assert "evil.example" not in page


def test_a_logged_in_citizen_is_shown_the_way_on(client):
    client.force_login(f.portal_account(f.CitizenFactory()))
    page = client.get("/borger/log-ind/").content.decode()
    assert "Du er logget ind." in page and 'href="/borger/"' in page


# --- Demo-MitID ----------------------------------------------------------------------------------------------------


@pytest.fixture
def demo_citizens(settings):
    settings.DEMO_MODE = True
    municipality = f.MunicipalityFactory()
    accounts = {
        name: f.portal_account(f.CitizenFactory(municipality=municipality), username=name, is_demo_account=True)
        for name in ("demo-ung", "demo-borger", "demo-forælder")
    }
    return accounts


def test_demo_mitid_is_404_outside_demo_mode(client, settings):
    settings.DEMO_MODE = False
    account = f.portal_account(f.CitizenFactory(), is_demo_account=True)
    assert client.get("/identitet/demo-mitid/").status_code == 404
    assert client.post("/identitet/demo-mitid/", {"account": account.public_id}).status_code == 404
    assert SESSION_KEY not in client.session


def test_demo_mitid_lists_the_demo_citizens_in_order(client, demo_citizens):
    f.portal_account(f.CitizenFactory(), username="a-real-citizen")  # not a demo account
    f.StaffUserFactory(username="demo-koordinator", is_demo_account=True)  # not a citizen

    page = client.get("/identitet/demo-mitid/").content.decode()

    assert page.count('name="account"') == 3
    positions = [page.index(f"<code>{name}</code>") for name in ("demo-borger", "demo-forælder", "demo-ung")]
    assert positions == sorted(positions)
    assert "a-real-citizen" not in page and "demo-koordinator" not in page
    assert "Log ind som" in page


def test_demo_mitid_logs_in_as_the_chosen_citizen(client, demo_citizens):
    young = demo_citizens["demo-ung"]
    response = client.post("/identitet/demo-mitid/", {"account": young.public_id, "next": "/borger/forloeb/"})
    assert response.status_code == 302 and response["Location"] == "/borger/forloeb/"
    assert client.session[SESSION_KEY] == str(young.pk)
    assert client.session["samspil_login_method"] == "demo_mitid"


def test_demo_mitid_refuses_other_accounts(client, demo_citizens):
    real = f.portal_account(f.CitizenFactory())
    staff = f.StaffUserFactory(is_demo_account=True)
    for account in (real, staff):
        response = client.post("/identitet/demo-mitid/", {"account": account.public_id})
        assert response.status_code == 422
        assert "Vælg en af demoborgerne." in response.content.decode()
    assert client.post("/identitet/demo-mitid/", {"account": "not-a-uuid"}).status_code == 422
    assert SESSION_KEY not in client.session


# --- the service provider's metadata -----------------------------------------------------------------------------


def test_the_sp_metadata_describes_samspil_for_nemlog_in(client, citizen_saml, sp_keys):
    response = client.get("/identitet/mitid/saml/metadata/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/samlmetadata+xml")
    descriptor = md.entity_descriptor_from_string(response.content)
    assert descriptor.entity_id == f"{BASE}/identitet/mitid/saml/metadata/"
    sp = descriptor.spsso_descriptor[0]
    assert sp.authn_requests_signed == "true" and sp.want_assertions_signed == "true"
    assert [acs.location for acs in sp.assertion_consumer_service] == [f"{BASE}/identitet/mitid/saml/acs/"]
    assert {slo.location for slo in sp.single_logout_service} == {f"{BASE}/identitet/mitid/saml/slo/"}
    uses = {key.use for key in sp.key_descriptor}
    assert uses == {"signing", "encryption"}
    certificate = "".join(sp_keys.cert_pem.decode().splitlines()[1:-1])
    assert certificate in response.content.decode().replace("\n", "")
    requested = sp.attribute_consuming_service[0].requested_attribute
    assert {(a.name, a.name_format) for a in requested} == {
        (CPR_ATTRIBUTE, NAME_FORMAT_URI),
        (LOA_ATTRIBUTE, NAME_FORMAT_URI),
    }


def test_the_staff_metadata_has_its_own_entity_id(client, staff_saml):
    response = client.get("/identitet/medarbejder/saml/metadata/")
    descriptor = md.entity_descriptor_from_string(response.content)
    assert descriptor.entity_id == f"{BASE}/identitet/medarbejder/saml/metadata/"
    assert not descriptor.spsso_descriptor[0].attribute_consuming_service


def test_a_configured_entity_id_is_used(client, citizen_saml, settings):
    settings.SAMSPIL_MITID_SAML = {**settings.SAMSPIL_MITID_SAML, "entity_id": "https://saml.samspil.kommune.dk"}
    descriptor = md.entity_descriptor_from_string(client.get("/identitet/mitid/saml/metadata/").content)
    assert descriptor.entity_id == "https://saml.samspil.kommune.dk"


def test_saml_endpoints_answer_404_while_citizens_use_oidc(client, settings):
    settings.SAMSPIL_CITIZEN_LOGIN = "oidc"
    settings.SAMSPIL_MITID_OIDC = {
        **settings.SAMSPIL_MITID_OIDC,
        "discovery_url": "https://x.example/",
        "client_id": "x",
    }
    assert client.get("/identitet/mitid/saml/metadata/").status_code == 404
    assert client.post("/identitet/mitid/saml/acs/", {"SAMLResponse": "x"}).status_code == 404
    assert client.get("/identitet/mitid/saml/slo/").status_code == 404


# --- the admin -----------------------------------------------------------------------------------------------------


def test_refused_log_ins_are_read_only_in_the_admin(client, db):
    admin = f.StaffUserFactory(is_staff=True, is_superuser=True)
    row = LoginRefusal.objects.create(
        method=LoginMethod.STAFF_SAML,
        reason=RefusalReason.UNKNOWN_STAFF_SUBJECT,
        request_id="abc123",
        issuer="https://adfs.kommune.dk",
        subject="guid-1",
    )
    client.force_login(admin)
    session = client.session
    session["samspil_login_method"] = "staff_saml"
    session.save()

    listing = client.get("/admin/identity/loginrefusal/")
    assert listing.status_code == 200
    assert "guid-1" in listing.content.decode() and "abc123" in listing.content.decode()
    assert client.get("/admin/identity/loginrefusal/add/").status_code == 403
    detail = client.get(f"/admin/identity/loginrefusal/{row.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert client.post(f"/admin/identity/loginrefusal/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert LoginRefusal.objects.count() == 1


def test_an_administrator_links_an_external_identity_on_the_user(client, world):
    admin = f.StaffUserFactory(municipality=world.municipality, is_staff=True, is_superuser=True)
    client.force_login(admin)
    session = client.session
    session["samspil_login_method"] = "staff_saml"
    session.save()
    url = f"/admin/accounts/user/{world.coordinator.pk}/change/"
    form = client.get(url)
    assert form.status_code == 200 and "external_identities-TOTAL_FORMS" in form.content.decode()

    user = world.coordinator
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "kind": AccountKind.STAFF,
        "municipality": str(world.municipality.public_id),
        "is_active": "on",
        "date_joined_0": "01.01.2025",
        "date_joined_1": "10:00:00",
        "external_identities-TOTAL_FORMS": "1",
        "external_identities-INITIAL_FORMS": "0",
        "external_identities-MIN_NUM_FORMS": "0",
        "external_identities-MAX_NUM_FORMS": "1000",
        "external_identities-0-issuer": " https://adfs.kommune.dk/adfs/services/trust ",
        "external_identities-0-subject": "a1b2c3",
    }
    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    link = ExternalIdentity.objects.get()
    assert (link.user, link.municipality, link.issuer, link.subject) == (
        user,
        world.municipality,
        "https://adfs.kommune.dk/adfs/services/trust",
        "a1b2c3",
    )


def test_an_external_identity_belongs_to_one_account_only(world):
    from django.db import IntegrityError, transaction

    ExternalIdentity.objects.create(user=world.coordinator, issuer="https://idp", subject="s-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        ExternalIdentity.objects.create(user=world.colleague, issuer="https://idp", subject="s-1")


def test_an_external_identity_is_only_for_staff_accounts(world):
    from django.core.exceptions import ValidationError

    link = ExternalIdentity(user=f.portal_account(world.citizen), issuer="https://idp", subject="s")
    with pytest.raises(ValidationError, match=r"medarbejderkonti|staff accounts"):
        link.full_clean(exclude=["municipality"])


def test_refused_log_ins_are_append_only(db):
    from django.db import DatabaseError, connection, transaction

    from samspil.audit.models import AppendOnlyError

    row = LoginRefusal.objects.create(method=LoginMethod.MITID_SAML, reason=RefusalReason.REPLAYED, request_id="r1")
    row.reason = RefusalReason.SIGNATURE
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        LoginRefusal.objects.all().delete()
    if connection.vendor == "postgresql":  # the database itself refuses raw SQL too (migration 0002)
        for sql in ("UPDATE identity_loginrefusal SET reason = 'x'", "DELETE FROM identity_loginrefusal"):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
    assert LoginRefusal.objects.get().reason == RefusalReason.REPLAYED
