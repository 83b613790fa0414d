"""The citizen's one-time rating link, `/vurdering/<token>/` (namespace `outreach_rating`): no log-in.

The page names the drop-in centre and nothing else — not the date, not the element, not the staff member, never the
citizen (whoever holds the link, or finds the tablet, learns only that the centre asks for a rating). It answers
once: a link that is unknown, used or expired gets the same neutral page (404 for unknown, 410 for used or expired,
the same words), so the page tells nobody whether a link existed. Nothing is access-logged: no one is shown.

Failed look-ups are counted per client address in the cache (as the log-in throttle does): from
`FAILURES_PER_ADDRESS` on, every request from that address gets the neutral page with 429 until the window ends, so
links cannot be guessed. The token leaves the site in no Referer header (`SECURE_REFERRER_POLICY = "same-origin"`).
"""

import hashlib

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from samspil.accounts.usernames import client_address
from samspil.core.forms import add_service_errors
from samspil.outreach import services_contacts
from samspil.outreach.forms_contacts import RatingForm

FAILURES_PER_ADDRESS = 30
WINDOW_SECONDS = 15 * 60
UNUSABLE_STATUS = {services_contacts.UNKNOWN: 404, services_contacts.USED: 410, services_contacts.EXPIRED: 410}


def _failure_key(request) -> str:
    address = client_address(request) or "unknown"
    return f"samspil:rating-link-failures:{hashlib.sha256(address.encode()).hexdigest()[:32]}"


def _limited(request) -> bool:
    return (cache.get(_failure_key(request)) or 0) >= FAILURES_PER_ADDRESS


def _count_failure(request) -> None:
    key = _failure_key(request)
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)


@method_decorator(never_cache, name="dispatch")
class RatingView(View):
    http_method_names = ["get", "post"]

    def dispatch(self, request, token):
        if _limited(request):
            return self.unusable(status=429)
        self.link = services_contacts.rating_link_get(token)
        problem = services_contacts.rating_link_problem(self.link)
        if problem:
            _count_failure(request)
            return self.unusable(status=UNUSABLE_STATUS[problem])
        return super().dispatch(request, token)

    def get(self, request, token):
        return self.render_form(RatingForm())

    def post(self, request, token):
        form = RatingForm(request.POST)
        if form.is_valid():
            try:
                services_contacts.rating_give(token=token, answers=form.answers())
            except services_contacts.RatingLinkUnusable as unusable:
                return self.unusable(status=UNUSABLE_STATUS[unusable.reason])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return render(request, "outreach/rating/thanks.html", {})
        return self.render_form(form, status=422)

    def render_form(self, form, status=200):
        context = {"form": form, "centre": self.link.registration.centre}
        return render(self.request, "outreach/rating/rate.html", context, status=status)

    def unusable(self, *, status: int):
        return render(self.request, "outreach/rating/unusable.html", {}, status=status)
