"""The registry of business events: a stable dotted code and the Danish (gettext) text shown for it."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "pathway.opened": _("opened the pathway in {programme}"),
    "pathway.status_changed": _("changed the status from {from_status} to {to_status}: {reason}"),
    "pathway.coordinator_changed": _("handed coordination over to {name}: {reason}"),
    "team.member_added": _("added {name} to the team as {role}"),
    "team.member_ended": _("ended {name}'s place on the team: {reason}"),
    "consent.given": _("recorded consent from {giver} for {departments}"),
    "consent.withdrawn": _("recorded that {giver} withdrew consent: {reason}"),
    "legal_basis.recorded": _("recorded a legal basis for {department}: {reference}"),
    "grant.created": _("gave {name} access until {until}: {reason}"),
    "grant.revoked": _("revoked {name}'s access"),
    "access.break_glass": _("opened the pathway with break-glass: {reason}"),
    "access.denied": _("was refused access to {path}"),
    "citizen.created": _("registered the citizen"),
    "guardian.added": _("registered {name} as {relation} of {child}"),
    "household.member_added": _("added {name} to the family as {relation} from {day}"),
    "household.member_rejoined": _("added {name} to the family again as {relation} from {day}"),
    "household.member_ended": _("ended {name}'s membership of the family from {day}: {reason}"),
    "citizen.cpr_revealed": _("was shown {name}'s full CPR number"),
    "plan.wishes_updated": _("updated the citizen's own wishes in the shared plan"),
    "goal.added": _("added the goal “{goal}” to the shared plan"),
    "goal.updated": _("changed the goal “{goal}” in the shared plan"),
    "goal.followed_up": _("followed up on the goal “{goal}”: {result}"),
    "agreement.added": _("added the agreement “{what}” under the goal “{goal}”"),
    "agreement.added_at_meeting": _("added the agreement “{what}” under the goal “{goal}” at {meeting}"),
    "agreement.status_changed": _("changed the agreement “{what}” from {agreement_from} to {agreement_to}"),
    "plan.citizen_agreed": _("recorded that the citizen has seen and agreed to version {number} of the plan"),
    "plan.citizen_disagreed": _("recorded that the citizen has seen version {number} of the plan without agreeing"),
    "meeting.scheduled": _("scheduled a {meeting_type} for {when}"),
    "meeting.held": _("recorded the {meeting_type} of {when} as held"),
    "meeting.minutes_recorded": _("changed the minutes of the {meeting_type} of {when}"),
    "meeting.cancelled": _("cancelled the {meeting_type} of {when}: {reason}"),
    "meeting.decision_added": _("recorded a decision at the {meeting_type} of {when}"),
    # Outside experts at an analysis meeting (`meetings.services_experts`).
    "meeting.expert_invited": _("invited {name} as outside expert to the {meeting_type} of {when}: {expertise}"),
    "meeting.expert_accepted": _("accepted the invitation as outside expert to the {meeting_type} of {when}"),
    "meeting.expert_ended": _("ended {name}'s access as outside expert to the {meeting_type} of {when}: {reason}"),
    "intervention.granted": _("granted {service} from {starts_on}"),
    "intervention.ended": _("ended the intervention {service} on {ends_on}"),
    "financing.decided": _("decided the financing of {service}: {split}"),
    "financing.review_requested": _("asked the controller {controller} to review the financing of {subject}"),
    "financing.review_withdrawn": _("withdrew the request to {controller} to review the financing of {subject}"),
    "financing.review_answered": _("answered the review of the financing of {subject}: {answer}"),
    "exemption.registered": _("registered the use of an exemption from {law} {paragraph}"),
    "service.created": _("added the service {service} ({code}) to the catalogue"),
    "service.changed": _("changed the service {service} ({code}) in the catalogue"),
    "operating_cost.registered": _("registered the operating cost of {programme} for {month}: {amount} kr."),
    "pathway.opened_second": _(
        "opened this pathway although the citizen already has an open pathway (coordinated by {coordinators}): {reason}"
    ),
    "grant.ended_by_withdrawal": _("ended {name}'s access because the citizen withdrew consent for {departments}"),
    "access.break_glass_ended": _(
        "ended {name}'s break-glass access because the citizen withdrew consent for {departments}"
    ),
    "referral.created": _("referred a person to {coordinator} in {programme}"),
    "referral.taken": _("took on the referral in {programme} and opened the pathway"),
    "referral.declined": _("declined the referral in {programme}: {reason}"),
    # External partners invited to the pathway (`samspil.partners`).
    "partner.invited": _("invited {name} to Samspil: {partner_level}"),
    "partner.level_changed": _("changed {name}'s access in Samspil to: {partner_level}"),
    "partner.accepted": _("accepted the invitation to Samspil: {partner_level}"),
    "partner.access_ended": _("ended {name}'s access in Samspil: {reason}"),
    "partner.access_ended_with_place": _("ended {name}'s access in Samspil with the place on the team"),
    # Written by the citizen or a custody holder in the portal; `portal_as` says which (portal.choices.PortalActor).
    "portal.wishes_updated": _("({portal_as}) wrote their own wishes in the shared plan"),
    "portal.goal_commented": _("({portal_as}) commented on the goal “{goal}”"),
    "portal.agreement_done": _("({portal_as}) marked the agreement “{what}” as done"),
    "portal.plan_agreed": _("({portal_as}) has seen version {number} of the plan and agrees"),
    "portal.plan_disagreed": _("({portal_as}) has seen version {number} of the plan and does not agree"),
    # The portal: rights set by the coordinator, consent given and withdrawn by the citizen or a custody holder.
    "portal.right_set": _("set {name}'s access to the portal to: {portal_level}"),
    "consent.given_in_portal": _("({portal_as}) gave consent for {departments}"),
    "consent.withdrawn_in_portal": _("({portal_as}) withdrew the consent for {departments}"),
    "account.totp_enrolled": _("set up two-factor authentication with an authenticator app"),
    "account.totp_failed": _("entered a wrong two-factor code"),
    "account.totp_reset": _("reset the two-factor authentication of {name}"),
    # Shared documents (`samspil.documents`); messages are their own record (change-logged), not events.
    "document.shared": _("shared the document “{name}” with the team"),
    "document.shared_with_citizen": _("shared the document “{name}” with the team and the citizen"),
    "document.shared_in_portal": _("({portal_as}) shared the document “{name}” with the team"),
    "document.removed": _("removed the document “{name}”: {reason}"),
    # Programme management (`samspil.implementation`): about the programme, never a citizen.
    "programme.implementation_set_up": _("set up the implementation of {programme} from the model's template"),
    "programme.organisation_changed": _("changed the project owner or project leader of {programme}"),
    "programme.group_added": _("added the group {group} to {programme}"),
    "programme.group_changed": _("changed the group {group} of {programme}"),
    "programme.member_added": _("added {name} to the group {group} of {programme}"),
    "programme.member_ended": _("ended {name}'s membership of the group {group} of {programme}"),
    "programme.meeting_added": _("added a meeting of {group} ({programme}) on {date}"),
    "programme.meeting_changed": _("changed the meeting of {group} ({programme}) on {date}"),
    "programme.decision_added": _("recorded a decision of {group} ({programme})"),
    "programme.decision_done": _("marked a decision of {group} ({programme}) as done"),
    "programme.matrix_changed": _("changed the role and responsibility matrix of {programme}"),
    "programme.theory_changed": _("changed the change theory of {programme}"),
    "programme.phase_changed": _("changed the dates of the phase {phase} of {programme}"),
    "programme.checklist_done": _("ticked off “{activity}” in {programme}"),
    "programme.checklist_undone": _("unticked “{activity}” in {programme}"),
    "programme.milestone_added": _("added the milestone “{activity}” to {programme}"),
    "programme.milestone_changed": _("changed the milestone “{activity}” of {programme}"),
    "programme.milestone_done": _("marked the milestone “{activity}” of {programme} as done"),
    "programme.scale_up_changed": _("changed the scale-up plan of {programme}"),
    "pathway.pilot_set": _("marked the pathway as a pilot case of {programme}"),
    "pathway.pilot_unset": _("marked the pathway as no longer a pilot case of {programme}"),
    # The standing core team (`samspil.coreteams`): the team's own events have no pathway; the caseload's do.
    "coreteam.created": _("created the core team {team} of {programme}"),
    "coreteam.changed": _("changed the core team {team} of {programme}"),
    "coreteam.member_added": _("added {name} to the core team {team}"),
    "coreteam.member_ended": _("ended {name}'s membership of the core team {team}"),
    "coreteam.place_missing": _(
        "added {name} to the core team {team}; the family's coordinator gives {name} a team place on the pathway"
    ),
    "coreteam.case_assigned": _("added the family to the caseload of the core team {team}"),
    "coreteam.case_ended": _("ended the family's place in the caseload of the core team {team}"),
    "coreteam.meeting_scheduled": _("scheduled a caseload status meeting of {team} for {when}"),
    "coreteam.meeting_cancelled": _("cancelled the caseload status meeting of {team} on {when}"),
    "coreteam.meeting_recorded": _("recorded the caseload status meeting of {team} on {when}"),
    "coreteam.decision": _(
        "recorded the core team {team}'s decision at the caseload status meeting on {date}: {decision}"
    ),
    "coreteam.decision_revise": _(
        "recorded the core team {team}'s decision at the caseload status meeting on {date} (the plan is to be "
        "revised): {decision}"
    ),
    # Where the citizen stands and how the pathway ended (`samspil.results`).
    "status.recorded": _("recorded where {name} stands ({occasion}, {recorded_on}): {education_employment}"),
    "pathway.outcome_recorded": _("recorded the outcome of the pathway: {outcome}"),
    "pathway.target_group_set": _("set the target group of the pathway to {target_group}"),
    # Baseline and follow-up (`samspil.evaluation`).
    "outreach.agreement_saved": _("saved the cooperation agreement {agreement} with {centre}"),
    "outreach.activity_saved": _("saved the group activity {activity} at {centre}"),
    "outreach.session_saved": _("saved the session of {activity} at {centre} on {date}"),
    "outreach.session_removed": _("removed the session of {activity} at {centre} on {date}"),
    "outreach.registration_recorded": _("registered a conversation at {centre} on {date}"),
    "outreach.registration_changed": _("changed the registered conversation at {centre} on {date}"),
    "outreach.person_linked": _(
        "linked “{pseudonym}” at {centre} to a registered citizen ({registrations} conversations)"
    ),
    "outreach.registration_linked": _("linked an anonymous conversation at {centre} on {date} to a registered citizen"),
    "outreach.rating_link_made": _("made a rating link for the conversation at {centre} on {date}"),
    "outreach.rating_given": _("recorded the citizen's rating of the conversation at {centre} on {date} ({source})"),
    "outreach.appointment_recorded": _("recorded an appointment at {department} on {date}: {appointment_outcome}"),
    "outreach.appointment_planned": _("recorded a planned appointment at {department} on {date}"),
    "outreach.appointment_changed": _("changed the appointment at {department} on {date}"),
    "outreach.imported": _("imported {file}: {created} new, {unchanged} unchanged, {skipped} skipped ({import_kind})"),
    "outreach.drop_in_invited": _("invited {name} to the drop-in centre's pages for {centre}"),
    "outreach.drop_in_accepted": _("accepted the invitation to the drop-in centre's pages for {centre}"),
    "outreach.drop_in_access_ended": _("ended {name}'s access to the drop-in centre's pages for {centre}: {reason}"),
    "evaluation.round_opened": _("opened the measurement round {round} of {programme} ({pathways} pathways)"),
    "evaluation.round_closed": _("closed the measurement round {round} of {programme}"),
    "evaluation.who5_recorded": _("recorded {name}'s WHO-5 answer in the measurement round {round}"),
    "evaluation.who5_answered_in_portal": _("({portal_as}) answered WHO-5 in the measurement round {round}"),
    "evaluation.interview_recorded": _("recorded a citizen interview in the measurement round {round}"),
    "evaluation.pathway_quality_recorded": _("assessed the quality of the pathway in the measurement round {round}"),
    "evaluation.coordination_recorded": _("answered the coordination questionnaire in the measurement round {round}"),
    "evaluation.leader_assessment_recorded": _("gave the leader group's assessment in the measurement round {round}"),
    # The joint assessment (samspil.assessments).
    "assessment.started": _("started joint assessment {number}"),
    "assessment.study_added": _("added the investigation “{study}” to joint assessment {number}"),
    "assessment.study_done": _("recorded the investigation “{study}” of joint assessment {number} as done"),
    "assessment.study_reopened": _("recorded the investigation “{study}” of joint assessment {number} as not done"),
    "assessment.study_removed": _("removed the investigation “{study}” from joint assessment {number}"),
    "assessment.family_view_recorded": _("recorded the family's own view in joint assessment {number}"),
    "assessment.family_view_changed": _("changed the family's own view in joint assessment {number}"),
    "assessment.section_written": _("wrote a section on “{area}” in joint assessment {number}"),
    "assessment.section_changed": _("changed their section on “{area}” in joint assessment {number}"),
    "assessment.finding_added": _("added a finding on “{area}” to joint assessment {number}"),
    "assessment.finding_changed": _("changed a finding on “{area}” in joint assessment {number}"),
    "assessment.finding_removed": _("removed a finding on “{area}” from joint assessment {number}"),
    "assessment.compiled": _("compiled version {report} of the combined report of joint assessment {number}"),
    "assessment.approved": _("approved version {report} of the combined report of joint assessment {number}"),
    "assessment.status_restored": _(
        "compiled joint assessment {number} unchanged since version {report}: its status is that version's again"
    ),
}


def _display_values(data: dict) -> dict:
    """Events store codes, not labels, so the text follows the reader's language."""
    from samspil.citizens.choices import GuardianRelation
    from samspil.meetings.choices import MeetingType
    from samspil.outreach.choices import AppointmentOutcome, RatingSource
    from samspil.outreach.services_import import ImportKind
    from samspil.partners.choices import PartnerLevel
    from samspil.pathways.choices import PathwayStatus, TeamRole
    from samspil.plans.choices import AgreementStatus, FollowUpResult
    from samspil.portal.choices import PortalActor, PortalLevel
    from samspil.results.choices import EducationEmployment, PathwayOutcome, StatusOccasion

    labels = {
        "from_status": PathwayStatus,
        "occasion": StatusOccasion,
        "education_employment": EducationEmployment,
        "outcome": PathwayOutcome,
        "to_status": PathwayStatus,
        "role": TeamRole,
        "relation": GuardianRelation,
        "meeting_type": MeetingType,
        "result": FollowUpResult,
        "agreement_from": AgreementStatus,
        "agreement_to": AgreementStatus,
        "portal_level": PortalLevel,
        "partner_level": PartnerLevel,
        "portal_as": PortalActor,
        "appointment_outcome": AppointmentOutcome,
        "import_kind": ImportKind,
        "source": RatingSource,
    }
    shown = dict(data)
    for key, choices in labels.items():
        if key in shown and shown[key] in choices.values:
            label = str(choices(shown[key]).label)
            shown[key] = label[:1].lower() + label[1:]  # mid-sentence, keeping abbreviations like SKP
    return shown


def describe(code: str, data: dict) -> str:
    template = EVENTS.get(code)
    if template is None:
        return code
    try:
        return str(template).format(**_display_values(data))
    except (KeyError, IndexError):
        return str(template)
