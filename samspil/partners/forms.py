from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samspil.core.forms import DkfdsFormMixin
from samspil.partners.choices import PartnerLevel
from samspil.pathways.forms import PathwayForm


class PartnerInviteForm(PathwayForm):
    """The coordinator invites an external team member to Samspil (or changes the access they have)."""

    level = forms.ChoiceField(
        label=_("What may they do in Samspil?"),
        choices=PartnerLevel.choices,
        initial=PartnerLevel.READ,
        widget=forms.RadioSelect,
        help_text=_(
            "They see the citizen's version of the plan, their own agreements and the meetings they are invited to. "
            "With write access they can mark their own agreements done."
        ),
        error_messages={"required": _("Choose what the partner may do.")},
    )


class PartnerAccessEndForm(PathwayForm):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)


class NewPartnerAccountForm(DkfdsFormMixin, forms.Form):
    """The invited contact chooses a password for their new partner account (Django's password validators)."""

    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Write the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, candidate, **kwargs):
        self.candidate = candidate  # the account accepting would create (unsaved): the validators compare with it
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = " ".join(str(text) for text in password_validators_help_texts())

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            try:
                validate_password(first, user=self.candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AgreementDoneForm(DkfdsFormMixin, forms.Form):
    """A partner marks one of their own agreements done, with a follow-up note."""

    note = forms.CharField(
        label=_("Follow-up note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done. It is shown in the plan, to the team and to the citizen."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
