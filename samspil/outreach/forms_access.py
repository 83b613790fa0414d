"""Forms of drop-in staff's access on the cooperation agreement's page: invite one of the centre's contact persons,
end an invitation or access (with an optional reason). Rows are named by public id; the services check the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samspil.core.forms import DkfdsFormMixin


class AccessInviteForm(forms.Form):
    """Which of the centre's contact persons to invite (their public id)."""

    contact = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"required": _("Choose one of the centre's own contact persons.")}
    )


class AccessEndForm(DkfdsFormMixin, forms.Form):
    """Which invitation to end (its public id), and why."""

    row = forms.UUIDField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)
