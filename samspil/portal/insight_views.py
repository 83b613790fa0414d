"""Insight and the data download in the portal.

- `/borger/forloeb/<id>/indsigt/` (`portal:insight`, GET): who has looked at the data, newest first, keyset pages
  (`?efter=`), the account's own reads shown as "Dig selv" or left out (`?egne=skjul`). Logged as `portal.insight`
  for the people it concerns.
- `/borger/forloeb/<id>/mine-data.pdf` and `.json` (`portal:export_pdf`, `portal:export_json`, GET): everything the
  account may see (`portal.export.export_assemble`), logged as `portal.export` with the purpose `data_request`: one
  row per (citizen, pathway) the download holds.
"""

import json

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from samspil.audit.choices import AccessPurpose
from samspil.audit.services import access_record_each
from samspil.pathways.access_log import Cursor
from samspil.pathways.views import shows_pathway
from samspil.portal import export
from samspil.portal.insight import HIDE_OWN, insight_page, insight_subjects
from samspil.portal.views_base import PortalPathwayMixin


class InsightView(PortalPathwayMixin, View):
    access_shown = "portal.insight"

    def get(self, request, pathway_id):
        subjects = insight_subjects(self.pathway)
        self.access_citizens = subjects
        hide_own = request.GET.get("egne", "") == HIDE_OWN
        after, error, status = None, "", 200
        cursor = request.GET.get("efter", "").strip()
        if cursor:
            try:
                after = Cursor.decode(cursor)
            except ValueError:
                error = _("The link to the next page is not valid. Here are the newest entries.")
                status = 422
        page = insight_page(user=request.user, subjects=subjects, after=after, hide_own=hide_own)
        page.error = error
        context = {"pathway": self.pathway, "access": self.access, "page": page, "portal_tab": "insight"}
        return render(request, "portal/insight.html", context, status=status)


class ExportView(PortalPathwayMixin, View):
    """All the account's data as a PDF or JSON file (the URL's `fmt`)."""

    access_shown = "portal.export"
    access_purpose = AccessPurpose.DATA_REQUEST

    def get(self, request, pathway_id, fmt):
        self.data = export.export_assemble(user=request.user, pathway=self.pathway)
        day = timezone.localdate().isoformat()
        if fmt == "json":
            body = json.dumps(export.export_json(self.data), ensure_ascii=False, indent=2)
            response = HttpResponse(body, content_type="application/json; charset=utf-8")
        else:
            from samspil.portal.export_pdf import render_export_pdf

            response = HttpResponse(render_export_pdf(self.data), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="samspil-mine-data-{day}.{fmt}"'
        return response

    def log_read(self, response) -> None:
        """One row per (citizen, pathway) the download holds, each with the basis the account reaches it on."""
        if self.request.method in ("HEAD", "OPTIONS") or not shows_pathway(response):
            return
        by_via: dict[str, list] = {}
        for pathway, citizens in self.data.reads:
            by_via.setdefault(pathway.portal_access.via, []).extend((citizen, pathway) for citizen in citizens)
        for via, reads in by_via.items():
            access_record_each(
                actor=self.request.user, reads=reads, shown=self.access_shown, purpose=self.access_purpose, via=via
            )
