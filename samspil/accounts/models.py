import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from samspil.accounts.choices import AccountKind
from samspil.accounts.usernames import normalise_username


class User(AbstractUser):
    """Anyone who logs in. Staff and citizens are distinct kinds of account and never share a login.

    Staff log in through the municipality's identity provider (passwords here until that is wired up);
    citizens and a minor's parents will log in to the portal through MitID.
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
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_demo_account = models.BooleanField(
        _("demo account"), default=False, help_text=_("Demo accounts can log in only in demo mode.")
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

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
