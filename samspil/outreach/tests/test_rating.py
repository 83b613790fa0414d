"""The citizen's rating of a conversation: the one-time link (and its QR code), the public page without log-in, and
the paper form typed in by staff."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AccessLogEntry, AuditEvent
from samspil.outreach import services_contacts as services
from samspil.outreach import views_rating
from samspil.outreach.choices import RatingSource
from samspil.outreach.models import CitizenRating, RatingLink
from samspil.outreach.tests.test_contacts import build_drop_in, record
from samspil.partners.models import token_hash

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(world, request_id):
    drop_in = build_drop_in(world)
    with request_id(world.coordinator):
        registration, _ = record(world.coordinator, drop_in.centre, world.children, pseudonym="Store Jens")
    return registration


def make_link(client, world, registration) -> str:
    """The staff member makes the link on the conversation's page; the page shows it once."""
    client.force_login(world.coordinator)
    response = client.post(reverse("outreach:contacts_rating_link", args=[registration.public_id]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<svg" in content and "<title>" in content  # the QR code, inline, with a text alternative
    token = re.search(r"/vurdering/([A-Za-z0-9_\-]+)/", response.context["url"]).group(1)
    client.logout()
    return token


def test_the_link_is_stored_only_as_its_hash_and_expires_in_a_week(client, world, conversation):
    token = make_link(client, world, conversation)
    link = RatingLink.objects.get()
    assert link.token_hash == token_hash(token) and token not in link.token_hash
    assert link.expires_at - timezone.now() > datetime.timedelta(days=services.RATING_LINK_DAYS) - datetime.timedelta(
        minutes=1
    )
    assert link.created_by == world.coordinator
    assert AuditEvent.objects.filter(code="outreach.rating_link_made").count() == 1


def test_the_citizen_rates_once_without_logging_in_and_the_page_names_only_the_centre(client, world, conversation):
    token = make_link(client, world, conversation)
    url = reverse("outreach_rating:rate", args=[token])
    before = AccessLogEntry.objects.count()

    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert conversation.centre.name in content
    for secret in ("Store Jens", conversation.occurred_on.strftime("%d.%m.%Y"), world.coordinator.last_name):
        assert secret not in content
    assert page["Referrer-Policy"] == "same-origin"  # the token is sent to no other site

    answered = client.post(url, {"safe": "5", "relevant": "4", "place": ""})
    assert answered.status_code == 200
    rating = CitizenRating.objects.get()
    assert (rating.safe, rating.relevant, rating.place) == (5, 4, None)
    assert rating.source == RatingSource.LINK and rating.entered_by is None
    assert rating.registration == conversation
    assert RatingLink.objects.get().used_at is not None
    event = AuditEvent.objects.get(code="outreach.rating_given")
    assert event.actor is None and event.data["source"] == RatingSource.LINK
    assert AccessLogEntry.objects.count() == before  # nobody was shown

    used_get, used_post = client.get(url), client.post(url, {"safe": "1"})
    assert used_get.status_code == used_post.status_code == 410
    assert CitizenRating.objects.count() == 1


def test_used_expired_and_unknown_links_look_the_same(client, world, conversation):
    token = make_link(client, world, conversation)
    unknown = client.get(reverse("outreach_rating:rate", args=["ikke-et-gyldigt-link"]))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=services.RATING_LINK_DAYS, minutes=1)):
        expired = client.get(reverse("outreach_rating:rate", args=[token]))
        expired_post = client.post(reverse("outreach_rating:rate", args=[token]), {"safe": "3"})
    assert unknown.status_code == 404 and expired.status_code == expired_post.status_code == 410

    def page(response, token):  # without what differs on every page anyway: the CSRF token, the own URL
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        return text.replace(token, "<token>")

    assert page(unknown, "ikke-et-gyldigt-link") == page(expired, token)
    assert not CitizenRating.objects.exists()


def test_an_empty_answer_is_refused_and_the_link_still_works(client, world, conversation):
    token = make_link(client, world, conversation)
    url = reverse("outreach_rating:rate", args=[token])
    assert client.post(url, {}).status_code == 422
    assert client.post(url, {"safe": "9"}).status_code == 422
    assert not CitizenRating.objects.exists()
    assert client.post(url, {"place": "3"}).status_code == 200


def test_too_many_failed_tries_from_one_address_are_stopped(client, world, conversation, clock_cache):
    token = make_link(client, world, conversation)
    for n in range(views_rating.FAILURES_PER_ADDRESS):
        assert client.get(reverse("outreach_rating:rate", args=[f"gaet-{n}"])).status_code == 404
    # Now even a good link answers the neutral page: guessing tells nothing.
    assert client.get(reverse("outreach_rating:rate", args=[token])).status_code == 429
    other = client.get(reverse("outreach_rating:rate", args=[token]), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=views_rating.WINDOW_SECONDS + 1)):
        assert client.get(reverse("outreach_rating:rate", args=[token])).status_code == 200


def test_a_new_link_ends_the_one_before(client, world, conversation):
    first = make_link(client, world, conversation)
    second = make_link(client, world, conversation)
    assert client.get(reverse("outreach_rating:rate", args=[first])).status_code == 410
    assert client.get(reverse("outreach_rating:rate", args=[second])).status_code == 200


def test_staff_type_in_the_paper_form(client, world, conversation):
    token = make_link(client, world, conversation)
    client.force_login(world.coordinator)
    url = reverse("outreach:contacts_rating_paper", args=[conversation.public_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 422
    response = client.post(url, {"safe": "2", "relevant": "3", "place": "5"})
    assert response.status_code == 302
    rating = CitizenRating.objects.get()
    assert (rating.safe, rating.relevant, rating.place, rating.source) == (2, 3, 5, RatingSource.PAPER)
    assert rating.entered_by == world.coordinator
    # One rating per conversation: the link stops working, a second paper form and a new link are refused.
    client.logout()
    assert client.get(reverse("outreach_rating:rate", args=[token])).status_code == 410
    client.force_login(world.coordinator)
    assert client.get(url).status_code == 302
    with pytest.raises(ValidationError):
        services.rating_record_paper(actor=world.coordinator, registration=conversation, answers={"safe": 1})
    refused = client.post(reverse("outreach:contacts_rating_link", args=[conversation.public_id]))
    assert refused.status_code == 302
    assert RatingLink.objects.count() == 1
    page = client.get(reverse("outreach:contacts_registration", args=[conversation.public_id]))
    assert page.context["rating"] == rating


def test_a_colleague_outside_the_department_cannot_rate_or_make_links(client, world, conversation):
    client.force_login(world.jobworker)
    assert client.post(reverse("outreach:contacts_rating_link", args=[conversation.public_id])).status_code == 404
    assert client.post(reverse("outreach:contacts_rating_paper", args=[conversation.public_id])).status_code == 404
    assert not RatingLink.objects.exists() and not CitizenRating.objects.exists()
