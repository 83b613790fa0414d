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
    "citizen.cpr_revealed": _("was shown {name}'s full CPR number"),
}


def _display_values(data: dict) -> dict:
    """Events store codes, not labels, so the text follows the reader's language."""
    from samspil.citizens.choices import GuardianRelation
    from samspil.pathways.choices import PathwayStatus, TeamRole

    labels = {"from_status": PathwayStatus, "to_status": PathwayStatus, "role": TeamRole, "relation": GuardianRelation}
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
