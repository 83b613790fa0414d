from django.conf import settings
from django.utils.functional import SimpleLazyObject

from samspil.access import policy
from samspil.core.csrf import request_token


def _task_counts(request) -> dict:
    """The main menu's task figures: once per request, only when a page shows the menu, and kept for a minute
    (`pathways.tasks.task_counts_for_menu`: one query when not kept)."""
    cached = getattr(request, "_samspil_task_counts", None)
    if cached is None:
        from samspil.pathways.tasks import task_counts_for_menu

        cached = task_counts_for_menu(actor=request.user)
        request._samspil_task_counts = cached
    return cached


def samspil(request):
    user = getattr(request, "user", None)

    def nav():
        staff = policy.is_municipal_staff(user)
        return {
            "staff": staff,
            "case_work": policy.can_do_case_work(user),
            "aggregates": policy.can_see_aggregates(user),
            "costs": policy.can_see_costs(user) or policy.can_see_aggregates(user),
            "segmentation": policy.can_segment(user),
            "tasks": SimpleLazyObject(lambda: _task_counts(request)) if staff else {},
        }

    # In the place of Django's own `csrf_token` (its processor runs first): every form of the request gets one token.
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "nav": SimpleLazyObject(nav),
        "csrf_token": SimpleLazyObject(lambda: request_token(request)),
    }
