"""Agreement reminders: due within three days or overdue, at most one e-mail a day, no citizen data in it."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from samspil.plans.choices import AgreementStatus, GoalType, Horizon, LifeArea, OwnerKind
from samspil.plans.models import Agreement, Goal, Plan
from samspil.reminders.models import ReminderLog
from samspil.reminders.services import agreement_reminders_send
from tests import factories as f

pytestmark = pytest.mark.django_db


def agreement(world, *, owner, due_in_days, status=AgreementStatus.AGREED, what="Ringe til skolen"):
    plan, _ = Plan.objects.get_or_create(municipality=world.municipality, pathway=world.pathway)
    goal = Goal.objects.create(
        municipality=world.municipality,
        plan=plan,
        pathway=world.pathway,
        life_area=LifeArea.EDUCATION,
        description="Starte på uddannelse",
        goal_type=GoalType.DEVELOP,
        indicator="Er startet",
        horizon=Horizon.SHORT,
    )
    return Agreement.objects.create(
        municipality=world.municipality,
        goal=goal,
        pathway=world.pathway,
        what=what,
        owner_kind=OwnerKind.TEAM_MEMBER,
        owner=owner,
        due_on=timezone.localdate() + datetime.timedelta(days=due_in_days),
        status=status,
    )


def test_due_and_overdue_agreements_are_reminded_once_a_day(world):
    world.colleague.email = "kollega@kommune.example"
    world.colleague.save()
    agreement(world, owner=world.colleague_place, due_in_days=3, what="Ringe til skolen")
    agreement(world, owner=world.colleague_place, due_in_days=-2, what="Sende ansøgningen")
    agreement(world, owner=world.colleague_place, due_in_days=4, what="Senere opgave")
    agreement(world, owner=world.colleague_place, due_in_days=-1, status=AgreementStatus.DONE, what="Færdig")

    assert agreement_reminders_send() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kollega@kommune.example"]
    assert "Ringe til skolen" in message.body and "Sende ansøgningen" in message.body
    assert "Senere opgave" not in message.body and "Færdig" not in message.body
    assert "overskredet" in message.body
    # Nothing that identifies the citizen.
    assert (
        world.citizen.last_name not in message.body and world.citizen.birth_date.strftime("%d%m%y") not in message.body
    )

    assert agreement_reminders_send() == 0  # the same day again: nobody is reminded twice
    assert len(mail.outbox) == 1
    assert ReminderLog.objects.count() == 1

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert agreement_reminders_send(today=tomorrow) == 1
    assert len(mail.outbox) == 2


def test_network_persons_with_email_are_reminded_and_closed_pathways_are_not(world):
    network = f.TeamMemberFactory(
        pathway=world.pathway,
        kind="network",
        user=None,
        department=None,
        name="Moster Hanne",
        email="hanne@privat.example",
        role="network",
    )
    agreement(world, owner=network, due_in_days=1)
    assert agreement_reminders_send() == 1
    assert mail.outbox[0].to == ["hanne@privat.example"]
    assert "/forloeb/" not in mail.outbox[0].body  # no log-in link for someone who cannot log in

    world.pathway.status = "closed"
    world.pathway.save()
    mail.outbox.clear()
    assert agreement_reminders_send(today=timezone.localdate() + datetime.timedelta(days=1)) == 0


def test_the_celery_task_runs_the_service(world, settings):
    from samspil.reminders.tasks import send_agreement_reminders

    world.colleague.email = "kollega@kommune.example"
    world.colleague.save()
    agreement(world, owner=world.colleague_place, due_in_days=0)
    assert send_agreement_reminders.apply().get() == 1  # runs here, whatever broker is configured
    assert "agreement-reminders" in settings.CELERY_BEAT_SCHEDULE
