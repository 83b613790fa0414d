"""The demo's drop-in centres on a small municipality (not the whole demo): agreements with hours and contacts,
eighteen months of conversations with the three kinds of citizen, ratings, a group activity, appointments whose
no-show rate falls from 32 % to 14 %, operating costs on the drop-in programme, the drop-in staff's account, and a
second run that writes nothing."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from samspil.demo import data
from samspil.demo.outreach_demo import CENTRES, NO_SHOW_SPLIT_MONTHS, PARTNER_USERNAME, REFERENCE_DATE, outreach_demo
from samspil.economy.models import OperatingCost
from samspil.organisations.choices import StaffRole
from samspil.outreach import access
from samspil.outreach.choices import Identity
from samspil.outreach.models import (
    AgreementContact,
    Appointment,
    CitizenRating,
    ContactPerson,
    ContactRegistration,
    CooperationAgreement,
    GroupParticipant,
    GroupSession,
    OutreachHours,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_municipality(db):
    """The demo's departments that hold hours, a caseworker in each, the three drop-in centres with their contacts
    (demo/data.py), and twenty adult citizens."""
    municipality = f.MunicipalityFactory(name="Lillekommune")
    for name, kind, _units in data.DEPARTMENTS:
        if name in ("Jobcenter", "Ydelse", "Misbrugscenter", "Voksen og Social"):
            f.make_staff(f.DepartmentFactory(municipality=municipality, name=name, kind=kind), StaffRole.CASEWORKER)
    for name, kind, _address, _phone, agreed, contacts in data.EXTERNAL_ORGANISATIONS:
        if name not in CENTRES:
            continue
        centre = f.ExternalOrganisationFactory(
            municipality=municipality,
            name=name,
            kind=kind,
            cooperation_agreement_on=datetime.date.fromisoformat(agreed),
        )
        for contact_name, title, _contact_phone, email, _role in contacts:
            f.ExternalContactFactory(organisation=centre, name=contact_name, title=title, email=email)
    for _ in range(20):
        f.CitizenFactory(municipality=municipality, born=f.years_ago(40))
    return municipality


def test_the_outreach_demo_on_a_small_municipality(small_municipality):
    municipality = small_municipality
    created = outreach_demo(municipality)

    agreements = CooperationAgreement.objects.filter(municipality=municipality)
    assert agreements.count() == 3 and created["cooperation agreements"] == 3
    assert {a.programme.code for a in agreements} == {"vaeresteder"}
    assert OutreachHours.objects.filter(municipality=municipality).count() == 9
    assert not OutreachHours.objects.filter(municipality=municipality, staff__isnull=True).exists()
    assert AgreementContact.objects.filter(municipality=municipality, side="centre").count() == 3

    anchor = max(REFERENCE_DATE, timezone.localdate())
    registrations = ContactRegistration.objects.filter(municipality=municipality)
    first = registrations.order_by("occurred_on").first().occurred_on
    assert anchor - datetime.timedelta(days=560) < first < anchor - datetime.timedelta(days=500)  # eighteen months
    assert registrations.order_by("-occurred_on").first().occurred_on < anchor
    total = registrations.count()
    assert total > 600
    shares = {identity: registrations.filter(identity=identity).count() / total for identity in Identity.values}
    assert 0.25 < shares["anonymous"] < 0.45 and 0.35 < shares["pseudonym"] < 0.6 and 0.1 < shares["registered"] < 0.3
    returning = ContactPerson.objects.filter(municipality=municipality, registrations__isnull=False).distinct()
    assert returning.count() >= 30
    assert ContactPerson.objects.filter(municipality=municipality, citizen__isnull=False).count() == 9
    linked = registrations.filter(person__citizen__isnull=False)
    assert linked.exists() and not linked.filter(citizen__isnull=True).exists()  # their history has the citizen
    assert 0.2 < CitizenRating.objects.filter(municipality=municipality).count() / total < 0.45
    first_half = registrations.filter(occurred_on__lt=anchor - datetime.timedelta(days=270)).count()
    assert total - first_half > first_half  # demand grows

    assert GroupSession.objects.filter(municipality=municipality).count() > 40
    assert GroupParticipant.objects.filter(municipality=municipality).exists()

    split = (anchor - datetime.timedelta(days=NO_SHOW_SPLIT_MONTHS * 31)).replace(day=1)
    jobs = Appointment.objects.filter(municipality=municipality, department__name="Jobcenter")

    def rate(rows):
        attended, no_show = rows.filter(outcome="attended").count(), rows.filter(outcome="no_show").count()
        return no_show / (attended + no_show)

    assert abs(rate(jobs.filter(occurred_on__lt=split)) - 0.32) < 0.02
    assert abs(rate(jobs.filter(occurred_on__gte=split + datetime.timedelta(days=31))) - 0.14) < 0.02
    assert rate(jobs.filter(place="centre")) < rate(jobs.filter(place="office"))
    assert jobs.filter(outcome="", occurred_on__gt=anchor).exists()  # booked ahead
    assert jobs.filter(place="centre").exists() and jobs.filter(place="office").exists()

    costs = OperatingCost.objects.filter(municipality=municipality, programme__code="vaeresteder")
    assert costs.count() == 18 * 5
    assert set(costs.values_list("element", flat=True)) == {
        "implementation_team",
        "outreach_casework",
        "outreach_substance_abuse",
        "support_contact",
        "group_activities",
    }

    partner = get_user_model().objects.get(username=PARTNER_USERNAME)
    assert partner.check_password("demo") and partner.is_demo_account
    assert access.partner_centre(partner).name == "Værestedet Lyspunktet"

    counts = (total, Appointment.objects.count(), costs.count(), CitizenRating.objects.count())
    assert outreach_demo(municipality) == {}
    assert (registrations.count(), Appointment.objects.count(), costs.count(), CitizenRating.objects.count()) == counts
