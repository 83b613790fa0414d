import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from samspil.accounts.choices import AccountKind
from samspil.accounts.usernames import normalise_username


class User(AbstractUser):
    """Anyone who logs in. Staff and citizens are distinct kinds of account and never share a login.

    - staff log in through the municipality's identity provider (SAML or OIDC, `samspil.identity`), or with a
      password and TOTP where no identity provider is configured;
    - citizens and a minor's custody holders log in to the portal (`/borger/`) through MitID; their account names
      the `citizen` it belongs to (one account per citizen, made at the first log-in; the CPR number is never on it);
    - external partners (a drop-in centre's or a school's contact person) are invited to pathways; their account
      names the `external_contact` they are and reaches only the partner pages.

    The kinds never share a page: staff pages answer 404 to citizens and partners, the portal 404 to staff.
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind of account"), max_length=10, choices=AccountKind.choices, default=AccountKind.STAFF)
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("municipality"),
        help_text=_("Empty only for platform operators, who see no citizen data."),
    )
    citizen = models.OneToOneField(
        "citizens.Citizen",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account",
        verbose_name=_("citizen"),
        help_text=_("Only for citizen accounts: the citizen who logs in with MitID."),
    )
    external_contact = models.OneToOneField(
        "organisations.ExternalContact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account",
        verbose_name=_("external contact"),
        help_text=_("Only for partner accounts: the partner's contact person."),
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_demo_account = models.BooleanField(
        _("demo account"), default=False, help_text=_("Demo accounts can log in only in demo mode.")
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind=AccountKind.CITIZEN) | models.Q(citizen__isnull=True))
                & (models.Q(kind=AccountKind.PARTNER) | models.Q(external_contact__isnull=True)),
                name="user_links_fit_kind",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @classmethod
    def normalize_username(cls, username):
        # Stored as the log-in looks it up (NFKC, case-folded, trimmed), so the unique constraint on the
        # stored name also refuses a second account whose name differs only in case or compatibility form.
        # Used by create_user() and clean(); save() applies it too, for code that saves without clean().
        return normalise_username(username) if isinstance(username, str) else username

    def save(self, *args, **kwargs):
        self.username = self.normalize_username(self.username)
        super().save(*args, **kwargs)

    @property
    def is_staff_account(self) -> bool:
        return self.kind == AccountKind.STAFF

    @property
    def is_citizen_account(self) -> bool:
        return self.kind == AccountKind.CITIZEN

    @property
    def is_partner_account(self) -> bool:
        return self.kind == AccountKind.PARTNER
