"""E-mail notices from the portal and to it: that there is something new, never what (no content, no names).

A message, a withdrawn consent, a new document or a plan response is announced with one line of what *kind* of
thing is new and where to log in; the e-mail is sent after the transaction commits, so a refused write sends
nothing. A failure to send is logged and never undoes the write.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

logger = logging.getLogger(__name__)

# What is new, by code. The texts name the kind of news only; they must never take a name or a text. Marked with
# gettext_noop so makemessages finds them; they are translated when the e-mail is written, in the site's language.
NEWS = {
    "message": gettext_noop("There is a new message for you in Samspil."),
    "consent_withdrawn": gettext_noop("A consent on a pathway you coordinate has been withdrawn."),
    "consent_given": gettext_noop("A consent has been given in Samspil on a pathway you coordinate."),
    "document": gettext_noop("A new document has been shared with you in Samspil."),
    "plan_response": gettext_noop("A response to a version of a plan has been given in Samspil."),
    "plan_changed": gettext_noop("Something has been changed in a plan in Samspil."),
    "invitation": gettext_noop("You have been invited to a pathway in Samspil."),
    "drop_in_invitation": gettext_noop("You have been invited to the drop-in centre's pages in Samspil."),
    "expert_invitation": gettext_noop("You have been invited to an analysis meeting in Samspil as an outside expert."),
}


def notify(*, email: str, news: str, portal: bool = False, link: str = "") -> None:
    """Tell `email` that there is news of kind `news` (a key of NEWS), after the current transaction commits.

    `portal`: the recipient logs in to the portal (a citizen), else to Samspil as staff or partner. `link`: an
    address of its own to follow instead of the log-in page (a partner invitation's one-time link).
    """
    if news not in NEWS:
        raise ValueError(f"unknown news {news!r}")
    if not email:
        return

    def send():
        with translation.override(settings.LANGUAGE_CODE):
            where = f"{settings.SAMSPIL_BASE_URL}{settings.PORTAL_LOGIN_URL if portal else '/konto/log-ind/'}"
            subject = gettext("News in Samspil")
            action = gettext("Follow the link: %(url)s") if link else gettext("Log in to read it: %(url)s")
            body = "\n\n".join([gettext(NEWS[news]), action % {"url": link or where}])
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        except Exception:
            logger.exception("notice %s could not be sent", news)

    transaction.on_commit(send)
