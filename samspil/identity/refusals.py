"""The page a refused log-in shows: what happened and what the person can do, in plain language (no protocol words,
never a CPR number), with the reference that finds the `LoginRefusal` row."""

from django.conf import settings
from django.shortcuts import render, resolve_url
from django.utils.translation import gettext_lazy as _

from samspil.identity.choices import RefusalReason, Side

TRY_AGAIN = _("Try to log in again. If it happens again, contact the municipality and give them the reference below.")

# reason → (heading, what happened, what you can do)
TEXTS = {
    RefusalReason.SIGNATURE: (
        _("We could not use your log-in"),
        _("We could not confirm that the answer from the log-in was genuine, so you have not been logged in."),
        TRY_AGAIN,
    ),
    RefusalReason.AUDIENCE: (
        _("We could not use your log-in"),
        _("The answer from the log-in was meant for another service, so you have not been logged in."),
        _("Start the log-in again from this site."),
    ),
    RefusalReason.EXPIRED: (
        _("The log-in took too long"),
        _(
            "The answer from the log-in was too old when it reached us, so you have not been logged in. This can "
            "also happen if the clock on your computer or phone is wrong."
        ),
        _("Log in again."),
    ),
    RefusalReason.REPLAYED: (
        _("This log-in has already been used"),
        _("For your safety a log-in can be used only once, and this one has been used before."),
        _("Log in again."),
    ),
    RefusalReason.NO_REQUEST: (
        _("We could not find your log-in"),
        _(
            "We could not find a log-in started in this browser. Perhaps it took too long, or it was started in "
            "another browser or window."
        ),
        _("Start the log-in again from this site."),
    ),
    RefusalReason.ASSURANCE_TOO_LOW: (
        _("Your log-in was not secure enough"),
        _(
            "Samspil holds information about you and your family, so it needs a more secure log-in than the one "
            "you used."
        ),
        _("Log in again with MitID and approve in the MitID app, or with a code display or a code reader."),
    ),
    RefusalReason.UNKNOWN_CPR: (
        _("We could not find you in Samspil"),
        _(
            "You have logged in with MitID, but Samspil does not know you. You can use Samspil only when the "
            "municipality works with you or your child in a coordinated pathway."
        ),
        _("If you think this is a mistake, contact your coordinator at the municipality."),
    ),
    RefusalReason.SEVERAL_MUNICIPALITIES: (
        _("We cannot tell which municipality you belong to"),
        _(
            "More than one municipality knows you in Samspil, and Samspil cannot yet tell which one you want to "
            "see. You have not been logged in."
        ),
        _("Contact your coordinator at the municipality. They can help you."),
    ),
    RefusalReason.UNKNOWN_STAFF_SUBJECT: (
        _("Your account is not set up for this log-in"),
        _("You have logged in with the municipality's log-in, but no Samspil account is linked to you."),
        _(
            "Ask your Samspil administrator to link your account to the municipality's log-in. Give them the "
            "reference below."
        ),
    ),
    RefusalReason.ACCOUNT_CLOSED: (
        _("Your account is closed"),
        _("Your account in Samspil cannot be used at the moment."),
        _("Contact the municipality if you need access."),
    ),
    RefusalReason.MISSING_ATTRIBUTE: (
        _("Information is missing from your log-in"),
        _("The log-in did not send us everything Samspil needs to know who you are, so you have not been logged in."),
        TRY_AGAIN,
    ),
    RefusalReason.IDP_ERROR: (
        _("You have not been logged in"),
        _("The log-in was cancelled or did not succeed."),
        _("Try again when you are ready."),
    ),
    RefusalReason.IDP_UNAVAILABLE: (
        _("The log-in cannot be reached right now"),
        _("We could not get in touch with the log-in service."),
        _("Try again in a few minutes."),
    ),
    RefusalReason.INVALID_RESPONSE: (
        _("We could not use your log-in"),
        _("We could not read the answer from the log-in, so you have not been logged in."),
        TRY_AGAIN,
    ),
}


def refusal_page(request, *, record, side: str):
    heading, happened, what_to_do = TEXTS.get(record.reason, TEXTS[RefusalReason.INVALID_RESPONSE])
    again = settings.PORTAL_LOGIN_URL if side == Side.CITIZEN else resolve_url(settings.LOGIN_URL)
    context = {
        "heading": heading,
        "happened": happened,
        "what_to_do": what_to_do,
        "reference": record.request_id,
        "again_url": again,
        "identifier": record.subject if record.reason == RefusalReason.UNKNOWN_STAFF_SUBJECT else "",
    }
    return render(request, "identity/refused.html", context, status=403)
