from django import forms
from django.utils.translation import gettext_lazy as _

from samspil.core.forms import DkfdsFormMixin
from samspil.documents.choices import Visibility

MESSAGE_MAX_LENGTH = 5000
ACCEPT = ".pdf,.png,.jpg,.jpeg,.gif,.webp,.docx,.xlsx,.pptx"


class DocumentUploadForm(DkfdsFormMixin, forms.Form):
    """The team's upload: the file and who sees it. The type and size are checked by `services.document_upload`."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, images and Office documents (Word, Excel, PowerPoint)."),
        error_messages={"required": _("Choose a file."), "empty": _("The file is empty.")},
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT, "class": "form-file-input"}),
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"),
        choices=Visibility.choices,
        initial=Visibility.TEAM,
        widget=forms.RadioSelect,
    )


class PortalDocumentUploadForm(DkfdsFormMixin, forms.Form):
    """The citizen side's upload: always visible to the team and the citizen side."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, pictures and Office documents (Word, Excel, PowerPoint)."),
        error_messages={"required": _("Choose a file."), "empty": _("The file is empty.")},
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT, "class": "form-file-input"}),
    )


class DocumentRemoveForm(DkfdsFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why is it removed?"),
        max_length=500,
        error_messages={"required": _("Write why the document is removed.")},
        help_text=_("The document can no longer be downloaded. That it was shared, and why it was removed, is kept."),
    )


class MessageForm(DkfdsFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Write a message."),
            "max_length": _("The message may be at most %(limit_value)s characters (it is %(show_value)s)."),
        },
    )

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write a message."), code="required")
        return body
