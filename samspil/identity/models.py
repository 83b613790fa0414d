from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samspil.audit.models import AppendOnlyModel, ChangeLogged
from samspil.core.models import TenantModel
from samspil.identity.choices import LoginMethod, RefusalReason


class ExternalIdentity(ChangeLogged, TenantModel):
    """The link between a staff account and the identity the municipality's identity provider vouches for.

    A staff member who logs in through AD FS, KOMBIT's context handler or Entra ID is matched by the provider
    (`issuer`: the SAML entity id or the OIDC `iss`) and a stable subject identifier (`subject`: the persistent
    NameID, a configured attribute such as objectidentifier, or the OIDC `sub`/`oid`) — never by e-mail, which can
    be reused or changed. Administrators add the link in the user admin; the log-in never creates accounts, roles or
    memberships.

    The pair is unique across all municipalities (not per municipality, as other unique constraints are): one
    provider may serve several municipalities (KOMBIT), and one identity must lead to exactly one account.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="external_identities",
        verbose_name=_("user"),
    )
    issuer = models.CharField(
        _("identity provider"),
        max_length=255,
        help_text=_("The provider's entity id (SAML) or issuer (OpenID Connect), exactly as it sends it."),
    )
    subject = models.CharField(
        _("subject identifier"),
        max_length=255,
        help_text=_(
            "The stable identifier of the person at the provider (persistent NameID, objectidentifier, sub or oid). "
            "Never the e-mail address."
        ),
    )

    class Meta:
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="external_identity_unique_subject"),
        ]

    def __str__(self):
        return gettext("%(user)s at %(issuer)s") % {"user": self.user, "issuer": self.issuer}

    def clean(self):
        super().clean()
        user = self.user if self.user_id else None
        if user is not None and (not user.is_staff_account or user.municipality_id is None):
            raise ValidationError(
                _("Only staff accounts of a municipality log in through the municipality's identity provider.")
            )
        self.issuer = (self.issuer or "").strip()
        self.subject = (self.subject or "").strip()

    def save(self, *args, **kwargs):
        if self.user_id and not self.municipality_id:
            self.municipality_id = self.user.municipality_id
        super().save(*args, **kwargs)


class UsedAssertion(models.Model):
    """A SAML assertion that has logged someone in, kept until it expires so it can never log anyone in again.

    In the database, not in a process: the replay check holds across every app server. `request_id` is the
    AuthnRequest it answered (our own random id), so a response posted again is recognised as a replay even when
    its assertion is encrypted.
    """

    issuer = models.CharField(_("identity provider"), max_length=255)
    assertion_id = models.CharField(_("assertion id"), max_length=255)
    request_id = models.CharField(_("request id"), max_length=255, db_index=True)
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("used assertion")
        verbose_name_plural = _("used assertions")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "assertion_id"], name="used_assertion_unique"),
        ]

    def __str__(self):
        return self.assertion_id


class LoginRefusal(AppendOnlyModel):
    """A log-in through an identity provider that was refused: when, which log-in, why, in which request.

    Append-only, like the audit trails. Never a CPR number: a refused citizen is not named at all. For a refused
    staff log-in the provider and the subject identifier are kept, so an administrator can link the right account.
    """

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    method = models.CharField(_("log-in"), max_length=20, choices=LoginMethod.choices)
    reason = models.CharField(_("reason"), max_length=30, choices=RefusalReason.choices)
    request_id = models.CharField(_("request id"), max_length=64)
    issuer = models.CharField(_("identity provider"), max_length=255, blank=True)
    subject = models.CharField(_("subject identifier"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("refused log-in")
        verbose_name_plural = _("refused log-ins")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_method_display()}: {self.get_reason_display()}"
