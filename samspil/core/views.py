from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from samspil.core.exceptions import ConflictError


@require_GET
@never_cache
def healthz(request):
    """Liveness and database readiness for load balancers and monitoring.

    `DatabaseUnavailableMiddleware` answers `/healthz` with this view before any session or user is loaded, so a
    probe's cookies cannot make it touch the database beyond this one query.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        from samspil.core.outage import close_broken_connections

        close_broken_connections()
        response = JsonResponse(
            {"status": "error", "database": "unavailable", "reason": type(error).__name__}, status=503
        )
        response["Retry-After"] = "30"
        return response
    return JsonResponse({"status": "ok", "database": "ok"})


def home(request):
    """The start page of each role: the front page decides, by the user's current roles.

    Case work: *Mine forløb* for a coordinator (their caseload and worklist counts), else *Mine opgaver* (a
    caseworker on teams coordinates nothing but owns agreements and attends meetings). Without a case role: the
    controller's economy pages, the leader's management overview, the segmentation pages, the configuration
    (administrators), in that order; anyone else gets their (possibly empty) task list. Citizens go to the portal,
    partners to their pages: drop-in staff (`outreach.access.partner_centre`) to their centre's conversations, other
    partners to the pathways they are invited to.
    """
    from samspil.access import policy
    from samspil.pathways.worklist import active_pathways

    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(reverse("home"))
    if getattr(user, "is_citizen_account", False):
        return redirect("portal:home")
    if getattr(user, "is_partner_account", False):
        from samspil.outreach.access import partner_centre

        return redirect("outreach_partner:home" if partner_centre(user) else "partners:home")
    if not policy.is_municipal_staff(user):
        return redirect("pathways:mine")
    if policy.can_do_case_work(user):
        if active_pathways(user, policy.MANAGE).exists():
            return redirect("pathways:mine")
        return redirect("pathways:tasks")
    if policy.can_see_costs(user):
        return redirect("economy:overview")
    if policy.can_see_aggregates(user):
        return redirect("organisations:leadership")
    if policy.can_segment(user):
        return redirect("segmentation:overview")
    if user.is_staff:
        return redirect("admin:index")
    return redirect("pathways:tasks")


class FormPostMixin:
    """A posted form: parse it, call one service, answer. The flow of every write page (the pathway's pages through
    `pathways.views.PathwayWriteView`, the portal's plan).

    Valid and saved: the success message and `success()` (the refreshed page for HTMX, else a redirect).
    Invalid, or refused by the service (`ValidationError`): `failure(form)`, the page with the form and its errors
    (422), nothing saved. Saved by someone else meanwhile (`ConflictError`): `conflict(form, error)`, by default the
    same as a refusal. Subclasses build the bound form (`bound_form`) and call the service (`perform`).
    """

    success_message = ""

    def bound_form(self):
        raise NotImplementedError

    def perform(self, form):
        raise NotImplementedError

    def success(self):
        raise NotImplementedError

    def failure(self, form):
        raise NotImplementedError

    def conflict(self, form, error):
        form.add_error(None, error.message)
        return self.failure(form)

    def post(self, request, *args, **kwargs):
        form = self.bound_form()
        if form.is_valid():
            try:
                self.perform(form)
            except ValidationError as error:
                form.add_error(None, error)
            except ConflictError as error:
                return self.conflict(form, error)
            else:
                messages.success(request, self.success_message)
                return self.success()
        return self.failure(form)
