"""Writes of the citizen and the custody holders in the portal: their own wishes, a comment on a goal, their own
agreements done, and their response to a version of the plan.

Every service is keyword-only and atomic, and starts by checking the portal access again inside its transaction
with the pathway's row (and the account's portal right) locked: a right taken away, a pathway closed or an 18th
birthday between the page and the click refuses the write (404, as everywhere in the portal). Refusals are a
`ValidationError` in Danish, a stale version a `ConflictError`; either writes nothing. A change to the plan is
saved as the plan's next version through the plan's own services (`plans.services.plan_change_record`), and every
write records an event whose text names the writer as the citizen or a custody holder, via the portal, on the
coordinator's timeline. The coordinator is told by e-mail that there is news (never what), after the commit.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.audit.services import event_record
from samspil.core.exceptions import ConflictError
from samspil.pathways.models import Pathway
from samspil.plans.choices import OPEN_AGREEMENT_STATUSES, AgreementStatus
from samspil.plans.models import Agreement, Goal, GoalComment, Plan, PlanRevision
from samspil.plans.services import plan_change_record, plan_for, revision_response_set
from samspil.plans.snapshot import Changes
from samspil.portal.access import portal_pathway_lock
from samspil.portal.forms import COMMENT_MAX, WISHES_MAX
from samspil.portal.notify import notify
from samspil.portal.selectors import own_agreements

# Control characters other than line breaks and tabs: never part of what a person writes, and the separators of the
# goal comments read with the goals (`plans.selectors.goal_comments_joined`).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text).strip()


def _locked_for_writing(*, actor, pathway: Pathway) -> Pathway:
    """The pathway, locked, if the account may still write to it now; else 404 (logged)."""
    return portal_pathway_lock(user=actor, pathway=pathway, write=True)


def _as(pathway: Pathway) -> dict:
    """The event data naming the writer's capacity (`portal.choices.PortalActor`)."""
    return {"portal_as": pathway.portal_access.capacity}


def _tell_coordinator(pathway: Pathway, news: str) -> None:
    notify(email=pathway.coordinator.email, news=news)


@transaction.atomic
def portal_wishes_update(*, actor, pathway: Pathway, wishes: str, expected_version: int) -> Plan:
    """Save the wishes in the citizen's own words as the plan's next version. Nothing is saved when the text is
    unchanged; a stale version is a conflict (the form keeps the text)."""
    pathway = _locked_for_writing(actor=actor, pathway=pathway)
    plan = Plan.objects.select_for_update().get(pk=plan_for(pathway).pk)
    if plan.version != expected_version:
        raise ConflictError(
            _(
                "Someone else saved the wishes while you were writing. Your text is still in the box. Read what is "
                "saved now (shown above the box), add what you want to keep, and save again."
            )
        )
    wishes = _clean(wishes)
    if len(wishes) > WISHES_MAX:
        raise ValidationError(_("Your wishes are too long. Shorten them and save again."))
    if wishes == plan.citizen_wishes:
        return plan
    plan.citizen_wishes = wishes
    plan.version += 1
    plan.save(update_fields=["citizen_wishes", "version", "updated_at"])
    plan_change_record(
        actor=actor,
        pathway=pathway,
        plan=plan,
        code="portal.wishes_updated",
        data=_as(pathway),
        changes=Changes(wishes=True),
    )
    _tell_coordinator(pathway, "plan_changed")
    return plan


@transaction.atomic
def portal_goal_comment_add(*, actor, pathway: Pathway, goal: Goal, text: str) -> GoalComment:
    """Add a comment in the citizen's own words to a goal of the plan. It stands beside the goal and is not a
    change of the plan, so no new version is saved."""
    pathway = _locked_for_writing(actor=actor, pathway=pathway)
    if goal.pathway_id != pathway.pk:
        raise Http404
    text = _clean(text)
    if not text:
        raise ValidationError(_("Write your comment before you send it."))
    if len(text) > COMMENT_MAX:
        raise ValidationError(_("Your comment is too long. Shorten it and send it again."))
    comment = GoalComment.objects.create(
        municipality_id=pathway.municipality_id,
        goal=goal,
        pathway=pathway,
        author=actor,
        person=pathway.portal_access.person,
        text=text,
    )
    event_record(
        actor=actor,
        code="portal.goal_commented",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"goal": goal.title, **_as(pathway)},
    )
    _tell_coordinator(pathway, "plan_changed")
    return comment


@transaction.atomic
def portal_agreement_done(*, actor, pathway: Pathway, agreement: Agreement, expected_version: int) -> Agreement:
    """Mark one of the account's own agreements as done (see `selectors.own_agreements`), saving the plan's next
    version. Anyone else's agreement is 404; one changed meanwhile is a conflict; one no longer open is refused."""
    pathway = _locked_for_writing(actor=actor, pathway=pathway)
    agreement = (
        Agreement.objects.select_for_update()
        .filter(pk=agreement.pk, pathway=pathway)
        .filter(own_agreements(pathway.portal_access))
        .select_related("goal__plan")
        .first()
    )
    if agreement is None:
        raise Http404
    if agreement.version != expected_version:
        raise ConflictError(
            _("Someone changed the agreement while you were looking at it. See how it stands now, and try again.")
        )
    if agreement.status not in OPEN_AGREEMENT_STATUSES:
        raise ValidationError(_("The agreement is no longer open, so it cannot be marked as done."))
    agreement.status = AgreementStatus.DONE
    agreement.completed_on = timezone.localdate()
    agreement.version += 1
    agreement.save(update_fields=["status", "completed_on", "version", "updated_at"])
    plan_change_record(
        actor=actor,
        pathway=pathway,
        plan=agreement.goal.plan,
        code="portal.agreement_done",
        data={"what": str(agreement), **_as(pathway)},
        changes=Changes(agreements=(agreement,)),
    )
    _tell_coordinator(pathway, "plan_changed")
    return agreement


@transaction.atomic
def portal_revision_respond(*, actor, pathway: Pathway, revision: PlanRevision, agreed: bool, comment: str = ""):
    """Answer *enig / ikke enig* to a version of the plan, with a comment: recorded as the person's own response
    (the account recorded it, and the person is named as the one who answered). Once per version, by anyone."""
    pathway = _locked_for_writing(actor=actor, pathway=pathway)
    if revision.pathway_id != pathway.pk:
        raise Http404
    comment = _clean(comment)
    if len(comment) > COMMENT_MAX:
        raise ValidationError(_("Your comment is too long. Shorten it and send it again."))
    try:
        revision = revision_response_set(
            revision=revision,
            pathway=pathway,
            agreed=agreed,
            comment=comment,
            by=actor,
            person=pathway.portal_access.person,
        )
    except ValidationError:
        raise ValidationError(_("Someone has already answered this version of the plan.")) from None
    event_record(
        actor=actor,
        code="portal.plan_agreed" if agreed else "portal.plan_disagreed",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"number": revision.number, **_as(pathway)},
    )
    _tell_coordinator(pathway, "plan_response")
    return revision
