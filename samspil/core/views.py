from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect
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
    return redirect("pathways:mine")
