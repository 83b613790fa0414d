from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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
    partners to their pages.
    """
    from samspil.access import policy
    from samspil.pathways.worklist import active_pathways

    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(reverse("home"))
    if getattr(user, "is_citizen_account", False):
        return redirect("portal:home")
    if getattr(user, "is_partner_account", False):
        return redirect("partners:home")
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
