"""The change log reads as Danish sentences: record names, field names and values, never "X object (1)" or ids."""

import datetime
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation

from samspil.access.choices import ConsentForm
from samspil.access.models import BreakGlassAccess, ConsentScope
from samspil.audit.changelog import change_rows, display_value
from samspil.audit.models import ChangeLogEntry, ChangeLogged
from samspil.economy import services as economy_services
from samspil.economy.models import Intervention, Service
from samspil.economy.tests.factories import ServiceFactory
from samspil.meetings import services as meeting_services
from samspil.meetings.choices import MeetingType
from samspil.organisations.choices import StaffRole
from samspil.pathways import services as pathway_services
from samspil.pathways.models import Pathway
from samspil.plans import services as plan_services
from samspil.plans.choices import AgreementStatus, GoalType, Horizon, LifeArea, OwnerKind
from tests import factories as f

pytestmark = pytest.mark.django_db


def local_date(moment) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y")


def test_every_change_logged_model_names_its_rows_in_words():
    """A model without its own __str__ would be logged as "BreakGlassAccess object (1)"."""
    bare = [
        model.__name__
        for model in apps.get_models()
        if issubclass(model, ChangeLogged) and model.__str__ is models.Model.__str__
    ]
    assert bare == []


def change_log_table(client, user, pathway) -> str:
    client.force_login(user)
    with translation.override("da"):
        page = client.get(reverse("pathways:access_log", args=[pathway.public_id])).content.decode()
    return page[page.index('id="change-log"') : page.index("</table>", page.index('id="change-log"'))]


def test_the_change_log_of_a_working_pathway_reads_as_danish(client, world, request_id):
    today = timezone.localdate()
    pathway = world.pathway
    new_coordinator = f.make_staff(world.children, StaffRole.CASEWORKER)
    with request_id(world.outsider, "glass"):
        glass = pathway_services.break_glass_open(
            actor=world.outsider, pathway=pathway, reason="Borgeren er mødt op akut i borgerservice"
        )
    with request_id(world.coordinator, "work"):
        pathway_services.consent_record(
            actor=world.coordinator,
            pathway=pathway,
            giver=world.citizen,
            purpose="Samarbejde om job og uddannelse",
            departments=[world.jobs],
            form=ConsentForm.WRITTEN,
            given_on=today,
        )
        pathway_services.legal_basis_record(
            actor=world.coordinator, pathway=pathway, department=world.health, reference="SEL § 49 b"
        )
        grant = pathway_services.grant_create(
            actor=world.coordinator,
            pathway=pathway,
            user=world.head,
            reason="Sagsoverdragelse",
            valid_until=timezone.now() + datetime.timedelta(days=7),
        )
        pathway_services.grant_revoke(actor=world.coordinator, grant=grant)
        pathway_services.pathway_change_status(
            actor=world.coordinator, pathway=pathway, to_status="follow_up", reason="Godt på vej", expected_version=1
        )
        goal = plan_services.goal_add(
            actor=world.coordinator,
            pathway=pathway,
            life_area=LifeArea.EMPLOYMENT,
            description="Komme i praktik i en cykelbutik",
            goal_type=GoalType.DEVELOP,
            indicator="Møder op tre dage om ugen",
            horizon=Horizon.SHORT,
        )
        agreement = plan_services.agreement_create(
            actor=world.coordinator,
            goal=goal,
            what="Ringe til cykelbutikken",
            owner_kind=OwnerKind.TEAM_MEMBER,
            owner=world.colleague_place,
            due_on=today + datetime.timedelta(days=7),
        )
        plan_services.agreement_update_status(
            actor=world.coordinator, agreement=agreement, status=AgreementStatus.DONE, expected_version=1
        )
        starts = timezone.now() + datetime.timedelta(days=3)
        meeting_services.meeting_schedule(
            actor=world.coordinator,
            pathway=pathway,
            meeting_type=MeetingType.STATUS,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
            location="Rådhuset",
            online_link="",
            invite_team_member_ids=[world.colleague_place.public_id],
            invite_citizen=True,
        )
        service = ServiceFactory(department=world.children, unit_price=Decimal("1234.56"))
        intervention = economy_services.intervention_grant(
            actor=world.coordinator,
            pathway=pathway,
            service=service,
            starts_on=today,
            quantity=Decimal("2"),
            granting_department=world.children,
        )
        economy_services.financing_decide(
            actor=world.coordinator,
            pathway=pathway,
            intervention=intervention,
            shares=[(world.children, Decimal("60")), (world.jobs, Decimal("40"))],
            reason="Fælles finansiering",
        )
        pathway = Pathway.objects.get(pk=pathway.pk)
        pathway_services.pathway_change_coordinator(
            actor=world.coordinator,
            pathway=pathway,
            membership=new_coordinator.memberships.get(),
            expected_version=pathway.version,
            reason="Barsel",
        )

    logged = set(ChangeLogEntry.objects.filter(pathway=pathway).values_list("content_type__model", flat=True))
    assert {"breakglassaccess", "consentscope", "accessgrant", "legalbasis", "goal", "agreement"} <= logged
    assert {"meeting", "meetingparticipant", "intervention", "financingshare", "teammember"} <= logged

    table = change_log_table(client, new_coordinator, pathway)
    assert "object (" not in table
    assert not re.search(r": \d+\s*<", table), "a record named by its id (a time such as 05:29 has no space)"
    assert "(en anden post)" not in table  # every reference is named
    assert f"Nødadgang: Nødadgang for {world.outsider.get_full_name()} til {local_date(glass.expires_at)}" in table
    assert "Samtykkets afdeling: Samtykke: Jobcenter" in table
    assert f"Adgang for {world.head.get_full_name()} til {local_date(grant.valid_until)}" in table
    assert "Jobcenter: 40 %" in table
    # An update: a coded value by its label, a reference by the person's name, a moment in local time.
    assert "Aktiv → Opfølgning" in table
    assert f"{world.coordinator.get_full_name()} → {new_coordinator.get_full_name()}" in table
    grant.refresh_from_db()
    assert f"– → {timezone.localtime(grant.revoked_at):%d.%m.%Y %H:%M}" in table
    assert "Version:" not in table  # the optimistic-locking counter is bookkeeping, not a change


def test_an_old_row_with_a_default_repr_shows_the_record_as_it_is_now(world):
    glass = f.BreakGlassAccessFactory(pathway=world.pathway, user=world.outsider)
    old = ChangeLogEntry.objects.create(
        municipality=world.municipality,
        request_id="old",
        action=ChangeLogEntry.Action.CREATE,
        content_type=ContentType.objects.get_for_model(BreakGlassAccess),
        object_id=glass.pk,
        object_repr=f"BreakGlassAccess object ({glass.pk})",
        pathway=world.pathway,
        after={},
    )
    gone = ChangeLogEntry.objects.create(
        municipality=world.municipality,
        request_id="old",
        action=ChangeLogEntry.Action.DELETE,
        content_type=ContentType.objects.get_for_model(ConsentScope),
        object_id=999_999,
        object_repr="7",
        pathway=world.pathway,
        before={},
    )
    with translation.override("da"):
        rows = change_rows([old, gone], municipality_id=world.municipality.pk)
    assert (rows[0].record, rows[0].label) == ("nødadgang", str(glass))
    assert rows[0].label.startswith(f"Nødadgang for {world.outsider.get_full_name()} til ")
    assert (rows[1].record, rows[1].label) == ("samtykkets afdeling", "")  # gone: its kind, never "7"


def test_a_reference_to_another_municipality_is_not_named(world):
    field = Pathway._meta.get_field("coordinator")
    entry = ChangeLogEntry.objects.create(
        municipality=world.municipality,
        request_id="x",
        action=ChangeLogEntry.Action.UPDATE,
        content_type=ContentType.objects.get_for_model(Pathway),
        object_id=world.pathway.pk,
        object_repr=str(world.pathway),
        pathway=world.pathway,
        before={field.attname: world.coordinator.pk},
        after={field.attname: world.stranger.pk},
    )
    with translation.override("da"):
        (row,) = change_rows([entry], municipality_id=world.municipality.pk)
    assert row.changes == [("koordinator", world.coordinator.get_full_name(), "(en anden post)")]


@pytest.mark.parametrize(
    ("model", "name", "value", "shown"),
    [
        (Service, "unit_price", "1234.56", "1.234,56"),
        (Intervention, "quantity", "2.50", "2,50"),
        (Intervention, "starts_on", "2026-11-22", "22.11.2026"),
        (Intervention, "unit", "per_month", None),  # the label of the choice, below
        (BreakGlassAccess, "expires_at", "2026-11-22T12:30:00+00:00", "22.11.2026 13:30"),
        (ConsentScope, "consent_id", None, "–"),
    ],
)
def test_values_are_written_as_the_ui_writes_them(model, name, value, shown):
    field = model._meta.get_field(name.removesuffix("_id"))
    with translation.override("da"):
        result = display_value(field, value)
        if shown is None:
            shown = str(dict(field.flatchoices)[value])
            assert shown != value
    assert result == shown


def test_a_redacted_value_stays_hidden():
    assert display_value(None, "•••a1b2c3") == "•••"
