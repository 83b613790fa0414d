"""The base of every drop-in-centre page: who may open it, and the access log of what it shows, by construction.

A staff page inherits `OutreachStaffMixin` with a `role_check` from `outreach.access`; a drop-in staff page
`OutreachPartnerMixin` (the centre is `self.centre`, anyone else gets 404, logged). Both require `access_shown`
(a code of `audit.choices.SHOWN_LABELS`) on every page and, after every response that shows data — a page (200) and a
form shown again with its errors (422) alike, never a redirect (`pathways.views.shows_pathway`) — write one access-log
row per person shown from `shown_people()`: registered citizens by their row, persons known only by the centre's
name for them by their key (`ContactPerson.log_subject_index`), anonymous conversations not at all (nobody to
identify). A page that shows no person returns nothing from `shown_people()` and sets `access_shown = "none"`.
"""

from types import SimpleNamespace

from django.http import Http404

from samspil.access.views import RoleRequiredMixin
from samspil.audit.choices import SHOWN_LABELS, AccessPurpose, AccessVia
from samspil.audit.services import access_denied_record, access_record_subjects
from samspil.outreach import access
from samspil.pathways.views import shows_pathway


def people_subjects(items) -> list:
    """Access-log subjects for registrations, appointments, persons or citizens shown (see the module's doc)."""
    subjects, seen = [], set()
    for item in items:
        citizen_id = getattr(item, "citizen_id", None)
        person = getattr(item, "person", None) if hasattr(item, "person_id") else None
        if item.__class__.__name__ == "ContactPerson":
            person = item
        if item.__class__.__name__ == "Citizen":
            citizen_id = item.pk
        if citizen_id:
            key = ("c", citizen_id)
            subject = SimpleNamespace(citizen_id=citizen_id, cpr_index="", municipality_id=item.municipality_id)
        elif person is not None:
            key = ("p", person.pk)
            subject = SimpleNamespace(
                citizen_id=None, cpr_index=person.log_subject_index, municipality_id=item.municipality_id
            )
        else:
            continue
        if key not in seen:
            seen.add(key)
            subjects.append(subject)
    return subjects


class _OutreachLogMixin:
    access_shown: str = None
    access_purpose: str = AccessPurpose.COORDINATION
    access_via: str = AccessVia.SCOPE

    def shown_people(self):
        """The registrations, appointments, persons or citizens this response shows (logged after it)."""
        return ()

    def _check_shown(self):
        if self.access_shown != "none" and self.access_shown not in SHOWN_LABELS:
            raise ValueError(f"{type(self).__name__} must set access_shown to a code of audit.choices.SHOWN_LABELS")

    def _log(self, request, response):
        if self.access_shown == "none" or not shows_pathway(response):
            return
        subjects = people_subjects(self.shown_people())
        if subjects:
            access_record_subjects(
                actor=request.user,
                subjects=subjects,
                shown=self.access_shown,
                purpose=self.access_purpose,
                via=self.access_via,
            )


class OutreachStaffMixin(_OutreachLogMixin, RoleRequiredMixin):
    """A staff page of the drop-in model: `role_check` from `outreach.access`, reads logged by construction."""

    def dispatch(self, request, *args, **kwargs):
        self._check_shown()
        response = super().dispatch(request, *args, **kwargs)
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        self._log(request, response)
        return response


class OutreachPartnerMixin(_OutreachLogMixin):
    """A drop-in staff page (`/partner/vaerested/…`): the partner account's own centre only (`self.centre`)."""

    access_via = AccessVia.PARTNER

    def dispatch(self, request, *args, **kwargs):
        from django.contrib.auth.views import redirect_to_login

        self._check_shown()
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.centre = access.partner_centre(request.user)
        if self.centre is None:
            access_denied_record(actor=request.user, path=request.path, municipality_id=request.user.municipality_id)
            raise Http404
        response = super().dispatch(request, *args, **kwargs)
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        self._log(request, response)
        return response
