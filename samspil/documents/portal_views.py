"""The portal's pages for shared documents (`/borger/forloeb/<id>/dokumenter/`) and the messages with the
coordinator (`/borger/forloeb/<id>/beskeder/`). `PortalPathwayMixin` resolves the pathway through `portal.access`
(404, logged, for anyone else: other citizens, staff, partners) and writes the access log of every response that
shows it, downloads included (`portal.documents`).

| page | needs |
|---|---|
| documents, download | reaching the pathway (read or write); only documents shared with the citizen side exist here |
| upload | the write right, open pathway (a read-only account gets 404, as a stranger) |
| messages: read and write | reaching the pathway (read or write); writing needs an open pathway |
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from samspil.documents import forms, selectors, services
from samspil.documents.views import document_response, max_upload_text
from samspil.portal.views_base import PortalPathwayMixin


class PortalDocumentsMixin(PortalPathwayMixin):
    access_shown = "portal.documents"

    def render_documents(self, form=None, status=200):
        may_upload = self.access.may_write
        context = {
            "pathway": self.pathway,
            "documents": selectors.documents_for_portal(pathway=self.pathway, person=self.person),
            "may_upload": may_upload,
            "form": (form or forms.PortalDocumentUploadForm(prefix="upload")) if may_upload else None,
            "max_mb": max_upload_text(),
        }
        return render(self.request, "documents/portal_documents.html", context, status=status)


class PortalDocumentListView(PortalDocumentsMixin, View):
    def get(self, request, pathway_id):
        return self.render_documents()


class PortalDocumentUploadView(PortalDocumentsMixin, View):
    """Share a file with the team (always visible to the team and the citizen side): the write right only."""

    portal_write = True
    http_method_names = ["post"]

    def post(self, request, pathway_id):
        form = forms.PortalDocumentUploadForm(request.POST, request.FILES, prefix="upload")
        if form.is_valid():
            try:
                services.document_upload(actor=request.user, pathway=self.pathway, upload=form.cleaned_data["file"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The document is shared. Your coordinator and the team can see it now."))
                return HttpResponseRedirect(reverse("portal:documents", args=[self.pathway.public_id]))
        return self.render_documents(form, status=422)


class PortalDocumentDownloadView(PortalDocumentsMixin, View):
    def get(self, request, pathway_id, document_id):
        return document_response(selectors.document_for_portal(pathway=self.pathway, public_id=document_id))


class PortalMessagesView(PortalPathwayMixin, View):
    """The thread with the coordinator: read it (which marks it read for this account) and write in it."""

    access_shown = "portal.messages"

    def render_thread(self, form=None, status=200):
        page = selectors.thread_page(pathway=self.pathway, before=self.request.GET.get("foer"))
        for message in page.messages:
            message.written_by = selectors.author_for_citizen(message.author, message.author_person, self.person)
        may_write = self.pathway.is_open
        context = {
            "pathway": self.pathway,
            "thread": page,
            "read_by_coordinator": selectors.read_by_other_side(
                pathway=self.pathway, messages=page.messages, for_citizen=True
            ),
            "may_write": may_write,
            "form": (form or forms.MessageForm(prefix="message")) if may_write else None,
        }
        if page.is_latest and status == 200:
            services.thread_mark_read(reader=self.request.user, pathway=self.pathway)
            self.pathway.documents_unread_messages = 0  # the tab's count, read with the pathway before this
        return render(self.request, "documents/portal_messages.html", context, status=status)

    def get(self, request, pathway_id):
        return self.render_thread()

    def post(self, request, pathway_id):
        form = forms.MessageForm(request.POST, prefix="message")
        if form.is_valid():
            try:
                services.message_send(actor=request.user, pathway=self.pathway, body=form.cleaned_data["body"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your message is sent. Your coordinator gets an e-mail saying so."))
                return HttpResponseRedirect(reverse("portal:messages", args=[self.pathway.public_id]) + "#seneste")
        return self.render_thread(form, status=422)
