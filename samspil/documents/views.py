"""Staff pages for a pathway's shared documents (`/forloeb/<id>/dokumenter/`) and its thread with the citizen side
(`/forloeb/<id>/beskeder/`). `PathwayMixin` resolves the pathway and writes the access log of every response that
shows it (a download included: `document`); the views parse, call one selector or service, and render.

| page | needs |
|---|---|
| documents, download | VIEW (coordinator, covered team places, grant, break-glass) |
| upload | CONTRIBUTE, open pathway |
| remove | CONTRIBUTE and being the uploader, or the coordinator (else 403, logged) |
| the thread | CONTRIBUTE: the coordinator and covered team places read it (a grant or break-glass reader does not) |
| writing in it | MANAGE: the coordinator writes; the citizen side is told who reads (the team) on its own page |
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from samspil.access import policy
from samspil.audit.services import access_denied_record
from samspil.documents import filetypes, forms, selectors, services
from samspil.documents.models import Document
from samspil.pathways.views import PathwayMixin, PathwayWriteView

logger = logging.getLogger(__name__)


def document_response(document: Document) -> FileResponse:
    """The document as a download: always an attachment (never shown in the browser), with the content type its
    content was found to be, `nosniff`, a sandboxing CSP and a safe `Content-Disposition` (RFC 5987 `filename*`)."""
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        logger.error("the stored file of document %s is missing", document.public_id)
        raise Http404 from None
    response = FileResponse(handle, content_type=document.content_type)
    response["Content-Disposition"] = filetypes.content_disposition(document.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store, private"
    return response


def max_upload_text() -> str:
    return filetypes.megabytes(settings.SAMSPIL_DOCUMENT_MAX_BYTES)


# --- documents ----------------------------------------------------------------------------------------------


class DocumentsPageMixin:
    def documents_context(self, *, upload_form=None, remove_form=None, remove_key=""):
        pathway = self.pathway
        page = selectors.documents_for_staff(actor=self.request.user, pathway=pathway)
        can_upload = pathway.is_open and pathway.access.may_contribute
        for document in page.current:
            key = f"remove-{document.public_id}"
            document.remove_open = key == remove_key
            document.remove_form = None
            if document.may_remove:
                document.remove_form = remove_form if document.remove_open else forms.DocumentRemoveForm(prefix=key)
        return {
            "pathway": pathway,
            "page": page,
            # A refused upload keeps its form and errors on the page, also when the pathway has just been closed.
            "upload_form": upload_form or (forms.DocumentUploadForm(prefix="upload") if can_upload else None),
            "max_mb": max_upload_text(),
        }

    def render_page(self, context, status=200):
        return render(self.request, "documents/documents.html", context, status=status)

    def success(self):
        return HttpResponseRedirect(reverse("documents:list", args=[self.pathway.public_id]))


class DocumentListView(DocumentsPageMixin, PathwayMixin, View):
    permission_action = policy.VIEW
    access_shown = "documents"

    def get(self, request, pathway_id):
        return self.render_page(self.documents_context())


class DocumentUploadView(DocumentsPageMixin, PathwayWriteView):
    permission_action = policy.CONTRIBUTE
    access_shown = "documents"
    http_method_names = ["post"]

    @property
    def success_message(self):
        return _("The document was shared.")

    def bound_form(self):
        return forms.DocumentUploadForm(self.request.POST, self.request.FILES, prefix="upload")

    def perform(self, form):
        services.document_upload(
            actor=self.request.user,
            pathway=self.pathway,
            upload=form.cleaned_data["file"],
            visibility=form.cleaned_data["visibility"],
        )

    def failure(self, form):
        return self.render_page(self.documents_context(upload_form=form), status=422)


class DocumentDownloadView(PathwayMixin, View):
    permission_action = policy.VIEW
    access_shown = "document"

    def get(self, request, pathway_id, document_id):
        return document_response(selectors.document_for_staff(pathway=self.pathway, public_id=document_id))


class DocumentRemoveView(DocumentsPageMixin, PathwayWriteView):
    """Remove a document: its uploader or the coordinator (a team member on someone else's: 403, logged)."""

    permission_action = policy.CONTRIBUTE
    access_shown = "documents"
    http_method_names = ["post"]

    @property
    def success_message(self):
        return _("The document was removed. That it was shared, and why it was removed, is kept.")

    @property
    def form_key(self):
        return f"remove-{self.kwargs['document_id']}"

    def post(self, request, pathway_id, document_id):
        self.document = get_object_or_404(
            Document.objects.filter(pathway=self.pathway, removed_at__isnull=True), public_id=document_id
        )
        if not (self.pathway.access.is_coordinator or self.document.uploaded_by_id == request.user.pk):
            access_denied_record(actor=request.user, path=request.path, pathway=self.pathway)
            raise PermissionDenied
        return super().post(request, pathway_id)

    def bound_form(self):
        return forms.DocumentRemoveForm(self.request.POST, prefix=self.form_key)

    def perform(self, form):
        services.document_remove(actor=self.request.user, document=self.document, reason=form.cleaned_data["reason"])

    def failure(self, form):
        return self.render_page(self.documents_context(remove_form=form, remove_key=self.form_key), status=422)


# --- messages -----------------------------------------------------------------------------------------------


class ThreadPageMixin:
    def thread_context(self, *, form=None):
        pathway = self.pathway
        page = selectors.thread_page(pathway=pathway, before=self.request.GET.get("foer"))
        can_write = pathway.is_open and pathway.access.is_coordinator
        return {
            "pathway": pathway,
            "thread": page,
            "read_by_citizen": selectors.read_by_other_side(pathway=pathway, messages=page.messages, for_citizen=False),
            "can_write": can_write,
            "form": (form or forms.MessageForm(prefix="message")) if can_write else None,
        }

    def render_page(self, context, status=200):
        return render(self.request, "documents/messages.html", context, status=status)


class MessageListView(ThreadPageMixin, PathwayMixin, View):
    permission_action = policy.CONTRIBUTE
    access_shown = "messages"

    def get(self, request, pathway_id):
        context = self.thread_context()
        if context["thread"].is_latest:
            services.thread_mark_read(reader=request.user, pathway=self.pathway)
        return self.render_page(context)


class MessageSendView(ThreadPageMixin, PathwayWriteView):
    permission_action = policy.MANAGE
    access_shown = "messages"
    http_method_names = ["post"]

    @property
    def success_message(self):
        return _("The message was sent. The citizen is told by e-mail that there is a new message (not what it says).")

    def bound_form(self):
        return forms.MessageForm(self.request.POST, prefix="message")

    def perform(self, form):
        services.message_send(actor=self.request.user, pathway=self.pathway, body=form.cleaned_data["body"])

    def success(self):
        return HttpResponseRedirect(reverse("documents:messages", args=[self.pathway.public_id]) + "#seneste")

    def failure(self, form):
        return self.render_page(self.thread_context(form=form), status=422)
