from django.conf import settings
from django.utils.functional import SimpleLazyObject

from samspil.access import policy


def samspil(request):
    user = getattr(request, "user", None)

    def nav():
        return {
            "case_work": policy.can_do_case_work(user),
            "aggregates": policy.can_see_aggregates(user),
        }

    return {"DEMO_MODE": settings.DEMO_MODE, "nav": SimpleLazyObject(nav)}
