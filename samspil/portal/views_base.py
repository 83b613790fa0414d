"""The base of every portal page: who may enter, which pathway, and the access log — by construction.

`PortalMixin`: a logged-in citizen account (anyone else: staff and partners get 404, the anonymous the portal's
log-in page). `PortalPathwayMixin` adds the pathway: resolved through `portal.access.portal_pathway_get` before any
handler runs (404 and a logged refusal otherwise; `portal_write = True` also needs the right to write), and after
the handler every response that shows the pathway's data writes its access-log rows: one per citizen shown (by
default the pathway's subjects and a family's former members, `pathways.selectors.logged_citizens`), purpose `portal`,
basis own / custody. A view must set `access_shown` (a code of
`audit.choices.SHOWN_LABELS`) or it fails at its first request; it never logs itself. `PortalListMixin` does the same
for a page that lists pathways (the front page): one row per (citizen, pathway) it listed.
"""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect

from samspil.audit.choices import SHOWN_LABELS, AccessPurpose
from samspil.audit.services import access_denied_record, access_record, access_record_each
from samspil.pathways.selectors import logged_citizens, subject_citizens
from samspil.pathways.views import shows_pathway
from samspil.portal.access import portal_pathway_get, portal_person


class PortalMixin:
    """A page of the portal: citizen accounts only."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{settings.PORTAL_LOGIN_URL}?next={request.path}")
        if portal_person(user) is None:
            access_denied_record(actor=user, path=request.path, municipality_id=user.municipality_id)
            raise Http404
        self.person = user.citizen
        return super().dispatch(request, *args, **kwargs)


class PortalPathwayMixin(PortalMixin):
    """A portal page about one pathway (the URL's `pathway_id`)."""

    access_shown: str = None
    access_purpose: str = AccessPurpose.PORTAL
    portal_write: bool = False  # the page (every method) needs the right to write
    portal_write_methods: tuple[str, ...] = ()  # or only these methods need it (e.g. ("POST",))
    access_citizens: list | None = None  # who the response showed, when not the pathway's subjects

    def dispatch(self, request, *args, **kwargs):
        if self.access_shown not in SHOWN_LABELS:
            raise ValueError(f"{type(self).__name__} must set access_shown to a code of audit.choices.SHOWN_LABELS")
        if not request.user.is_authenticated or portal_person(request.user) is None:
            return super().dispatch(request, *args, **kwargs)
        write = self.portal_write or request.method in self.portal_write_methods
        # The pathway tabs' count of unread messages comes with the pathway (`documents` tag `unread_messages`).
        self.pathway = portal_pathway_get(
            user=request.user,
            public_id=kwargs["pathway_id"],
            write=write,
            path=request.path,
            with_unread=True,
        )
        self.access = self.pathway.portal_access
        response = super().dispatch(request, *args, **kwargs)
        self.log_read(response)
        return response

    def access_read(self) -> tuple[str, list | None]:
        return self.access_shown, self.access_citizens

    def log_read(self, response) -> None:
        if self.request.method in ("HEAD", "OPTIONS") or not shows_pathway(response):
            return
        shown, citizens = self.access_read()
        # By default the pathway's people as the staff pages log them: the subjects and, on a family pathway, the
        # former members too — the plan and the assessment keep naming them (`pathways.selectors.logged_citizens`).
        shown_citizens = logged_citizens(self.pathway) if citizens is None else citizens
        unique = list({citizen.pk: citizen for citizen in shown_citizens}.values())
        access_record(
            actor=self.request.user,
            citizens=unique,
            shown=shown,
            purpose=self.access_purpose,
            pathway=self.pathway,
            via=self.access.via,
        )


class PortalListMixin(PortalMixin):
    """A portal page that lists the account's pathways (`portal_pathways`).

    The handler puts the pathways it shows in `self.listed`; after it, a response that shows them writes one
    access-log row per (citizen, pathway) listed: the subjects of each pathway (read with the list by
    `portal_pathways`), purpose `portal`, basis own or custody as the account reaches that pathway. A view must set
    `access_shown`; it never logs itself.
    """

    access_shown: str = None
    access_purpose: str = AccessPurpose.PORTAL

    def dispatch(self, request, *args, **kwargs):
        if self.access_shown not in SHOWN_LABELS:
            raise ValueError(f"{type(self).__name__} must set access_shown to a code of audit.choices.SHOWN_LABELS")
        self.listed = []
        response = super().dispatch(request, *args, **kwargs)
        self.log_read(response)
        return response

    def log_read(self, response) -> None:
        if self.request.method in ("HEAD", "OPTIONS") or not shows_pathway(response) or not self.listed:
            return
        by_via: dict[str, list] = {}
        for pathway in self.listed:
            reads = by_via.setdefault(pathway.portal_access.via, [])
            reads.extend((citizen, pathway) for citizen in subject_citizens(pathway))
        for via, reads in by_via.items():
            access_record_each(
                actor=self.request.user, reads=reads, shown=self.access_shown, purpose=self.access_purpose, via=via
            )
