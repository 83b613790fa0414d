from django.conf import settings
from django.utils.functional import SimpleLazyObject

from samspil.access import policy


def samspil(request):
    user = getattr(request, "user", None)

    def nav():
        return {
            "case_work": policy.can_do_case_work(user),
            "aggregates": policy.can_see_aggregates(user),
            "costs": policy.can_see_costs(user) or policy.can_see_aggregates(user),
            "segmentation": policy.can_segment(user),
        }

    return {"DEMO_MODE": settings.DEMO_MODE, "nav": SimpleLazyObject(nav)}
