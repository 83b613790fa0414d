"""The benchmark's own pages (`make bench`), mounted only when `settings.SAMSPIL_BENCH` is on (samspil/config/urls.py).

`floor`: the framework's floor — the session and the user (through the normal middleware, log-in required) and one
indexed row (the user's first membership), answered with a few bytes. Every page's time in docs/benchmarks.md is a
ratio to this view, measured in the same run. `layout`: the same plus the site layout (base.html with its menu), the
cost of a page that shows nothing of its own.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from samspil.organisations.models import Membership


def _one_row(user) -> int | None:
    return Membership.objects.filter(user_id=user.pk).order_by("id").values_list("id", flat=True).first()


@require_GET
@login_required
def floor(request):
    return HttpResponse(f"ok {_one_row(request.user) or 0}\n", content_type="text/plain")


@require_GET
@login_required
def layout(request):
    return render(request, "demo/bench_layout.html", {"row": _one_row(request.user)})
