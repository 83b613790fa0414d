"""Daily e-mail reminders of agreements that are due within three days or overdue.

Each person with such agreements gets at most one e-mail a day, whichever process sends it: a row in
ReminderLog (unique per recipient and day) is claimed before the mail goes out. The e-mail names what was agreed
and when, never the citizen's name or CPR number; the link leads to Samspil, where access is checked as usual.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from samspil.pathways.choices import PathwayStatus, TeamMemberKind
from samspil.reminders.models import ReminderLog

logger = logging.getLogger("samspil.reminders")

DUE_WITHIN_DAYS = 3


@dataclass
class Due:
    what: str
    due_on: datetime.date
    overdue: bool


def _recipient(agreement) -> tuple[str, bool]:
    """The owner's e-mail address, and whether they log in to Samspil (staff) or not (partners, network)."""
    member = agreement.owner
    if member.kind == TeamMemberKind.STAFF:
        return (member.user.email if member.user.is_active else ""), True
    if member.kind == TeamMemberKind.EXTERNAL:
        return member.external_contact.email, False
    return member.email, False


def due_agreements(*, today: datetime.date):
    """Open agreements of open pathways, owned by a current team member, due by today + 3 days."""
    from samspil.plans.choices import OwnerKind
    from samspil.plans.models import Agreement

    return (
        Agreement.objects.open()
        .filter(
            owner_kind=OwnerKind.TEAM_MEMBER,
            due_on__isnull=False,
            due_on__lte=today + datetime.timedelta(days=DUE_WITHIN_DAYS),
        )
        .exclude(pathway__status=PathwayStatus.CLOSED)
        .filter(owner__active_to__isnull=True)
        .select_related("owner__user", "owner__external_contact")
        .order_by("due_on", "id")
    )


def agreement_reminders_send(*, today: datetime.date | None = None) -> int:
    """Send today's reminders; returns how many e-mails went out. Safe to run more than once a day."""
    today = today or timezone.localdate()
    by_recipient: dict[tuple[int, str], list[Due]] = defaultdict(list)
    logs_in: dict[tuple[int, str], bool] = {}
    for agreement in due_agreements(today=today):
        email, is_staff = _recipient(agreement)
        if not email:
            continue
        key = (agreement.municipality_id, email.strip().lower())
        by_recipient[key].append(Due(what=agreement.what, due_on=agreement.due_on, overdue=agreement.due_on < today))
        logs_in[key] = logs_in.get(key, False) or is_staff
    sent = 0
    for (municipality_id, email), items in by_recipient.items():
        try:
            with transaction.atomic():
                ReminderLog.objects.create(
                    municipality_id=municipality_id, recipient=email, sent_on=today, agreements=len(items)
                )
        except IntegrityError:
            continue  # this person was already reminded today
        try:
            _send(email=email, items=items, logs_in=logs_in[(municipality_id, email)])
        except Exception:
            # Release today's claim so the next run can try again; never fail the whole batch for one address.
            ReminderLog.objects.filter(municipality_id=municipality_id, recipient=email, sent_on=today).delete()
            logger.exception("reminder to municipality=%s failed", municipality_id)
            continue
        sent += 1
    logger.info("sent %s agreement reminders for %s", sent, today.isoformat())
    return sent


def _send(*, email: str, items: list[Due], logs_in: bool) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        context = {"items": items, "logs_in": logs_in, "base_url": settings.SAMSPIL_BASE_URL}
        subject = render_to_string("reminders/agreements_subject.txt", context).strip()
        body = render_to_string("reminders/agreements.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
