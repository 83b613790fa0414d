"""The access-log page: filters (who, dates, what, purpose, basis), keyset pages, and refused attempts in words."""

import datetime
import re
import uuid
from html import unescape

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from samspil.audit import context
from samspil.audit.choices import AccessPurpose, AccessVia
from samspil.audit.models import AccessLogEntry
from samspil.audit.services import access_record
from samspil.pathways.access_log import ATTEMPTS, AccessLogFilterForm, Cursor, attempt_description

pytestmark = pytest.mark.django_db


def log(world, actor, *, at, shown="pathway.overview", via=AccessVia.SCOPE, purpose=AccessPurpose.COORDINATION, n=1):
    """`n` reads by `actor` at the moment `at` (all with exactly that time)."""
    with time_machine.travel(at, tick=False), context.bound(actor_id=actor.pk, request_id=f"r-{uuid.uuid4()}"):
        for _ in range(n):
            access_record(
                actor=actor, citizens=[world.citizen], shown=shown, purpose=purpose, pathway=world.pathway, via=via
            )


def page_of(client, world, **params):
    client.force_login(world.coordinator)
    with translation.override("da"):
        return client.get(reverse("pathways:access_log", args=[world.pathway.public_id]), params)


def table_rows(response) -> list[str]:
    html = response.content.decode()
    if 'id="access-log"' not in html:
        return []
    table = html[html.index('id="access-log"') : html.index("</table>", html.index('id="access-log"'))]
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in table.split("<tr>")[2:]]


@pytest.fixture
def history(world):
    """Reads over three days: the colleague (overview, scope), the outsider (break-glass), the jobworker (plan)."""
    now = timezone.now()
    log(world, world.colleague, at=now - datetime.timedelta(days=3))
    log(world, world.outsider, at=now - datetime.timedelta(days=2), via=AccessVia.BREAK_GLASS)
    log(world, world.jobworker, at=now - datetime.timedelta(days=1), shown="plan")
    return now


def test_the_filters_narrow_the_log(client, world, history):
    assert len(table_rows(page_of(client, world))) == 3
    only_outsider = table_rows(page_of(client, world, person=world.outsider.public_id))
    assert len(only_outsider) == 1 and world.outsider.get_full_name() in only_outsider[0]
    break_glass = table_rows(page_of(client, world, adgang=AccessVia.BREAK_GLASS))
    assert len(break_glass) == 1 and "Nødadgang" in break_glass[0]
    plan = table_rows(page_of(client, world, vist="plan"))
    assert len(plan) == 1 and world.jobworker.get_full_name() in plan[0]
    day = timezone.localtime(history - datetime.timedelta(days=2)).date()
    one_day = table_rows(page_of(client, world, fra=f"{day:%d.%m.%Y}", til=f"{day:%d.%m.%Y}"))
    assert len(one_day) == 1 and world.outsider.get_full_name() in one_day[0]
    since = " | ".join(table_rows(page_of(client, world, fra=f"{day:%d.%m.%Y}")))  # with the coordinator's own reads
    assert world.outsider.get_full_name() in since and world.jobworker.get_full_name() in since
    assert world.colleague.get_full_name() not in since
    nothing = table_rows(page_of(client, world, person=world.outsider.public_id, vist="plan"))
    assert nothing == ["Ingen opslag passer til filteret."]


def test_the_person_filter_offers_those_who_read(client, world, history):
    page = page_of(client, world).content.decode()
    options = re.findall(r'<option value="([^"]*)"', page[page.index('name="person"') :].split("</select>")[0])
    readers = {str(user.public_id) for user in (world.colleague, world.outsider, world.jobworker)}
    assert set(options) == {""} | readers  # the public ids of those who read, never database ids


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"fra": "31.02.2026"}, "Datoen findes ikke"),
        ({"fra": "i går"}, "Datoen findes ikke"),
        ({"fra": "10.11.2026", "til": "01.11.2026"}, "Til-datoen ligger før fra-datoen."),
        ({"person": "17"}, "Vælg en af mulighederne på listen."),
        ({"adgang": "everything"}, "Vælg en af mulighederne på listen."),
        ({"efter": "not-a-cursor"}, "Linket til næste side er ikke gyldigt."),
        ({"efter": "MjAyNnwx"}, "Linket til næste side er ikke gyldigt."),  # base64 of "2026|1"
    ],
)
def test_bad_filter_input_is_a_danish_message_not_a_500(client, world, history, params, message):
    response = page_of(client, world, **params)
    assert response.status_code == 422
    page = unescape(response.content.decode())
    assert message in page
    assert 'id="access-log"' not in page  # no unfiltered table that looks filtered
    assert 'id="change-log"' in page  # the rest of the page is still there


def test_keyset_pages_show_every_row_once_even_when_rows_share_a_moment(client, world, settings):
    settings.SAMSPIL_PAGE_SIZE = 3
    now = timezone.now()
    log(world, world.colleague, at=now - datetime.timedelta(hours=5), n=2)
    log(world, world.jobworker, at=now - datetime.timedelta(hours=4), n=4)  # four at the same microsecond
    log(world, world.outsider, at=now - datetime.timedelta(hours=3), via=AccessVia.BREAK_GLASS)
    expected = list(
        AccessLogEntry.objects.filter(pathway=world.pathway).order_by("-created_at", "-id").values_list("id", flat=True)
    )
    assert len(expected) == 7

    seen_names, params, pages = [], {}, 0
    while True:
        response = page_of(client, world, **params)
        assert response.status_code == 200
        rows = table_rows(response)
        seen_names += rows
        pages += 1
        html = unescape(response.content.decode())
        older = re.search(r'<a href="\?([^"#]*)#access-log" rel="next">', html)
        if not older:
            break
        params = dict(part.split("=", 1) for part in older.group(1).split("&"))
        Cursor.decode(params["efter"])  # an opaque cursor: a moment and a count, no database id
        assert pages < 5
    assert pages == 3 and len(seen_names) == 7  # 3 + 3 + 1
    names = [row.split(" ", 2)[2] for row in seen_names]
    assert sum(world.jobworker.get_full_name() in name for name in names) == 4
    assert sum(world.colleague.get_full_name() in name for name in names) == 2
    assert world.outsider.get_full_name() in names[0]  # newest first


def test_pages_keep_the_filter(client, world, settings):
    settings.SAMSPIL_PAGE_SIZE = 2
    now = timezone.now()
    log(world, world.jobworker, at=now - datetime.timedelta(hours=2), n=3)
    log(world, world.colleague, at=now - datetime.timedelta(hours=1), n=3)
    first = page_of(client, world, person=world.jobworker.public_id)
    older = re.search(r'<a href="\?([^"#]*)#access-log" rel="next">', unescape(first.content.decode())).group(1)
    params = dict(part.split("=", 1) for part in older.split("&"))
    assert params["person"] == str(world.jobworker.public_id)
    second = table_rows(page_of(client, world, **params))
    assert len(second) == 1 and world.jobworker.get_full_name() in second[0]


def test_a_refused_attempt_says_what_was_attempted(client, world):
    client.force_login(world.outsider)
    consent_url = reverse("pathways:consent_add", args=[world.pathway.public_id])
    assert client.get(consent_url).status_code == 404
    page = unescape(page_of(client, world).content.decode())
    attempts = page[page.index('id="refused-attempts"') :].split("</ul>")[0]
    assert world.outsider.get_full_name() in attempts
    assert "Forsøgte at åbne samtykkeformularen" in attempts
    assert consent_url not in attempts


def test_an_unknown_path_is_shown_as_it_is():
    assert attempt_description("/findes/ikke/") == "/findes/ikke/"
    with translation.override("da"):
        assert attempt_description("") == "Forsøgte at åbne en side i forløbet"


def pathway_url_names(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            prefix_has_pathway = "pathway_id" in str(pattern.pattern)
            for name, route in pathway_url_names(pattern.url_patterns, inner):
                yield name, (str(pattern.pattern) + route) if not prefix_has_pathway else "<pathway_id>" + route
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", str(pattern.pattern)


def test_every_pathway_page_has_a_description_of_an_attempt():
    """A new pathway page must say, in the access log, what a refused visitor tried to do."""
    names = {name for name, route in pathway_url_names() if "pathway_id" in route}
    assert "pathways:consent_add" in names  # the walk finds the pathway pages
    assert sorted(names - set(ATTEMPTS)) == []


def test_the_filter_form_takes_danish_dates():
    form = AccessLogFilterForm({"fra": "01.11.2026", "til": "30.11.2026"})
    assert form.is_valid(), form.errors
    filters = form.filters()
    assert (filters.date_from, filters.date_to) == (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    assert filters.query() == "fra=01.11.2026&til=30.11.2026"
